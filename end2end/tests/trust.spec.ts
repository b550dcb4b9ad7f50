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

test('an admin makes an API token for a system, sees it once, and revoking it locks the system out', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await openFromNav(page, 'Administration', 'API tokens');
  await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  await ready(page, info);
  const name = `HR sync ${info.project.name} ${Date.now()}`;
  const form = page.locator('section[aria-labelledby="new-token-h"]');

  // Without a scope nothing is made, and the form says why.
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Make token' }).click();
  await expect(form.locator('.scope-choices')).toContainText('Tick at least one scope');
  await expect(page.locator('tr', { hasText: name })).toHaveCount(0);

  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('checkbox', { name: /people:read/ }).check();
  await form.getByLabel('Expires').selectOption({ label: 'in 30 days' });
  await form.getByRole('button', { name: 'Make token' }).click();
  const fresh = page.locator('section.fresh-token');
  await expect(fresh).toContainText(`Token for ${name}`);
  await expect(fresh).toContainText('never shown again');
  const token = await fresh.getByLabel('Token').inputValue();
  expect(token).toMatch(/^pfo_[0-9a-f]{8}_[0-9a-f]{40}$/);
  const row = page.locator('table.token-table tr', { hasText: name });
  await expect(row).toContainText('people:read');
  await expect(row).toContainText('Live');

  // The system reads with it; a reload shows it no more, and shows it was used.
  const read = await page.request.get('/api/v1/people?limit=1', { headers: { Authorization: `Bearer ${token}` } });
  expect(read.status()).toBe(200);
  await page.reload();
  await ready(page, info);
  await expect(page.locator('section.fresh-token')).toHaveCount(0);
  await expect(row).not.toContainText('never');

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toContainText('Revoked');
  const refused = await page.request.get('/api/v1/people?limit=1', { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
