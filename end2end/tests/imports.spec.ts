import { expect, test } from './a11y';
import fs from 'fs';
import path from 'path';
import { ADMIN, jsOn, ready, signIn } from './helpers';

const MOODLE = path.resolve(__dirname, '../../../shared/data/moodle/oecd-core-competencies.csv');
const CASE = path.resolve(__dirname, '../../../shared/data/case/what-standards-could-be.json');

test('an admin uploads a CASE package, sees the preview, confirms and browses it', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks/import');
  await ready(page, info);
  await page.getByLabel('Format').selectOption('case');
  await page.getByLabel('File').setInputFiles(CASE);
  await page.getByRole('button', { name: 'Upload and preview' }).click();

  await expect(page).toHaveURL(/\/frameworks\/import\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Import “What Standards Could Be”' })).toBeVisible();
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('links');
  await expect(counts).toContainText('23');
  await expect(page.getByText('Everything in the file can be imported: 16 nodes.')).toBeVisible();
  await ready(page, info);
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  await expect(page).toHaveURL(/\/frameworks\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'What Standards Could Be' })).toBeVisible();
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem').first()).toBeVisible();
  // Open a node: its statement is the CASE full statement, its associations are links.
  await tree.getByRole('treeitem').first().locator('a.fw-title').click();
  await expect(page).toHaveURL(/node=\d+/);
  await expect(page.getByLabel('Identifier')).toHaveValue(/^[0-9a-f-]{36}$/);
  const links = page.getByTestId('node-links');
  if (await links.count()) {
    await expect(links.getByRole('listitem').first()).toBeVisible();
  }

  // And back out as a CASE package with every item.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CASE' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('what-standards-could-be-case.json');
  const pkg = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(pkg.CFItems).toHaveLength(16);
  expect(pkg.CFDocument.caseVersion).toBe('1.1');
});

test('a node imported from CASE shows its links to other frameworks', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await ready(page, info);
  await page.getByRole('link', { name: 'What Standards Could Be' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'What Standards Could Be' })).toBeVisible();
  // The search box finds a node that has exactMatchOf links outside the package.
  const withLinks = page.getByRole('tree').getByRole('treeitem');
  const n = await withLinks.count();
  let found = false;
  for (let i = 0; i < n && !found; i++) {
    await withLinks.nth(i).locator('a.fw-title').click();
    await expect(page.getByLabel('Identifier')).toBeVisible();
    if (await page.getByTestId('node-links').count()) {
      await expect(page.getByTestId('node-links')).toContainText('exact match of');
      await expect(page.getByTestId('node-links')).toContainText('outside this framework');
      found = true;
    }
  }
  expect(found).toBe(true);
});

test('an admin uploads a Moodle CSV, sees the preview, confirms and browses the framework', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await ready(page, info);
  await page.getByRole('link', { name: 'import a framework file' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import', exact: true })).toBeVisible();
  await page.getByLabel('Format').selectOption('moodle-csv');
  await page.getByLabel('File').setInputFiles(MOODLE);
  await page.getByRole('button', { name: 'Upload and preview' }).click();

  await expect(page).toHaveURL(/\/frameworks\/import\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Import “OECD”' })).toBeVisible();
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('competencies');
  await expect(counts).toContainText('problems');
  await expect(page.getByText('Everything in the file can be imported: 64 nodes')).toBeVisible();
  await ready(page, info);
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  await expect(page).toHaveURL(/\/frameworks\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'OECD' })).toBeVisible();
  await expect(page.getByRole('treeitem').first()).toBeVisible();

  // And back out as Moodle CSV.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export Moodle CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('oecd-moodle.csv');
});

test('a file with problems is refused at once with the reason', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks/import');
  await ready(page, info);
  await page.getByLabel('Format').selectOption('moodle-csv');
  await page.getByLabel('File').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('name,email\nAda,ada@example.org\n') });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  if (!jsOn(info)) {
    await expect(page).toHaveURL(/\/frameworks\/import\?error=/);
  }
  await expect(page.getByText(/not a Moodle competency framework CSV/)).toBeVisible();
  if (jsOn(info)) {
    // With JavaScript the upload went by XMLHttpRequest: same page, the reason shown.
    await expect(page).toHaveURL(/\/frameworks\/import$/);
    await expect(page.getByRole('button', { name: 'Upload and preview' })).toBeEnabled();
  }
});
