// The fleet page in headless chromium with N kiosks: from navigation to N cards drawn.
// node page_load.mjs URL USER PASSWORD N   (playwright-core from tests/browser/node_modules)
// LOADS=n: how many loads (5); DETAIL=1: resource timings and the page's marks per load
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
const LOADS = Number(process.env.LOADS || 5);
for (let i = 0; i < LOADS; i++) {
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
const q = (xs) => { const v = [...xs].sort((a, b) => a - b); const at = (p) => v[Math.min(v.length - 1, Math.round((p / 100) * (v.length - 1)))];
  return `p50 ${at(50)} ms, p90 ${at(90)} ms, max ${v[v.length - 1]} ms`; };
console.log(`fleet page in chromium (${LOADS} loads): navigation to the first screen of cards ${q(first)}; to all ${n} cards ${q(times)}`);
console.log(`  the page's own marks: first screen in the page ${q(inFirst)}; all cards ${q(inAll)}`);
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
