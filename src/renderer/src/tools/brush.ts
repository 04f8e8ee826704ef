/**
 * Brush and eraser: a disc of a radius in millimetres on one slice, stamped along the pointer's path. The radius
 * is divided by the pixel size per axis, so anisotropic pixels give an ellipse in voxels and a circle in mm.
 * Only the disc's bounding box is visited; voxels go through the recorder (locked labels, undo).
 */
import type { EditRecorder } from './edit-recorder';
import type { VoxelPredicate } from './predicates';
import { ToolError } from './tool-error';
import type { SliceFrame } from './voxel-grid';

export interface BrushSettings {
  radiusMm: number;
  /** Value written: 1 paints, 0 erases. */
  value: number;
  /** Only voxels where this is true are written (the threshold-limited brush passes `huRange`). */
  allow?: VoxelPredicate;
}

/** Continuous pixel coordinates on a slice; pixel centres are at integers. */
export interface SlicePoint {
  u: number;
  v: number;
}

/** Half-sizes of the disc in pixels along u and v. */
export function discRadiusPixels(frame: SliceFrame, radiusMm: number): { ru: number; rv: number } {
  return { ru: radiusMm / frame.spacingU, rv: radiusMm / frame.spacingV };
}

function checkSettings(settings: BrushSettings): void {
  if (!(settings.radiusMm > 0) || !Number.isFinite(settings.radiusMm)) {
    throw new ToolError('invalid_argument', `brush radius ${settings.radiusMm} mm is not a positive size`);
  }
  if (!Number.isInteger(settings.value) || settings.value < 0 || settings.value > 255) {
    throw new ToolError('invalid_argument', `brush value ${settings.value} is not a label value 0..255`);
  }
}

/**
 * Stamps one disc centred at (u, v): every pixel whose centre lies within the radius (in mm), plus the pixel under
 * the pointer so that a brush smaller than a pixel still paints. Returns the number of voxels changed.
 */
export function stampDisc(frame: SliceFrame, at: SlicePoint, settings: BrushSettings, recorder: EditRecorder): number {
  checkSettings(settings);
  const { width, height, spacingU, spacingV, origin, strideU, strideV } = frame;
  const r = settings.radiusMm;
  const r2 = r * r;
  const rv = r / spacingV;
  const cu = Math.round(at.u);
  const cv = Math.round(at.v);
  const vMin = Math.max(0, Math.min(Math.ceil(at.v - rv), cv));
  const vMax = Math.min(height - 1, Math.max(Math.floor(at.v + rv), cv));
  const allow = settings.allow;
  const value = settings.value;
  let changed = 0;
  for (let v = vMin; v <= vMax; v++) {
    const dv = (v - at.v) * spacingV;
    const rest = r2 - dv * dv;
    let uLo: number;
    let uHi: number;
    if (rest >= 0) {
      // The disc's chord on this row, in pixels.
      const half = Math.sqrt(rest) / spacingU;
      uLo = Math.ceil(at.u - half);
      uHi = Math.floor(at.u + half);
    } else {
      // Row outside the disc (only the pointer's own row gets here, for its one pixel).
      uLo = Infinity;
      uHi = -Infinity;
    }
    if (v === cv) {
      uLo = Math.min(uLo, cu);
      uHi = Math.max(uHi, cu);
    }
    if (uLo < 0) uLo = 0;
    if (uHi > width - 1) uHi = width - 1;
    const row = origin + v * strideV;
    for (let u = uLo; u <= uHi; u++) {
      const idx = row + u * strideU;
      if (allow !== undefined && !allow(idx)) continue;
      if (recorder.write(idx, value)) changed++;
    }
  }
  return changed;
}

/**
 * Stamps discs from `from` to `to` close enough together (half the smaller radius in pixels, half a pixel for a
 * brush smaller than that) that a fast drag leaves a continuous band, never a dotted line. `from` itself is not stamped again
 * unless `includeStart`. Returns the number of voxels changed.
 */
export function stampSegment(
  frame: SliceFrame,
  from: SlicePoint,
  to: SlicePoint,
  settings: BrushSettings,
  recorder: EditRecorder,
  includeStart = false,
): number {
  checkSettings(settings);
  const { ru, rv } = discRadiusPixels(frame, settings.radiusMm);
  const step = Math.max(0.5, Math.min(ru, rv) / 2);
  const du = to.u - from.u;
  const dv = to.v - from.v;
  const steps = Math.max(1, Math.ceil(Math.hypot(du, dv) / step));
  let changed = includeStart ? stampDisc(frame, from, settings, recorder) : 0;
  for (let s = 1; s <= steps; s++) {
    const t = s / steps;
    changed += stampDisc(frame, { u: from.u + du * t, v: from.v + dv * t }, settings, recorder);
  }
  return changed;
}

/**
 * One pointer stroke on one slice: feed it every pointer sample; it stamps the path since the previous sample.
 * The caller owns the recorder and turns it into one undo step when the pointer is released.
 */
export class BrushStroke {
  private last: SlicePoint | null = null;
  private total = 0;

  constructor(
    readonly frame: SliceFrame,
    readonly settings: Readonly<BrushSettings>,
    private readonly recorder: EditRecorder,
  ) {
    checkSettings(settings);
  }

  /** Adds a pointer sample; returns the voxels it changed. */
  addPoint(at: SlicePoint): number {
    const changed = this.last === null
      ? stampDisc(this.frame, at, this.settings, this.recorder)
      : stampSegment(this.frame, this.last, at, this.settings, this.recorder);
    this.last = { u: at.u, v: at.v };
    this.total += changed;
    return changed;
  }

  /** Voxels changed by this stroke so far. */
  get changed(): number {
    return this.total;
  }
}

/** Brush radii offered by `[` and `]`, in mm: fine steps where precision matters, coarse ones for big organs. */
export const BRUSH_RADII_MM: readonly number[] = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];

/** The next radius in the table up (+1) or down (-1) from `current` (which need not be in the table). */
export function stepBrushRadius(current: number, direction: 1 | -1): number {
  const table = BRUSH_RADII_MM;
  if (direction > 0) {
    for (const r of table) if (r > current + 1e-9) return r;
    return table[table.length - 1];
  }
  for (let n = table.length - 1; n >= 0; n--) if (table[n] < current - 1e-9) return table[n];
  return table[0];
}
