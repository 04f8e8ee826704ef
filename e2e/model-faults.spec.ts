/**
 * How the app shows model faults: without a usable model the header says why (naming the file) and scoring
 * reports it instead of failing silently; with a GPU provider that cannot load (CUDA is not installable here) the
 * app runs on the CPU and says which provider it passed over and why. The engine and session tests cover the
 * faults themselves (missing, corrupt, sha mismatch, graph mismatch; test/core/inference, test/core/engine).
 */
import { expect, test } from '@playwright/test';
import { join, resolve } from 'node:path';
import { browserHost, copyDataset, removeScratch } from './support/browser-host';

const host = browserHost({ port: Number(process.env.E2E_PORT ?? 47616) + 41, token: 'e2e-model-faults-token' });
const TINY = resolve('test/fixtures/models/tiny-random.onnx');

let scratch = '';

/** Starts the browser host on the sample copy with extra flags; resolves when it answers. */
const startHost = (flags: string[]): Promise<void> => host.start([join(scratch, 'sample')], ['--workspaces', join(scratch, 'ws'), ...flags]);

test.beforeAll(async () => {
  ({ scratch } = await copyDataset('sentinel-e2e-model-', { name: 'sample' }));
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(scratch);
});

// Each test starts the host with its own flags, on the same port.
test.afterEach(() => host.stop());

test('a missing model: the header names the file, and scoring says why it cannot run', async ({ page }) => {
  const missing = join(scratch, 'models', 'missing-model.onnx');
  await startHost(['--model', missing]);
  await page.goto(host.appUrl);
  await expect(page.getByTestId('engine-info')).toContainText('model none');
  await expect(page.getByTestId('model-error')).toContainText('missing-model.onnx');
  await page.getByTestId('root-input').fill(join(scratch, 'sample'));
  await page.getByTestId('open-button').click();
  await expect(page.getByTestId('project-summary')).toContainText('81 labels');
  await page.getByTestId('score-button').click();
  await expect(page.getByTestId('error')).toContainText('missing-model.onnx', { timeout: 30_000 });
  // Nothing was scored: no row turned ok.
  await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(0);
});

test('a GPU provider that cannot load: the app runs on the CPU and says what it passed over', async ({ page }) => {
  await startHost(['--model', TINY, '--ep', 'cuda,cpu']);
  await page.goto(host.appUrl);
  const info = page.getByTestId('engine-info');
  await expect(info).toContainText('tiny-random');
  const text = (await info.textContent()) ?? '';
  if (/· cuda/.test(text)) {
    test.info().annotations.push({ type: 'note', description: 'CUDA loaded on this machine: nothing to fall back from' });
    return;
  }
  await expect(info).toContainText('· cpu');
  await expect(page.getByTestId('ep-notes')).toContainText('cuda:');
  // And it scores on the CPU.
  await page.getByTestId('root-input').fill(join(scratch, 'sample'));
  await page.getByTestId('open-button').click();
  await page.getByTestId('score-button').click();
  await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 90_000 });
});
