import { expect, test } from './a11y';
import { readFileSync } from 'fs';
import { HR, ready, signIn, openFromNav } from './helpers';

test('HR reads competency status by unit, drills down and downloads CSV', async ({ page }, info) => {
  await signIn(page, info, HR);
  await openFromNav(page, 'Organisation', 'Reports');
  await expect(page.getByRole('heading', { level: 1, name: 'Competency status' })).toBeVisible();
  const rows = page.getByTestId('org-row');
  await expect(rows.first()).toContainText('Whole organisation');
  await expect(rows.filter({ hasText: 'Northwind Labs' })).toHaveCount(1);
  await expect(page.getByTestId('trend')).toBeVisible();
  await expect(page.getByRole('cell', { name: /meet the required level/ }).first()).toBeVisible();
  await ready(page, info);

  // Drill down: the company, then Engineering, whose teams and people are listed.
  await page.getByTestId('drill').filter({ hasText: 'Northwind Labs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Competency status: Northwind Labs' })).toBeVisible();
  await page.getByTestId('drill').filter({ hasText: 'Engineering' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Competency status: Engineering' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Units' })).toContainText('Northwind Labs');
  await expect(rows.filter({ hasText: 'Platform' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Product Engineering' })).toHaveCount(1);

  // The CSV of what is on screen.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('csv').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^competency-status-unit-\d+\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('unit,people,readiness_percent,node_id,node,people_needing,people_meeting,share_percent,average_gap');
  expect(lines.some((l) => l.startsWith('Platform,'))).toBeTruthy();
  expect(lines.length).toBeGreaterThan(10);

  // Filtering by framework keeps the unit.
  await page.getByLabel('Framework').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/unit=\d+.*framework=\d+/);
  await expect(page.getByRole('heading', { level: 1, name: 'Competency status: Engineering' })).toBeVisible();
});

test('demand and supply lists the largest shortfall first', async ({ page }, info) => {
  await signIn(page, info, HR);
  await page.goto('/reports');
  await ready(page, info);
  await page.getByRole('link', { name: 'Demand and supply' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demand and supply' })).toBeVisible();
  const rows = page.getByTestId('supply-row');
  expect(await rows.count()).toBeGreaterThan(5);
  await expect(rows.first().getByRole('img')).toHaveAttribute('aria-label', /needed and held by level/);
});

test('employees and managers cannot open org reports', async ({ page }, info) => {
  await signIn(page, info, 'grace.okafor@northwind.example');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisation' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Reports', exact: true })).toHaveCount(0);
  await page.goto('/reports');
  await expect(page.getByRole('heading', { name: 'Not available to you' })).toBeVisible();
});
