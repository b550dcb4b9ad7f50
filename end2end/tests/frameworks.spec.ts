import { expect, test } from './a11y';
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
    await page.getByLabel('Title of the new node').fill(title);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(tree.getByRole('treeitem').filter({ hasText: title })).toHaveCount(1);
    // With JavaScript the new node is selected at once.
    if (jsOn(info)) await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  }
  await expect(tree.getByRole('treeitem').first()).toContainText('Technical');

  // Keyboard only: select "Technical", focus its move-down button and press Enter.
  await tree.getByRole('link', { name: 'Technical' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Technical' })).toBeVisible();
  await ready(page, info);
  await page.getByRole('button', { name: 'Move down: Technical' }).focus();
  await page.keyboard.press('Enter');
  await expect(tree.getByRole('treeitem').first()).toContainText('People');
  await expect(tree.getByRole('treeitem').nth(1)).toContainText('Technical');

  // A skill cannot sit in a category: the refusal is explained and nothing changes.
  await page.getByLabel('Inside').selectOption({ label: 'People' });
  await page.getByLabel('Kind').selectOption('skill');
  await page.getByLabel('Title of the new node').fill('Listening');
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
  await page.getByLabel('Title of the new node').fill('Temporary');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem')).toHaveCount(1);
  if (jsOn(info)) await expect(page.getByRole('heading', { level: 2, name: 'Temporary' })).toBeVisible();
  await tree.getByRole('link', { name: 'Temporary' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Temporary' })).toBeVisible();
  await ready(page, info);
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
  await a.getByLabel('Title of the new node').fill('Design');
  await a.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(a.getByRole('tree').getByRole('treeitem')).toHaveCount(1);
  if (js) await expect(a.getByRole('heading', { level: 2, name: 'Design' })).toBeVisible();
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
  await page.getByLabel('Title of the new node').fill('Coding');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('tree').getByRole('treeitem')).toHaveCount(1);
  if (jsOn(info)) await expect(page.getByRole('heading', { level: 2, name: 'Coding' })).toBeVisible();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published', { exact: true })).toBeVisible();

  // Rename after publishing: the framework becomes a draft again.
  await page.getByRole('tree').getByRole('link', { name: 'Coding' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Coding' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Title', { exact: true }).fill('Programming');
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

/** Creates a framework with two categories and a competency in the first; opens it. */
async function dragFixture(page: import('@playwright/test').Page, info: import('@playwright/test').TestInfo, name: string) {
  await page.goto('/frameworks');
  await ready(page, info);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create framework' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await ready(page, info);
  const tree = page.getByRole('tree');
  const add = async (inside: string, kind: string, title: string) => {
    await page.getByLabel('Inside').selectOption({ label: inside });
    await page.getByLabel('Kind').selectOption(kind);
    await page.getByLabel('Title of the new node').fill(title);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(tree.getByRole('treeitem').filter({ hasText: title })).toHaveCount(1);
    await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  };
  await add('Top level', 'category', 'Alpha');
  await add('Top level', 'category', 'Beta');
  await add('Alpha', 'competency', 'Gamma');
  return tree;
}

test('an admin drags a competency under another category and sees it there after reload', async ({ page }, info) => {
  test.skip(!jsOn(info), 'dragging needs JavaScript; the move form and buttons cover it without');
  await signIn(page, info, ADMIN);
  const tree = await dragFixture(page, info, 'Drag and drop');
  const row = (t: string) => tree.getByRole('treeitem').filter({ hasText: t });
  await expect(tree.getByRole('treeitem')).toHaveText([/Alpha/, /Gamma/, /Beta/]);

  // Drop Gamma on the middle of Beta: it moves inside Beta.
  await row('Gamma').dragTo(row('Beta'));
  await expect(tree.getByRole('treeitem')).toHaveText([/Alpha/, /Beta/, /Gamma/]);
  await expect(page.getByTestId('announce')).toHaveText('Moved “Gamma” into “Beta”, position 1.');
  await page.reload();
  await ready(page, info);
  await expect(tree.getByRole('treeitem')).toHaveText([/Alpha/, /Beta/, /Gamma/]);
  await expect(row('Gamma')).toHaveAttribute('aria-level', '2');

  // A category cannot go inside a competency: the drop is refused while dragging, and
  // nothing changes.
  await row('Alpha').hover();
  await page.mouse.down();
  const gammaBox = await row('Gamma').boundingBox();
  await page.mouse.move(gammaBox!.x + gammaBox!.width / 2, gammaBox!.y + gammaBox!.height / 2, { steps: 5 });
  await page.mouse.move(gammaBox!.x + gammaBox!.width / 2 + 4, gammaBox!.y + gammaBox!.height / 2, { steps: 2 });
  await expect(page.getByText('Cannot drop here: A competency cannot hold a category.')).toBeVisible();
  await page.mouse.up();
  await page.reload();
  await expect(tree.getByRole('treeitem')).toHaveText([/Alpha/, /Beta/, /Gamma/]);
});

test('the tree is a keyboard widget: arrows move around, Alt + arrows move the row', async ({ page }, info) => {
  test.skip(!jsOn(info), 'arrow keys need JavaScript; without it the buttons and links work');
  await signIn(page, info, ADMIN);
  const tree = await dragFixture(page, info, 'Keyboard tree');
  await page.goto(page.url().split('?')[0]);
  await ready(page, info);
  const items = tree.getByRole('treeitem');
  await expect(items).toHaveText([/Alpha/, /Gamma/, /Beta/]);
  await items.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  // Left on a child goes to its parent; Left on an open parent closes it.
  await page.keyboard.press('ArrowLeft');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(items).toHaveText([/Alpha/, /Beta/]);
  await expect(items.first()).toHaveAttribute('aria-expanded', 'false');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(items).toHaveText([/Alpha/, /Gamma/, /Beta/]);
  // Alt + Down moves Alpha below Beta; the move is announced and focus stays on Alpha.
  await items.first().focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(items).toHaveText([/Beta/, /Alpha/, /Gamma/]);
  await expect(page.getByTestId('announce')).toHaveText('Moved “Alpha” down.');
  await expect(items.nth(1)).toBeFocused();
  await page.reload();
  await expect(items).toHaveText([/Beta/, /Alpha/, /Gamma/]);
});
