// The fleet page in headless chromium with N kiosks: from navigation to N cards drawn.
// node page_load.mjs URL USER PASSWORD N   (playwright-core from tests/browser/node_modules)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(path.join(here, '../../tests/browser/package.json'))('playwright-core');

const [url, user, pass, n] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-bench-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
await page.goto(url + '/#/login');
await page.evaluate(async ([u, p]) => fetch('/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ user: u, password: p }) }), [user, pass]);
const times = [], first = [], inFirst = [], inAll = [];
for (let i = 0; i < 5; i++) {
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(url + '/#/fleet');
  await page.waitForFunction(() => document.querySelectorAll('#fleet-list article').length >= 40, null, { timeout: 30000 });
  first.push(Date.now() - t0);
  await page.waitForFunction((n) => document.querySelectorAll('#fleet-list article').length >= n, Number(n), { timeout: 30000 });
  times.push(Date.now() - t0);
  /* The page's own marks (app.js): when the first screenful and the last card were in the
   * page, from navigation start, without the polling above. */
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((e) => [e.name, Math.round(e.startTime)])));
  inFirst.push(marks['fleet-first-screen'] ?? NaN);
  inAll.push(marks['fleet-all-cards'] ?? NaN);
  if (process.env.DETAIL) console.log(JSON.stringify(await page.evaluate(() => [...performance.getEntriesByType('resource').map((e) => [e.name.replace(/^https?:\/\/[^/]+/, ''), Math.round(e.startTime), Math.round(e.responseEnd)]),
    ...performance.getEntriesByType('mark').map((e) => [e.name, Math.round(e.startTime)])])), Date.now() - t0);
}
times.sort((a, b) => a - b);
first.sort((a, b) => a - b);
console.log(`fleet page in chromium (5 loads): navigation to the first screen of cards p50 ${first[2]} ms, max ${first[4]} ms; ` +
  `to all ${n} cards p50 ${times[2]} ms, max ${times[4]} ms`);
inFirst.sort((a, b) => a - b);
inAll.sort((a, b) => a - b);
console.log(`  the page's own marks: first screen in the page p50 ${inFirst[2]} ms, max ${inFirst[4]} ms; all cards p50 ${inAll[2]} ms, max ${inAll[4]} ms`);
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
