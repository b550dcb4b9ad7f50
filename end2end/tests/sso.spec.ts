import { test, expect, Page, TestInfo } from '@playwright/test';
import { ready } from './helpers';
import { startProvider, OidcProvider } from './oidc-provider';

// Single sign-on against a real OpenID provider (npm oidc-provider, a certified
// implementation) that this file starts; `make e2e` configures the server for it
// (PROFICIO_OIDC_*: client `proficio`, domain northwind.example, new people as employees).
// Everything here is links and redirects, so it runs with JavaScript on and off.

const port = Number(process.env.PROFICIO_E2E_OIDC_PORT ?? 3190);
const proficio = process.env.PROFICIO_E2E_URL ?? 'http://127.0.0.1:3100';
let op: OidcProvider;

test.beforeAll(async () => {
  op = await startProvider({ port, proficioUrl: proficio });
});

test.afterAll(async () => {
  await op?.close();
});

/** From Proficio's sign-in page to the provider's login form. */
async function toProvider(page: Page, info: TestInfo, next = '') {
  await page.goto(`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await ready(page, info);
  await page.getByRole('link', { name: 'Sign in with Northwind ID' }).click();
  await expect(page).toHaveURL(new RegExp(`^${op.issuer}/interaction/`));
}

/** Signs in at the provider as `login`. */
async function atProvider(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('not checked by the test provider');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** Back on Proficio's sign-in page with `message`, and nobody signed in. */
async function refused(page: Page, info: TestInfo, message: RegExp) {
  await expect(page).toHaveURL(/\/sign-in\?sso=/);
  await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
  await ready(page, info);
  await page.goto('/skills');
  await expect(page).toHaveURL(/\/sign-in/);
}

test('an employee signs in with the organisation’s identity provider and lands where they were going', async ({ page }, info) => {
  await toProvider(page, info, '/skills');
  await atProvider(page, 'liam.chen@northwind.example');
  await expect(page).toHaveURL(/\/skills$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await ready(page, info);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Liam' })).toBeVisible();
});

test('someone new from the allowed domain is added as an employee on first sign-in', async ({ page }, info) => {
  const login = `new.starter.${info.project.name.replace(/\W/g, '')}@northwind.example`;
  await toProvider(page, info);
  await atProvider(page, login);
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome, New/ })).toBeVisible();
  await ready(page, info);
});

test('an e-mail address the provider has not verified is refused', async ({ page }, info) => {
  await toProvider(page, info);
  await atProvider(page, 'unverified.person@northwind.example');
  await refused(page, info, /has not verified your e-mail address/);
});

test('an e-mail address outside the allowed domains is refused', async ({ page }, info) => {
  await toProvider(page, info);
  await atProvider(page, 'someone@elsewhere.example');
  await refused(page, info, /not in a domain that may sign in here/);
});

test('a code issued to another application (wrong audience) is refused', async ({ page }, info) => {
  // Proficio starts a sign-in (its state, nonce and PKCE verifier in this browser's
  // session); the request reaches the provider as if from another client, so the code that
  // comes back to Proficio belongs to `other-app`.
  await page.goto('/sign-in');
  await ready(page, info);
  const start = await page.request.get('/auth/oidc/start?next=/', { maxRedirects: 0 });
  expect(start.status()).toBe(303);
  const url = new URL(start.headers()['location']);
  expect(url.origin).toBe(op.issuer);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('nonce')).toBeTruthy();
  url.searchParams.set('client_id', 'other-app');
  await page.goto(url.toString());
  await atProvider(page, 'liam.chen@northwind.example');
  await refused(page, info, /did not check out/);
});

test('an expired or replayed sign-in is refused', async ({ page, context }, info) => {
  // Record the provider's answer as it passes, then sign in with it once.
  let answer = '';
  page.on('request', (r) => {
    if (r.url().includes('/auth/oidc/callback')) answer = r.url();
  });
  await toProvider(page, info);
  await atProvider(page, 'liam.chen@northwind.example');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Liam' })).toBeVisible();
  expect(answer).toContain('code=');
  // The same answer again (a replay, or a link from a sign-in that is no longer in this
  // browser) signs nobody in.
  await context.clearCookies();
  await page.goto(answer);
  await refused(page, info, /expired or was already used/);
});

test('cancelling at the provider comes back with a clear message', async ({ page }, info) => {
  await toProvider(page, info);
  await page.getByRole('link', { name: /Cancel/ }).click();
  await refused(page, info, /cancelled at your identity provider/);
});
