/**
 * The offline guarantee, renderer side: through the whole loop (open a project, score it, open the worst label,
 * paint and save, then the Plan, Reports and Export views) every request the page makes, HTTP, WebSocket or
 * worker, goes to the browser host's own origin on 127.0.0.1. Each request is recorded (and any other one is
 * aborted, so nothing leaves even if the assertion were wrong). The Node side is test/core/offline.test.ts.
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Beside the config's own host (E2E_PORT), so that runs with different E2E_PORTs do not collide.
const PORT = Number(process.env.E2E_PORT ?? 47616) + 40;
const TOKEN = 'e2e-offline-token';
const BASE = `http://127.0.0.1:${PORT}`;
const SAMPLE = resolve('resources/sample');

let host: ChildProcess | null = null;
let scratch = '';
let hostLog = '';

test.beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sentinel-e2e-offline-'));
  const dataset = join(scratch, 'sample-copy');
  await cp(SAMPLE, dataset, { recursive: true });
  host = spawn(process.execPath, ['bin/serve.mjs', dataset, '--port', String(PORT), '--token', TOKEN, '--workspaces', join(scratch, 'ws'), '--export-dir', join(scratch, 'exports')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host.stdout?.on('data', (d: Buffer) => (hostLog += d.toString()));
  host.stderr?.on('data', (d: Buffer) => (hostLog += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (host.exitCode !== null || Date.now() > deadline) throw new Error(`the browser host did not start:\n${hostLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  if (host?.pid !== undefined && host.exitCode === null) host.kill('SIGTERM');
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Whether a URL is the host itself (or data the page made: data:, blob:). */
const isOwn = (url: string): boolean => url.startsWith(`${BASE}/`) || url.startsWith(`ws://127.0.0.1:${PORT}/`) || /^(data|blob):/.test(url);

test('the whole loop makes no request outside the host', async ({ page, context }) => {
  const requests: string[] = [];
  const foreign: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('worker', (w) => requests.push(w.url()));
  // Anything not the host is refused before it leaves, and remembered.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isOwn(url)) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });

  await page.goto(`${BASE}/#token=${TOKEN}`);
  await expect(page.getByTestId('engine-info')).toContainText('model');

  await test.step('open and score the project', async () => {
    await page.getByTestId('annotator-input').fill('offline');
    await page.getByTestId('annotator-input').press('Tab');
    await page.getByTestId('root-input').fill(join(scratch, 'sample-copy'));
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('81 labels');
    await page.getByTestId('score-button').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 90_000 });
  });

  await test.step('open the worst label, paint, save', async () => {
    await page.locator('[data-testid=label-table] tbody tr').first().dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('tool-brush').click();
    const box = (await page.locator('[data-testid=view-axial] .canvas-host').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx - 30, cy);
    await page.mouse.down();
    for (let x = -30; x <= 30; x += 6) await page.mouse.move(cx + x, cy);
    await page.mouse.up();
    await expect(page.getByTestId('unsaved')).toBeVisible();
    await page.keyboard.press('s');
    await expect(page.getByTestId('editor-status')).toContainText('saved to', { timeout: 30_000 });
  });

  await test.step('the other views: plan, reports, export', async () => {
    for (const view of ['plan', 'reports', 'export']) {
      const nav = page.getByTestId(`nav-${view}`);
      if ((await nav.count()) === 0) continue;
      await nav.click();
      await expect(nav).toHaveClass(/on/);
      await page.waitForTimeout(500);
    }
  });

  expect(foreign, 'requests to somewhere other than the host').toEqual([]);
  const outside = requests.filter((u) => !isOwn(u));
  expect(outside).toEqual([]);
  // The recording saw the loop: the page, its scripts, the API and the event socket.
  expect(requests.some((u) => u.startsWith(`${BASE}/api/saveMask`))).toBe(true);
  expect(requests.some((u) => u.startsWith(`ws://127.0.0.1:${PORT}/events`))).toBe(true);
  expect(requests.some((u) => u.startsWith(`${BASE}/api/openProject`))).toBe(true);
  expect(requests.length).toBeGreaterThan(8);
  expect(problems).toEqual([]);
});
