/**
 * Which files of a case folder are volumes, by name first: NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr + data file),
 * Slicer's .seg.nrrd and DICOM SEG (.dcm). A mask file whose name says nothing (DICOM is often stored without an
 * extension) is recognised by its DICM preamble. Reading and decoding are core/formats' job; this module only
 * names files.
 */
import { detectVolumeFormat, type VolumeFormat } from '../formats';

/** Longest first, so `.seg.nrrd` wins over `.nrrd` and `.nii.gz` over `.nii`... (matched case-insensitively). */
export const MASK_EXTENSIONS = ['.seg.nrrd', '.nii.gz', '.nii', '.nrrd', '.nhdr', '.dcm'] as const;

/** Files that are never masks themselves: detached data of .nhdr/.hdr headers, sidecars, notes. */
const NEVER_MASK = /\.(raw|raw\.gz|img|img\.gz|hdr|gz|bz2|zip|json|txt|csv|tsv|md|html|xml|mrml|mrb|png|jpe?g|py|sh|log)$/i;

/** The mask extension of `name`, lower case, or undefined when its name does not say it is a volume. */
export function maskExtension(name: string): string | undefined {
  const lower = name.toLowerCase();
  return MASK_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/** A per-organ mask's organ name: the file name without its volume extension (a bare DICOM name stays as it is). */
export function organNameOf(name: string): string {
  const ext = maskExtension(name);
  return ext ? name.slice(0, name.length - ext.length) : name;
}

/** Whether a file whose name says nothing is worth sniffing for a DICM preamble. */
export function mayBeBareDicom(name: string): boolean {
  return maskExtension(name) === undefined && !NEVER_MASK.test(name);
}

/** True when the file at `abs` is a DICOM Segmentation object (DICM preamble, SEG storage class). */
export async function isDicomSegFile(abs: string): Promise<boolean> {
  try {
    return (await detectVolumeFormat(abs)) === 'dicom-seg';
  } catch {
    return false;
  }
}

/** Formats whose one file may hold several named segments (Slicer .seg.nrrd, DICOM SEG, bare DICOM names). */
export function mayHoldSegments(path: string): boolean {
  const ext = maskExtension(path.slice(path.lastIndexOf('/') + 1));
  return ext === undefined || ext === '.seg.nrrd' || ext === '.dcm';
}

/** NIfTI files keep their own header-only scan (with the gzip completeness check) and byte-level saves. */
export function isNiftiPath(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

export type { VolumeFormat };
