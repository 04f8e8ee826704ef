/**
 * High-quality pseudo labels as an nnU-Net v2 raw dataset:
 *   DatasetNNN_Name/imagesTr/<case>_0000.nii.gz   the CT (copied, linked, or rewritten without identifiers)
 *   DatasetNNN_Name/labelsTr/<case>.nii.gz        one multi-label map on the CT's grid, values 0..K
 *   DatasetNNN_Name/dataset.json                  channel_names, labels, numTraining, file_ending (+ provenance)
 *   DatasetNNN_Name/included.csv, excluded.csv    what went in (per organ) and what did not, and why
 * Which cases go in: nnunet-select.ts. Everything is written into a staging folder and renamed into place at the
 * end; a cancel or a failure leaves the chosen folder as it was.
 */
import { rm } from 'node:fs/promises';
import { encodeNifti, readNiftiHeader } from '../nifti';
import { readVolumeInfo } from '../formats';
import { readCanonical } from '../dataset/read-volume';
import { isNiftiPath } from '../dataset/volume-files';
import { asSentinelError, SentinelError } from '../errors';
import { labelPath, type DatasetManifest } from '../dataset/manifest';
import { formatCsvRow } from '../../shared/csv-text';
import { redactRoot } from '../../shared/export/redact';
import { checkpoint, isExportCancelled, type ExportControl } from './control';
import { datasetJson } from './dataset-json';
import { writeImage, type ImageWrite, type ImageWriteResult } from './image-copy';
import { buildLabelMap, toFileOrder } from './label-map';
import { checkFileName, nnunetFolderName } from './names';
import { selectCases, type ExcludedCase, type ExportScore, type IncludedCase } from './nnunet-select';
import type { ExportFolder, Staging } from './output-folder';

export interface NnunetExportOptions {
  /** Predicted DSC every exported label must reach (default 0.9). */
  threshold?: number;
  /** Organs in label order (names as found); default: those present in every case, sorted by name. */
  organs?: string[];
  datasetId: number;
  datasetName: string;
  /** Link the CTs (hard links; symbolic across file systems) instead of copying them. */
  link?: boolean;
  /** Keep identifier fields of the CT headers (and allow linking such files). */
  includeIdentifiers?: boolean;
  /** Replace an existing dataset folder of the same name. */
  force?: boolean;
  description?: string;
  licence?: string;
}

export interface NnunetExportInput {
  manifest: DatasetManifest;
  /** The absolute path to read of a dataset-relative file (the store's: corrected workspace copies first). */
  resolvePath: (rel: string) => string;
  scores: readonly (ExportScore & { model?: string })[];
}

export interface NnunetExportResult {
  /** Absolute path of the dataset folder written. */
  folder: string;
  name: string;
  organs: string[];
  included: string[];
  excluded: ExcludedCase[];
  images: Record<ImageWrite, number>;
  notes: string[];
}

export const DEFAULT_THRESHOLD = 0.9;
const TOOL = 'Sentinel Workstation 0.1.0';

export async function exportNnunet(
  folder: ExportFolder,
  input: NnunetExportInput,
  opts: NnunetExportOptions,
  control: ExportControl = {},
): Promise<NnunetExportResult> {
  const { manifest } = input;
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const name = nnunetFolderName(opts.datasetId, opts.datasetName);
  const selection = selectCases(manifest, input.scores, { threshold, organs: opts.organs });
  // Case IDs become file names: one that could leave the folder stops the export before anything is written.
  for (const c of selection.included) checkFileName(c.entry.id, 'case ID');
  if (selection.included.length === 0) throw nothingPasses(selection.excluded, threshold, manifest.root);
  await folder.checkFree([name], opts.force ?? false);

  const keep = opts.includeIdentifiers ?? false;
  const redact = (s: string): string => (keep ? s : redactRoot(s, manifest.root));
  const included: { c: IncludedCase; voxels: number[]; overlapped: number[] }[] = [];
  const excluded = [...selection.excluded];
  const images: Record<ImageWrite, number> = { copied: 0, 'hard-linked': 0, symlinked: 0, rewritten: 0 };
  const notes: string[] = [];
  const total = selection.included.length;
  const staging = await folder.stage();
  try {
    for (let i = 0; i < total; i++) {
      checkpoint(control.signal);
      control.onProgress?.(i, total, 'writing');
      const c = selection.included[i];
      try {
        const written = await writeCase(staging, name, c, input.resolvePath, { link: opts.link ?? false, keep }, control.signal);
        images[written.image.how]++;
        if (opts.link && written.image.how === 'rewritten') {
          const why = written.image.identifiers.length ? `its header holds ${written.image.identifiers.join(', ')}` : 'it is not a single .nii.gz file';
          notes.push(`${c.entry.id}: the CT was written anew instead of linked (${why})`);
        }
        for (const w of written.warnings) notes.push(`${c.entry.id}: ${redact(w)}`);
        included.push({ c, voxels: written.voxels, overlapped: written.overlapped });
      } catch (err) {
        if (isExportCancelled(err)) throw err;
        excluded.push({ caseId: c.entry.id, reasons: [`could not be written: ${redact(asSentinelError(err).message)}`] });
      }
    }
    if (included.length === 0) throw nothingPasses(excluded, threshold, manifest.root);
    control.onProgress?.(total, total, 'finishing');
    // The models whose scores let the exported labels in.
    const exported = new Set(included.flatMap(({ c }) => c.labels.map((l) => `${c.entry.id}\u0000${labelPath(l.source)}`)));
    const models = [...new Set(input.scores.filter((s) => s.model && exported.has(`${s.caseId}\u0000${s.labelPath}`)).map((s) => s.model as string))].sort();
    const json = datasetJson({
      organs: selection.organs,
      numTraining: included.length,
      name: opts.datasetName,
      description: opts.description ?? `Pseudo labels with a predicted DSC of at least ${threshold} for every organ (Quality Sentinel)`,
      licence: opts.licence,
      provenance: {
        tool: TOOL,
        createdAt: new Date().toISOString(),
        rule: 'a case is included when every exported organ has one label, scored ok, with predicted DSC >= threshold',
        threshold,
        models,
        overlaps: 'a voxel claimed by several organs belongs to the first in label order (included.csv counts the rest)',
        identifiers: keep ? 'kept as found' : 'removed from image headers (descrip, aux_file, intent_name, db_name, data_type, extensions)',
        casesIncluded: included.length,
        casesExcluded: excluded.length,
      },
    });
    await staging.writeFile(`${name}/dataset.json`, `${JSON.stringify(json, null, 2)}\n`);
    await staging.writeFile(`${name}/included.csv`, includedCsv(selection.organs, included));
    await staging.writeFile(`${name}/excluded.csv`, excludedCsv(excluded));
    checkpoint(control.signal);
    const [path] = await staging.commit([name], opts.force ?? false);
    return {
      folder: path,
      name,
      organs: selection.organs,
      included: included.map((x) => x.c.entry.id),
      excluded,
      images,
      notes,
    };
  } catch (err) {
    await staging.discard();
    throw err;
  }
}

