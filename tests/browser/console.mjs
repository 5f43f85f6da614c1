// The staff console in a real browser: Debian's chromium, headless, driven by
// playwright-core, pages checked with axe-core. Started by
// tests/integration/test_console_browser.sh against a real serve, mosquitto and two headless
// kiosks on loopback, which passes everything through the environment:
//   CONSOLE_URL    http://127.0.0.1:PORT
//   ADMIN_PASS, VIEWER_PASS  passwords of the accounts "admin" and "viewer"
//   KIOSKS         "id:group,id:group" of the two kiosks
//   PACK_DIR       the default pack's folder (uploaded through the page)
//   PACK_ZIP, BAD_ZIP  the default pack as a zip, and a zip with a path climbing out, an
//                  absolute path and a symbolic link
//   REPORT_CMD     JSON array: the argv of `hall-controller report --format json` of today,
//                  run beside the report page to compare the numbers
//   SHOTS          where screenshots of every page at 1366x768 and 390x844 go
// Prints "ok   ..." per check and exits 1 on the first failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
const URL0 = env('CONSOLE_URL');
const SHOTS = env('SHOTS');
const KIOSKS = env('KIOSKS').split(',').map((s) => { const [id, group] = s.split(':'); return { id, group }; });
const REPORT_CMD = JSON.parse(env('REPORT_CMD'));
const cliReport = () => JSON.parse(execFileSync(REPORT_CMD[0], REPORT_CMD.slice(1), { encoding: 'utf8' }));
fs.mkdirSync(SHOTS, { recursive: true });

let failed = false;
const T0 = Date.now();
function ok(cond, what) {
  if (!cond) { console.log('FAIL ' + what); failed = true; throw new Error(what); }
  console.log(`ok   ${what} (${((Date.now() - T0) / 1000).toFixed(1)} s)`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let current = null; // the page, for what it showed when a wait failed
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) {
      if (current) console.log('    the page showed: ' + (await current.textContent('main').catch(() => '?')).slice(0, 1500));
      ok(false, what);
    }
    await sleep(200);
  }
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1366, height: 768 },
  // axe is injected by script; the console's own CSP is checked separately.
  bypassCSP: true,
  locale: 'ko-KR',
});
const axeFindings = [];

