/**
 * Lesion labels ("liver tumor", "GTV_Mass", "lung nodule") have no DAP Atlas name, and the model has no text encoder
 * to embed a new one. Rather than leave them unscored, they borrow the nearest generic embedding we have, always
 * marked approximate so the UI and the CSV say so:
 *   - a lesion named with its organ ("liver tumor", "kidney_lesion_left") uses that organ's embedding: the model then
 *     judges the mask against what that organ's tissue looks like, the closest meaning available;
 *   - a bare lesion name ("GTV_Mass", "tumour") uses "muscles", the one DAP name for generic soft tissue that is not
 *     tied to a body region; most solid tumours are of soft-tissue density in CT.
 * A user mapping or a table row for the name always wins over this (e.g. the table leaves kidney cysts unmapped).
 */

/** Words that make a name a lesion rather than an organ (normalised: lower case, single spaces). */
const LESION_WORDS = new Set([
  'tumor', 'tumors', 'tumour', 'tumours', 'lesion', 'lesions', 'mass', 'masses', 'gtv', 'ctv', 'neoplasm', 'cancer',
  'carcinoma', 'sarcoma', 'lymphoma', 'metastasis', 'metastases', 'met', 'mets', 'nodule', 'nodules',
]);

/** The DAP Atlas name a lesion with no organ in its name is scored with. */
export const GENERIC_LESION_ORGAN = 'muscles';

/**
 * Splits a normalised name into its lesion words and the rest; null when it names no lesion.
 * "liver tumor" → { organPart: 'liver' }; "gtv mass" → { organPart: '' }.
 */
export function splitLesionName(normalised: string): { organPart: string } | null {
  const words = normalised.split(' ').filter((w) => w !== '');
  const rest = words.filter((w) => !LESION_WORDS.has(w));
  if (rest.length === words.length) return null;
  return { organPart: rest.join(' ') };
}