async function writeCase(
  staging: Staging,
  name: string,
  c: IncludedCase,
  resolvePath: (rel: string) => string,
  how: { link: boolean; keep: boolean },
  signal: AbortSignal | undefined,
): Promise<{ image: ImageWriteResult; voxels: number[]; overlapped: number[]; warnings: string[] }> {
  const id = c.entry.id;
  const ctPath = resolvePath(c.entry.ct.path);
  const labelRel = `${name}/labelsTr/${id}.nii.gz`;
  const imageRel = `${name}/imagesTr/${id}_0000.nii.gz`;
  try {
    const info = await readVolumeInfo(ctPath);
    const map = await buildLabelMap(info.grid, c.labels, resolvePath, signal);
    const datatype = map.data instanceof Uint8Array ? 'uint8' : 'uint16';
    let image: ImageWriteResult;
    if (isNiftiPath(ctPath)) {
      // The map goes into the CT file's own voxel order with the CT's header geometry, field for field, so image
      // and label grids are identical; nothing descriptive of the CT's header goes along.
      const h = (await readNiftiHeader(ctPath)).header;
      const header = {
        version: h.version, dim: h.dim, pixdim: h.pixdim, xyztUnits: h.xyztUnits,
        qformCode: h.qformCode, sformCode: h.sformCode, quaternB: h.quaternB, quaternC: h.quaternC, quaternD: h.quaternD,
        qoffsetX: h.qoffsetX, qoffsetY: h.qoffsetY, qoffsetZ: h.qoffsetZ, srowX: h.srowX, srowY: h.srowY, srowZ: h.srowZ,
      };
      const bytes = await encodeNifti({ header, volume: { grid: info.grid, data: toFileOrder(map, info.grid) } }, { gzip: true, datatype });
      checkpoint(signal);
      await staging.writeFile(labelRel, bytes);
      image = await writeImage(staging, imageRel, ctPath, { link: how.link, keepIdentifiers: how.keep });
    } else {
      // Another format (DICOM series, NRRD): the CT becomes a new NIfTI in closest-RAS order, the map beside it.
      // Only voxels and geometry are written: no header field of the source can carry an identifier along.
      const ct = await readCanonical(ctPath);
      checkpoint(signal);
      await staging.writeFile(labelRel, await encodeNifti({ volume: { grid: map.grid, data: map.data } }, { gzip: true, datatype }));
      await staging.writeFile(imageRel, await encodeNifti({ volume: ct }, { gzip: true }));
      image = { how: 'rewritten', identifiers: [] };
    }
    return { image, voxels: map.voxels, overlapped: map.overlapped, warnings: map.warnings };
  } catch (err) {
    // A case that fails leaves nothing of itself behind.
    await rm(staging.abs(labelRel), { force: true });
    await rm(staging.abs(imageRel), { force: true });
    throw err;
  }
}

function nothingPasses(excluded: readonly ExcludedCase[], threshold: number, root: string): SentinelError {
  const some = excluded.slice(0, 5).map((e) => `${e.caseId}: ${e.reasons.slice(0, 3).join('; ')}`);
  return new SentinelError(
    'invalid_argument',
    `no case can be exported at threshold ${threshold} (nothing was written). ${some.join(' | ')}${excluded.length > 5 ? ` | and ${excluded.length - 5} more` : ''}`,
    root,
  );
}

function includedCsv(organs: readonly string[], rows: readonly { c: IncludedCase; voxels: number[]; overlapped: number[] }[]): string {
  const lines = [formatCsvRow(['case', 'organ', 'value', 'label_path', 'predicted_dsc', 'voxels', 'overlapped_voxels'])];
  for (const { c, voxels, overlapped } of rows) {
    organs.forEach((organ, i) => {
      lines.push(formatCsvRow([c.entry.id, organ, String(i + 1), labelPath(c.labels[i].source), c.dsc[i].toFixed(6), String(voxels[i]), String(overlapped[i])]));
    });
  }
  return lines.join('\n') + '\n';
}

function excludedCsv(rows: readonly ExcludedCase[]): string {
  const lines = [formatCsvRow(['case', 'reasons'])];
  for (const e of rows) lines.push(formatCsvRow([e.caseId, e.reasons.join('; ')]));
  return lines.join('\n') + '\n';
}
