/**
 * Test harness for the editor's views (harness.html, used by e2e/editor-views.spec.ts): builds a synthetic label in
 * the page (a body with a spine and an organ on a CT gradient, a slightly misplaced spherical mask, two context
 * organs) and mounts EditorView on it, wired to the real brush and undo of ../tools. It touches no API and no
 * file, so shipping it with the renderer exposes nothing. `window.harness` is what the spec drives.
 */
import { createApp, defineComponent, h, nextTick, ref, shallowRef } from 'vue';
import type { LabelVolumes } from '../../shared/api';
import { BrushStroke, EditHistory, EditRecorder, sliceFrame, stampDisc, type ShortcutAction, type VoxelExtent } from './tools';
import EditorView from './views/EditorView.vue';
import { brushExtent } from './viewer/brush-extent';
import type { PaintSample, PointerMode, SliceAxis, SlicePoint } from './viewer/types';

type EditorApi = InstanceType<typeof EditorView>;

/**
 * The grid: small by default (the spec's numbers rely on it); `?scale=s` multiplies the in-plane size and divides
 * the spacing by s, e.g. `harness.html?scale=5.33` for a CT-sized 512×426 in-plane grid to try by hand.
 */
const SCALE = Math.max(1, Number(new URLSearchParams(location.search).get('scale')) || 1);
const DIMS: [number, number, number] = [Math.round(96 * SCALE), Math.round(80 * SCALE), Math.round(48 * Math.sqrt(SCALE))];
const SPACING: [number, number, number] = [0.9 / SCALE, 0.9 / SCALE, 2.5 / Math.sqrt(SCALE)];
/** The organ's centre (voxels) and radius (mm); the mask is the same sphere moved 3.6 mm along i. */
const ORGAN = { center: [56 * SCALE, 38 * SCALE, 24 * Math.sqrt(SCALE)] as const, radiusMm: 16 };
const WORST_SLICE = Math.round(26 * Math.sqrt(SCALE));

function syntheticVolumes(): LabelVolumes {
  const [nx, ny, nz] = DIMS;
  const [sx, sy, sz] = SPACING;
  const n = nx * ny * nz;
  const ct = new Int16Array(n);
  const mask = new Uint8Array(n);
  const context = new Uint8Array(n);
  const inSphere = (i: number, j: number, k: number, c: readonly number[], r: number): boolean =>
    ((i - c[0]) * sx) ** 2 + ((j - c[1]) * sy) ** 2 + ((k - c[2]) * sz) ** 2 <= r * r;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        const bx = (i - nx / 2) / (nx * 0.45);
        const by = (j - ny / 2) / (ny * 0.4);
        const body = bx * bx + by * by <= 1;
        // Soft tissue with gradients along i and k, so every window and every slice looks different. The spine is
        // posterior (small j), the organ on the patient's right (large i), the kidney on the left.
        let hu = body ? -100 + Math.round((i / nx) * 160) + Math.round((k / nz) * 200) : -1000;
        const spine = body && (i - nx / 2) ** 2 + ((j - ny * 0.22) * 1.2) ** 2 <= 36 * SCALE * SCALE;
        if (spine) {
          hu = 700;
          context[idx] = 1;
        }
        if (inSphere(i, j, k, ORGAN.center, ORGAN.radiusMm)) hu = 110;
        if (inSphere(i, j, k, [26 * SCALE, 42 * SCALE, 20 * Math.sqrt(SCALE)], 9)) {
          hu = 30;
          context[idx] = 2;
        }
        ct[idx] = hu;
        mask[idx] = inSphere(i - 4 * SCALE, j, k, ORGAN.center, ORGAN.radiusMm) ? 1 : 0;
      }
    }
  }
  return {
    caseId: 'synthetic',
    labelPath: 'synthetic/segmentations/liver.nii.gz',
    organ: 'liver',
    geometry: {
      dims: DIMS,
      spacing: SPACING,
      affine: [SPACING[0], 0, 0, -40, 0, SPACING[1], 0, -30, 0, 0, SPACING[2], -60, 0, 0, 0, 1],
    },
    ct,
    mask,
    context,
    contextNames: ['vertebrae_L1', 'kidney_left'],
    version: 'synthetic-1',
    readOnlyDataset: false,
  };
}

interface PixelStats {
  width: number;
  height: number;
  /** Distinct RGB colours. */
  colours: number;
  /** Pixels in the mask's colour (azure: blue and green well above red). */
  maskPixels: number;
}

