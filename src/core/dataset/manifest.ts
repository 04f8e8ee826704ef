/**
 * The manifest of a dataset scan: which cases and labels a folder holds and what the scan could tell about each.
 * Plain JSON data (no Maps, no class instances): it crosses the API and is stored by the renderer as it is.
 */
import type { Grid } from '../volume';
import type { LabelStatus } from '../../shared/scores';
import type { OrganMatch } from '../organs/types';

/**
 * How the folder is organised.
 * - `totalsegmentator`: <case>/ct.nii.gz + <case>/segmentations/<organ>.nii.gz (also AbdomenAtlas).
 * - `multilabel`: <case>/ct.nii.gz + <case>/label|seg|segmentation.nii.gz with a label table.
 * - `nnunet`: nnU-Net raw: imagesTr/<case>_0000.nii.gz + labelsTr/<case>.nii.gz + dataset.json.
 * - `mixed`: case folders of both of the first two kinds.
 */
export type DatasetLayout = 'totalsegmentator' | 'multilabel' | 'nnunet' | 'mixed';

/** Result of matching a label's name to a DAP Atlas organ (core/organs' matchOrgan). */
export type { OrganMatch } from '../organs/types';

export type LabelSource =
  /** A binary mask file: every non-zero voxel belongs to the organ. */
  | { kind: 'file'; path: string }
  /** One value of a multi-label map. */
  | { kind: 'multilabel'; path: string; value: number };

export interface LabelEntry {
  caseId: string;
  /** The label's name as found: file name without .nii/.nii.gz, or the name in the label table. */
  organ: string;
  /** Paths are relative to the dataset root, with '/' separators. */
  source: LabelSource;
  organMatch: OrganMatch;
  /**
   * As far as the header-only scan can tell: `error` (mask or CT unreadable), `grid_mismatch`, `unmapped` or `ok`.
   * `empty` is only set by the scan when it was asked to read multi-label voxels; otherwise scoring finds it.
   */
  status: LabelStatus;
  message?: string;
}

export interface CaseEntry {
  id: string;
  /** The CT, relative to the root; `grid` is its header's geometry (file voxel order), absent when unreadable. */
  ct: { path: string; grid?: Grid };
  labels: LabelEntry[];
  /** The case's row of meta.csv (column name → value), without the id column. */
  meta?: Record<string, string>;
}

/** A problem that is not one label's status: an unreadable CT, a stray folder, an unparsable label table. */
export interface ScanIssue {
  /** Relative to the root ('' for the root itself). */
  path: string;
  message: string;
  caseId?: string;
  severity: 'warning' | 'error';
}

export interface DatasetManifest {
  /** Absolute path of the scanned folder. */
  root: string;
  layout: DatasetLayout;
  /** True when the root itself is one case folder (its id is the folder's name). */
  singleCase: boolean;
  cases: CaseEntry[];
  issues: ScanIssue[];
}

/**
 * The label's path as the scores CSV writes it: the file, or `file#value` inside a multi-label map.
 * Together with the case id it identifies a label across runs (see labelKey in shared/scores).
 */
export function labelPath(source: LabelSource): string {
  return source.kind === 'file' ? source.path : `${source.path}#${source.value}`;
}

/** All labels of a manifest in case order. */
export function allLabels(manifest: DatasetManifest): LabelEntry[] {
  return manifest.cases.flatMap((c) => c.labels);
}
