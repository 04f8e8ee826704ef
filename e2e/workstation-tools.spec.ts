/**
 * The editor's tools and the project's record in and out, in Debian's Chromium against the browser host on a
 * WRITABLE copy of the bundled sample: scores made by `sentinel score` imported from CSV, the queue's filters, then
 * on the liver of s0001 the eraser, fill holes, the threshold brush, "protect other organs" and interpolation, each
 * checked in the file the editor saved (read here with core's NIfTI reader, independently of the page), and finally
 * decisions exported to JSON and restored by importing it.
 *
 * The target voxels are chosen here from the files; the page's voxel probe (the readout under the pointer) gives
 * the screen position of voxel boundaries, so strokes land where the spec means them to.
 */
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti, toCanonical } from '../src/core/nifti';
import { browserHost, copyDataset, removeScratch } from './support/browser-host';

const host = browserHost({ port: 47619, token: 'e2e-tools-token' });
const CASE = 's0001';
const LIVER = `${CASE}/segmentations/liver.nii.gz`;
/** Brush radius used for every stroke (one of the `]` steps): 10 mm is 3.3 voxels on the sample's 3 mm grid. */
const RADIUS_MM = 10;

let scratch = '';
let dataset = '';
let csvPath = '';

test.beforeAll(async () => {
  ({ scratch, dataset } = await copyDataset('sentinel-e2e-tools-'));
  csvPath = join(scratch, 'scores.csv');
  // The scores to import come from the command line on this same copy (the test model when no default is bundled).
  const model = existsSync('resources/models/default.onnx') ? [] : ['--model', 'test/fixtures/models/tiny-random.onnx'];
  const cli = spawnSync(process.execPath, ['bin/sentinel.mjs', 'score', dataset, '--out', csvPath, ...model], { encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`sentinel score failed:\n${cli.stdout}\n${cli.stderr}`);
  await host.start([dataset]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(scratch);
});

// ---- the files, read here ----

interface Vol {
  dims: [number, number, number];
  data: Uint8Array;
}

async function readMask(file: string): Promise<Vol> {
  const v = toCanonical((await readNifti(file)).volume).volume;
  const data = new Uint8Array(v.data.length);
  for (let n = 0; n < data.length; n++) data[n] = v.data[n] !== 0 ? 1 : 0;
  return { dims: [...v.grid.dims] as [number, number, number], data };
}

/** HU as the editor gets it: rounded and clamped to int16. */
async function readCt(file: string): Promise<Int16Array> {
  const v = toCanonical((await readNifti(file)).volume).volume;
  const out = new Int16Array(v.data.length);
  for (let n = 0; n < out.length; n++) out[n] = Math.max(-32768, Math.min(32767, Math.round(v.data[n])));
  return out;
}

interface CsvRow {
  labelPath: string;
  organ: string;
  caseId: string;
  dsc: number;
  worstSlice: number;
}

function parseScoresCsv(text: string): CsvRow[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  const at = (name: string): number => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split(',');
    return { labelPath: f[at('label_path')], organ: f[at('organ')], caseId: f[at('case')], dsc: Number(f[at('predicted_dsc')]), worstSlice: Number(f[at('worst_slice')]) };
  });
}

/** Indices where two masks differ, split by direction. */
function diff(before: Uint8Array, after: Uint8Array): { added: number[]; removed: number[] } {
  const added: number[] = [];
  const removed: number[] = [];
  for (let n = 0; n < before.length; n++) {
    if (before[n] === 0 && after[n] !== 0) added.push(n);
    else if (before[n] !== 0 && after[n] === 0) removed.push(n);
  }
  return { added, removed };
}

// ---- the page ----

