/**
 * Independent checks of what the label store left on disk (read with node:fs, not through the store): every
 * history entry complete (its sidecar parses, its copy exists and holds the bytes the sidecar names), and files
 * matching a test (temporary files) anywhere below a folder.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface CheckedEntry {
  id: string;
  kind: string;
  /** Content version of the bytes the entry holds. */
  content: string;
}

const contentOf = (b: Uint8Array): string => `sha256-${createHash('sha256').update(b).digest('hex').slice(0, 16)}`;

/**
 * The history of `rel` (a file of case `rel`'s first segment) under `base`, newest first. Throws when an entry is
 * incomplete: a sidecar that does not parse, names another id, or whose copy is missing or holds other bytes.
 * A copy without a sidecar (a save killed between the two) is invisible to the app and allowed.
 */
export async function checkHistory(base: string, rel: string, verified?: Map<string, CheckedEntry>): Promise<CheckedEntry[]> {
  const [caseId, ...inCase] = rel.split('/');
  const dir = join(base, '.sentinel', 'history', caseId, ...inCase);
  const names = await readdir(dir).catch(() => [] as string[]);
  const ext = rel.endsWith('.nii.gz') ? 'nii.gz' : rel.slice(rel.lastIndexOf('.') + 1);
  const out: CheckedEntry[] = [];
  for (const name of names) {
    if (name === 'current.json') {
      JSON.parse(await readFile(join(dir, name), 'utf8'));
      continue;
    }
    if (!/^\d{8}T\d{9}Z\.json$/.test(name)) continue;
    const id = name.slice(0, -5);
    // Entries are written once and never change: one already verified need not be read again.
    const known = verified?.get(id);
    if (known) {
      out.push(known);
      continue;
    }
    const meta = JSON.parse(await readFile(join(dir, name), 'utf8')) as { id: string; kind: string; content: string; bytes: number };
    if (meta.id !== id) throw new Error(`${name}: sidecar names ${meta.id}`);
    const copy = await readFile(join(dir, `${id}.${ext}`)).catch(() => null);
    if (!copy) throw new Error(`${name}: its copy ${id}.${ext} is missing`);
    if (contentOf(copy) !== meta.content || copy.length !== meta.bytes) throw new Error(`${name}: its copy does not hold ${meta.content}`);
    const entry = { id, kind: meta.kind, content: meta.content };
    verified?.set(id, entry);
    out.push(entry);
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : -1));
}

/** Paths (relative, '/' separators) of the files below `dir` that satisfy `test`. */
export async function listTree(dir: string, test: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (test(p)) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}
