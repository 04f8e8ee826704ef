/**
 * DICOM and NRRD in the app, in Debian's Chromium against the browser host: a dataset whose cases are a DICOM series
 * (ct/, one slice without .dcm) with NRRD masks, the same series with a DICOM SEG liver, and with a downsampled NRRD
 * liver. Open it, score it, open the downsampled liver (the editor says it is shown resampled onto the CT grid), open
 * the NRRD liver in the editor (the vtk.js view draws the series, no warning), paint, save: the file stays NRRD and
 * its previous version is in the history. The host serves a temporary copy, on its own port next to the config's.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildFormatsDataset, LIVER_HALF, makeCase } from '../test/core/formats-dataset';
import { browserHost, removeScratch } from './support/browser-host';

const host = browserHost({ port: Number(process.env.E2E_PORT ?? 47616) + 100, token: 'e2e-formats-token' });
const LIVER = 'nrrd/segmentations/liver.nrrd';
const HALF = 'half/segmentations/liver.nrrd';

let dataset = '';

test.beforeAll(async () => {
  dataset = await buildFormatsDataset();
  await makeCase(join(dataset, 'half'), { 'liver.nrrd': LIVER_HALF });
  await host.start([dataset]);
});

test.afterAll(async () => {
  await host.stop();
  // buildFormatsDataset makes the dataset inside a temporary folder of its own.
  if (dataset) await removeScratch(dirname(dataset));
});

/** Distinct colours of an element's pixels, decoded by the browser from a screenshot (a blank view has one or two). */
async function colours(page: Page, selector: string): Promise<number> {
  const png = (await page.locator(selector).screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const g = globalThis as unknown as {
      Image: new () => { src: string; decode(): Promise<void>; width: number; height: number };
      document: { createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
    };
    const img = new g.Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = g.document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, png);
}

test('a DICOM series case with NRRD and DICOM SEG masks: open, score, edit in the editor, save as NRRD', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.appUrl);
  await expect(page.getByTestId('engine-info')).toContainText('model');
  const original = await readFile(join(dataset, LIVER));

  await test.step('open the dataset: three DICOM cases, five labels', async () => {
    await page.getByTestId('annotator-input').fill('e2e formats');
    await page.getByTestId('annotator-input').press('Tab');
    await page.getByTestId('root-input').fill(dataset);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('3 cases · 5 labels');
    await expect(page.locator(`[data-testid=label-table] tbody tr[data-label="${LIVER}"]`)).toHaveCount(1);
    await expect(page.locator('[data-testid=label-table] tbody tr[data-label="seg/segmentations/liver.dcm"]')).toHaveCount(1);
  });

  await test.step('score: the NRRD, DICOM SEG and downsampled livers and the heart get scores', async () => {
    await page.getByTestId('score-button').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(4, { timeout: 60_000 });
    const liverNrrd = (await page.locator(`[data-testid=label-table] tbody tr[data-label="${LIVER}"] td:nth-child(4)`).textContent())!.trim();
    const liverSeg = (await page.locator('[data-testid=label-table] tbody tr[data-label="seg/segmentations/liver.dcm"] td:nth-child(4)').textContent())!.trim();
    expect(Number(liverNrrd)).toBeGreaterThan(0);
    expect(liverSeg).toBe(liverNrrd);
  });

  await test.step('open the downsampled liver: the editor says it is shown resampled onto the CT grid', async () => {
    await page.locator(`[data-testid=label-table] tbody tr[data-label="${HALF}"]`).dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('label-warnings')).toBeVisible();
    await expect(page.getByTestId('label-warnings')).toContainText('dims 256x256x3 vs 512x512x3');
    await expect(page.getByTestId('label-warnings')).toContainText('resampled onto the CT grid, nearest neighbour');
    await page.screenshot({ path: info.outputPath('formats-resampled.png') });
    await page.getByTestId('back-to-queue').click();
  });

  await test.step('open the NRRD liver in the editor: the vtk.js view draws the series, no warning', async () => {
    await page.locator(`[data-testid=label-table] tbody tr[data-label="${LIVER}"]`).dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('editor-title')).toContainText('nrrd / liver');
    await expect(page.getByTestId('label-warnings')).toHaveCount(0);
    await page.waitForTimeout(500);
    expect(await colours(page, '[data-testid=view-axial] .canvas-host')).toBeGreaterThan(50);
    await page.screenshot({ path: info.outputPath('formats-editor.png') });
  });

  await test.step('paint and save: the file stays NRRD, its original is in the history', async () => {
    await page.getByTestId('tool-brush').click();
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    const box = (await page.locator('[data-testid=view-axial] .canvas-host').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx - 40, cy);
    await page.mouse.down();
    for (let x = -40; x <= 40; x += 8) await page.mouse.move(cx + x, cy + x / 4);
    await page.mouse.up();
    await expect(page.getByTestId('undo-depth')).toHaveAttribute('data-undo', '1');
    await page.keyboard.press('s');
    await expect(page.getByTestId('editor-status')).toContainText('saved to');
    const now = await readFile(join(dataset, LIVER));
    expect(now.subarray(0, 8).toString('latin1')).toBe('NRRD0004');
    expect(Buffer.compare(now, original)).not.toBe(0);
    const historyDir = join(dataset, '.sentinel/history/nrrd/segmentations/liver.nrrd');
    const kept = (await readdir(historyDir)).filter((n) => n.endsWith('.nrrd'));
    expect(kept).toHaveLength(1);
    expect(Buffer.compare(await readFile(join(historyDir, kept[0])), original)).toBe(0);
    await page.screenshot({ path: info.outputPath('formats-saved.png') });
  });

  expect(problems).toEqual([]);
});
