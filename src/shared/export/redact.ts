/**
 * Exports name cases by their IDs and files relative to the dataset. Error messages can carry absolute paths (a
 * SentinelError names its file), and folder names above the dataset may hold what a case ID must not (a patient's
 * name): these take the dataset's root out of the text unless the user asks to keep identifiers.
 */

/** `text` with every occurrence of `root` (and of its '/'-separated form) replaced by `<dataset>`. */
export function redactRoot(text: string, root: string): string {
  if (!root || !text) return text;
  let out = text;
  for (const r of new Set([root, root.replace(/\\/g, '/')])) {
    if (r.length > 1) out = out.split(r).join('<dataset>');
  }
  return out;
}
