/**
 * The editor's vtk.js views in Debian's Chromium (WebGL2 through SwiftShader), on the harness page: a synthetic
 * label built in the page and EditorView wired to the real brush and undo. Pixels are read from the views' own
 * canvases (EditorView.snapshot), so the crosshair and letters drawn over them do not count; the screenshots saved
 * under test-results are for people to look at.
 */
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';

type View = 'axial' | 'coronal' | 'sagittal' | '3d';
type Voxel = [number, number, number];
interface Stats {
  width: number;
  height: number;
  colours: number;
  maskPixels: number;
}
/** What src/renderer/src/harness.ts puts on the page (the part this spec uses). */
interface Harness {
  editor: {
    snapshot(view: View): Promise<string>;
    nextRender(): Promise<void>;
    getSlices(): { i: number; j: number; k: number };
    screenOf(view: View, voxel: Voxel): { x: number; y: number } | null;
  };
  volumes: { mask: Uint8Array };
  events: { strokes: number; paints: number; shortcuts: string[] };
  paintDisc(axis: View, slice: number, u: number, v: number, radiusMm: number): number[] | null;
  maskCount(k: number): number;
  remount(): Promise<void>;
  pixelStats(url: string): Promise<Stats>;
  pixelDiff(a: string, b: string): Promise<number>;
}
type HarnessWindow = { harness?: Harness };

/** The synthetic volume's grid (harness.ts) and the slice it opens on. */
const DIMS: Voxel = [96, 80, 48];
const WORST_SLICE = 26;

