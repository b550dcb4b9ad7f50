import { Page, TestInfo } from '@playwright/test';
import { expect, test } from './a11y';
import { ADMIN, EMPLOYEE, jsOn, ready, signIn, openFromNav, tabTo } from './helpers';

/** Creates a position from the positions page and waits for its editor. */
async function newPosition(page: Page, info: TestInfo, title: string) {
  await openFromNav(page, 'Administration', 'Positions');
  await expect(page.getByRole('heading', { level: 1, name: 'Positions' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Track').selectOption('ic');
  await page.getByLabel('Seniority rank').fill('3');
  await page.getByRole('button', { name: 'Add position' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText('No requirements yet')).toBeVisible();
}

test('an admin builds a position with level sliders that describe each level', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await newPosition(page, info, `Data Platform Engineer (${info.project.name})`);

  // Pick nodes from the Engineering framework: one skill, then a competency with its skills.
  await page.getByLabel('Framework', { exact: true }).selectOption({ label: 'Engineering' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('list', { name: 'Framework nodes' })).toBeVisible();
  await ready(page, info);
  await page.getByRole('button', { name: 'Add Testing', exact: true }).click();
  const reqs = page.getByTestId('requirement');
  await expect(reqs).toHaveCount(1);
  await ready(page, info);
  await page.getByRole('button', { name: 'Add Operations and reliability with everything inside' }).click();
  await expect(reqs).toHaveCount(4);
  await expect(page.getByRole('list', { name: 'Framework nodes' }).getByText('Required', { exact: true })).toHaveCount(4);
  await ready(page, info);

  // The slider starts at the scale's threshold and shows what that level means.
  const slider = page.getByRole('slider', { name: 'Required level for Testing' });
  const text = reqs.filter({ hasText: 'Required level for Testing' }).getByTestId('level-text');
  await expect(slider).toHaveAttribute('aria-valuetext', 'Level 3: Working');
  await expect(text).toContainText('Applies testing independently');

  if (jsOn(info)) {
    // With JavaScript the description follows the slider as it moves, before saving.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(text).toContainText('Level 4: Advanced');
    await expect(text).toContainText('Leads testing on complex, cross-team work');
    await expect(slider).toHaveAttribute('aria-valuetext', 'Level 4: Advanced');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(text).toContainText('Level 2: Basic');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
  } else {
    await slider.fill('4');
  }
  const testing = reqs.filter({ hasText: 'Required level for Testing' });
  await testing.getByLabel('Weight of Testing').selectOption('5');
  await testing.getByLabel('Mandatory').check();
  // Wait for the save itself: without JavaScript the click starts a form post, and reloading
  // while it is in flight would race it.
  const saved = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Save Testing' }).click();
  await saved;
  if (jsOn(info)) await expect(page.getByRole('button', { name: 'Save Testing' })).toBeEnabled();
  else await page.waitForLoadState('load');

  // Saved: opening the page again shows the new level, weight and the mandatory flag.
  await page.goto(page.url());
  await ready(page, info);
  await expect(page.getByRole('slider', { name: 'Required level for Testing' })).toHaveAttribute('aria-valuetext', 'Level 4: Advanced');
  await expect(page.getByTestId('requirement').filter({ hasText: 'Required level for Testing' }).getByText('Mandatory', { exact: true }).first()).toBeVisible();

  // Remove one.
  await page.getByRole('button', { name: 'Remove Observability' }).click();
  await expect(page.getByTestId('requirement')).toHaveCount(3);
});

test('an admin drafts requirements from a job description and accepts one', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await newPosition(page, info, `Reliability Lead (${info.project.name})`);
  await page.getByLabel('Job description', { exact: true }).fill(
    'You will be on call for production incidents, improve observability with metrics and tracing, and mentor others.',
  );
  await page.getByRole('button', { name: 'Suggest requirements' }).click();
  const suggestions = page.getByTestId('suggestion');
  await expect(suggestions.filter({ hasText: 'Incident response' })).toHaveCount(1);
  await expect(suggestions.filter({ hasText: 'Incident response' }).locator('mark').first()).toBeVisible();
  await ready(page, info);
  // Reject one: it leaves the list.
  await page.getByRole('link', { name: 'Reject Observability' }).click();
  await expect(suggestions.filter({ hasText: 'Observability' })).toHaveCount(0);
  await ready(page, info);
  await page.getByRole('button', { name: 'Accept Incident response' }).click();
  await expect(page.getByTestId('requirement').filter({ hasText: 'Incident response' })).toHaveCount(1);
  await expect(suggestions.filter({ hasText: 'Incident response' })).toHaveCount(0);
});

test('an admin links positions on the career map; a duplicate move is refused', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  const title = `Analytics Engineer (${info.project.name})`;
  await newPosition(page, info, title);
  await page.getByRole('link', { name: 'Show on career map' }).click();
  const panel = page.getByTestId('position-panel');
  await expect(panel.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Leads to').selectOption({ label: 'Staff Engineer' });
  await page.getByLabel('Kind of move', { exact: true }).last().selectOption('up');
  await page.getByLabel('Developmental experience needed').last().fill('Has owned the data platform for a year.');
  await page.getByRole('button', { name: 'Add move' }).click();
  await expect(panel.locator('.move').filter({ hasText: 'Staff Engineer' })).toContainText('Has owned the data platform');
  await ready(page, info);
  await page.getByLabel('Leads to').selectOption({ label: 'Staff Engineer' });
  await page.getByRole('button', { name: 'Add move' }).click();
  await expect(page.getByText('There is already a move between these positions').first()).toBeVisible();
  await expect(panel.locator('.move').filter({ hasText: 'Staff Engineer' })).toHaveCount(1);
});

test('an employee opens the career path, picks the next position and sees what they need', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  await openFromNav(page, 'Me', 'Careers');
  await expect(page.getByRole('heading', { level: 1, name: 'Career paths' })).toBeVisible();
  await ready(page, info);
  // The map marks where they are; start there and follow the promotion.
  await expect(page.getByRole('link', { name: /Software Engineer \(your position\)/ })).toBeVisible();
  await page.getByRole('link', { name: 'Start from my position' }).click();
  const panel = page.getByTestId('position-panel');
  await expect(panel.getByRole('heading', { level: 2, name: 'Software Engineer' })).toBeVisible();
  await expect(panel.getByText('You are here')).toBeVisible();
  await ready(page, info);
  await panel.locator('.move').getByRole('link', { name: 'Senior Software Engineer' }).click();
  await expect(panel.getByRole('heading', { level: 2, name: 'Senior Software Engineer' })).toBeVisible();
  await expect(panel.getByText('Requirements (14)')).toBeVisible();
  await ready(page, info);
  await panel.getByRole('link', { name: 'What do I need?' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'What you need for Senior Software Engineer' })).toBeVisible();
  await expect(page.getByText('From Software Engineer to Senior Software Engineer')).toBeVisible();
  const rows = page.getByTestId('comparison-row');
  await expect(rows).toHaveCount(14);
  // Mandatory gaps first; new and higher requirements are marked; nothing is rated yet.
  await expect(rows.first()).toContainText('Mandatory');
  await expect(rows.filter({ hasText: 'Data modelling' })).toContainText('New');
  await expect(rows.filter({ hasText: 'Code quality' })).toContainText('Higher');
  await expect(rows.first()).toContainText('Not rated');
  await expect(page.getByTestId('readiness')).toContainText('%');
  await expect(page.getByText('Has designed and led a project across several services')).toBeVisible();
});

test('the home page and the profile show the position and the target', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  const career = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Your career' }) });
  await expect(career.getByRole('link', { name: 'Software Engineer', exact: true })).toBeVisible();
  await expect(career.getByRole('link', { name: 'Senior Software Engineer' })).toBeVisible();
  await career.getByRole('link', { name: 'What I need for my target' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What you need for Senior Software Engineer' })).toBeVisible();
});

test('the career map works from the keyboard: Tab reaches each position, Enter opens it', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  await page.goto('/careers');
  await ready(page, info);
  const mine = page.getByRole('link', { name: /Software Engineer \(your position\)/ });
  await tabTo(page, mine);
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('position-panel');
  await expect(panel.getByRole('heading', { level: 2, name: 'Software Engineer' })).toBeVisible();
  await expect(panel.getByText('You are here')).toBeVisible();
});
