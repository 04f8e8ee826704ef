/**
 * The offline guarantee, renderer side: through the whole loop (open a project, score it, open the worst label,
 * paint and save, then the Plan, Reports and Export views) every request the page makes, HTTP, WebSocket or
 * worker, goes to the browser host's own origin on 127.0.0.1. Each request is recorded (and any other one is
 * aborted, so nothing leaves even if the assertion were wrong). The Node side is test/core/offline.test.ts.
 */
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { browserHost, copyDataset, removeScratch } from './support/browser-host';

// Beside the config's own host (E2E_PORT), so that runs with different E2E_PORTs do not collide.
const host = browserHost({ port: Number(process.env.E2E_PORT ?? 47616) + 40, token: 'e2e-offline-token' });
const BASE = host.base;

let scratch = '';

test.beforeAll(async () => {
  const copy = await copyDataset('sentinel-e2e-offline-');
  scratch = copy.scratch;
  await host.start([copy.dataset], ['--workspaces', join(scratch, 'ws'), '--export-dir', join(scratch, 'exports')]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(scratch);
});

/** Whether a URL is the host itself (or data the page made: data:, blob:). */
const isOwn = (url: string): boolean => url.startsWith(`${BASE}/`) || url.startsWith(`ws://127.0.0.1:${host.port}/`) || /^(data|blob):/.test(url);

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

  await page.goto(host.appUrl);
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
  expect(requests.some((u) => u.startsWith(`ws://127.0.0.1:${host.port}/events`))).toBe(true);
  expect(requests.some((u) => u.startsWith(`${BASE}/api/openProject`))).toBe(true);
  expect(requests.length).toBeGreaterThan(8);
  expect(problems).toEqual([]);
});
