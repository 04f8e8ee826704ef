/**
 * loadLabel: the volumes the editor shows for one label, all in the voxel order closest to RAS (as scored) on the
 * CT's grid: the CT (HU as int16; a NIfTI/NRRD file or a DICOM series), the label as 0/1 (any format; resampled
 * onto the CT's grid when it lies on another, by dataset/grid-rule, as scoring does), and the case's other labels
 * as one context map. The label is decoded from the very bytes whose content version is returned, so a later
 * save's conflict check refers to what was shown.
 */
import { SentinelError } from '../errors';
import { toCanonical } from '../nifti';
import { mapLimit } from '../dataset/concurrency';
import { fitToCt } from '../dataset/grid-rule';
import { LabelVolumeReader, readCanonical, type MaskVolume } from '../dataset/read-volume';
import { maskValueNote } from '../scoring/voxel-checks';
import { labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from '../dataset/manifest';
import type { LabelFileRef, LabelInFile, LabelStore } from '../store';
import type { Volume, VoxelArray } from '../volume';
import type { LabelVolumes } from '../../shared/api';

/** Files decoded at once for the context map (zlib inflates on the thread pool). */
const CONTEXT_CONCURRENCY = 3;
/** Context values are bytes: 255 other labels at most. */
const MAX_CONTEXT = 255;

export function findLabel(manifest: DatasetManifest, caseId: string, path: string): { entry: CaseEntry; label: LabelEntry } {
  const entry = manifest.cases.find((c) => c.id === caseId);
  const label = entry?.labels.find((l) => labelPath(l.source) === path);
  if (!entry || !label) throw new SentinelError('not_found', `no label "${path}" in case "${caseId}" of this project`, path);
  return { entry, label };
}

export function labelInFile(label: LabelEntry): LabelInFile {
  return label.source.kind === 'file' ? { kind: 'file' } : { kind: 'multilabel', value: label.source.value };
}

/** The store's reference to a label; with its case, the CT's grid too (DICOM SEG frames, labels on another grid). */
export function fileRef(label: LabelEntry, entry?: CaseEntry): LabelFileRef {
  const ref: LabelFileRef = { caseId: label.caseId, file: label.source.path, labelPath: labelPath(label.source), label: labelInFile(label) };
  return entry?.ct.grid ? { ...ref, ctGrid: entry.ct.grid } : ref;
}

/** HU as int16: rounded, clamped, NaN as 0 (a CT stored as int16 is passed through). */
export function toInt16(data: VoxelArray): Int16Array {
  if (data instanceof Int16Array) return data;
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]);
    out[i] = v < -32768 ? -32768 : v > 32767 ? 32767 : v === v ? v : 0;
  }
  return out;
}

