/**
 * The real renderer in Debian's Chromium against the browser host on the bundled sample: open the dataset, score
 * it, and see every label's score arrive, lowest first.
 */
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { E2E_TOKEN } from '../playwright.config';

test('opens the sample, scores every label and lists them lowest first', async ({ page }, info) => {
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:') && !r.url().startsWith('ws://127.0.0.1:') && !r.url().startsWith('data:')) external.push(r.url());
  });
  await page.goto(`/#token=${E2E_TOKEN}`);
  await expect(page.getByTestId('engine-info')).toContainText('model');
  await page.getByTestId('root-input').fill(resolve('resources/sample'));
  await page.getByTestId('open-button').click();
  await expect(page.getByTestId('project-summary')).toContainText('2 cases · 81 labels');
  const rows = page.locator('[data-testid=label-table] tbody tr');
  await expect(rows).toHaveCount(81);
  await expect(page.locator('[data-testid=label-table] tbody tr[data-status=pending]')).toHaveCount(81);
  await page.getByTestId('score-button').click();
  await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 60_000 });
  // Lowest predicted DSC first.
  const cells = await page.locator('[data-testid=label-table] tbody tr td:nth-child(4)').allTextContents();
  const values = cells.map((c) => Number(c.trim()));
  expect(cells.every((c) => c.trim() !== '')).toBe(true);
  expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  await page.screenshot({ path: info.outputPath('scored-sample.png'), fullPage: true });
  expect(external).toEqual([]);
});

test('refuses a folder outside the datasets the host was started with', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('root-input').fill('/etc');
  await page.getByTestId('open-button').click();
  await expect(page.getByTestId('error')).toContainText('outside the folders this app may open');
});

test('the API refuses calls without the token', async ({ request }) => {
  const res = await request.post('/api/engineInfo', { data: { arg: null } });
  expect(res.status()).toBe(401);
});
