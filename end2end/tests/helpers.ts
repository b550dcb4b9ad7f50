import { expect, Locator, Page, TestInfo } from '@playwright/test';
import { checkPage, hydrated } from './a11y';

export const PASSWORD = 'proficio-demo';
export const ADMIN = 'priya.raman@northwind.example';
export const HR = 'tomas.ortega@northwind.example';
export const MANAGER = 'grace.okafor@northwind.example';
export const EMPLOYEE = 'liam.chen@northwind.example';

export const jsOn = (info: TestInfo) => info.project.name === 'js';

/**
 * Waits until the page is ready (with JavaScript on, hydrated by the WASM app; on a busy
 * 2-core machine that can take seconds, so the wait is generous: it is a wait, not a speed
 * assertion), then checks it with axe-core (once per route and role).
 */
export async function ready(page: Page, info: TestInfo) {
  await hydrated(page, info);
  await checkPage(page, info);
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

/**
 * Opens a page from the navigation as a person would: its own link in the top bar (an
 * employee's pages are listed there), else its section's link and then the page's link in
 * the section's bar.
 */
export async function openFromNav(page: Page, section: string, label: string) {
  const main = page.getByRole('navigation', { name: 'Main' });
  const direct = main.getByRole('link', { name: label, exact: true });
  if (await direct.count()) {
    await direct.click();
    return;
  }
  await main.getByRole('link', { name: section, exact: true }).click();
  await page.getByRole('navigation', { name: section, exact: true }).getByRole('link', { name: label, exact: true }).click();
}

/** Presses Tab until `target` has the focus (at most `max` times), as a keyboard user would. */
export async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.and(page.locator(':focus')).count()) return;
  }
  throw new Error(`${max} presses of Tab did not reach ${target}`);
}

/** The addresses of the links `links` finds (works with JavaScript off too). */
export async function hrefs(links: Locator): Promise<string[]> {
  const out: string[] = [];
  for (const a of await links.all()) out.push((await a.getAttribute('href')) ?? '');
  return out;
}