export async function loadLabelVolumes(store: LabelStore, entry: CaseEntry, label: LabelEntry): Promise<LabelVolumes> {
  if (label.status === 'error' || label.status === 'grid_mismatch') {
    throw new SentinelError(label.status === 'error' ? 'corrupt' : 'grid_mismatch', label.message ?? `label status ${label.status}`, label.source.path);
  }
  const ctPath = store.resolvePath(entry.ct.path);
  const [ct, got] = await Promise.all([readCanonical(ctPath), store.readLabel(fileRef(label, entry))]);
  const { current } = got;
  const fitted = fitToCt(toCanonical(got.mask).volume, ct.grid, got.fileGrid);
  if (!fitted.ok) throw new SentinelError('grid_mismatch', fitted.reason, label.source.path);
  const mask = fitted.volume.data instanceof Uint8Array ? fitted.volume.data : Uint8Array.from(fitted.volume.data);
  const warnings = labelWarnings(label, fitted.warning, got.values);

  const others = entry.labels.filter((l) => l !== label && l.status !== 'error' && l.status !== 'grid_mismatch').slice(0, MAX_CONTEXT);
  // The label's own multi-label file is decoded already: its other labels are painted from that decode.
  const ownMap =
    label.source.kind === 'multilabel' && got.values
      ? { path: label.source.path, read: { volume: toCanonical(got.values).volume, fileGrid: got.fileGrid } }
      : null;
  const context = others.length > 0 ? await contextMap(store, entry, ct, ownMap, others) : undefined;
  const { dims, spacing, affine } = ct.grid;
  return {
    caseId: entry.id,
    labelPath: labelPath(label.source),
    organ: label.organ,
    geometry: { dims: [...dims], spacing: [...spacing], affine: [...affine] },
    ct: toInt16(ct.data),
    mask,
    ...(context ? { context: context.map, contextNames: context.names } : {}),
    version: current.version,
    readOnlyDataset: await store.savesToWorkspace(label.source.path),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * What the annotator should know about how the label is shown, said as scoring says it: resampled onto the CT's
 * grid (the grid rule's message), a segment of a file whose segments overlap (shown and saved whole, the others
 * kept), a mask file that is not plainly binary (voxel-checks' note; every voxel > 0 is shown as inside).
 */
function labelWarnings(label: LabelEntry, resampled: string | null, values: Volume | null): string[] {
  const out: string[] = [];
  if (resampled) out.push(resampled);
  if (label.source.kind === 'multilabel' && values === null) {
    out.push(`the segments of ${label.source.path} overlap: this segment is shown and saved whole, the other segments keep their voxels`);
  }
  const note = label.source.kind === 'file' && values ? maskValueNote(values.data) : null;
  if (note) out.push(note);
  return out;
}

/**
 * The other labels as one byte map (value i + 1 = others[i]). Where per-organ masks overlap, the label listed first
 * keeps the voxel whatever order files finish decoding in. Each file is painted as soon as it is decoded and then
 * dropped, so memory holds a few volumes, not one per label. A file on another grid is resampled as the label is; one
 * that cannot be read or lies elsewhere is left out: context is a help, not a requirement.
 */
async function contextMap(
  store: LabelStore,
  entry: CaseEntry,
  ct: Volume,
  ownMap: { path: string; read: MaskVolume } | null,
  others: LabelEntry[],
): Promise<{ map: Uint8Array; names: string[] }> {
  const map = new Uint8Array(ct.data.length);
  const reader = new LabelVolumeReader(entry.ct.grid ? { referenceGrid: entry.ct.grid } : {});
  const onCt = new WeakMap<MaskVolume, Volume | null>();
  const fit = (m: MaskVolume): Volume | null => {
    if (!onCt.has(m)) {
      const f = fitToCt(m.volume, ct.grid, m.fileGrid);
      onCt.set(m, f.ok ? f.volume : null);
    }
    return onCt.get(m) ?? null;
  };
  const byFile = new Map<string, { label: LabelEntry; value: number }[]>();
  others.forEach((l, index) => {
    const list = byFile.get(l.source.path) ?? [];
    list.push({ label: l, value: index + 1 });
    byFile.set(l.source.path, list);
  });
  await mapLimit([...byFile.keys()], CONTEXT_CONCURRENCY, async (file) => {
    for (const { label: l, value } of byFile.get(file) ?? []) {
      let volume: Volume | null;
      try {
        volume = fit(ownMap?.path === file ? ownMap.read : await reader.read(store.resolvePath(file), l.source));
      } catch {
        return;
      }
      if (volume) paint(map, volume.data, l, value);
    }
  });
  return { map, names: others.map((l) => l.organ) };
}

/** Marks `l`'s voxels with `value` where no label listed before it (a smaller value) has them. */
function paint(map: Uint8Array, d: VoxelArray, l: LabelEntry, value: number): void {
  if (l.source.kind === 'multilabel') {
    const want = l.source.value;
    for (let i = 0; i < d.length; i++) if (d[i] === want && (map[i] === 0 || map[i] > value)) map[i] = value;
  } else {
    for (let i = 0; i < d.length; i++) if (d[i] > 0 && (map[i] === 0 || map[i] > value)) map[i] = value;
  }
}
