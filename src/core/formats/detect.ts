/** Telling formats apart by name and magic bytes: NIfTI, NRRD (and Slicer's .seg.nrrd), DICOM (Part 10). */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRange } from './files';
import { hasDicmMagic, SEG_SOP_CLASS } from './dicom';
import { dicomParser, TAG } from './dicom/lib';
import { findHeaderEnd, isNrrdMagic } from './nrrd/header';

export type VolumeFormat = 'nifti' | 'nrrd' | 'seg-nrrd' | 'dicom-series' | 'dicom-seg';

const NIFTI_NAME = /\.(nii|nii\.gz|hdr|hdr\.gz|img|img\.gz)$/i;
/** Files looked at before a folder is declared not to be a DICOM series. */
const FOLDER_PROBES = 16;

function isNiftiMagic(b: Uint8Array): boolean {
  if (b.length < 348) return false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = view.getInt32(0, true);
  const sizeBe = view.getInt32(0, false);
  if (size === 348 || sizeBe === 348) {
    const magic = String.fromCharCode(b[344], b[345], b[346]);
    return magic === 'n+1' || magic === 'ni1';
  }
  if (size === 540 || sizeBe === 540) return String.fromCharCode(b[4], b[5], b[6]) === 'n+2' || String.fromCharCode(b[4], b[5], b[6]) === 'ni2';
  return false;
}

/** The SOP class in a DICOM file's meta header (group 2), without parsing the data set. */
function mediaSopClass(b: Uint8Array): string | undefined {
  try {
    return dicomParser.readPart10Header(b).string(TAG.mediaSopClass);
  } catch {
    return undefined;
  }
}

async function detectFile(path: string): Promise<VolumeFormat | null> {
  const head = await readRange(path, 0, 1 << 16);
  if (isNrrdMagic(head)) {
    if (/\.seg\.nrrd$/i.test(path)) return 'seg-nrrd';
    const end = findHeaderEnd(head) ?? head.length;
    const text = new TextDecoder('latin1').decode(head.subarray(0, end));
    return /^(Segment0_\w+|Segmentation_MasterRepresentation):=/m.test(text) ? 'seg-nrrd' : 'nrrd';
  }
  if (hasDicmMagic(head)) return mediaSopClass(head) === SEG_SOP_CLASS ? 'dicom-seg' : 'dicom-series';
  if (NIFTI_NAME.test(path) || isNiftiMagic(head)) return 'nifti';
  return null;
}

/** By name and magic; a folder holding DICOM files is a 'dicom-series'. Null when nothing matches. */
export async function detectVolumeFormat(path: string): Promise<VolumeFormat | null> {
  const s = await stat(path);
  if (s.isFile()) return detectFile(path);
  if (!s.isDirectory()) return null;
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.toUpperCase() !== 'DICOMDIR')
    .map((e) => e.name)
    .sort()
    .slice(0, FOLDER_PROBES);
  for (const name of names) {
    const head = await readRange(join(path, name), 0, 132);
    if (hasDicmMagic(head)) return 'dicom-series';
  }
  return null;
}