test('editor views render, follow slice, window and crosshair, and show paint', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:') && !r.url().startsWith('data:')) external.push(r.url());
  });
  await page.setViewportSize({ width: 1200, height: 860 });

  await page.goto('/harness.html');
  await page
    .waitForFunction(() => (globalThis as unknown as HarnessWindow).harness !== undefined, null, { timeout: 15_000 })
    .catch(() => {
      throw new Error('harness.html did not start: build the renderer with `npx electron-vite build` (it adds harness.html)');
    });
  await page.evaluate(() => (globalThis as unknown as HarnessWindow).harness!.editor.nextRender());

  const snap = async (view: View, file?: string): Promise<string> => {
    const url = await page.evaluate((v) => (globalThis as unknown as HarnessWindow).harness!.editor.snapshot(v), view);
    expect(url.startsWith('data:image/png;base64,'), `${view} snapshot is a PNG`).toBe(true);
    if (file) await writeFile(info.outputPath(file), Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    return url;
  };
  const stats = (url: string): Promise<Stats> => page.evaluate((u) => (globalThis as unknown as HarnessWindow).harness!.pixelStats(u), url);
  const diff = (a: string, b: string): Promise<number> =>
    page.evaluate(([x, y]) => (globalThis as unknown as HarnessWindow).harness!.pixelDiff(x, y), [a, b] as const);
  const settle = (): Promise<void> => page.evaluate(() => (globalThis as unknown as HarnessWindow).harness!.editor.nextRender());
  /** Page coordinates of a voxel on a slice view. */
  const at = async (view: View, voxel: Voxel): Promise<{ x: number; y: number }> => {
    const box = await page.locator(`[data-testid=view-${view}] .canvas-host`).boundingBox();
    const p = await page.evaluate(([v, vox]) => (globalThis as unknown as HarnessWindow).harness!.editor.screenOf(v, vox), [view, voxel] as const);
    expect(box && p, `${view} view is laid out`).toBeTruthy();
    return { x: box!.x + p!.x, y: box!.y + p!.y };
  };
  const axialSlice = page.getByTestId('view-axial');

  await test.step('four canvases, opening on the worst slice, radiological letters', async () => {
    for (const view of ['axial', 'coronal', 'sagittal', '3d'] as const) {
      await expect(page.locator(`[data-testid=view-${view}] canvas`)).toHaveCount(1);
    }
    await expect(axialSlice).toHaveAttribute('data-slice', String(WORST_SLICE));
    await expect(axialSlice.getByTestId('marker-left')).toHaveText('R');
    await expect(axialSlice.getByTestId('marker-right')).toHaveText('L');
    await expect(page.getByTestId('view-coronal').getByTestId('marker-right')).toHaveText('L');
    await expect(page.getByTestId('view-sagittal').getByTestId('marker-left')).toHaveText('A');
    await page.screenshot({ path: info.outputPath('editor-opened.png') });
  });

  const opened = await snap('axial', 'axial-opened.png');
  await test.step('the axial view shows CT and mask, not one colour', async () => {
    const s = await stats(opened);
    expect(s.width).toBeGreaterThan(100);
    expect(s.colours).toBeGreaterThan(20);
    expect(s.maskPixels).toBeGreaterThan(500);
    const surface = await stats(await snap('3d', '3d-opened.png'));
    expect(surface.colours).toBeGreaterThan(20);
    expect(Number(await page.getByTestId('view-3d').getAttribute('data-triangles'))).toBeGreaterThan(100);
  });

  await test.step('wheel and arrow keys change the slice, and the pixels with it', async () => {
    const p = await at('axial', [48, 40, WORST_SLICE]);
    await page.mouse.move(p.x, p.y);
    for (let n = 0; n < 4; n++) await page.mouse.wheel(0, -100);
    await expect(axialSlice).toHaveAttribute('data-slice', String(WORST_SLICE + 4));
    await settle();
    const moved = await snap('axial', 'axial-slice-plus-4.png');
    expect(await diff(opened, moved)).toBeGreaterThan(1000);
    // A click focuses the editor (and, in navigate mode, moves the crosshair); then keys step the active view.
    await page.mouse.click(p.x, p.y);
    for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowDown');
    await expect(axialSlice).toHaveAttribute('data-slice', String(WORST_SLICE));
    await settle();
    expect(await diff(opened, await snap('axial'))).toBeLessThan(50);
  });

  await test.step('a click on the axial view moves the coronal and sagittal slices', async () => {
    const p = await at('axial', [30, 52, WORST_SLICE]);
    await page.mouse.click(p.x, p.y);
    await expect(page.getByTestId('view-sagittal')).toHaveAttribute('data-slice', '30');
    await expect(page.getByTestId('view-coronal')).toHaveAttribute('data-slice', '52');
    await expect(axialSlice).toHaveAttribute('data-slice', String(WORST_SLICE));
    // The voxel under the pointer: the kidney-side soft tissue, outside the mask.
    await page.mouse.move(p.x, p.y);
    await expect(page.getByTestId('probe')).toContainText(`i 30  j 52  k ${WORST_SLICE}`);
    await expect(page.getByTestId('probe')).toContainText('HU');
  });

  await test.step('window presets and right-drag change the CT window', async () => {
    await page.getByTestId('preset-bone').click();
    await expect(page.getByTestId('ct-window')).toHaveText('W 2500 / L 480');
    await settle();
    const bone = await snap('axial', 'axial-bone-window.png');
    expect(await diff(opened, bone)).toBeGreaterThan(5000);
    const p = await at('axial', [48, 40, WORST_SLICE]);
    await page.mouse.move(p.x, p.y);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(p.x - 60, p.y - 40, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    await expect(page.getByTestId('ct-window')).not.toHaveText('W 2500 / L 480');
    await settle();
    expect(await diff(bone, await snap('axial'))).toBeGreaterThan(1000);
    await page.getByTestId('preset-soft-tissue').click();
    await settle();
    expect(await diff(opened, await snap('axial'))).toBeLessThan(50);
  });

  await test.step('a paint through the tools + refreshMask shows on the overlay; undo takes it back', async () => {
    const before = await stats(opened);
    const extent = await page.evaluate(
      ([k]) => (globalThis as unknown as HarnessWindow).harness!.paintDisc('axial', k, 28, 30, 6),
      [WORST_SLICE] as const,
    );
    expect(extent).toEqual([expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number), WORST_SLICE, WORST_SLICE]);
    await settle();
    const painted = await snap('axial', 'axial-painted.png');
    const after = await stats(painted);
    expect(after.maskPixels - before.maskPixels).toBeGreaterThan(300);
    await page.screenshot({ path: info.outputPath('editor-painted.png') });
    await page.keyboard.press('Control+z');
    await settle();
    expect(await page.evaluate(() => (globalThis as unknown as HarnessWindow).harness!.events.shortcuts)).toContain('edit.undo');
    expect(await diff(opened, await snap('axial'))).toBeLessThan(50);
  });

  await test.step('a mouse stroke in paint mode paints where the pointer went', async () => {
    await page.getByTestId('mode-paint').click();
    const k = WORST_SLICE;
    const countBefore = await page.evaluate((kk) => (globalThis as unknown as HarnessWindow).harness!.maskCount(kk), k);
    const from = await at('axial', [20, 30, k]);
    const to = await at('axial', [36, 30, k]);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as HarnessWindow).harness!.events.strokes)).toBe(1);
    const mask = await page.evaluate(
      ([kk, nx, ny]) => {
        const m = (globalThis as unknown as HarnessWindow).harness!.volumes.mask;
        return [m[20 + nx * (30 + ny * kk)], m[28 + nx * (30 + ny * kk)], m[36 + nx * (30 + ny * kk)], m[28 + nx * (60 + ny * kk)]];
      },
      [k, DIMS[0], DIMS[1]] as const,
    );
    // Start, middle and end of the stroke are painted; a voxel far from it is not.
    expect(mask).toEqual([1, 1, 1, 0]);
    const countAfter = await page.evaluate((kk) => (globalThis as unknown as HarnessWindow).harness!.maskCount(kk), k);
    expect(countAfter).toBeGreaterThan(countBefore + 100);
    await settle();
    const stroked = await snap('axial', 'axial-stroke.png');
    expect((await stats(stroked)).maskPixels - (await stats(opened)).maskPixels).toBeGreaterThan(300);
    await page.getByTestId('mode-navigate').click();
  });

  await test.step('outline mode, and the 3D surface updated on demand', async () => {
    const filled = await stats(await snap('axial'));
    await page.getByTestId('mask-outline').check();
    await settle();
    const outlined = await stats(await snap('axial', 'axial-outline.png'));
    expect(outlined.maskPixels).toBeGreaterThan(50);
    expect(outlined.maskPixels).toBeLessThan(filled.maskPixels * 0.6);
    const triangles = Number(await page.getByTestId('view-3d').getAttribute('data-triangles'));
    await page.getByTestId('refresh-surface').click();
    await expect(page.getByTestId('view-3d')).not.toHaveAttribute('data-triangles', String(triangles));
    await settle();
    await snap('3d', '3d-after-stroke.png');
    await page.screenshot({ path: info.outputPath('editor-final.png') });
  });

  await test.step('a new editor replaces the old one: its canvases go, the edits stay in the volumes', async () => {
    const before = await stats(await snap('axial'));
    await page.evaluate(() => (globalThis as unknown as HarnessWindow).harness!.remount());
    await expect(page.locator('canvas')).toHaveCount(4);
    await expect(axialSlice).toHaveAttribute('data-slice', String(WORST_SLICE));
    await settle();
    const again = await stats(await snap('axial', 'axial-remounted.png'));
    // Opened in fill mode again, with the stroke: more mask pixels than the outline had.
    expect(again.maskPixels).toBeGreaterThan(before.maskPixels);
    expect(again.colours).toBeGreaterThan(20);
  });

  expect(problems).toEqual([]);
  expect(external).toEqual([]);
});
