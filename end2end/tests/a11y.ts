import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, Page, TestInfo } from '@playwright/test';

/**
 * Every spec imports `test` from here: after a test passes, each page it visited is checked
 * with axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) as the same signed-in person, with
 * JavaScript on and off (the two projects), and the test fails on any violation. A page is
 * checked once per project, role and route (ids in the path count as one route), so the
 * suite's cost stays one axe run per distinct page, not per visit.
 */
const checked = new Set<string>();
/** The routes checked during the running test (whatever the role). */
const thisTest = new Set<string>();

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** `/people/12/edit` and `/people/40/edit` are one route. */
const route = (url: URL) => url.pathname.replace(/\/\d+(?=\/|$)/g, '/:id');

async function role(page: Page): Promise<string> {
  const chip = page.locator('.user-role').first();
  return (await chip.count()) ? ((await chip.textContent()) ?? '').trim() : 'signed out';
}

/**
 * The violations on the page as it is now, as readable lines. Without JavaScript a page
 * cannot run axe, so the same address is opened as the same person in a twin browser whose
 * scripting is on for axe alone: the app's own scripts are refused, so it sees the page
 * exactly as served.
 */
export async function violations(page: Page, info: TestInfo, colorScheme: 'light' | 'dark' = 'light'): Promise<string[]> {
  if (info.project.name === 'js') return analyze(page);
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser to open a twin page in');
  // Playwright Test gives new contexts the project's options: scripting is asked for here.
  const twin = await browser.newContext({
    javaScriptEnabled: true,
    storageState: await page.context().storageState(),
    viewport: page.viewportSize(),
    colorScheme,
  });
  try {
    await twin.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const copy = await twin.newPage();
    await copy.goto(page.url());
    return await analyze(copy);
  } finally {
    await twin.close();
  }
}

async function analyze(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join('; ')}`),
  );
}

/**
 * With JavaScript on, waits until the WASM app has hydrated the page (pages that do not load
 * the app, such as the API reference, have nothing to wait for).
 */
export async function hydrated(page: Page, info: TestInfo) {
  const app = await page.locator('script[type="module"], link[rel="modulepreload"]').count();
  if (info.project.name === 'js' && app > 0) {
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
  }
}

/**
 * Checks the page as it is now, unless this project has checked the route as this role
 * already. `ready()` calls it on every page a spec waits for.
 */
export async function checkPage(page: Page, info: TestInfo) {
  const url = new URL(page.url());
  if (!url.protocol.startsWith('http')) return;
  thisTest.add(route(url));
  const key = `${info.project.name} ${route(url)} ${await role(page)}`;
  if (checked.has(key)) return;
  checked.add(key);
  const found = await violations(page, info);
  expect(found, `axe-core violations (WCAG 2.2 A/AA) on ${key}`).toEqual([]);
}

/** The pages a test reached without waiting for them (links, redirects), visited again. */
async function checkVisited(page: Page, info: TestInfo, visited: string[]) {
  for (const href of visited) {
    if (thisTest.has(route(new URL(href)))) continue;
    const response = await page.goto(href);
    if (!response || response.status() >= 400 || page.url() !== href) continue;
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    await hydrated(page, info);
    await checkPage(page, info);
  }
}

export const test = base.extend<{ a11y: void }>({
  a11y: [
    async ({ page }, use, info) => {
      const visited: string[] = [];
      thisTest.clear();
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) {
          const url = frame.url();
          if (url.startsWith('http') && !visited.some((v) => route(new URL(v)) === route(new URL(url)))) {
            visited.push(url);
          }
        }
      });
      await use();
      if (info.status === info.expectedStatus && info.status === 'passed') {
        await checkVisited(page, info, visited);
      }
    },
    { auto: true },
  ],
});

export { expect };
