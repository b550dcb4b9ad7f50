import { checkPage, expect, test } from './a11y';
import { ADMIN, openFromNav, ready, signIn } from './helpers';

// An admin connects the company's identity provider: a token with the scim scope, made on
// the tokens page, lets the provider add someone, who then appears in People marked as kept
// in sync; the provider's deprovisioning shows at once as deactivated.
test('an admin connects an identity provider over SCIM and sees the people it provisions', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await openFromNav(page, 'Administration', 'API tokens');
  await ready(page, info);
  const form = page.locator('section[aria-labelledby="new-token-h"]');
  await form.getByLabel('Name', { exact: true }).fill(`Entra ID ${info.project.name} ${Date.now()}`);
  await form.getByRole('checkbox', { name: /^scim/ }).check();
  await form.getByRole('button', { name: 'Make token' }).click();
  const token = await page.locator('section.fresh-token').getByLabel('Token').inputValue();
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };

  // The provider adds a person (Entra's create body: a UPN as userName, a work e-mail).
  const stamp = `${info.project.name}${Date.now()}`;
  const email = `ada.${stamp}@northwind.example`;
  const created = await page.request.post('/scim/v2/Users', {
    headers: auth,
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: `ext-${stamp}`,
      userName: `ada.${stamp}@northwind.onmicrosoft.example`,
      active: true,
      displayName: `Ada Lovelace ${stamp}`,
      title: 'Analyst',
      emails: [{ primary: true, type: 'work', value: email }],
    },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;

  await page.goto(`/people?q=${encodeURIComponent(`Ada Lovelace ${stamp}`)}`);
  await ready(page, info);
  await page.getByRole('link', { name: new RegExp(`Ada Lovelace ${stamp}`) }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Ada Lovelace ${stamp}` })).toBeVisible();
  await expect(page.getByRole('note')).toContainText('Kept in sync by your identity provider');
  await expect(page.locator('.profile-hero')).toContainText('Active');
  await checkPage(page, info);

  // Deprovisioned by the provider: deactivated at once.
  const off = await page.request.patch(`/scim/v2/Users/${id}`, {
    headers: auth,
    data: { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
  });
  expect(off.status()).toBe(200);
  await page.reload();
  await ready(page, info);
  await expect(page.locator('.profile-hero')).toContainText('Deactivated');
});
