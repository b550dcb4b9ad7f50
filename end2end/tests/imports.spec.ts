import { expect, test } from '@playwright/test';
import path from 'path';
import { ADMIN, ready, signIn } from './helpers';

const MOODLE = path.resolve(__dirname, '../../../shared/data/moodle/oecd-core-competencies.csv');

test('an admin uploads a Moodle CSV, sees the preview, confirms and browses the framework', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await page.goto('/frameworks');
  await ready(page, info);
  await page.getByRole('link', { name: 'import a framework file' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import a framework' })).toBeVisible();
  await page.getByLabel('Format').selectOption('moodle-csv');
  await page.getByLabel('File').setInputFiles(MOODLE);
  await page.getByRole('button', { name: 'Upload and preview' }).click();

  await expect(page).toHaveURL(/\/frameworks\/import\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Import “OECD”' })).toBeVisible();
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('competencies');
  await expect(counts).toContainText('rows with problems');
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
  await page.getByLabel('File').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('name,email\nAda,ada@example.org\n') });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page).toHaveURL(/\/frameworks\/import\?error=/);
  await expect(page.getByText(/not a Moodle competency framework CSV/)).toBeVisible();
});
