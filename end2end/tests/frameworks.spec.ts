import { expect, test } from '@playwright/test';
import { ADMIN, EMPLOYEE, jsOn, ready, signIn } from './helpers';

test('an admin builds a framework and reorders it with the keyboard only', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Frameworks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Frameworks' })).toBeVisible();
  await ready(page, info);

  const name = `Engineering (${info.project.name})`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create framework' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText('This framework is empty')).toBeVisible();

  const tree = page.getByRole('tree');
  for (const title of ['Technical', 'People']) {
    await page.getByLabel('Inside').selectOption({ label: 'Top level' });
    await page.getByLabel('Kind').selectOption('category');
    await page.getByLabel('Title').fill(title);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(tree.getByRole('treeitem').filter({ hasText: title })).toHaveCount(1);
  }
  await expect(tree.getByRole('treeitem').first()).toContainText('Technical');

  // Keyboard only: focus the move-down button of "Technical" and press Enter.
  await page.getByRole('button', { name: 'Move down: Technical' }).focus();
  await page.keyboard.press('Enter');
  await expect(tree.getByRole('treeitem').first()).toContainText('People');
  await expect(tree.getByRole('treeitem').nth(1)).toContainText('Technical');

  // A skill cannot sit in a category: the refusal is explained and nothing changes.
  await page.getByLabel('Inside').selectOption({ label: 'People' });
  await page.getByLabel('Kind').selectOption('skill');
  await page.getByLabel('Title').fill('Listening');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText('A category cannot hold a skill.', { exact: false }).first()).toBeVisible();
  await expect(tree.getByRole('treeitem')).toHaveCount(2);

  // After a reload the order is still the new one.
  await page.reload();
  await expect(tree.getByRole('treeitem').first()).toContainText('People');
});

test('deleting a node asks first', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await ready(page, info);
  const name = `Scratch (${info.project.name})`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create framework' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Title').fill('Temporary');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem')).toHaveCount(1);
  await page.getByLabel('Delete Temporary…').click();
  await expect(page.getByText('Delete “Temporary” and everything inside it?')).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('This framework is empty')).toBeVisible();
});

test('two admins edit the same node: the second save is refused with a message', async ({ browser }, info) => {
  const js = jsOn(info);
  const ctxA = await browser.newContext({ javaScriptEnabled: js });
  const ctxB = await browser.newContext({ javaScriptEnabled: js });
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  await signIn(a, info, ADMIN);
  await signIn(b, info, ADMIN);

  await a.goto('/frameworks');
  await ready(a, info);
  const name = `Shared (${info.project.name})`;
  await a.getByLabel('Name').fill(name);
  await a.getByRole('button', { name: 'Create framework' }).click();
  await expect(a.getByRole('heading', { level: 1, name })).toBeVisible();
  await ready(a, info);
  await a.getByLabel('Title').fill('Design');
  await a.getByRole('button', { name: 'Add', exact: true }).click();
  await a.getByRole('tree').getByRole('link', { name: 'Design' }).click();
  await expect(a.getByRole('heading', { level: 2, name: 'Design' })).toBeVisible();
  await ready(a, info);

  // B opens the same node before A saves.
  await b.goto(a.url());
  await expect(b.getByRole('heading', { level: 2, name: 'Design' })).toBeVisible();
  await ready(b, info);

  await a.getByLabel('Definition').fill('Written by A');
  await a.getByRole('button', { name: 'Save node' }).click();
  await expect(a.getByText('revision 2')).toBeVisible();

  await b.getByLabel('Definition').fill('Written by B');
  await b.getByRole('button', { name: 'Save node' }).click();
  await expect(b.getByText('Someone else changed this framework since you opened it').first()).toBeVisible();

  // A's work is kept; reloading shows it to B.
  await b.goto(a.url());
  await expect(b.getByLabel('Definition')).toHaveValue('Written by A');
  await ctxA.close();
  await ctxB.close();
});

test('publishing freezes a version and the versions page lists what changed since', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await ready(page, info);
  const name = `Versioned (${info.project.name})`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create framework' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Title').fill('Coding');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('tree').getByRole('treeitem')).toHaveCount(1);
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published', { exact: true })).toBeVisible();

  // Rename after publishing: the framework becomes a draft again.
  await page.getByRole('tree').getByRole('link', { name: 'Coding' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Coding' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Title', { exact: true }).first().fill('Programming');
  await page.getByRole('button', { name: 'Save node' }).click();
  await expect(page.getByText('Draft', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Versions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${name}: versions` })).toBeVisible();
  await expect(page.getByRole('row', { name: /Version 1/ })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'From version 1 to the current draft' })).toBeVisible();
  await expect(page.getByText('Renamed “Coding” to “Programming”')).toBeVisible();
});

test('an employee reads a published framework through its tier diagram', async ({ page }, info) => {
  await signIn(page, info, EMPLOYEE);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Frameworks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Frameworks' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create framework' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Core competency model' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Core competency model' })).toBeVisible();
  await expect(page.getByText(/Version 1 · published/)).toBeVisible();
  await ready(page, info);
  await page.getByRole('link', { name: 'Workplace: 5 competencies' }).click();
  await expect(page).toHaveURL(/#n-/);
  const section = page.getByRole('region', { name: 'Workplace' });
  await expect(section.getByRole('heading', { level: 3, name: /Teamwork/ })).toBeVisible();

  // The engineering framework shows level descriptions for both tracks.
  await page.goto('/frameworks');
  await page.getByRole('link', { name: 'Engineering', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Engineering' })).toBeVisible();
  await page.getByRole('heading', { level: 3, name: /Software design/ }).locator('..').getByText('Level descriptions').click();
  await expect(page.getByRole('cell', { name: 'Leads software design on complex, cross-team work and raises the bar for others.' })).toBeVisible();
});

test('the tree filter shows matches with the nodes they sit in', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await page.getByRole('link', { name: 'Engineering', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Engineering' })).toBeVisible();
  await ready(page, info);
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem').filter({ hasText: 'Technical craft' })).toContainText('11 inside');
  await page.getByLabel('Filter the tree').fill('design');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByText('2 matches for “design”')).toBeVisible();
  await expect(tree.getByRole('treeitem')).toHaveText([/Technical craft/, /Software design/, /API design/]);
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(tree.getByRole('treeitem').filter({ hasText: 'Mentoring' })).toHaveCount(1);
});
