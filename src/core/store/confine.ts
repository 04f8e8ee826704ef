/**
 * Path confinement: every file the store reads or writes is named by a path relative to the dataset root (or its
 * workspace), and may not leave it, by `..`, by being absolute, or through a symbolic link.
 */
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { SentinelError } from '../errors';
import type { StoreFs } from './store-fs';

/**
 * Checks a dataset-relative path ('/' separators) and returns it: no empty, '.' or '..' segments, no backslashes,
 * drive letters, NUL bytes or leading '/'.
 */
export function checkRelativePath(rel: string, what = 'path'): string {
  const bad = (why: string): never => {
    throw new SentinelError('invalid_argument', `${what} "${rel}" ${why}`);
  };
  if (rel.length === 0 || rel.length > 4096) bad('is empty or too long');
  if (rel.includes('\u0000')) bad('contains a NUL byte');
  if (rel.includes('\\')) bad('contains a backslash (paths use "/")');
  if (rel.startsWith('/') || isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) bad('is absolute');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') bad('has an empty, "." or ".." segment');
  }
  return rel;
}

/** Whether `child` is `parent` or lies below it (both absolute, already resolved). */
export function isWithin(parent: string, child: string): boolean {
  const r = relative(parent, child);
  // Only a first segment of exactly '..' leaves the parent; a child folder named '..foo' is inside.
  return r === '' || (!isAbsolute(r) && r.split(sep)[0] !== '..');
}

/** `rel` under `base`, after checking it. */
export function confinedJoin(base: string, rel: string): string {
  return join(base, ...checkRelativePath(rel).split('/'));
}

/**
 * Writing at `abs` cannot land outside `base`: the file itself, when it exists, and the deepest existing folder on
 * the way to it have their real paths (symlinks resolved) inside `base`'s real path. A file that is a link to
 * somewhere else counts as outside too: a save must neither write through it nor replace the link.
 */
export async function staysInside(fs: StoreFs, base: string, abs: string): Promise<boolean> {
  const realBase = await fs.realpath(base).catch(() => null);
  if (!realBase) return false;
  if (await fs.stat(abs)) {
    const realFile = await fs.realpath(abs).catch(() => null);
    const realDir = await fs.realpath(dirname(abs)).catch(() => null);
    // The file is not a link itself (its real path is its folder's real path + its name), and lies inside.
    if (realFile === null || realDir === null || realFile !== join(realDir, basename(abs)) || !isWithin(realBase, realFile)) return false;
  }
  let probe = abs;
  for (;;) {
    const st = await fs.stat(probe);
    if (st?.isDir) break;
    const parent = join(probe, '..');
    if (parent === probe) return false;
    probe = parent;
  }
  const real = await fs.realpath(probe).catch(() => null);
  return real !== null && isWithin(realBase, real);
}