/** The voxel under the pointer, from the editor's probe readout ("i 12  j 34  k 5 · ..."). */
async function probe(page: Page, x: number, y: number): Promise<[number, number, number] | null> {
  await page.mouse.move(x, y);
  // The views batch hover events per animation frame: two frames later the readout is current.
  await page.evaluate(() => {
    // The e2e code is type-checked without the DOM lib.
    const raf = (globalThis as unknown as { requestAnimationFrame: (f: () => void) => void }).requestAnimationFrame;
    return new Promise<void>((r) => raf(() => raf(() => r())));
  });
  const m = /^i (\d+)\s+j (\d+)\s+k (\d+)/.exec((await page.getByTestId('probe').textContent()) ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * The screen position of a voxel centre on the axial view. Along each screen axis the probe's index changes where
 * the continuous voxel coordinate crosses n + 0.5; two such crossings far apart give the scale and the offset.
 */
async function axialScreenMap(page: Page): Promise<(i: number, j: number) => { x: number; y: number }> {
  const box = (await page.locator('[data-testid=view-axial] .canvas-host').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const half = Math.min(box.width, box.height) * 0.3;
  async function crossing(axis: 0 | 1, start: number): Promise<{ at: number; coord: number }> {
    const pos = (t: number): [number, number] => (axis === 0 ? [t, cy] : [cx, t]);
    const first = await probe(page, ...pos(start));
    expect(first, 'the probe reads a voxel inside the axial view').not.toBeNull();
    for (let t = start + 1; t < start + 60; t++) {
      const v = (await probe(page, ...pos(t)))!;
      expect(v[1 - axis], 'the axial view is not rotated').toBe(first![1 - axis]);
      if (v[axis] !== first![axis]) return { at: t - 0.5, coord: (v[axis] + first![axis]) / 2 };
    }
    throw new Error('no voxel boundary found within 60 px');
  }
  const [x1, x2] = [await crossing(0, cx - half), await crossing(0, cx + half)];
  const [y1, y2] = [await crossing(1, cy - half), await crossing(1, cy + half)];
  const sx = (x2.at - x1.at) / (x2.coord - x1.coord);
  const sy = (y2.at - y1.at) / (y2.coord - y1.coord);
  return (i, j) => ({ x: x1.at + (i - x1.coord) * sx, y: y1.at + (j - y1.coord) * sy });
}

/**
 * `axialScreenMap`, measured again whenever the axial view moved or changed size (the tool bar wraps differently
 * with the threshold brush's HU fields, which moves the views).
 */
function axialMapper(page: Page): (i: number, j: number) => Promise<{ x: number; y: number }> {
  let box = '';
  let map: ((i: number, j: number) => { x: number; y: number }) | null = null;
  const boxNow = async (): Promise<string> => JSON.stringify(await page.locator('[data-testid=view-axial] .canvas-host').boundingBox());
  return async (i, j) => {
    const now = await boxNow();
    if (!map || now !== box) {
      // A rescore arriving mid-measurement can re-wrap the bars above and move the views: measure again then.
      for (let attempt = 1; ; attempt++) {
        const before = await boxNow();
        try {
          map = await axialScreenMap(page);
        } catch (err) {
          if (attempt < 4 && (await boxNow()) !== before) continue;
          throw err;
        }
        if ((await boxNow()) === before) {
          box = before;
          break;
        }
        if (attempt >= 4) throw new Error('the axial view keeps moving');
      }
    }
    return map(i, j);
  };
}

/** One short stroke (press, a 1 px wiggle, release) centred on a voxel. */
async function dab(page: Page, at: { x: number; y: number }): Promise<void> {
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + 0.5, at.y);
  await page.mouse.move(at.x, at.y);
  await page.mouse.up();
}

test('tools through saved files, queue filters, scores CSV, project JSON round trip', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.appUrl);
  await expect(page.getByTestId('engine-info')).toContainText('model');
  const rows = page.locator('[data-testid=label-table] tbody tr');
  const csv = parseScoresCsv(await readFile(csvPath, 'utf8'));
  expect(csv).toHaveLength(81);

  await test.step('open the project; every label pending', async () => {
    await page.getByTestId('annotator-input').fill('tools annotator');
    await page.getByTestId('annotator-input').press('Tab');
    await page.getByTestId('root-input').fill(dataset);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('81 labels');
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=pending]')).toHaveCount(81);
  });

  await test.step('import the scores CSV made by `sentinel score`', async () => {
    await page.getByTestId('nav-projects').click();
    await page.getByTestId('import-csv').setInputFiles(csvPath);
    await expect(page.getByTestId('notice')).toContainText('81 rows, 81 new scores');
    await page.getByTestId('nav-queue').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81);
    for (const r of [csv[0], csv[40], csv[80]]) {
      await expect(page.locator(`[data-testid=label-table] tbody tr[data-label="${r.labelPath}"] td:nth-child(4)`)).toHaveText(r.dsc.toFixed(3));
    }
  });

  await test.step('filters narrow the rows: organ, case, status, score range', async () => {
    await page.getByTestId('filter-organ').selectOption('liver');
    await expect(rows).toHaveCount(csv.filter((r) => r.organ === 'liver').length);
    await page.getByTestId('filter-case').selectOption(CASE);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-label', LIVER);
    await page.getByTestId('filter-organ').selectOption('');
    await expect(rows).toHaveCount(csv.filter((r) => r.caseId === CASE).length);
    await page.getByTestId('filter-case').selectOption('');
    await page.getByTestId('filter-status').selectOption('pending');
    await expect(rows).toHaveCount(0);
    await page.getByTestId('filter-status').selectOption('ok');
    await expect(rows).toHaveCount(81);
    // Bounds halfway between neighbouring scores, so rounding cannot move a label across them.
    const sorted = csv.map((r) => r.dsc).sort((a, b) => a - b);
    const lo = (sorted[19] + sorted[20]) / 2;
    const hi = (sorted[59] + sorted[60]) / 2;
    const inside = sorted.filter((v) => v >= lo && v <= hi).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(81);
    await page.getByTestId('filter-min').fill(lo.toFixed(7));
    await page.getByTestId('filter-max').fill(hi.toFixed(7));
    await expect(rows).toHaveCount(inside);
    for (const v of (await rows.locator('td:nth-child(4)').allTextContents()).map(Number)) {
      expect(v).toBeGreaterThanOrEqual(Number(lo.toFixed(3)));
      expect(v).toBeLessThanOrEqual(Number(hi.toFixed(3)));
    }
    await page.getByTestId('filter-min').fill('');
    await page.getByTestId('filter-max').fill('');
    await page.getByTestId('filter-status').selectOption('');
    await expect(rows).toHaveCount(81);
  });

  // ---- the editor, on the liver of s0001 ----
  const liverFile = join(dataset, LIVER);
  const original = await readMask(liverFile);
  const ct = await readCt(join(dataset, CASE, 'ct.nii.gz'));
  const [nx, ny, nz] = original.dims;
  const idx = (i: number, j: number, k: number): number => i + j * nx + k * nx * ny;
  const ijk = (n: number): [number, number, number] => [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
  /** The other organs of the case, from their own files. */
  const others = new Uint8Array(original.data.length);
  for (const f of await readdir(join(dataset, CASE, 'segmentations'))) {
    if (`${CASE}/segmentations/${f}` === LIVER) continue;
    const m = await readMask(join(dataset, CASE, 'segmentations', f));
    for (let n = 0; n < others.length; n++) if (m.data[n]) others[n] = 1;
  }
  const liverCsv = csv.find((r) => r.labelPath === LIVER)!;
  const k = liverCsv.worstSlice;
  /** Voxels of slice k within `r` voxels (Euclidean, in-plane) of (i, j). */
  const disc = (i: number, j: number, r: number, kk = k): number[] => {
    const out: number[] = [];
    for (let dj = -Math.ceil(r); dj <= Math.ceil(r); dj++) {
      for (let di = -Math.ceil(r); di <= Math.ceil(r); di++) {
        const a = i + di;
        const b = j + dj;
        if (a >= 0 && b >= 0 && a < nx && b < ny && di * di + dj * dj <= r * r) out.push(idx(a, b, kk));
      }
    }
    return out;
  };
  const dist = (n: number, i: number, j: number): number => Math.hypot(ijk(n)[0] - i, ijk(n)[1] - j);
  const save = async (): Promise<Vol> => {
    await page.keyboard.press('s');
    await expect(page.getByTestId('unsaved')).toBeHidden({ timeout: 20_000 });
    await expect(page.getByTestId('editor-status')).toContainText('saved to');
    return readMask(liverFile);
  };
  const map = axialMapper(page);

  await test.step('open the liver on its worst slice (from the CSV)', async () => {
    await page.getByTestId('filter-organ').selectOption('liver');
    await page.getByTestId('filter-case').selectOption(CASE);
    await expect(rows).toHaveCount(1);
    await rows.first().dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('view-axial')).toHaveAttribute('data-slice', String(k));
    // The map is right where it matters: the probe under a mapped voxel centre reads that voxel.
    for (const [i, j] of [[nx >> 2, ny >> 2], [(3 * nx) >> 2, (3 * ny) >> 2]]) {
      const p = await map(i, j);
      expect(await probe(page, p.x, p.y)).toEqual([i, j, k]);
    }
    await page.getByTestId('tool-brush').click();
    for (let n = 0; n < 12 && (await page.getByTestId('brush-size').textContent())!.trim() !== `[ ${RADIUS_MM} mm ]`; n++) {
      await page.keyboard.press(']');
    }
    await expect(page.getByTestId('brush-size')).toHaveText(`[ ${RADIUS_MM} mm ]`);
  });

  // The liver voxel of slice k deepest inside it (farthest from any background voxel of the slice).
  let hole = { i: 0, j: 0, depth: 0 };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (!original.data[idx(i, j, k)]) continue;
      let depth = 99;
      for (let dj = -8; dj <= 8; dj++) {
        for (let di = -8; di <= 8; di++) {
          const a = i + di;
          const b = j + dj;
          if (a < 0 || b < 0 || a >= nx || b >= ny || !original.data[idx(a, b, k)]) depth = Math.min(depth, Math.hypot(di, dj));
        }
      }
      if (depth > hole.depth) hole = { i, j, depth };
    }
  }
  let erased: number[] = [];

  await test.step('the eraser removes voxels under the stroke, on that slice only', async () => {
    expect(hole.depth, 'the liver is deep enough on its worst slice to erase a hole inside it').toBeGreaterThan(5);
    await page.getByTestId('tool-eraser').click();
    await dab(page, await map(hole.i, hole.j));
    await expect(page.getByTestId('undo-depth')).toHaveAttribute('data-undo', '1');
    const after = await save();
    const d = diff(original.data, after.data);
    expect(d.added).toEqual([]);
    expect(d.removed.length).toBeGreaterThanOrEqual(disc(hole.i, hole.j, 2).length);
    for (const n of d.removed) {
      expect(ijk(n)[2]).toBe(k);
      expect(dist(n, hole.i, hole.j)).toBeLessThanOrEqual(3.8);
    }
    for (const n of disc(hole.i, hole.j, 2)) expect(d.removed).toContain(n);
    erased = d.removed;
    await page.screenshot({ path: info.outputPath('tools-erased.png') });
  });

  let current: Vol = original;
  await test.step('fill holes fills the erased hole back', async () => {
    await page.getByTestId('fill-holes').click();
    await expect(page.getByTestId('editor-status')).toContainText(`filled the holes of axial slice ${k}`);
    current = await save();
    const d = diff(original.data, current.data);
    expect(d.removed).toEqual([]);
    for (const n of erased) expect(current.data[n]).toBe(1);
    // Anything else it added was a hole of the original slice k: on that slice only.
    for (const n of d.added) expect(ijk(n)[2]).toBe(k);
  });

  /** A background voxel of slice k (not liver, not another organ) whose close neighbourhood mixes HU values. */
  function thresholdTarget(): { i: number; j: number; lo: number; core: number[] } {
    let best = { i: 0, j: 0, lo: 0, core: [] as number[], gap: 0 };
    for (let j = 4; j < ny - 4; j++) {
      for (let i = 4; i < nx - 4; i++) {
        const core = disc(i, j, 2).filter((n) => !current.data[n] && !others[n]);
        if (core.length < 13 || dist(idx(hole.i, hole.j, k), i, j) < 8) continue;
        const hu = core.map((n) => ct[n]).sort((a, b) => a - b);
        for (let m = 4; m <= 9; m++) {
          const gap = hu[m] - hu[m - 1];
          if (gap > best.gap) best = { i, j, lo: hu[m], core, gap };
        }
      }
    }
    expect(best.gap, 'slice k has a background area with distinct HU values').toBeGreaterThan(10);
    return best;
  }
  const thr = thresholdTarget();
  const HU_MAX = 3000;

  await test.step('the threshold brush paints only voxels inside its HU range', async () => {
    const before = current;
    await page.getByTestId('tool-threshold').click();
    await page.getByTestId('hu-min').fill(String(thr.lo));
    await page.getByTestId('hu-max').fill(String(HU_MAX));
    await dab(page, await map(thr.i, thr.j));
    current = await save();
    const d = diff(before.data, current.data);
    expect(d.removed).toEqual([]);
    expect(d.added.length).toBeGreaterThan(0);
    for (const n of d.added) {
      expect(ijk(n)[2]).toBe(k);
      expect(dist(n, thr.i, thr.j)).toBeLessThanOrEqual(3.8);
      expect(ct[n]).toBeGreaterThanOrEqual(thr.lo);
      expect(ct[n]).toBeLessThanOrEqual(HU_MAX);
    }
    const inRange = thr.core.filter((n) => ct[n] >= thr.lo);
    const outOfRange = thr.core.filter((n) => ct[n] < thr.lo);
    expect(outOfRange.length).toBeGreaterThan(0);
    for (const n of inRange) expect(current.data[n]).toBe(1);
    for (const n of outOfRange) expect(current.data[n]).toBe(0);
    await page.screenshot({ path: info.outputPath('tools-threshold.png') });
  });

  await test.step('"Protect other organs": the brush skips the voxels of the other labels', async () => {
    // A background voxel of slice k whose close neighbourhood is partly another organ, partly free.
    let target: { i: number; j: number; organ: number[]; free: number[] } | null = null;
    for (let j = 4; j < ny - 4 && !target; j++) {
      for (let i = 4; i < nx - 4 && !target; i++) {
        if (dist(idx(thr.i, thr.j, k), i, j) < 8 || dist(idx(hole.i, hole.j, k), i, j) < 8) continue;
        const core = disc(i, j, 2).filter((n) => !current.data[n]);
        const organ = core.filter((n) => others[n]);
        const free = core.filter((n) => !others[n]);
        if (core.length === 13 && organ.length >= 4 && free.length >= 4) target = { i, j, organ, free };
      }
    }
    expect(target, 'the liver has a neighbouring organ on its worst slice').not.toBeNull();
    const before = current;
    await page.getByTestId('protect-others').check();
    await page.getByTestId('tool-brush').click();
    await dab(page, await map(target!.i, target!.j));
    current = await save();
    const d = diff(before.data, current.data);
    expect(d.removed).toEqual([]);
    for (const n of d.added) expect(others[n], `voxel ${ijk(n).join(',')} belongs to another organ`).toBe(0);
    for (const n of target!.free) expect(current.data[n]).toBe(1);
    for (const n of target!.organ) expect(current.data[n]).toBe(0);
    await page.getByTestId('protect-others').uncheck();
  });

  await test.step('interpolate fills the slices between two edited slices', async () => {
    // A blob outside the liver and the other organs, on slice k and on slice k2 four slices away.
    const k2 = k + 4 < nz ? k + 4 : k - 4;
    let blob: { i: number; j: number } | null = null;
    for (let j = 5; j < ny - 5 && !blob; j++) {
      for (let i = 5; i < nx - 5 && !blob; i++) {
        if (dist(idx(thr.i, thr.j, k), i, j) < 9 || dist(idx(hole.i, hole.j, k), i, j) < 9) continue;
        let clear = true;
        for (let kk = Math.min(k, k2); kk <= Math.max(k, k2) && clear; kk++) {
          for (const n of disc(i, j, 4.5, kk)) if (current.data[n]) clear = false;
        }
        if (clear) blob = { i, j };
      }
    }
    expect(blob).not.toBeNull();
    const at = await map(blob!.i, blob!.j);
    await dab(page, at);
    await page.getByTestId('editor-view').focus();
    for (let n = 0; n < 4; n++) await page.keyboard.press(k2 > k ? 'ArrowUp' : 'ArrowDown');
    await expect(page.getByTestId('view-axial')).toHaveAttribute('data-slice', String(k2));
    await dab(page, at);
    const before = current;
    await page.getByTestId('interpolate').click();
    await expect(page.getByTestId('editor-status')).toContainText('interpolated 3 slices');
    await page.waitForTimeout(200);
    await page.screenshot({ path: info.outputPath('tools-interpolated.png') });
    current = await save();
    const [lo, hi] = [Math.min(k, k2), Math.max(k, k2)];
    const d = diff(before.data, current.data);
    for (const n of [...d.added, ...d.removed]) expect(ijk(n)[2]).toBeGreaterThanOrEqual(lo);
    for (const n of [...d.added, ...d.removed]) expect(ijk(n)[2]).toBeLessThanOrEqual(hi);
    // The blob, painted on both ends, is there on every slice between them.
    for (let kk = lo + 1; kk < hi; kk++) expect(current.data[idx(blob!.i, blob!.j, kk)], `blob centre on slice ${kk}`).toBe(1);
    // Linear blending of signed distances: inside both ends -> inside; outside both -> outside.
    let agreeing = 0;
    const broken: string[] = [];
    for (let kk = lo + 1; kk < hi; kk++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const a = current.data[idx(i, j, lo)];
          if (a !== current.data[idx(i, j, hi)]) continue;
          agreeing++;
          if (current.data[idx(i, j, kk)] !== a) broken.push(`${i},${j},${kk}`);
        }
      }
    }
    expect(agreeing).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  // ---- decisions: export, change, import ----
  const decided = [csv[0].labelPath, csv[1].labelPath];
  await test.step('decide, export the project to JSON, change the decisions, import: the exported ones are back', async () => {
    await page.getByTestId('decide-fixed').click();
    await expect(page.getByTestId('decide-fixed')).toHaveClass(/on/);
    await page.getByTestId('back-to-queue').click();
    await page.getByTestId('filter-organ').selectOption('');
    await page.getByTestId('filter-case').selectOption('');
    await expect(rows).toHaveCount(81);
    await page.locator(`[data-testid=label-table] tbody tr[data-label="${decided[0]}"]`).click();
    await page.getByTestId('decide-accept').click();
    await page.locator(`[data-testid=label-table] tbody tr[data-label="${decided[1]}"]`).click();
    await page.getByTestId('decide-reject').click();
    const row = (p: string) => page.locator(`[data-testid=label-table] tbody tr[data-label="${p}"]`);
    await expect(row(decided[0])).toHaveAttribute('data-decision', 'accept');
    await expect(row(decided[1])).toHaveAttribute('data-decision', 'reject');
    await expect(row(LIVER)).toHaveAttribute('data-decision', 'fixed');

    await page.getByTestId('nav-projects').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const exported = info.outputPath('project.sentinel-project.json');
    await download.saveAs(exported);
    const doc = JSON.parse(await readFile(exported, 'utf8')) as { reviews: { labelPath: string; decision: string }[] };
    expect(doc.reviews.map((r) => `${r.labelPath}=${r.decision}`).sort()).toEqual(
      [`${decided[0]}=accept`, `${decided[1]}=reject`, `${LIVER}=fixed`].sort(),
    );

    await page.getByTestId('nav-queue').click();
    await row(decided[0]).click();
    await page.getByTestId('decide-reject').click();
    await row(decided[1]).click();
    await page.getByTestId('decide-accept').click();
    await expect(row(decided[0])).toHaveAttribute('data-decision', 'reject');
    await expect(row(decided[1])).toHaveAttribute('data-decision', 'accept');

    await page.getByTestId('nav-projects').click();
    await page.getByTestId('import-json').setInputFiles(exported);
    await expect(page.getByTestId('notice')).toContainText('3 decisions');
    await page.getByTestId('nav-queue').click();
    await expect(row(decided[0])).toHaveAttribute('data-decision', 'accept');
    await expect(row(decided[1])).toHaveAttribute('data-decision', 'reject');
    await expect(row(LIVER)).toHaveAttribute('data-decision', 'fixed');
    await page.screenshot({ path: info.outputPath('queue-after-import.png') });
  });

  expect(problems).toEqual([]);
});
