import { Page, TestInfo } from '@playwright/test';
import { expect, hydrated, test, violations } from './a11y';
import { ADMIN, EMPLOYEE, HR, MANAGER, hrefs, jsOn, ready, signIn } from './helpers';

// Every page each role can reach, each checked by axe-core through `ready()` (see a11y.ts):
// the pages the navigation leads to, then one page of each kind behind them (a person, a
// framework, a position, an activity, a comparison, a history), with JavaScript on and off.

/** Opens `path`, then the first link on it whose address matches `pattern`, if any. */
async function follow(page: Page, info: TestInfo, path: string, pattern: RegExp) {
  await page.goto(path);
  await ready(page, info);
  const href = (await hrefs(page.locator('main a[href]'))).find((h) => pattern.test(h));
  if (href) {
    await page.goto(href);
    await ready(page, info);
  }
}

const roles = [
  { who: 'employee', email: EMPLOYEE },
  { who: 'manager', email: MANAGER },
  { who: 'HR viewer', email: HR },
  { who: 'admin', email: ADMIN },
];

test('the sign-in page has no accessibility violations', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('E-mail').fill(EMPLOYEE);
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').first()).toBeVisible();
  // The form with its error named beside the field is checked too (not deduplicated).
  expect(await violations(page, info)).toEqual([]);
});

for (const r of roles) {
  test(`every page the ${r.who} can reach has no accessibility violations`, async ({ page }, info) => {
    test.setTimeout(180_000);
    await signIn(page, info, r.email);
    // Every page the top bar and the section bars lead to, found by following them.
    const queue = ['/', '/plan/checks', '/recognition'];
    const seen = new Set(queue);
    while (queue.length) {
      const path = queue.shift()!;
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      await ready(page, info);
      for (const href of await hrefs(page.locator('header a[href^="/"]'))) {
        if (!seen.has(href)) {
          seen.add(href);
          queue.push(href);
        }
      }
    }
    await follow(page, info, '/skills', /^\/skills\/history\?/);
    await follow(page, info, '/frameworks', /^\/frameworks\/\d+\/view$/);
    await follow(page, info, '/learning', /^\/learning\/\d+$/);
    await follow(page, info, '/careers', /^\/careers\?/);
    await follow(page, info, '/careers', /^\/careers\/compare\?/);
    if (r.who !== 'employee') {
      await follow(page, info, '/people', /^\/people\/\d+$/);
      await follow(page, info, '/team', /^\/skills\/history\?/);
      await follow(page, info, '/talent', /^\/talent\/succession/);
    }
    if (r.who === 'HR viewer') await follow(page, info, '/reports', /^\/reports\/supply/);
    if (r.who === 'admin') {
      await follow(page, info, '/frameworks', /^\/frameworks\/\d+$/);
      await follow(page, info, '/frameworks', /^\/frameworks\/\d+\/versions$/);
      await follow(page, info, '/frameworks', /^\/frameworks\/\d+\/scale$/);
      await follow(page, info, '/positions', /^\/positions\/\d+$/);
      await follow(page, info, '/people', /^\/people\/\d+\/edit$/);
      for (const path of ['/people/new', '/frameworks/import', '/frameworks/blend', '/admin/audit']) {
        await page.goto(path);
        await ready(page, info);
      }
    }
    // A page that does not exist is a page too.
    await page.goto('/no-such-page');
    await ready(page, info);
  });
}

const mainPages = ['/', '/skills', '/plan', '/careers', '/learning', '/inbox', '/team', '/reviews', '/people', '/reports', '/talent', '/frameworks', '/positions', '/admin/audit'];

test.describe('in the dark theme', () => {
  test.use({ colorScheme: 'dark' });
  test('the main pages have no accessibility violations (contrast included)', async ({ page }, info) => {
    test.setTimeout(120_000);
    await signIn(page, info, ADMIN);
    for (const path of mainPages) {
      await page.goto(path);
      await hydrated(page, info);
      expect(await violations(page, info, 'dark'), path).toEqual([]);
    }
  });
});

test.describe('on a 360 px wide phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });
  test('no page is wider than the screen: wide tables and charts scroll inside their card', async ({ page }, info) => {
    test.skip(!jsOn(info), 'measuring the page needs a script; the HTML and CSS are the same without JavaScript');
    test.setTimeout(120_000);
    await signIn(page, info, ADMIN);
    for (const path of mainPages) {
      await page.goto(path);
      await hydrated(page, info);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(360);
    }
  });
});

test('the top bar stays on one line at 1280 px for every role', async ({ browser }, info) => {
  test.skip(!jsOn(info), 'measuring the bar needs a script; the HTML and CSS are the same without JavaScript');
  for (const r of roles) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, info, r.email);
    for (const path of ['/', '/team', '/reports', '/positions']) {
      await page.goto(path);
      const height = await page.locator('.topbar-inner').evaluate((el) => el.getBoundingClientRect().height);
      expect(height, `${r.who} on ${path}`).toBeLessThan(72);
    }
    await context.close();
  }
});
