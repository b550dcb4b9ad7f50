import { expect, test } from './a11y';
import { ADMIN, EMPLOYEE, openFromNav, signIn, ready } from './helpers';

test('an admin reads and filters the audit log of a change they made', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  // A change an admin makes: a new org unit (its name differs per project).
  const unit = `Audit ${info.project.name} ${Date.now()}`;
  await page.goto('/units');
  await ready(page, info);
  const add = page.locator('section[aria-labelledby="add-unit-h"]');
  await add.getByLabel('Name', { exact: true }).fill(unit);
  await add.getByRole('button', { name: 'Add unit' }).click();
  await expect(page.locator('ul.unit-tree .unit-name').getByText(unit, { exact: true })).toBeVisible();

  await openFromNav(page, 'Administration', 'Audit log');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await ready(page, info);
  const table = page.locator('table.audit-table');
  await expect(table).toContainText(unit);
  await expect(table.locator('th[scope="col"]').first()).toHaveText('When');
  // Filter by what changed.
  await page.getByLabel('What').selectOption('org_unit');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/entity=org_unit/);
  await expect(page.locator('table.audit-table tbody tr').first()).toContainText(unit);
});

test('an employee has no audit log', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  await expect(page.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  const res = await page.goto('/admin/audit');
  expect(res?.status()).toBe(403);
});
