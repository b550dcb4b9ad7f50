// What a first visit to each page downloads, and how long it takes to become interactive,
// measured in Chromium against a running release server (see `make size` and
// `make bench-hydration`). Prints figures; `size` exits 1 when a page is over its budget.
//
//   node perf.mjs size       bytes of JavaScript and WebAssembly per route (raw and as sent)
//   node perf.mjs hydration  time from navigation to a hydrated page, median of RUNS visits
import { chromium } from '@playwright/test';

const base = process.env.PROFICIO_E2E_URL ?? 'http://127.0.0.1:3100';
const EMPLOYEE = 'liam.chen@northwind.example';
const ADMIN = 'priya.raman@northwind.example';
const PASSWORD = 'proficio-demo';
/** Pages employees use: at most this many bytes (as sent, brotli) of code on a first visit. */
const EMPLOYEE_BUDGET = 250 * 1024;
/** No single file of code above this many bytes as sent. */
const CHUNK_BUDGET = 600 * 1024;

const routes = [
  { path: '/sign-in', who: null, budget: EMPLOYEE_BUDGET },
  { path: '/', who: EMPLOYEE, budget: EMPLOYEE_BUDGET },
  { path: '/skills', who: EMPLOYEE, budget: EMPLOYEE_BUDGET },
  { path: '/plan', who: EMPLOYEE, budget: EMPLOYEE_BUDGET },
  { path: '/careers', who: EMPLOYEE, budget: EMPLOYEE_BUDGET },
  { path: '/inbox', who: EMPLOYEE, budget: EMPLOYEE_BUDGET },
  { path: '/learning', who: EMPLOYEE, budget: null },
  { path: '/team', who: ADMIN, budget: null },
  { path: '/reports', who: ADMIN, budget: null },
  { path: '/frameworks/{first}', who: ADMIN, budget: null },
  { path: '/frameworks/import', who: ADMIN, budget: null },
];

const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });

/** A fresh browser context (empty cache), signed in as `who` through the sign-in call. */
async function visitor(browser, who) {
  const context = await browser.newContext();
  if (who) {
    const res = await context.request.post(`${base}/api/sign_in`, { form: { email: who, password: PASSWORD } });
    if (!res.ok()) throw new Error(`signing in as ${who}: ${res.status()}`);
  }
  return context;
}

/** The route's address, with `{first}` the first framework the list links to. */
async function address(context, path) {
  if (!path.includes('{first}')) return `${base}${path}`;
  const html = await (await context.request.get(`${base}/frameworks`)).text();
  const id = html.match(/href="\/frameworks\/(\d+)"/)?.[1];
  if (!id) throw new Error('no framework to open');
  return `${base}${path.replace('{first}', id)}`;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function size() {
  const browser = await launch();
  let over = [];
  console.log('route                 files  raw         as sent     budget');
  for (const r of routes) {
    const context = await visitor(browser, r.who);
    const page = await context.newPage();
    const pending = [];
    page.on('requestfinished', (request) => {
      if (!/\.(wasm|js)$/.test(new URL(request.url()).pathname)) return;
      pending.push(
        (async () => {
          const sizes = await request.sizes();
          const body = await (await request.response()).body().catch(() => Buffer.alloc(0));
          return { url: request.url(), raw: body.length, sent: sizes.responseBodySize };
        })(),
      );
    });
    await page.goto(await address(context, r.path));
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(pending);
    const raw = files.reduce((a, f) => a + f.raw, 0);
    const sent = files.reduce((a, f) => a + f.sent, 0);
    const budget = r.budget ? kb(r.budget) : '-';
    console.log(`${r.path.padEnd(22)}${String(files.length).padStart(5)}  ${kb(raw).padEnd(12)}${kb(sent).padEnd(12)}${budget}`);
    if (r.budget && sent > r.budget) over.push(`${r.path}: ${kb(sent)} sent, budget ${kb(r.budget)}`);
    for (const f of files) {
      if (f.sent > CHUNK_BUDGET) over.push(`${new URL(f.url).pathname}: ${kb(f.sent)} in one file, budget ${kb(CHUNK_BUDGET)}`);
    }
    await context.close();
  }
  await browser.close();
  over = [...new Set(over)];
  if (over.length) {
    console.log(`\nover budget:\n  ${over.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nevery route within budget');
}

async function hydration() {
  const runs = Number(process.env.RUNS ?? 5);
  const browser = await launch();
  console.log(`route                 median     min        max        (${runs} first visits each, empty cache)`);
  for (const r of routes) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const context = await visitor(browser, r.who);
      const page = await context.newPage();
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body?.dataset.hydrated === 'true') {
            window.__hydratedAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
      });
      await page.goto(await address(context, r.path));
      await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
      times.push(await page.evaluate(() => window.__hydratedAt));
      await context.close();
    }
    times.sort((a, b) => a - b);
    const ms = (t) => `${t.toFixed(0)} ms`.padEnd(11);
    console.log(`${r.path.padEnd(22)}${ms(times[Math.floor(times.length / 2)])}${ms(times[0])}${ms(times[times.length - 1])}`);
  }
  await browser.close();
}

const mode = process.argv[2];
if (mode === 'size') await size();
else if (mode === 'hydration') await hydration();
else {
  console.error('usage: node perf.mjs size|hydration');
  process.exit(2);
}
