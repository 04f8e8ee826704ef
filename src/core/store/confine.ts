/**
 * Path confinement: every file the store reads or writes is named by a path relative to the dataset root (or its
 * workspace), and may not leave it, by `..`, by being absolute, or through a symbolic link.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
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
  return r === '' || (!r.startsWith('..') && !isAbsolute(r) && r.split(sep)[0] !== '..');
}

/** `rel` under `base`, after checking it. */
export function confinedJoin(base: string, rel: string): string {
  return join(base, ...checkRelativePath(rel).split('/'));
}

/**
 * The deepest existing folder on the way from `base` to `abs` has its real path (symlinks resolved) inside
 * `base`'s real path: writing at `abs` cannot land outside `base`.
 */
export async function staysInside(fs: StoreFs, base: string, abs: string): Promise<boolean> {
  const realBase = await fs.realpath(base).catch(() => null);
  if (!realBase) return false;
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
