/**
 * The editor's leftovers, in Debian's Chromium against the browser host on a WRITABLE copy of the bundled sample:
 * the toolbar stays on one line at 1400×900 with the threshold brush's HU inputs shown; a reload with unsaved mask
 * edits is stopped by the browser's beforeunload dialog (and goes through without one after a save); and the
 * Keyboard shortcuts panel rebinds the brush from 1 to B, which the editor obeys at once and after a reload, with a
 * conflict named before anything changes, and Reset all brings 1 back.
 *
 * (The Electron side of the close guard, main's Save / Discard / Cancel box, is unit-tested in
 * test/main/close-guard.test.ts and exercised in e2e/electron.spec.ts where an Electron binary exists.)
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserHost, copyDataset, removeScratch, SAMPLE } from './support/browser-host';

const host = browserHost({ port: Number(process.env.E2E_EDITOR_PORT ?? 47714), token: 'e2e-editor-close-token' });

let scratch = '';
let dataset = '';

test.beforeAll(async () => {
  ({ scratch, dataset } = await copyDataset('sentinel-e2e-close-'));
  await host.start([dataset]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(scratch);
});

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
});

/** Opens the project and the first label of the queue in the editor; returns the label's path. */
async function openEditor(page: Page): Promise<string> {
  await page.goto(host.appUrl);
  await page.getByTestId('root-input').fill(dataset);
  await page.getByTestId('open-button').click();
  await expect(page.getByTestId('project-summary')).toContainText('81 labels');
  const first = page.locator('[data-testid=label-table] tbody tr').first();
  const labelPath = (await first.getAttribute('data-label'))!;
  await first.dblclick();
  await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('history')).toBeVisible();
  return labelPath;
}

/** Two animation frames: whatever a key press changed is on screen by then. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => {
    // The e2e code is type-checked without the DOM lib.
    const raf = (globalThis as unknown as { requestAnimationFrame: (f: () => void) => void }).requestAnimationFrame;
    return new Promise<void>((r) => raf(() => raf(() => r())));
  });
}

/** One brush stroke across the middle of the axial view. */
async function paintStroke(page: Page): Promise<void> {
  await page.getByTestId('tool-brush').click();
  const box = (await page.locator('[data-testid=view-axial] .canvas-host').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx - 40, cy);
  await page.mouse.down();
  for (let x = -40; x <= 40; x += 8) await page.mouse.move(cx + x, cy + x / 4);
  await page.mouse.up();
  await expect(page.getByTestId('unsaved')).toBeVisible();
}

test('the toolbar stays on one line at 1400×900 with the threshold brush active', async ({ page }, info) => {
  await openEditor(page);
  await page.getByTestId('tool-threshold').click();
  await expect(page.getByTestId('hu-min')).toBeVisible();
  // An edit and a two-digit brush size too, so every readout takes its widest usual room.
  await paintStroke(page);
  await page.getByTestId('tool-threshold').click();
  const size = page.getByTestId('brush-size');
  for (let n = 0; n < 6 && (await size.textContent())!.trim() !== '[ 10 mm ]'; n++) {
    await page.keyboard.press(']');
    await settle(page);
  }
  await expect(size).toHaveText('[ 10 mm ]');
  const bar = (await page.getByTestId('tool-bar').boundingBox())!;
  const button = (await page.getByTestId('tool-threshold').boundingBox())!;
  await page.getByTestId('tool-bar').screenshot({ path: info.outputPath('toolbar-1400.png') });
  // One line: no taller than one button (plus a little for borders), and every control on the same row.
  expect(bar.height).toBeLessThan(button.height * 1.5);
  const tops = await page.locator('[data-testid=tool-bar] > *').evaluateAll((els) =>
    els.map((e) => (e as unknown as { getBoundingClientRect(): { top: number; bottom: number } }).getBoundingClientRect()).map((r) => (r.top + r.bottom) / 2),
  );
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(button.height / 2);
});

