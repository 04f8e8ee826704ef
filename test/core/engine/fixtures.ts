/**
 * Shared fixtures for the CLI, engine and web host tests: the bundled sample, the random-weight test model,
 * scratch copies in os.tmpdir(), and a listing of a folder (sizes + mtimes) to prove nothing wrote into it.
 */
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SAMPLE = join(REPO, 'resources', 'sample');
export const TINY = join(REPO, 'test', 'fixtures', 'models', 'tiny-random.onnx');
export const TINY_CARD = join(REPO, 'test', 'fixtures', 'models', 'tiny-random.card.json');

export interface SampleMask {
  caseId: string;
  organ: string;
  /** Relative to the dataset root, '/' separators: what the scores CSV calls label_path. */
  labelPath: string;
}

/** Every per-organ mask of a TotalSegmentator-layout folder, read straight from the file system. */
export async function listMasks(root: string): Promise<SampleMask[]> {
  const out: SampleMask[] = [];
  for (const c of await readdir(root, { withFileTypes: true })) {
    if (!c.isDirectory()) continue;
    const segDir = join(root, c.name, 'segmentations');
    for (const f of await readdir(segDir)) {
      if (!f.endsWith('.nii.gz')) continue;
      out.push({ caseId: c.name, organ: f.slice(0, -'.nii.gz'.length), labelPath: `${c.name}/segmentations/${f}` });
    }
  }
  return out.sort((a, b) => (a.labelPath < b.labelPath ? -1 : 1));
}

/** path → "size mtimeMs" for every file and folder below `root`. */
export async function treeListing(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const st = await stat(p);
      out.set(relative(root, p).split(sep).join('/'), `${e.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return out;
}

export interface Scratch {
  dir: string;
  cleanup: () => Promise<void>;
}

export async function scratchDir(prefix: string): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), `sentinel-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A copy of the sample at `dest`. */
export async function copySample(dest: string): Promise<string> {
  await cp(SAMPLE, dest, { recursive: true });
  return dest;
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