async function look(page, name) {
  // axe first (serious and critical only count), then the two screen sizes.
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  ok(bad.length === 0, `axe: no serious or critical violations on ${name}` + (bad.length ? ': ' + bad.map((v) => v.id).join(', ') : ''));
  for (const [w, h] of [[1366, 768], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await sleep(150);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

async function login(page, user, pass) {
  await page.goto(URL0 + '/#/login');
  await page.waitForSelector('#login-user');
  await page.fill('#login-user', user);
  await page.fill('#login-password', pass);
  await page.click('#login-submit');
  await page.waitForSelector('#fleet-list');
}

async function apiFrom(page, method, p, body, csrf) {
  return page.evaluate(async ([method, p, body, csrf]) => {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch('/api/v1' + p, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.text() };
  }, [method, p, body, csrf]);
}

try {
  const page = browser.pages()[0] || await browser.newPage();
  current = page;
  // ---- login page
  await page.goto(URL0 + '/');
  await page.waitForSelector('#login-user');
  const csp = (await page.request.get(URL0 + '/')).headers()['content-security-policy'] || '';
  ok(csp.includes("default-src 'self'"), 'pages carry a CSP that allows only the console itself');
  await look(page, 'login');

  // ---- failed logins are slowed (through the page): the third failure in a row waits
  await page.fill('#login-user', 'admin');
  // The controller holds a try until 500 ms doubling per failure have passed since the last
  // failure, so the third answer comes at least 1 s after the second, however soon or late
  // the third click came (timing the click itself failed when the test was slow to click).
  const times = [], answered = [];
  for (let i = 0; i < 3; i++) {
    await page.fill('#login-password', 'wrong-password-' + i);
    const t0 = Date.now();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/login'), { timeout: 20000 });
    await page.click('#login-submit');
    await answer;
    answered.push(Date.now());
    await until(async () => (await page.textContent('#login-error')).length > 0 && !(await page.isDisabled('#login-submit')), 20000, 'a failed login is answered');
    times.push(answered[i] - t0);
    await page.evaluate(() => { document.querySelector('#login-error').textContent = ''; });
  }
  ok(answered[2] - answered[1] >= 900, `failed logins are slowed (${times.join(', ')} ms; the third answered ${answered[2] - answered[1]} ms after the second)`);

  // ---- the page drawn again while the form is filled in (#/login opened again: a hash
  // change, whose render asks /me first) keeps what was typed: it used to draw a fresh
  // empty form, and a click then met the empty form's 'required' and sent nothing
  await page.fill('#login-password', 'typed-not-sent');
  const meAnswered = page.waitForResponse((r) => r.url().endsWith('/api/v1/me'), { timeout: 20000 });
  await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
  await meAnswered;
  await sleep(300);
  ok(await page.inputValue('#login-user') === 'admin' && await page.inputValue('#login-password') === 'typed-not-sent',
    'the login form keeps what was typed when the page is drawn again');
  await page.fill('#login-password', '');

  // ---- log in; the fleet shows both kiosks and what they show
  await login(page, 'admin', env('ADMIN_PASS'));
  ok(true, 'admin logs in');
  for (const k of KIOSKS) {
    await until(async () => {
      const txt = await page.textContent('#k-' + k.id);
      return txt && /연결됨/.test(txt) && /기본 콘텐츠|default/.test(txt) ? txt : null;
    }, 15000, `fleet shows ${k.id} online and showing the built-in pack`);
  }
  ok(true, 'fleet shows both kiosks online with what they show');
  // The render health in words from the kiosk's own figure: a kiosk that has not drawn
  // enough frames to measure says so (it used to show a dash, or "very slow" from the one
  // frame that applied a notice), one that has gets normal / slow / very slow.
  const health = await until(async () => {
    const api = JSON.parse((await apiFrom(page, 'GET', '/kiosks')).body).kiosks;
    const cards = await page.$$eval('#fleet-list [data-render]', (l) => l.map((x) => [x.closest('article').id, x.dataset.render]));
    const want = api.map((k) => ['k-' + k.id, k.frame_p99_ms == null ? 'few' : k.frame_p99_ms <= 50 ? 'ok' : k.frame_p99_ms <= 200 ? 'warn' : 'bad']);
    return JSON.stringify(cards.sort()) === JSON.stringify(want.sort()) ? want : null;
  }, 10000, 'each card says its kiosk\'s render health, or that it has not drawn enough frames yet');
  ok(true, `each card says its render health from the kiosk's own figure (${health.map((x) => x.join(': ')).join(', ')})`);
  // console4: a real figure, carried from the kiosk's own frames (west-1's script keeps its
  // screen moving) through its status and /api/v1/kiosks to its card, number and word
  const real = await until(async () => {
    const k = JSON.parse((await apiFrom(page, 'GET', '/kiosks')).body).kiosks.find((x) => x.id === KIOSKS[1].id);
    if (typeof k?.frame_p99_ms !== 'number' || !(k.frame_p99_ms > 0)) return null;
    const card = await page.$(`#k-${k.id} [data-render]`);
    const txt = card ? await card.textContent() : '';
    const want = k.frame_p99_ms <= 50 ? 'ok' : k.frame_p99_ms <= 200 ? 'warn' : 'bad';
    return card && (await card.getAttribute('data-render')) === want && txt.includes(`${k.frame_p99_ms < 10 ? k.frame_p99_ms.toFixed(1) : Math.round(k.frame_p99_ms)} ms`) ? [k.frame_p99_ms, txt] : null;
  }, 30000, `${KIOSKS[1].id} reports a real render-health figure that its card shows`);
  ok(true, `${KIOSKS[1].id}'s own frame_p99_ms ${real[0]} ms reaches /api/v1/kiosks and its card ("${real[1]}")`);
  // A thousand cards want a filter: words of the id or group, and only those that need
  // someone (offline, alert, help calls), kept while the fleet changes.
  const visible = () => page.$$eval('#fleet-list article', (l) => l.filter((x) => !x.hidden).map((x) => x.id).sort());
  await page.fill('#fleet-q', 'west');
  ok(JSON.stringify(await visible()) === '["k-west-1"]' && /2대 중 1대/.test(await page.textContent('#fleet-shown')),
    `the fleet filters by id or group ("${await page.textContent('#fleet-shown')}")`);
  await page.fill('#fleet-q', '');
  await page.check('#fleet-problems');
  const needy = JSON.parse((await apiFrom(page, 'GET', '/kiosks')).body).kiosks.filter((k) => !k.online || k.alert || k.help_calls > 0).map((k) => 'k-' + k.id).sort();
  ok(JSON.stringify(await visible()) === JSON.stringify(needy), `"only those that need someone" shows ${needy.length} of 2`);
  await page.uncheck('#fleet-problems');
  ok((await visible()).length === 2, 'the filter off shows every kiosk again');
  await look(page, 'fleet');

  // ---- English
  await page.click('#lang');
  await until(async () => (await page.getAttribute('html', 'lang')) === 'en' && /online/.test(await page.textContent('#fleet-list')), 5000, 'switching to English');
  ok(true, 'the language switches to English');
  await look(page, 'fleet-en');
  await page.click('#lang');
  await until(async () => (await page.getAttribute('html', 'lang')) === 'ko', 5000, 'switching back to Korean');

  // ---- a change without the CSRF token is refused
  const noCsrf = await apiFrom(page, 'POST', '/notices', { to: 'all', text: { en: 'x' } }, null);
  ok(noCsrf.status === 403, `a change without the CSRF token is refused (${noCsrf.status})`);

  // ---- content: upload the default pack, push to one group, per-kiosk progress
  const target = KIOSKS[0];
  await page.goto(URL0 + '/#/content');
  await page.waitForSelector('#pack-files');
  await look(page, 'content');
  // a zip: every problem listed at once; then the good one, checked and previewed by a
  // headless kiosk on the controller (the preview runs while the push goes on)
  await page.setInputFiles('#pack-zip', env('BAD_ZIP'));
  await page.click('#content-check');
  const issues = await until(async () => (await page.$$eval('#content-issues li', (l) => l.map((x) => x.textContent))).join('\n') || null, 20000,
    'the bad zip is answered with its problems');
  ok(/escape\.txt/.test(issues) && /\/etc\/abs\.txt/.test(issues) && /link\.png.*symbolic link/.test(issues) && /^오류: /m.test(issues),
    `a zip's climbing, absolute and linked entries are refused, all listed at once (${issues.split('\n').length} problems)`);
  ok(!fs.existsSync(path.join(path.dirname(env('BAD_ZIP')), 'escape.txt')), 'nothing was written outside the upload');
  ok((await page.textContent('#pack-zip-chosen')) === 'bad.zip' && (await page.textContent('#pack-files-chosen')) === '고른 것 없음',
    'the file fields say what was chosen in the page\'s language (the browser\'s own said "No file chosen")');
  await page.setInputFiles('#pack-zip', env('PACK_ZIP'));
  await page.click('#content-check');
  await until(async () => /seoul|문제 없음/.test(await page.textContent('#content-check-result')), 20000, 'the zipped pack checks without problems');
  ok(true, 'the default pack uploaded as a zip has no problems');
  await page.setInputFiles('#pack-zip', []);
  await page.setInputFiles('#pack-files', env('PACK_DIR'));
  await page.selectOption('#content-to', 'group:' + target.group);
  await page.click('#content-push');
  const dlg = await until(async () => (await page.isVisible('#confirm')) && await page.textContent('#confirm-body'), 30000, 'the push asks for confirmation');
  ok(/1/.test(dlg), `the confirmation says how many screens change: "${dlg.trim()}"`);
  await look(page, 'content-confirm');
  await page.click('#confirm-yes');
  await until(async () => (await page.getAttribute(`#progress-table tr[data-kiosk="${target.id}"]`, 'data-state')) === 'applied', 30000,
    `per-kiosk progress shows ${target.id} applied`);
  const rows = await page.$$eval('#progress-table tbody tr', (trs) => trs.map((t) => t.dataset.kiosk));
  ok(rows.length === 1 && rows[0] === target.id, `progress lists only the group's kiosk (${rows.join(', ')})`);
  await look(page, 'content-progress');
  await page.goto(URL0 + '/#/fleet');
  await until(async () => /그룹/.test(await page.textContent('#k-' + target.id)) && /버전 [1-9]/.test(await page.textContent('#k-' + target.id)), 10000,
    'the fleet shows the pushed pack from the group');
  ok(true, `the fleet shows ${target.id} showing the group's push`);

  // ---- a notice written in the console appears in a kiosk's screenshot
  const nk = KIOSKS[1];
  const shotOf = async () => {
    await page.goto(URL0 + '/#/fleet');
    await page.waitForSelector(`#k-${nk.id} button`);
    await page.click(`#k-${nk.id} button:has-text("화면 캡처")`);
    await until(async () => (await page.$(`#shot-${nk.id} img`)) && await page.evaluate((id) => {
      const i = document.querySelector(`#shot-${id} img`); return i.complete && i.naturalWidth > 0;
    }, nk.id), 30000, 'the screenshot arrives in the fleet page');
    // The pixels stay in the page (a 1920x1080 image is 8 M numbers): a digest of 8x8 cells.
    return page.evaluate(async (id) => {
      const img = document.querySelector(`#shot-${id} img`);
      const c = document.createElement('canvas');
      c.width = 240; c.height = 135;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0, 240, 135);
      return Array.from(g.getImageData(0, 0, 240, 135).data);
    }, nk.id);
  };
  const before = await shotOf();
  await page.goto(URL0 + '/#/notices');
  await page.waitForSelector('#notice-form');
  await page.selectOption('#notice-to', 'kiosk:' + nk.id);
  // console4: the server's refusal in the page's language (its code and arguments, not its English)
  await page.click('#notice-raise');
  await until(async () => (await page.textContent('#notice-error')).includes('공지 문구를 한 언어 이상 쓰세요'), 10000,
    'the server\'s refusal of a notice without text is said in Korean');
  ok(true, 'the server\'s refusal of a notice without text is said in Korean');
  await page.selectOption('#notice-level', 'urgent');
  await page.fill('#notice-ko', '오늘 17시에 시민청을 닫습니다');
  await page.fill('#notice-en', 'Citizen Hall closes at 17:00 today');
  // console4: the preview, drawn by a headless kiosk on the controller before anything is
  // sent: one screen per language of the pack, each with its own text (they differ)
  await page.click('#notice-preview');
  await until(async () => page.evaluate(() => {
    const imgs = [...document.querySelectorAll('#notice-preview-shots figure img')];
    return imgs.length >= 2 && imgs.every((i) => i.complete && i.naturalWidth >= 640);
  }), 60000, 'the notice preview shows a kiosk screen per language');
  const pv = await page.evaluate(() => {
    const px = (lang) => {
      const img = document.querySelector(`#notice-preview-shots figure[data-lang="${lang}"] img`);
      const c = document.createElement('canvas');
      c.width = 240; c.height = 135;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0, 240, 135);
      return Array.from(g.getImageData(0, 0, 240, 135).data);
    };
    const ko = px('ko'), en = px('en');
    let d = 0;
    for (let i = 0; i < ko.length; i += 4) if (Math.abs(ko[i] - en[i]) + Math.abs(ko[i + 1] - en[i + 1]) + Math.abs(ko[i + 2] - en[i + 2]) > 60) d++;
    return { diff: d / (ko.length / 4), caption: document.querySelector('#notice-preview-shots figure[data-lang="ko"] figcaption').textContent };
  });
  ok(pv.diff > 0.005 && /긴급/.test(pv.caption),
    `the notice preview draws each language's own text with the urgent look (${(pv.diff * 100).toFixed(1)}% of pixels differ, caption "${pv.caption}")`);
  ok((await page.$$(`#notice-current li`)).length === 0, 'a preview sends nothing: no kiosk shows a notice yet');
  await look(page, 'notices');
  await page.click('#notice-raise');
  await until(async () => (await page.getAttribute(`#progress-table tr[data-kiosk="${nk.id}"]`, 'data-state')) === 'applied', 20000,
    'the kiosk applies the notice');
  ok(true, `${nk.id} applied the console's notice`);
  // the page's list of current notices follows (it said "none" right after the raise)
  await until(async () => (await page.textContent('#notice-current')).includes('17시에 시민청을 닫습니다'), 10000,
    'the current notices list the raised notice');
  ok(true, 'the list of current notices shows the notice once the kiosk has it');
  await look(page, 'notices-progress');
  await sleep(1500);
  const after = await shotOf();
  let diff = 0;
  for (let i = 0; i < Math.min(before.length, after.length); i += 4)
    if (Math.abs(before[i] - after[i]) + Math.abs(before[i + 1] - after[i + 1]) + Math.abs(before[i + 2] - after[i + 2]) > 60) diff++;
  const frac = diff / (after.length / 4);
  ok(frac > 0.01, `the notice changed the kiosk's screenshot (${(frac * 100).toFixed(1)}% of pixels)`);
  fs.writeFileSync(path.join(SHOTS, 'notice-kiosk-shot.png'),
    Buffer.from(await (await page.request.get(`${URL0}/api/v1/kiosks/${nk.id}/shot`)).body()));
  await look(page, 'fleet-shot');

  // ---- commands
  await page.goto(URL0 + '/#/commands');
  await page.waitForSelector('#command-form');
  await page.selectOption('#command-cmd', 'identify');
  await page.selectOption('#command-to', 'group:' + target.group);
  await page.click('#command-send');
  await until(async () => (await page.getAttribute('#job-status', 'data-outcome')) === 'ok', 30000, 'identify to a group is done');
  ok(true, 'a command to a group is done');
  ok((await page.$('#command-progress table')) === null, 'a command shows its outcome, not an empty table of kiosks');
  await look(page, 'commands');

  // ---- report numbers equal `report --format json` (the kiosk in a visit may add events
  // meanwhile: the CLI's report is taken before and after the page's, and a pair that
  // agrees is compared)
  let report = null;
  for (let i = 0; i < 5 && !report; i++) {
    const r1 = cliReport();
    await page.goto(URL0 + '/#/history');
    await page.goto(URL0 + '/#/reports');
    await page.waitForSelector('#report-totals');
    const r2 = cliReport();
    if (JSON.stringify(r1.totals) === JSON.stringify(r2.totals)) report = r2;
  }
  ok(report, 'the report held still long enough to compare');
  for (const k of ['sessions', 'taps', 'views', 'events', 'votes', 'help']) {
    const shown = Number(await page.textContent(`#report-totals [data-figure="${k}"] strong`));
    ok(shown === Number(report.totals[k] ?? 0), `report page ${k} = ${shown}, report --format json says ${report.totals[k]}`);
  }
  for (const k of report.kiosks) {
    const cells = await page.$$eval(`#report-kiosks tr[data-kiosk="${k.id}"] td`, (tds) => tds.map((t) => t.textContent));
    ok(Number(cells[1]) === k.events && Number(cells[4]) === k.taps, `report page row of ${k.id} matches (events ${k.events}, taps ${k.taps})`);
  }
  const dl = await page.request.get(URL0 + (await page.getAttribute('#report-dl-csv', 'href')));
  ok(dl.status() === 200 && /attachment/.test(dl.headers()['content-disposition'] || ''), 'the CSV downloads');
  ok(!/\bnull\b/.test(await page.textContent('main')), 'the report page shows no stray "null"');
  await look(page, 'reports');

  // ---- history names the person
  await page.goto(URL0 + '/#/history');
  await page.waitForSelector('#history-table');
  const hist = await page.textContent('#history-table');
  const histCodes = (await page.$$eval('#history-table td span[title]', (l) => l.map((x) => x.title))).join(' ');
  ok(/admin/.test(hist) && /공지/.test(hist) && /배포/.test(hist) && /notice/.test(histCodes) && /push/.test(histCodes),
    'history shows the push and the notice under admin, named in Korean (the command line\'s word in the tooltip)');
  // console4: the details serve wrote in English are said in Korean (the English in the tooltip)
  ok(/에서 로그인 실패/.test(hist) && /이름 또는 비밀번호가 틀림/.test(hist) && /보안 토큰이 없거나 틀림/.test(hist) &&
    /failed login from/.test(histCodes) && !/failed login from/.test(hist),
    'history details (failed logins, a refused change) are said in Korean, the English kept in the tooltip');
  await look(page, 'history');

  // ---- schedules: edited through the form (no JSON typed) and pushed to a group, the week
  // view of a kiosk of that group, and what that kiosk shows at a time (the page's answer
  // and `schedule show`'s agree)
  const sk = KIOSKS[1];
  await page.goto(URL0 + '/#/schedules');
  await page.waitForSelector('#week-table');
  await page.waitForSelector('#oh-limit');
  await page.selectOption('#schedule-to', 'group:' + sk.group);
  await page.check('#oh-limit');
  await page.click('#oh-mon-add');
  // Times are 24-hour HH:MM text on either language, whatever the browser's locale (a time
  // input drew "오전 09:00" here and "09:00 AM" on an English browser): what is typed
  // loosely is written back as HH:MM when the field is left, and what is no time is
  // answered next to the field in the page's language.
  await page.fill('#oh-mon-0-start', '9:00');
  await page.press('#oh-mon-0-start', 'Tab');
  const typed = await page.$eval('#oh-mon-0-start', (e) => [e.type, e.value, e.placeholder]);
  ok(typed[0] === 'text' && typed[1] === '09:00' && typed[2] === 'HH:MM', `a time is a 24-hour HH:MM field ("9:00" reads "${typed[1]}", ${typed[0]})`);
  await page.fill('#oh-mon-0-end', '6:00 PM');
  await page.click('#schedule-check');
  const timeMsg = await until(async () => page.textContent('#hours-table tr[data-day="mon"] .field-error'), 5000, 'a time that is no HH:MM is answered');
  ok(/24시간제 HH:MM/.test(timeMsg), `a time that is not 24-hour HH:MM is answered in Korean next to the field ("${timeMsg.trim()}")`);
  await page.fill('#oh-mon-0-end', '09:00');
  await page.click('#schedule-check');
  const fieldMsg = await until(async () => page.textContent('#hours-table tr[data-day="mon"] .field-error'), 5000,
    'a window that ends when it starts is answered next to the field');
  ok(/같습니다/.test(fieldMsg), `the form says what is wrong next to the field, in Korean ("${fieldMsg.trim()}")`);
  await page.fill('#oh-mon-0-end', '18:00');
  await page.click('#oh-copy');
  await page.click('#it-add');
  await page.fill('#it-0-id', 'brand-morning');
  await page.selectOption('#it-0-exhibit', 'brand');
  await page.fill('#it-0-start', '09:00');
  await page.fill('#it-0-end', '12:00');
  await page.fill('#it-0-priority', '5');
  await page.click('#schedule-check');
  const brandKo = JSON.parse(fs.readFileSync(path.join(env('PACK_DIR'), 'manifest.json'), 'utf8')).exhibits.find((e) => e.id === 'brand').title.ko;
  await until(async () => (await page.$$eval('#preview-week-table tbody tr', (trs) => trs.filter((t) => /09:00–18:00|09:00–12:00/.test(t.textContent)).length)) === 7, 10000,
    'the form\'s week is previewed before the push');
  ok(true, 'the week of the edited schedule is previewed before it is pushed');
  await page.click('#schedule-push');
  await until(async () => (await page.getAttribute(`#progress-table tr[data-kiosk="${sk.id}"]`, 'data-state')) === 'applied', 20000,
    'the kiosk applies the schedule pushed from the form');
  ok(true, `${sk.id} applied the schedule edited in the form`);
  const pushed = await until(async () => { const r = await apiFrom(page, 'GET', '/kiosks'); const k = JSON.parse(r.body).kiosks.find((x) => x.id === sk.id); return k && k.schedule_version > 0 ? k : null; }, 10000,
    "the kiosk's own status says it holds the new schedule");
  ok(pushed.schedule_version > 0, `the controller hears ${sk.id} hold schedule version ${pushed.schedule_version}`);
  await page.selectOption('#week-to', 'kiosk:' + sk.id);
  await page.click('#week-form-go');
  await until(async () => /brand-morning/.test(await page.textContent('#week-table')) &&
    (await page.textContent('#week-source')).includes('group:' + sk.group), 10000, "the week view shows the group's schedule for the kiosk");
  const bar = await page.$eval('#week-table tbody tr .seg.item', (e) => ({ text: e.textContent, title: e.title }));
  ok(bar.text === brandKo && /brand-morning/.test(bar.title), `the item's bar is labelled by its exhibit's name ("${bar.text}"), its id in the tooltip`);
  const week = await page.$$eval('#week-table tbody tr', (trs) => trs.map((t) => t.textContent));
  ok(week.length === 7 && week.every((d) => /00:00–09:00/.test(d) && /09:00–12:00 [^–]*brand-morning/.test(d) && /12:00–18:00/.test(d) && /18:00–24:00/.test(d)),
    `the week view shows seven days of opening hours and the item (${week[0]})`);
  // On a phone the week is a line a day (its items behind a disclosure that opens from the
  // keyboard) and the preview is closed until asked for.
  await page.setViewportSize({ width: 390, height: 844 });
  const narrow = await until(async () => { const n = await page.evaluate(() => ({
    list: getComputedStyle(document.querySelector('#week-table ul.segs.wide-only')).display,
    line: document.querySelector('#week-table tbody tr .day-compact').innerText,
    preview: document.querySelector('#preview-details').open })); return n.preview ? null : n; }, 5000, 'the preview closes on a phone');
  ok(narrow.list === 'none' && /^09:00–18:00\s/.test(narrow.line),
    `on a phone a day is one line ("${narrow.line.replace(/\n/g, ' / ')}") and the preview waits behind its disclosure`);
  await page.focus('#week-table tbody tr .day-compact summary');
  await page.keyboard.press('Enter');
  ok(await page.$eval('#week-table tbody tr .day-compact details', (d) => d.open), "a day's items open from the keyboard");
  // The editing form waits closed after the week on a phone (it made the page 4,681 px
  // tall), and opens from the keyboard.
  const phone = await page.evaluate(() => ({ open: document.querySelector('#schedule-editor').open, height: document.documentElement.scrollHeight }));
  await page.focus('#schedule-editor > summary');
  await page.keyboard.press('Enter');
  const opened = await page.$eval('#schedule-editor', (d) => d.open && d.querySelector('#oh-limit').checkVisibility());
  ok(!phone.open && opened, `on a phone the schedule form is closed after the week (page ${phone.height} px) and opens from the keyboard`);
  await page.setViewportSize({ width: 1366, height: 768 });
  const today = await page.inputValue('#week-from');
  const askAt = async (time, shows) => {
    await page.selectOption('#at-kiosk', sk.id);
    await page.fill('#at-time', `${today}T${time}`);
    await page.click('#at-form-go');
    await until(async () => (await page.getAttribute('#at-answer', 'data-shows')) === shows, 10000, `the page says what ${sk.id} shows at ${time}`);
    return page.textContent('#at-answer');
  };
  const at1030 = await askAt('10:30', 'exhibit');
  ok(/\(brand\)/.test(at1030) && at1030.includes(brandKo), `at 10:30 ${sk.id} shows the item's exhibit, named in Korean ("${at1030.replace(/\s+/g, ' ').slice(0, 80)}")`);
  await look(page, 'schedules');
  await askAt('20:00', 'closed');
  const cli = execFileSync(REPORT_CMD[0], ['schedule', 'show', '--kiosk', sk.id, '--at', `${today}T20:00`, ...REPORT_CMD.slice(6)], { encoding: 'utf8' });
  ok(/closed/.test(cli) && /group:/.test(cli), 'schedule show --kiosk --at says the same (closed at 20:00)');
  const cli2 = execFileSync(REPORT_CMD[0], ['schedule', 'show', '--kiosk', sk.id, '--at', `${today}T10:30`, ...REPORT_CMD.slice(6)], { encoding: 'utf8' });
  ok(/brand-morning/.test(cli2), 'and names the item at 10:30');
  await page.goto(URL0 + '/#/accounts');
  await page.waitForSelector('#users-table');
  await look(page, 'accounts');

  // ---- the zip's preview, drawn meanwhile by a headless kiosk on the controller: the
  // content page shows it again when the person comes back
  await page.goto(URL0 + '/#/content');
  const langs = JSON.parse(fs.readFileSync(path.join(env('PACK_DIR'), 'manifest.json'), 'utf8'));
  await until(async () => (await page.getAttribute('#preview-status', 'data-outcome')) === 'ok', 120000, 'the preview of the zipped pack ends');
  const want = (langs.languages || []).length * (langs.exhibits || []).length;
  const shown = await until(async () => {
    const n = await page.$$eval('#preview-shots img', (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
    return n >= want ? n : null;
  }, 20000, 'the preview images load');
  ok(shown >= want && want > 0, `the page shows the preview's screens (${shown} images, every exhibit in every language: ${want})`);
  const lang = async (code) => { await page.click(`label[for="preview-lang-${code}"]`);
    return page.$$eval('#preview-shots figure', (fs) => fs.filter((f) => !f.hidden).map((f) => f.dataset.lang)); };
  const en = await lang('en');
  ok(en.length >= (langs.exhibits || []).length && en.length < shown && en.every((l) => l === 'en'), `the preview shows one language at a time (en: ${en.length} screens)`);
  await page.locator('#preview-shots').scrollIntoViewIfNeeded();
  await look(page, 'content-preview');

  // ---- a viewer: 403 and no push button
  await page.click('#logout');
  await page.waitForSelector('#login-user');
  await login(page, 'viewer', env('VIEWER_PASS'));
  const buttons = await page.$$eval('#fleet-list button', (b) => b.length);
  ok(buttons === 0, 'a viewer sees no action buttons on the fleet');
  const navText = await page.textContent('#nav');
  ok(!/콘텐츠/.test(navText), 'a viewer has no content page in the menu');
  await page.goto(URL0 + '/#/content');
  await page.waitForSelector('main h1');
  ok((await page.$('#content-push')) === null, 'a viewer gets no push button');
  const me = JSON.parse((await apiFrom(page, 'GET', '/me')).body);
  const vpush = await apiFrom(page, 'POST', '/rollback', { to: 'all' }, me.csrf);
  ok(vpush.status === 403, `a viewer's push is refused with 403 (${vpush.status})`);
  await look(page, 'viewer-content');
} catch (e) {
  if (!failed) console.log('FAIL ' + (e.stack || e));
  failed = true;
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (axeFindings.length) console.log(axeFindings.join('\n'));
process.exit(failed ? 1 : 0);
