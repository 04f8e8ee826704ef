/**
 * A tiny TotalSegmentator-layout dataset written for the export tests: CTs whose headers carry what converters put
 * there (a patient's name in descrip, an MRN in aux_file and db_name, a DICOM-like header extension), clean CTs,
 * and two binary masks per case. Headers are edited in their raw bytes, as another tool would have written them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeNifti } from '../../../src/core/nifti';
import type { LabelScore } from '../../../src/shared/scores';
import type { Grid } from '../../../src/core/volume';

export const GRID: Grid = { dims: [6, 5, 4], spacing: [2, 1.5, 2.5], affine: [-2, 0, 0, 10, 0, 1.5, 0, -3, 0, 0, 2.5, 7, 0, 0, 0, 1] };
export const N = 6 * 5 * 4;
export const PATIENT = 'Doe^John';
export const MRN = 'MRN-4711';

export interface CtOptions {
  identifiers?: boolean;
  gzip?: boolean;
  version?: 1 | 2;
}

export function ctVoxels(seed: number): Int16Array {
  const d = new Int16Array(N);
  for (let i = 0; i < N; i++) d[i] = ((i * 37 + seed * 11) % 400) - 200;
  return d;
}

/** The bytes of a CT file; with identifiers: descrip, aux_file, intent_name, db_name (NIfTI-1) and an extension. */
export async function ctBytes(seed: number, opts: CtOptions = {}): Promise<Uint8Array> {
  const ids = opts.identifiers ?? false;
  const raw = await encodeNifti(
    {
      volume: { grid: GRID, data: ctVoxels(seed) },
      header: ids ? { descrip: `${PATIENT} 1970-01-01`, auxFile: MRN, intentName: 'PN:Doe' } : {},
      extensions: ids ? [{ ecode: 2, data: new TextEncoder().encode(`(0010,0010) PN ${PATIENT}\u0000\u0000\u0000`) }] : [],
    },
    { gzip: false, version: opts.version ?? 1 },
  );
  if (ids && (opts.version ?? 1) === 1) raw.set(new TextEncoder().encode(MRN), 14); // db_name
  return opts.gzip === false ? raw : new Uint8Array(gzipSync(raw));
}

export function maskVoxels(seed: number): Uint8Array {
  const d = new Uint8Array(N);
  for (let i = 0; i < N; i++) d[i] = (i * 7 + seed * 13) % 5 < 2 ? 1 : 0;
  return d;
}

/** `<root>/<case>/ct.nii.gz` + segmentations/liver and spleen (spleen overlaps liver in a fifth of the voxels). */
export async function writeCase(root: string, caseId: string, seed: number, ct: CtOptions = {}): Promise<void> {
  const dir = join(root, caseId);
  await mkdir(join(dir, 'segmentations'), { recursive: true });
  await writeFile(join(dir, ct.gzip === false ? 'ct.nii' : 'ct.nii.gz'), await ctBytes(seed, ct));
  for (const [organ, s] of [['liver', seed], ['spleen', seed + 2]] as const) {
    await writeFile(join(dir, 'segmentations', `${organ}.nii.gz`), await encodeNifti({ volume: { grid: GRID, data: maskVoxels(s) } }, { gzip: true }));
  }
}

/** Scores (inputs of the selection, not results): every label ok with the given DSC. */
export function scoresFor(cases: string[], dsc = 0.95): LabelScore[] {
  return cases.flatMap((c) =>
    ['liver', 'spleen'].map((organ) => ({
      caseId: c, organ, labelPath: `${c}/segmentations/${organ}.nii.gz`, organId: null, predictedDsc: dsc, slices: [], sliceDsc: [],
      worstSlice: 1, worstSliceDsc: dsc - 0.1, status: 'ok' as const, message: '', seconds: 0, model: 'test@1', ep: 'cpu',
    })),
  );
}
