import { expect, test } from './a11y';
import { HR, ready, signIn, openFromNav } from './helpers';

test('HR finds people with two skills at given levels, closest first', async ({ page }, info) => {
  await signIn(page, info, HR);
  await openFromNav(page, 'Organisation', 'Talent');
  await expect(page.getByRole('heading', { level: 1, name: 'Talent search' })).toBeVisible();
  await expect(page.getByText('Choose what you are looking for')).toBeVisible();
  await ready(page, info);

  await page.getByLabel('Skill 1', { exact: true }).selectOption({ label: 'Code quality · Engineering' });
  await page.getByLabel('Level 1 or more').selectOption('3');
  await page.getByLabel('Skill 2', { exact: true }).selectOption({ label: 'Testing · Engineering' });
  await page.getByLabel('Level 2 or more').selectOption('2');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/node1=\d+&min1=3/);

  await expect(page.getByRole('columnheader', { name: 'Code quality ≥ 3' })).toBeVisible();
  await expect(page.getByTestId('talent-summary')).toContainText(/people? meets? every criterion/);
  const first = page.getByTestId('candidate').first();
  await expect(first).toContainText('2 of 2');

  // Narrow to a unit: everyone shown is in it.
  await page.getByLabel('Only in unit').selectOption({ label: 'Product Engineering' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/unit=\d+/);
  const rows = page.getByTestId('candidate');
  await expect(rows.first()).toContainText('Product Engineering');
  for (const text of await rows.allTextContents()) expect(text).toContain('Product Engineering');
});

test('HR lists succession candidates for a position, readiest first', async ({ page }, info) => {
  await signIn(page, info, HR);
  await page.goto('/talent');
  await ready(page, info);
  await page.getByRole('link', { name: 'Succession' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Succession candidates' })).toBeVisible();
  await expect(page.getByText('Pick a position to see who is readiest to step into it.')).toBeVisible();
  await page.getByLabel('Position').selectOption({ label: 'Senior Software Engineer' });
  await page.getByRole('button', { name: 'Show candidates' }).click();
  await expect(page).toHaveURL(/position=\d+/);
  await expect(page.getByRole('heading', { name: 'Readiest for Senior Software Engineer' })).toBeVisible();
  const rows = page.getByTestId('successor');
  expect(await rows.count()).toBeGreaterThan(3);
  const ready_ = (await rows.getByRole('img').evaluateAll((els) => els.map((e) => parseInt(e.getAttribute('aria-label') ?? '0', 10))));
  for (let i = 1; i < ready_.length; i++) expect(ready_[i - 1]).toBeGreaterThanOrEqual(ready_[i]);
  for (const text of await rows.allTextContents()) expect(text).not.toContain('Amara Nwosu');
});
