import { expect, test } from './a11y';
import { ADMIN, EMPLOYEE, HR, MANAGER, PASSWORD, jsOn, ready, signIn } from './helpers';

const homes = [
  { who: 'admin', email: ADMIN, name: 'Priya', subtitle: 'Administration', nav: ['Home', 'Me', 'My team', 'Organisation', 'Administration', 'Frameworks'] },
  { who: 'HR viewer', email: HR, name: 'Tomás', subtitle: 'The whole organisation, read-only.', nav: ['Home', 'Me', 'My team', 'Organisation', 'Frameworks'] },
  { who: 'manager', email: MANAGER, name: 'Grace', subtitle: 'Your team at a glance.', nav: ['Home', 'Me', 'My team', 'Frameworks'] },
  { who: 'employee', email: EMPLOYEE, name: 'Liam', subtitle: 'Your skills and growth.', nav: ['Home', 'My skills', 'My plan', 'Careers', 'Learning', 'Frameworks'] },
];

for (const h of homes) {
  test(`${h.who} signs in, sees their home page and signs out`, async ({ page }, info) => {
    await signIn(page, info, h.email);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${h.name}`);
    await expect(page.getByText(h.subtitle, { exact: false }).first()).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('list').getByRole('link')).toHaveText(h.nav);
    await nav.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    // Signed out means signed out: home sends us back to the sign-in page.
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
  });
}

test('a wrong password is explained next to the field', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('E-mail').fill(EMPLOYEE);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The e-mail or password is not right' })).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a signed-out visit returns to the page after signing in', async ({ page }, info) => {
  await page.goto('/people?q=grace');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await ready(page, info);
  await page.getByLabel('E-mail').fill(HR);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/people\?q=grace$/);
  await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Grace Okafor/ })).toBeVisible();
});

test('an admin adds a person, who can then sign in', async ({ page, browser }, info) => {
  const email = `ada.${info.project.name}@northwind.example`;
  await signIn(page, info, ADMIN);
  await page.getByRole('link', { name: 'Add person' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Add person' })).toBeVisible();
  await ready(page, info);

  // A mistake first: the message names the field and nothing is saved.
  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Job title').fill('Analyst');
  await page.getByLabel('Unit').selectOption({ label: '\u2003\u2003Platform' });
  await page.getByLabel("Manager's e-mail").fill('nobody@northwind.example');
  await page.getByLabel('First password').fill('analytical-engine');
  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.getByText('Nobody has the e-mail nobody@northwind.example.').first()).toBeVisible();

  if (!jsOn(info)) {
    // Without JavaScript the form came back empty: fill it again.
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Job title').fill('Analyst');
    await page.getByLabel('Unit').selectOption({ label: '\u2003\u2003Platform' });
    await page.getByLabel('First password').fill('analytical-engine');
  }
  await page.getByLabel("Manager's e-mail").fill(MANAGER);
  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Grace Okafor' }).first()).toBeVisible();

  const other = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const p2 = await other.newPage();
  await signIn(p2, info, email, 'analytical-engine');
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText('Welcome, Ada');
  await other.close();
});

test('an employee cannot open the directory', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' })).toHaveCount(0);
  await page.goto('/people');
  await expect(page.getByRole('heading', { name: 'Not available to you' })).toBeVisible();
});

test('a deactivated person is signed out at once', async ({ page, browser }, info) => {
  const employeeCtx = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const employee = await employeeCtx.newPage();
  const who = info.project.name === 'js' ? 'mei.tanaka@northwind.example' : 'kenji.mori@northwind.example';
  await signIn(employee, info, who);

  await signIn(page, info, ADMIN);
  await page.goto(`/people?q=${encodeURIComponent(who)}`);
  await page.getByRole('row', { name: new RegExp(who) }).getByRole('link').first().click();
  await ready(page, info);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByRole('button', { name: 'Reactivate' })).toBeVisible();
  await expect(page.getByText('Deactivated').first()).toBeVisible();

  await employee.reload();
  await expect(employee).toHaveURL(/\/sign-in/);
  await employeeCtx.close();

  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeVisible();
});

test('unknown addresses get the 404 page', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  const res = await page.goto('/definitely/not/here');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
});
