import { Page, TestInfo } from '@playwright/test';
import { expect, test } from './a11y';
import { jsOn, ready, signIn } from './helpers';

// Each project has its own employee (and their manager), so the runs do not meet.
const people = (js: boolean) =>
  js
    ? { employee: 'jonas.keller@northwind.example', name: 'Jonas Keller', manager: 'grace.okafor@northwind.example' }
    : { employee: 'ravi.iyer@northwind.example', name: 'Ravi Iyer', manager: 'sofia.lindqvist@northwind.example' };

async function signOut(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

test('close my gap: suggestions go into the plan, a completion is confirmed and the gap chart shows the level', async ({ page }, info: TestInfo) => {
  const who = people(jsOn(info));
  await signIn(page, info, who.employee);
  await page.goto('/skills');
  await ready(page, info);
  await page.getByTestId('close-my-gap').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Close my gap' })).toBeVisible();
  await ready(page, info);

  // Each suggestion says which gaps it closes; together they close every gap they can.
  const suggestions = page.getByTestId('suggestion');
  await expect(suggestions.first()).toBeVisible();
  await expect(page.getByTestId('close-gap-summary')).toContainText('activit');
  const course = suggestions.filter({ hasText: 'essentials' }).first();
  await expect(course.getByTestId('closes').first()).toContainText('awards level 3');
  const skill = (await course.getByTestId('closes').first().locator('strong').textContent())!.trim();

  await page.getByRole('button', { name: 'Add the ticked activities to my plan' }).click();
  if (jsOn(info)) {
    await expect(page.getByText(/Added \d+ activit/)).toBeVisible();
  }
  await page.goto('/plan');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1, name: 'My development plan' })).toBeVisible();
  const goal = page.getByTestId('goal').filter({ has: page.getByRole('heading', { name: skill, exact: true }) });
  await expect(goal.getByTestId('goal-state')).toHaveText('Not started');

  // Report the course done, with evidence.
  const action = page.getByTestId('plan-action').filter({ hasText: `${skill}: essentials` });
  await expect(action.getByTestId('action-status')).toHaveText('Planned');
  await action.getByText('I have done this').click();
  await action.getByLabel('What you did').fill('Finished every module and the final exercise.');
  await action.getByLabel('Link to evidence (certificate, work sample)').fill('https://learning.northwind.example/certificates/e2e');
  await action.getByRole('button', { name: 'Mark complete' }).click();
  await expect(page.getByTestId('plan-action').filter({ hasText: `${skill}: essentials` }).getByTestId('action-status'))
    .toHaveText('Waiting for confirmation');
  await expect(goal.getByTestId('goal-state')).toHaveText('In progress');
  await signOut(page);

  // The manager confirms it from their checks.
  await signIn(page, info, who.manager);
  await page.goto('/plan/checks');
  await ready(page, info);
  const check = page.getByTestId('check').filter({ hasText: who.name }).filter({ hasText: `${skill}: essentials` });
  await expect(check).toContainText('Finished every module');
  await check.getByRole('button', { name: 'Confirm completion' }).click();
  await expect(page.getByTestId('check').filter({ hasText: who.name }).filter({ hasText: `${skill}: essentials` })).toHaveCount(0);
  await signOut(page);

  // The employee's gap chart and skills show the new level, from the course completion.
  await signIn(page, info, who.employee);
  await page.goto('/skills');
  await ready(page, info);
  const row = page.getByTestId('skill').filter({ has: page.getByRole('heading', { name: new RegExp(`^${skill}`) }) });
  await expect(row.locator('.status-line')).toContainText('Current: Level 3');
  await expect(row.locator('.status-line')).toContainText('course completion');
  const axis = page.getByTestId('gap-axis').filter({ hasText: skill.slice(0, 10) });
  await expect(axis.locator('title')).toContainText(`${skill}: level 3 of required`);
  await page.goto('/plan');
  await expect(page.getByTestId('plan-action').filter({ hasText: `${skill}: essentials` }).getByTestId('action-status')).toHaveText('Completed');

  // Recognition: points and a badge, and the competency exports as an Open Badge.
  await page.goto('/recognition');
  await expect(page.getByTestId('badge').filter({ hasText: 'Learner' })).toContainText('Earned');
  const award = page.getByTestId('award').filter({ hasText: skill });
  const href = await award.getByRole('link', { name: 'Open Badge (JSON)' }).getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  const credential = await res.json();
  expect(credential.type).toContain('OpenBadgeCredential');
  expect(credential.credentialSubject.achievement.name).toBe(skill);
});

test('an admin adds an activity with a level it awards, and everyone finds it in the catalogue', async ({ page }, info) => {
  const title = jsOn(info) ? 'Incident drills (js)' : 'Incident drills (no js)';
  await signIn(page, info, 'priya.raman@northwind.example');
  await page.goto('/learning');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1, name: 'Learning catalogue' })).toBeVisible();
  await expect(page.getByTestId('activity').first()).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Kind').selectOption('workshop');
  await page.getByLabel('Duration').fill('soon');
  await page.getByRole('button', { name: 'Add activity' }).click();
  await expect(page.getByText('is not a duration').first()).toBeVisible();
  // Without JavaScript the form comes back empty with the message; fill it again.
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Kind').selectOption('workshop');
  await page.getByLabel('Duration').fill('3h');
  await page.getByRole('button', { name: 'Add activity' }).click();
  if (jsOn(info)) {
    await page.getByRole('link', { name: 'Now say which levels it awards.' }).click();
  } else {
    await page.goto(`/learning?q=${encodeURIComponent(title)}`);
    await page.getByRole('link', { name: title }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Competency or skill').fill('Testing');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.locator('.found-node').first()).toBeVisible();
  await page.locator('.found-node').filter({ has: page.getByText('Testing', { exact: true }) }).first()
    .getByRole('button', { name: 'Award this level' }).click();
  await expect(page.locator('.provides-row').filter({ hasText: 'Testing' })).toContainText('Level 3');
});