async function pixelsOf(dataUrl: string): Promise<ImageData> {
  const img = new Image();
  img.src = dataUrl;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function pixelStats(dataUrl: string): Promise<PixelStats> {
  const { data, width, height } = await pixelsOf(dataUrl);
  const colours = new Set<number>();
  let maskPixels = 0;
  for (let p = 0; p < data.length; p += 4) {
    const r = data[p];
    const g = data[p + 1];
    const b = data[p + 2];
    colours.add((r << 16) | (g << 8) | b);
    if (b - r > 60 && g - r > 40) maskPixels++;
  }
  return { width, height, colours: colours.size, maskPixels };
}

/** Pixels whose colour differs by more than `tolerance` in some channel. */
async function pixelDiff(a: string, b: string, tolerance = 8): Promise<number> {
  const [pa, pb] = await Promise.all([pixelsOf(a), pixelsOf(b)]);
  if (pa.width !== pb.width || pa.height !== pb.height) return pa.width * pa.height;
  let n = 0;
  for (let p = 0; p < pa.data.length; p += 4) {
    if (Math.abs(pa.data[p] - pb.data[p]) > tolerance || Math.abs(pa.data[p + 1] - pb.data[p + 1]) > tolerance || Math.abs(pa.data[p + 2] - pb.data[p + 2]) > tolerance) n++;
  }
  return n;
}

const volumes = syntheticVolumes();
const grid = { dims: DIMS, spacing: SPACING };
const recorder = new EditRecorder(volumes.mask, grid);
const history = new EditHistory();
const pointerMode = ref<PointerMode>('navigate');
const brushRadiusMm = ref(4);
const editor = shallowRef<EditorApi | null>(null);
/** Bumped to unmount the editor and mount a new one (its vtk.js objects and WebGL contexts must go with it). */
const generation = ref(0);
const events = { strokes: 0, paints: 0, shortcuts: [] as ShortcutAction[] };

let stroke: BrushStroke | null = null;
let lastPoint: SlicePoint | null = null;

function paintSamples(s: PaintSample): void {
  if (!stroke) return;
  for (const p of s.points) stroke.addPoint(p);
  const touched = brushExtent(grid, s.axis, s.slice, lastPoint ? [lastPoint, ...s.points] : s.points, brushRadiusMm.value);
  lastPoint = s.points[s.points.length - 1] ?? lastPoint;
  if (touched) editor.value?.refreshMask(touched);
}

function undoRedo(action: ShortcutAction): void {
  const diff = action === 'edit.undo' ? history.undo(volumes.mask) : action === 'edit.redo' ? history.redo(volumes.mask) : null;
  if (diff) editor.value?.refreshMask(diff.extent);
}

const Harness = defineComponent({
  setup() {
    return () =>
      h('div', { class: 'harness' }, [
        h('div', { class: 'harness-bar' }, [
          h('button', { 'data-testid': 'mode-navigate', onClick: () => (pointerMode.value = 'navigate') }, 'Navigate'),
          h('button', { 'data-testid': 'mode-paint', onClick: () => (pointerMode.value = 'paint') }, 'Paint'),
          h('span', { 'data-testid': 'mode' }, `mode: ${pointerMode.value} · brush ${brushRadiusMm.value} mm`),
        ]),
        h(EditorView, {
          key: generation.value,
          ref: (el: unknown) => (editor.value = el as EditorApi | null),
          volumes,
          initialSlice: WORST_SLICE,
          pointerMode: pointerMode.value,
          brushRadiusMm: brushRadiusMm.value,
          onStrokeStart: (s: PaintSample) => {
            stroke = new BrushStroke(sliceFrame(grid, s.axis, s.slice), { radiusMm: brushRadiusMm.value, value: 1 }, recorder);
            lastPoint = null;
            paintSamples(s);
          },
          onPaint: (s: PaintSample) => {
            events.paints++;
            paintSamples(s);
          },
          onStrokeEnd: () => {
            const diff = recorder.finish();
            if (diff) history.push(diff);
            stroke = null;
            events.strokes++;
          },
          onShortcut: (action: ShortcutAction) => {
            events.shortcuts.push(action);
            undoRedo(action);
          },
        }),
      ]);
  },
});

/** What the e2e spec drives. */
const harness = {
  volumes,
  events,
  get editor(): EditorApi {
    if (!editor.value) throw new Error('the editor is not mounted');
    return editor.value;
  },
  setPointerMode(mode: PointerMode): void {
    pointerMode.value = mode;
  },
  /** Replaces the editor by a new instance on the same volumes. */
  async remount(): Promise<void> {
    generation.value++;
    await nextTick();
  },
  /** Paints a disc with the tools and refreshes just its region, as a tool wired to the editor would. */
  paintDisc(axis: SliceAxis, slice: number, u: number, v: number, radiusMm: number, value = 1): VoxelExtent | null {
    const changed = stampDisc(sliceFrame(grid, axis, slice), { u, v }, { radiusMm, value }, recorder);
    const diff = recorder.finish();
    if (diff) {
      history.push(diff);
      harness.editor.refreshMask(diff.extent);
    }
    return changed > 0 && diff ? diff.extent : null;
  },
  /** Mask voxels set on one axial slice. */
  maskCount(k: number): number {
    const plane = DIMS[0] * DIMS[1];
    let n = 0;
    for (let idx = k * plane; idx < (k + 1) * plane; idx++) n += volumes.mask[idx];
    return n;
  },
  pixelStats,
  pixelDiff,
};

declare global {
  interface Window {
    harness?: typeof harness;
  }
}
window.harness = harness;

createApp(Harness).mount('#app');
