import { expect, test } from './a11y';
import { PASSWORD, jsOn, signIn, ready } from './helpers';

// Someone no other spec signs in as, so changing their password disturbs nothing; the test
// puts the old password back, so the second project (JavaScript off) starts the same.
const WHO = 'owen.price@northwind.example';
const NEW = 'a fresh passphrase 42';

test('a person changes their own password; other sessions end', async ({ page, browser }, info) => {
  // A second browser signed in as the same person (JavaScript as in this project, so the
  // sign-in helper's wait for hydration holds); a context made by hand needs the base URL.
  const other = await browser.newContext({ baseURL: info.project.use.baseURL, javaScriptEnabled: jsOn(info) });
  const elsewhere = await other.newPage();
  await signIn(elsewhere, info, WHO);

  await signIn(page, info, WHO);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await ready(page, info);
  // A wrong current password is explained next to its field and changes nothing.
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password (at least 10 characters)').fill(NEW);
  await page.getByLabel('New password again').fill(NEW);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#f-current-msg')).toHaveText('This is not your current password.');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password (at least 10 characters)').fill(NEW);
  await page.getByLabel('New password again').fill(NEW);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');

  // The other browser was signed out; this one was not.
  await elsewhere.goto('/');
  await expect(elsewhere).toHaveURL(/\/sign-in/);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome,/ })).toBeVisible();
  await other.close();

  // Put the demo password back for the next run.
  await page.goto('/account');
  await ready(page, info);
  await page.getByLabel('Current password').fill(NEW);
  await page.getByLabel('New password (at least 10 characters)').fill(PASSWORD);
  await page.getByLabel('New password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');
});
