/**
 * Undo/redo of whole strokes. Each step is a `VoxelDiff`; the history is capped by step count and by the bytes the
 * diffs hold, dropping the oldest steps first. A new step clears the redo stack, as in every editor.
 */
import { ToolError } from './tool-error';
import type { VoxelDiff } from './voxel-diff';

export interface HistoryLimits {
  /** Most undo steps kept (at least 1). */
  maxSteps: number;
  /** Most bytes the kept diffs may hold; the newest step is kept even when it alone is larger. */
  maxBytes: number;
}

export const DEFAULT_HISTORY_LIMITS: Readonly<HistoryLimits> = { maxSteps: 100, maxBytes: 256 * 1024 * 1024 };

export class EditHistory {
  readonly limits: Readonly<HistoryLimits>;
  private readonly undoStack: VoxelDiff[] = [];
  private readonly redoStack: VoxelDiff[] = [];
  private held = 0;

  constructor(limits: Partial<HistoryLimits> = {}) {
    const merged = { ...DEFAULT_HISTORY_LIMITS, ...limits };
    if (!Number.isInteger(merged.maxSteps) || merged.maxSteps < 1) {
      throw new ToolError('invalid_argument', `history needs at least one step, got ${merged.maxSteps}`);
    }
    if (!(merged.maxBytes > 0)) throw new ToolError('invalid_argument', `history byte cap ${merged.maxBytes} is not positive`);
    this.limits = merged;
  }

  /** Records an applied edit as the newest step. */
  push(diff: VoxelDiff): void {
    if (!diff.isApplied) throw new ToolError('invalid_argument', 'only an applied edit can be pushed');
    for (const d of this.redoStack) this.held -= d.byteLength;
    this.redoStack.length = 0;
    this.undoStack.push(diff);
    this.held += diff.byteLength;
    while (this.undoStack.length > 1 && (this.undoStack.length > this.limits.maxSteps || this.held > this.limits.maxBytes)) {
      const dropped = this.undoStack.shift() as VoxelDiff;
      this.held -= dropped.byteLength;
    }
  }

  /** Reverts the newest step on `volume`; returns it (its extent is what the view re-uploads), or null. */
  undo(volume: Uint8Array): VoxelDiff | null {
    const diff = this.undoStack.pop();
    if (!diff) return null;
    diff.revert(volume);
    this.redoStack.push(diff);
    return diff;
  }

  /** Re-applies the most recently undone step; returns it, or null. */
  redo(volume: Uint8Array): VoxelDiff | null {
    const diff = this.redoStack.pop();
    if (!diff) return null;
    diff.apply(volume);
    this.undoStack.push(diff);
    return diff;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }

  get redoDepth(): number {
    return this.redoStack.length;
  }

  /** Bytes held by all kept diffs (undo and redo). */
  get bytes(): number {
    return this.held;
  }

  /** Forgets every step (when another label is opened). */
  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.held = 0;
  }
}
