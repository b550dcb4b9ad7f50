import { expect, test } from './a11y';
import { jsOn, MANAGER, ready, signIn, openFromNav } from './helpers';

test('a manager filters and sorts the team heatmap and opens a cell', async ({ page }, info) => {
  await signIn(page, info, MANAGER);
  await openFromNav(page, 'My team', 'Heatmap');
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

test("an open heatmap shows an employee's rating once it is approved elsewhere", async ({ page, browser }, info) => {
  test.skip(!jsOn(info), 'live updates need JavaScript');
  await signIn(page, info, MANAGER);
  await page.goto('/team');
  await ready(page, info);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  const cell = page.getByRole('link', { name: /^Amara Nwosu on / }).nth(1);
  const label = (await cell.getAttribute('aria-label')) ?? '';
  const node = label.replace(/^Amara Nwosu on /, '').replace(/: .*$/, '');
  const params = new URL((await cell.getAttribute('href')) ?? '', 'http://x').searchParams;
  const level = label.includes(': level 4 of') ? '2' : '4';

  // Amara claims the level in her browser...
  const hers = await browser.newContext();
  const p2 = await hers.newPage();
  await signIn(p2, info, 'amara.nwosu@northwind.example');
  const submitted = await p2.request.post('/api/skills/submit', {
    form: { [`input[levels][${params.get('node')}]`]: level, 'input[comment]': 'Led the migration' },
  });
  expect(submitted.ok()).toBeTruthy();
  await hers.close();
  // ...the heatmap does not change while the claim is pending...
  await page.waitForTimeout(1500);
  const escaped = node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const updated = page.getByRole('link', { name: new RegExp(`^Amara Nwosu on ${escaped}: level ${level} of`) });
  await expect(updated).toHaveCount(0);

  // ...and Grace approves it in another browser.
  const second = await browser.newContext();
  const p3 = await second.newPage();
  await signIn(p3, info, MANAGER);
  const queue = await (await p3.request.post('/api/reviews/queue', { form: {} })).json();
  const item = queue.find(
    (q: { subject: number; node: number; level: number }) =>
      String(q.subject) === params.get('person') && String(q.node) === params.get('node') && String(q.level) === level,
  );
  expect(item).toBeTruthy();
  const decided = await p3.request.post('/api/reviews/decide', { form: { decision: 'approve', rating: String(item.rating) } });
  expect(decided.ok()).toBeTruthy();
  await second.close();

  await expect(updated).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
});

test('the heatmap is a keyboard grid: one tab stop, arrows move between cells, Enter opens one', async ({ page }, info) => {
  await signIn(page, info, MANAGER);
  await page.goto('/team');
  await ready(page, info);
  const grid = page.getByRole('grid', { name: /^Heatmap of \d+ people/ });
  const name = (row: number) => grid.getByRole('row').nth(row).getByRole('rowheader').getByRole('link');
  const cell = (row: number, col: number) => grid.getByRole('row').nth(row).getByRole('gridcell').nth(col).getByRole('link');
  await page.getByRole('button', { name: 'Show' }).focus();
  await page.keyboard.press('Tab');
  await expect(name(1)).toBeFocused();
  if (!jsOn(info)) {
    // Without JavaScript every name and cell is a link in the tab order.
    await page.keyboard.press('Tab');
    await expect(cell(1, 0)).toBeFocused();
  } else {
    await page.keyboard.press('ArrowRight');
    await expect(cell(1, 0)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(cell(2, 0)).toBeFocused();
    await page.keyboard.press('End');
    await expect(grid.getByRole('row').nth(2).getByRole('gridcell').getByRole('link').last()).toBeFocused();
    await page.keyboard.press('Home');
    await expect(name(2)).toBeFocused();
    await page.keyboard.press('ArrowRight');
    // The grid is one tab stop: Tab leaves it, Shift+Tab comes back to the same cell.
    await page.keyboard.press('Tab');
    await expect(cell(2, 0)).not.toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(cell(2, 0)).toBeFocused();
  }
  const label = (await page.locator(':focus').getAttribute('aria-label')) ?? '';
  const [who, node] = label.replace(/: .*$/, '').split(' on ');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `${who}: ${node}` })).toBeVisible();
});
