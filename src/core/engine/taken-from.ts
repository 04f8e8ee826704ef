/** Names for the voxels a save took from other labels of a multi-label map (value → voxels, from the store). */
import type { CaseEntry, LabelEntry } from '../dataset/manifest';

export interface TakenFrom {
  organ: string;
  voxels: number;
  /** The label, when the project knows it (a value missing from the label table has none). */
  label?: LabelEntry;
}

/** Most voxels first. */
export function takenFromNames(entry: CaseEntry, saved: LabelEntry, byValue: Map<number, number>): TakenFrom[] {
  return [...byValue.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([value, voxels]) => {
      const label = entry.labels.find(
        (l) => l.source.kind === 'multilabel' && l.source.path === saved.source.path && l.source.value === value,
      );
      return label ? { organ: label.organ, voxels, label } : { organ: `value ${value}`, voxels };
    });
}
