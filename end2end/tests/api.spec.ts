import { checkPage, expect, test, violations } from './a11y';

// The API reference a developer reads before connecting a system: served by Proficio itself
// from the generated OpenAPI document, usable with or without JavaScript, at phone width
// and in the dark theme.
test('a developer reads the API reference and follows it to the OpenAPI document', async ({ page }, info) => {
  // The index links every operation the document has.
  const served = await (await page.request.get('/api/v1/openapi.json')).json();
  const operations = Object.values(served.paths as Record<string, object>)
    .reduce((n, item) => n + Object.keys(item).length, 0);
  expect(operations).toBeGreaterThanOrEqual(11);
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { level: 1, name: /Proficio API/ })).toBeVisible();
  const index = page.getByRole('navigation', { name: 'Operations' });
  await expect(index.getByRole('link')).toHaveCount(operations);
  await expect(index.getByRole('link', { name: 'GET /api/v1/frameworks/{id}/case' })).toBeVisible();

  await index.getByRole('link', { name: 'POST /api/v1/completions' }).click();
  await expect(page).toHaveURL(/#recordCompletion$/);
  const op = page.locator('section#recordCompletion');
  await expect(op).toContainText('Token scope: completions:write');
  await expect(op.getByRole('row', { name: /Idempotency-Key/ })).toBeVisible();
  await expect(op.getByRole('row', { name: /^201/ })).toContainText('Completion');
  // A schema named in a response is a link to its fields.
  await op.getByRole('link', { name: 'Completion', exact: true }).first().click();
  await expect(page.locator('section#schema-Completion')).toContainText('levels_awarded');
  await checkPage(page, info);
  expect(await violations(page, info, 'dark'), 'axe on the dark theme').toEqual([]);

  // At phone width nothing makes the page scroll sideways (wide tables scroll in place).
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  const doc = await page.request.get('/api/v1/openapi.json');
  expect(doc.ok()).toBeTruthy();
  const json = await doc.json();
  expect(json.openapi).toBe('3.1.0');
  expect(Object.keys(json.paths)).toContain('/api/v1/completions');
  await page.getByRole('link', { name: '/api/v1/openapi.json' }).click();
  await expect(page).toHaveURL(/openapi\.json$/);
});
