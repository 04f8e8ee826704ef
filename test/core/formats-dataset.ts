/**
 * Datasets whose cases are DICOM series with NRRD / DICOM SEG masks, assembled in a temporary folder from
 * test/fixtures/formats-dataset (the three dcmqi CT slices, one without .dcm) and dcmqi's masks in
 * test/fixtures/formats (see the NOTICE there). Shared by the core, CLI and e2e tests.
 */
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CT_SLICES = resolve('test/fixtures/formats-dataset/ct');
export const DCMQI = resolve('test/fixtures/formats/dcmqi');
export const NRRD_DIR = resolve('test/fixtures/formats/nrrd');
export const LIVER_HALF = resolve('test/fixtures/formats/nrrd/liver_half.nrrd');
/** Slicer segmentations: segments Liver (1) and Thoracic spine (2); and Liver and Heart in two overlapping layers. */
export const SLICER = resolve('test/fixtures/formats/nrrd/liver_spine.seg.nrrd');
export const SLICER_LAYERS = resolve('test/fixtures/formats/nrrd/liver_heart_layers.seg.nrrd');

/** A case folder: `ct/` (the DICOM series) and `segmentations/<name>` copied from `masks` (name → source file). */
export async function makeCase(dir: string, masks: Record<string, string>): Promise<void> {
  await cp(CT_SLICES, join(dir, 'ct'), { recursive: true });
  await mkdir(join(dir, 'segmentations'), { recursive: true });
  for (const [name, src] of Object.entries(masks)) await cp(src, join(dir, 'segmentations', name));
}

/**
 * `<tmp>/formats/`: case `nrrd` (liver, spine, heart as NRRD; the heart mask really lies over the stomach) and
 * case `seg` (the liver as a DICOM SEG).
 */
export async function buildFormatsDataset(parent?: string): Promise<string> {
  const root = join(parent ?? (await mkdtemp(join(tmpdir(), 'sentinel-formats-'))), 'formats');
  await makeCase(join(root, 'nrrd'), {
    'liver.nrrd': join(DCMQI, 'liver_seg.nrrd'),
    'spine.nrrd': join(DCMQI, 'spine_seg.nrrd'),
    'heart.nrrd': join(DCMQI, 'heart_seg.nrrd'),
  });
  await makeCase(join(root, 'seg'), { 'liver.dcm': join(DCMQI, 'liver.dcm') });
  return root;
}