test('a reload with unsaved edits asks first; after a save it does not', async ({ page }) => {
  const labelPath = await openEditor(page);
  const original = await readFile(join(SAMPLE, labelPath));
  await paintStroke(page);

  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    // Stay on the page: the edits must still be there.
    void d.dismiss();
  });
  await page.reload({ timeout: 5_000 }).catch(() => undefined);
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  await expect(page.getByTestId('unsaved')).toBeVisible();
  await expect(page.getByTestId('undo-depth')).toHaveAttribute('data-undo', '1');

  await page.getByTestId('save').click();
  await expect(page.getByTestId('editor-status')).toContainText('saved to');
  await expect(page.getByTestId('unsaved')).toHaveCount(0);
  expect(Buffer.compare(await readFile(join(dataset, labelPath)), original)).not.toBe(0);
  await page.reload();
  await expect(page.getByTestId('recent-projects')).toBeVisible();
  expect(dialogs).toEqual(['beforeunload']);
});

test('rebind the brush from 1 to B in the Keyboard shortcuts panel; reset restores 1', async ({ page }, info) => {
  await openEditor(page);
  const brushRow = page.locator('[data-testid=shortcut-row][data-action="tool.brush"]');
  const brushOn = (): Promise<string | null> => page.getByTestId('tool-brush').getAttribute('class');
  /** Presses a key with the focus on the editor's views (where annotators press them). */
  async function pressInEditor(key: string): Promise<void> {
    await page.getByTestId('tool-navigate').click();
    await expect(page.getByTestId('tool-navigate')).toHaveClass(/on/);
    await page.keyboard.press(key);
    await settle(page);
  }

  await test.step('a key another editor action uses is named, and nothing changes', async () => {
    await page.getByTestId('nav-shortcuts').click();
    await expect(page.getByTestId('shortcuts-panel')).toBeVisible();
    await expect(brushRow.getByTestId('shortcut-keys')).toHaveText('1');
    await brushRow.getByTestId('shortcut-change').click();
    await expect(page.getByTestId('shortcuts-capture')).toContainText('Brush');
    await page.keyboard.press('2');
    await expect(page.getByTestId('shortcut-conflict')).toContainText('Eraser');
    await page.getByTestId('shortcut-keep').click();
    await expect(brushRow.getByTestId('shortcut-keys')).toHaveText('1');
  });

  await test.step('B for the brush', async () => {
    await brushRow.getByTestId('shortcut-change').click();
    await page.keyboard.press('b');
    await expect(brushRow.getByTestId('shortcut-keys')).toHaveText('B');
    await expect(page.getByTestId('shortcut-conflict')).toHaveCount(0);
    await page.screenshot({ path: info.outputPath('shortcuts-panel.png') });
    await page.getByTestId('shortcuts-close').click();
    await expect(page.getByTestId('shortcuts-panel')).toHaveCount(0);
    await expect(page.getByTestId('tool-brush')).toHaveText('Brush (B)');
    await pressInEditor('1');
    expect(await brushOn()).not.toMatch(/\bon\b/);
    await pressInEditor('b');
    await expect(page.getByTestId('tool-brush')).toHaveClass(/\bon\b/);
  });

  await test.step('kept across a reload', async () => {
    await page.reload();
    await page.locator(`[data-testid=recent-projects] button[data-root="${dataset}"]`).click();
    await page.locator('[data-testid=label-table] tbody tr').first().dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('tool-brush')).toHaveText('Brush (B)');
    await pressInEditor('b');
    await expect(page.getByTestId('tool-brush')).toHaveClass(/\bon\b/);
  });

  await test.step('Reset all brings 1 back', async () => {
    await page.getByTestId('nav-shortcuts').click();
    await page.getByTestId('shortcuts-reset-all').click();
    await expect(brushRow.getByTestId('shortcut-keys')).toHaveText('1');
    await page.getByTestId('shortcuts-close').click();
    await expect(page.getByTestId('tool-brush')).toHaveText('Brush (1)');
    await pressInEditor('b');
    expect(await brushOn()).not.toMatch(/\bon\b/);
    await pressInEditor('1');
    await expect(page.getByTestId('tool-brush')).toHaveClass(/\bon\b/);
    expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('sentinel-shortcuts'))).toBeNull();
  });
});
