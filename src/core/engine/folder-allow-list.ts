/**
 * Which folders a shell lets the renderer open as projects. The renderer names folders by path, and a compromised
 * page must not be able to name any folder on the disk, so both shells confine `openProject` to this list: the web
 * host to the folders on its command line, Electron to the folders the user picked in its dialog (kept across runs
 * in a small JSON file, so recent projects reopen) and the one passed with --open. Paths are compared after
 * symlinks are resolved, so a link inside an allowed folder that leads outside it does not count as inside.
 */
import { readFile, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from '../store/atomic-write';
import { nodeStoreFs } from '../store/store-fs';

const PersistedList = z.object({ format: z.literal('sentinel-allowed-folders'), version: z.literal(1), folders: z.array(z.string()).max(10_000) });

export interface FolderAllowListOptions {
  /** Where picked folders are remembered; none: the list lives for this run only. */
  persistFile?: string;
  /** Appended to the refusal, telling the user how to allow a folder in this shell. */
  howToAllow: string;
}

const realOrResolved = (p: string): Promise<string> => realpath(resolve(p)).catch(() => resolve(p));

function contains(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

export class FolderAllowList {
  private constructor(
    private roots: string[],
    private readonly opts: FolderAllowListOptions,
  ) {}

  /** The initial folders plus those remembered in persistFile (a missing or unreadable file is an empty list). */
  static async create(initial: string[], opts: FolderAllowListOptions): Promise<FolderAllowList> {
    let remembered: string[] = [];
    if (opts.persistFile) {
      try {
        remembered = PersistedList.parse(JSON.parse(await readFile(opts.persistFile, 'utf8'))).folders;
      } catch {
        remembered = []; // first run, or a damaged file: start over rather than trust it
      }
    }
    const roots = await Promise.all([...initial, ...remembered].map(realOrResolved));
    return new FolderAllowList([...new Set(roots)], opts);
  }

  list(): readonly string[] {
    return this.roots;
  }

  /** Adds a folder (the user chose it in a trusted dialog) and remembers it. Returns its real path. */
  async allow(path: string): Promise<string> {
    const real = await realOrResolved(path);
    if (!this.roots.includes(real)) {
      this.roots.push(real);
      if (this.opts.persistFile) {
        const body = JSON.stringify({ format: 'sentinel-allowed-folders', version: 1, folders: this.roots }, null, 1);
        await atomicWrite(nodeStoreFs, this.opts.persistFile, new TextEncoder().encode(body));
      }
    }
    return real;
  }

  /** The real path of a folder to open, if it lies under an allowed folder; otherwise an error saying how to allow it. */
  async confine(path: string): Promise<string> {
    const real = await realpath(resolve(path)).catch(() => {
      throw new Error(`${path}: no such folder`);
    });
    if (!this.roots.some((root) => contains(root, real))) {
      throw new Error(`${path}: outside the folders this app may open (${this.opts.howToAllow})`);
    }
    return real;
  }
}
