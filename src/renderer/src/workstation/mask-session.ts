/**
 * One label's editing session on its mask: the tools writing through one recorder, each stroke or command one undo
 * step, the slices edited per orientation (for interpolation), and how far the mask is from the version last saved.
 * No DOM: the caller passes the changed extents on to the views.
 */
import type { LabelVolumes } from '../../../shared/api';
import {
  BrushStroke,
  EditHistory,
  EditRecorder,
  fillHolesInSlice,
  huRange,
  interpolateSlices,
  lockedLabels,
  sliceFrame,
  type SliceAxis,
  type SlicePoint,
  type VoxelExtent,
  type VoxelGrid,
} from '../tools';

export type ToolName = 'brush' | 'eraser' | 'threshold';

export interface StrokeSettings {
  tool: ToolName;
  radiusMm: number;
  /** HU range of the threshold brush. */
  huMin: number;
  huMax: number;
}

/** At least this many undo steps are kept (the history also caps the bytes its diffs hold). */
export const UNDO_STEPS = 100;

export class MaskSession {
  readonly grid: VoxelGrid;
  readonly history = new EditHistory({ maxSteps: UNDO_STEPS });
  private readonly recorder: EditRecorder;
  private stroke: BrushStroke | null = null;
  private saved: Uint8Array;
  /** Edited slices per orientation, most recent last, each slice once. */
  private readonly edited: Record<SliceAxis, number[]> = { axial: [], coronal: [], sagittal: [] };
  private lastAxis: SliceAxis = 'axial';
  /** Changes to the mask since the last save (strokes, undos, redos); zero means nothing to save. */
  changesSinceSave = 0;
  /**
   * When true, no tool paints over a voxel of the case's other labels (the context map); erasing is never blocked.
   * Read per write, so toggling it applies from the next voxel on.
   */
  protectOthers = false;

  constructor(readonly volumes: LabelVolumes) {
    const g = volumes.geometry;
    this.grid = { dims: g.dims, spacing: g.spacing };
    // Every context value is another organ: all of them are locked while protectOthers is on.
    const others = volumes.context ? lockedLabels(volumes.context, Array.from({ length: 255 }, (_, n) => n + 1)) : undefined;
    this.recorder = new EditRecorder(volumes.mask, this.grid, { protect: others && ((index) => this.protectOthers && others(index)) });
    this.saved = volumes.mask.slice();
  }

  get mask(): Uint8Array {
    return this.volumes.mask;
  }

  get dirty(): boolean {
    return this.changesSinceSave > 0;
  }

  beginStroke(axis: SliceAxis, slice: number, s: StrokeSettings): void {
    this.recorder.cancel();
    const allow = s.tool === 'threshold' ? huRange(this.volumes.ct, Math.min(s.huMin, s.huMax), Math.max(s.huMin, s.huMax)) : undefined;
    this.stroke = new BrushStroke(sliceFrame(this.grid, axis, slice), { radiusMm: s.radiusMm, value: s.tool === 'eraser' ? 0 : 1, allow }, this.recorder);
  }

  addPoints(points: readonly SlicePoint[]): void {
    if (!this.stroke) return;
    for (const p of points) this.stroke.addPoint(p);
  }

  /** Ends the stroke as one undo step; returns its extent, or null when it changed nothing. */
  endStroke(): VoxelExtent | null {
    const frame = this.stroke?.frame;
    this.stroke = null;
    const diff = this.recorder.finish();
    if (!diff || !frame) return null;
    this.history.push(diff);
    this.changesSinceSave++;
    this.noteEdited(frame.axis, frame.slice);
    return diff.extent;
  }

  get stroking(): boolean {
    return this.stroke !== null;
  }

  /** Fills the mask's holes on one slice; returns the extent changed, or null when there was no hole. */
  fillHoles(axis: SliceAxis, slice: number): VoxelExtent | null {
    fillHolesInSlice(sliceFrame(this.grid, axis, slice), this.recorder);
    return this.commit(axis, slice);
  }

  /** The two most recently edited slices of the orientation edited last, lowest first; null when there are not two. */
  interpolationPair(): { axis: SliceAxis; from: number; to: number } | null {
    const list = this.edited[this.lastAxis];
    if (list.length < 2) return null;
    const [a, b] = list.slice(-2);
    if (Math.abs(a - b) < 2) return null;
    return { axis: this.lastAxis, from: Math.min(a, b), to: Math.max(a, b) };
  }

  /** Shape-based interpolation between the two slices of `interpolationPair` (throws a ToolError if one is empty). */
  interpolate(): { extent: VoxelExtent | null; slices: number } | null {
    const pair = this.interpolationPair();
    if (!pair) return null;
    try {
      const res = interpolateSlices(this.recorder, pair.axis, pair.from, pair.to);
      return { extent: this.commit(null, 0), slices: res.slices };
    } catch (e) {
      this.recorder.cancel();
      throw e;
    }
  }

  undo(): VoxelExtent | null {
    const diff = this.history.undo(this.mask);
    if (diff) this.changesSinceSave++;
    return diff?.extent ?? null;
  }

  redo(): VoxelExtent | null {
    const diff = this.history.redo(this.mask);
    if (diff) this.changesSinceSave++;
    return diff?.extent ?? null;
  }

  /** Voxels that differ from the version last saved (or loaded). */
  changedSinceSave(): number {
    const a = this.mask;
    const b = this.saved;
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
    return n;
  }

  /** The mask as it is now is the saved version. */
  markSaved(): void {
    this.saved = this.mask.slice();
    this.changesSinceSave = 0;
  }

  private commit(axis: SliceAxis | null, slice: number): VoxelExtent | null {
    const diff = this.recorder.finish();
    if (!diff) return null;
    this.history.push(diff);
    this.changesSinceSave++;
    if (axis) this.noteEdited(axis, slice);
    return diff.extent;
  }

  private noteEdited(axis: SliceAxis, slice: number): void {
    const list = this.edited[axis].filter((s) => s !== slice);
    list.push(slice);
    this.edited[axis] = list.slice(-8);
    this.lastAxis = axis;
  }
}
