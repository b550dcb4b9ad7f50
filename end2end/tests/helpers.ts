import { expect, Page, TestInfo } from '@playwright/test';

export const PASSWORD = 'proficio-demo';
export const ADMIN = 'priya.raman@northwind.example';
export const HR = 'tomas.ortega@northwind.example';
export const MANAGER = 'grace.okafor@northwind.example';
export const EMPLOYEE = 'liam.chen@northwind.example';

export const jsOn = (info: TestInfo) => info.project.name === 'js';

/**
 * With JavaScript on, waits until the WASM app has hydrated the page. The debug build's
 * WASM is ~8.5 MB; on a busy 2-core machine compiling it can take several seconds, so this
 * readiness wait is generous (it is a wait, not a speed assertion).
 */
export async function ready(page: Page, info: TestInfo) {
  if (jsOn(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
  }
}

/** Signs in through the form and waits for the home page. */
export async function signIn(page: Page, info: TestInfo, email: string, password = PASSWORD) {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome,/ })).toBeVisible();
  await ready(page, info);
}
