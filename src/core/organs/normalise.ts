/**
 * Label names as datasets write them ("Liver", "kidney_left.nii.gz", "Right Kidney", "adrenal_gland_L") are reduced
 * to one key form before any lookup, so the mapping table lists each name once.
 */

const FILE_SUFFIX = /\.(nii\.gz|nii|nrrd|seg\.nrrd|mha|mhd|dcm)$/i;
const SIDES: Record<string, string> = { l: 'left', lt: 'left', r: 'right', rt: 'right' };

/**
 * Lower case, file extension dropped, every run of non-alphanumerics (spaces, _ - / .) made one space.
 * A lone side abbreviation (l, r, lt, rt) at the start or end of a multi-word name is spelled out.
 */
export function normaliseOrganName(name: string): string {
  const base = name.trim().replace(FILE_SUFFIX, '');
  const words = base
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.length > 1) {
    const last = words.length - 1;
    if (SIDES[words[0]]) words[0] = SIDES[words[0]];
    if (SIDES[words[last]]) words[last] = SIDES[words[last]];
  }
  return words.join(' ');
}

/** A normalised name with its words sorted: "right kidney" and "kidney right" share it. */
export function wordOrderKey(normalised: string): string {
  return normalised.split(' ').sort().join(' ');
}
