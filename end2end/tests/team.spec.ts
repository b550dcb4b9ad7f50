import { expect, test } from '@playwright/test';
import { jsOn, MANAGER, ready, signIn } from './helpers';

test('a manager filters and sorts the team heatmap and opens a cell', async ({ page }, info) => {
  await signIn(page, info, MANAGER);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Heatmap' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Team heatmap' })).toBeVisible();
  // Grace's direct reports (other tests may have added people to her team).
  const rows = page.getByTestId('heat-row');
  await expect(rows.filter({ hasText: 'Liam Chen' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Amara Nwosu' })).toHaveCount(1);
  await expect(page.getByLabel('Legend')).toContainText('not rated');
  await expect(page.getByLabel('Legend')).toContainText('expired');
  await ready(page, info);

  // Sort by gap through the filter form (a plain GET form without JavaScript).
  await page.getByLabel('Sort').selectOption('gap');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/sort=gap/);
  await expect(page.getByLabel('Sort')).toHaveValue('gap');
  await page.getByLabel('Position').selectOption({ label: 'Software Engineer' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/position=\d+/);
  await expect(rows.filter({ hasText: 'Mei Tanaka' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Amara Nwosu' })).toHaveCount(0);

  // A cell opens that person's history on that node.
  await page.getByRole('link', { name: /^Liam Chen on Code quality: / }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Liam Chen: Code quality' })).toBeVisible();
});

test('an open heatmap shows a rating given elsewhere without a reload', async ({ page, browser }, info) => {
  test.skip(!jsOn(info), 'live updates need JavaScript');
  await signIn(page, info, MANAGER);
  await page.goto('/team');
  await ready(page, info);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  const cell = page.getByRole('link', { name: /^Jonas Keller on / }).first();
  const label = (await cell.getAttribute('aria-label')) ?? '';
  const node = label.replace(/^Jonas Keller on /, '').replace(/: .*$/, '');
  const href = (await cell.getAttribute('href')) ?? '';
  const params = new URL(href, 'http://x').searchParams;
  const level = label.includes(': level 5 of') ? '1' : '5';

  // Jonas's manager's manager rates him in another browser.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signIn(p2, info, 'marcus.webb@northwind.example');
  const res = await p2.request.post('/api/skills/rate', {
    form: { person: params.get('person')!, node: params.get('node')!, level, comment: 'Seen in the incident review' },
  });
  expect(res.ok()).toBeTruthy();
  await other.close();

  const escaped = node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect(page.getByRole('link', { name: new RegExp(`^Jonas Keller on ${escaped}: level ${level} of`) })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
});
