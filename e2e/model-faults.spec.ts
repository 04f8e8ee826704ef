/**
 * How the app shows model faults: without a usable model the header says why (naming the file) and scoring
 * reports it instead of failing silently; with a GPU provider that cannot load (CUDA is not installable here) the
 * app runs on the CPU and says which provider it passed over and why. The engine and session tests cover the
 * faults themselves (missing, corrupt, sha mismatch, graph mismatch; test/core/inference, test/core/engine).
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 47616) + 41;
const TOKEN = 'e2e-model-faults-token';
const BASE = `http://127.0.0.1:${PORT}`;
const SAMPLE = resolve('resources/sample');
const TINY = resolve('test/fixtures/models/tiny-random.onnx');

let scratch = '';
let host: ChildProcess | null = null;

/** Starts the browser host on the sample copy with extra flags; resolves when it answers. */
async function startHost(flags: string[]): Promise<void> {
  let log = '';
  host = spawn(process.execPath, ['bin/serve.mjs', join(scratch, 'sample'), '--port', String(PORT), '--token', TOKEN, '--workspaces', join(scratch, 'ws'), ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  host.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/`)).ok) return;
    } catch {
      // not listening yet
    }
    if (host.exitCode !== null || Date.now() > deadline) throw new Error(`the browser host did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopHost(): Promise<void> {
  const h = host;
  host = null;
  if (!h || h.exitCode !== null) return;
  const exited = new Promise((r) => h.once('exit', r));
  h.kill('SIGTERM');
  await exited;
}

test.beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sentinel-e2e-model-'));
  await cp(SAMPLE, join(scratch, 'sample'), { recursive: true });
});

test.afterAll(async () => {
  await stopHost();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test.afterEach(stopHost);

test('a missing model: the header names the file, and scoring says why it cannot run', async ({ page }) => {
  const missing = join(scratch, 'models', 'missing-model.onnx');
  await startHost(['--model', missing]);
  await page.goto(`${BASE}/#token=${TOKEN}`);
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
  await page.goto(`${BASE}/#token=${TOKEN}`);
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
