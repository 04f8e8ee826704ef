/**
 * Saves of one label by two processes at the same moment (the app opened twice, or the app and a script): one
 * wins, the other is refused as a conflict, no update is lost; and the lock between processes (save-lock.ts) is
 * taken over only from a holder that is gone: a dead process of this machine, an old lock of another machine,
 * an empty lock whose writer died.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../src/core/errors';
import { contentVersion, LabelStore, LOCK_STALE_MS, lockPath, nodeStoreFs, withSaveLock, type LockHolder } from '../../src/core/store';
import { scratchDir, type Scratch } from '../core/engine/fixtures';
import { pattern, RAS, writeVolume } from '../core/store/helpers';
import { CRASH_GRID, crashMask } from './crash-masks';
import { checkHistory } from './store-checks';

const REL = 'c1/segmentations/liver.nii.gz';
const ROUNDS = 15;

/** A child's stdout as lines, awaited one at a time. */
class Lines {
  private readonly queue: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private buf = '';
  constructor(
    readonly p: ChildProcessWithoutNullStreams,
    private readonly name: string,
  ) {
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        this.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 1);
      }
    });
    p.on('close', (code) => this.push(`exit ${code} ${err}`));
  }
  private push(line: string): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(line);
    } else this.queue.push(line);
  }
  next(): Promise<string> {
    const l = this.queue.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((r, fail) => {
      const t = setTimeout(() => fail(new Error(`${this.name}: no line within 60 s`)), 60_000);
      this.waiting = (line) => {
        clearTimeout(t);
        r(line);
      };
    });
  }
}

describe('two processes saving the same label at the same moment', () => {
  let tmp: Scratch;
  let child: string;
  const root = (): string => join(tmp.dir, 'dataset');

  beforeAll(async () => {
    tmp = await scratchDir('save-race');
    await writeVolume(join(root(), 'c1', 'ct.nii.gz'), CRASH_GRID, new Int16Array(32 ** 3), { datatype: 'int16' });
    await writeVolume(join(root(), REL), CRASH_GRID, crashMask('a'));
    child = join(resolve(__dirname, '../..'), '.tmp', `save-race-child-${process.pid}.mjs`);
    await build({ entryPoints: [resolve(__dirname, 'save-race-child.ts')], bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', outfile: child, logLevel: 'error' });
  });
  afterAll(async () => {
    await tmp?.cleanup();
    if (child) await rm(child, { force: true });
  });

  it(`one save wins and the other is refused as a conflict, ${ROUNDS} rounds; nothing is lost`, async () => {
    const start = (who: string): Lines =>
      new Lines(spawn(process.execPath, [child, root(), REL, join(tmp.dir, 'workspace'), who], { stdio: ['pipe', 'pipe', 'pipe'] }), who);
    const a = start('a');
    const b = start('b');
    const wins = { a: 0, b: 0 };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        expect([await a.next(), await b.next()]).toEqual(['ready', 'ready']);
        const before = contentVersion(await readFile(join(root(), REL)));
        // Both read `before` and start their save from it now.
        a.p.stdin.write('go\n');
        b.p.stdin.write('go\n');
        const [ra, rb] = [await a.next(), await b.next()];
        const outcomes = [ra, rb].map((r) => r.split(' ')[0]).sort();
        expect(outcomes, `round ${round}: ${ra} | ${rb}`).toEqual(['conflict', 'saved']);
        const winner = ra.startsWith('saved') ? ra : rb;
        wins[ra.startsWith('saved') ? 'a' : 'b']++;
        const now = contentVersion(await readFile(join(root(), REL)));
        expect(now, `round ${round}: the file is not what the winner saved`).toBe(winner.split(' ')[1]);
        expect(now).not.toBe(before);
        // Exactly the one replaced version went to the history each round.
        const history = await checkHistory(root(), REL);
        expect(history.length, `round ${round}`).toBe(round + 1);
        expect(history[0].content).toBe(before);
      }
    } finally {
      a.p.stdin.end();
      b.p.stdin.end();
    }
    console.log(`save race: ${ROUNDS} rounds, a won ${wins.a}, b won ${wins.b}`);
    // No lock is left behind.
    expect((await readdir(join(root(), '.sentinel', 'locks'))).filter((n) => n.endsWith('.lock'))).toEqual([]);
  }, 120_000);
});

describe('the save lock', () => {
  let tmp: Scratch;
  beforeAll(async () => {
    tmp = await scratchDir('save-lock');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  const holder = (over: Partial<LockHolder>): string =>
    JSON.stringify({ host: hostname(), pid: process.pid, token: 'someone-else', file: 'c1/x.nii.gz', since: new Date().toISOString(), ...over });

  /** A lock file at a fresh path with `text`, modified `ageMs` ago. */
  async function lockWith(name: string, text: string, ageMs = 0): Promise<string> {
    const path = lockPath(join(tmp.dir, name), 'c1/x.nii.gz');
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    const t = (Date.now() - ageMs) / 1000;
    await utimes(path, t, t);
    return path;
  }

  const take = (path: string, waitMs = 300): Promise<string> =>
    withSaveLock(nodeStoreFs, path, { file: 'c1/x.nii.gz', abs: '/data/c1/x.nii.gz' }, async () => JSON.parse(await readFile(path, 'utf8')).token as string, { waitMs });

  /** The id of a process that has ended. */
  const deadPid = (): Promise<number> =>
    new Promise((done, fail) => {
      const p = spawn(process.execPath, ['-e', '']);
      p.on('error', fail);
      p.on('exit', () => done(p.pid!));
    });

  it('takes over a lock whose holder on this machine has ended', async () => {
    const path = await lockWith('dead', holder({ pid: await deadPid() }));
    const token = await take(path);
    expect(token).not.toBe('someone-else');
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('waits for a live holder, then refuses naming the file and the holder, leaving its lock alone', async () => {
    const text = holder({ pid: process.ppid });
    const path = await lockWith('live', text);
    const err = await take(path).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SentinelError);
    expect((err as SentinelError).code).toBe('io');
    expect((err as SentinelError).file).toBe('/data/c1/x.nii.gz');
    expect((err as Error).message).toMatch(new RegExp(`another save of this file is running \\(process ${process.ppid} on `));
    expect((err as Error).message).toMatch(/unchanged/);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('a lock of another machine: waited for while fresh, taken over once older than the stale age', async () => {
    const fresh = await lockWith('other-fresh', holder({ host: 'another-workstation', pid: 4242 }));
    await expect(take(fresh)).rejects.toThrow(/another save of this file is running \(process 4242 on another-workstation/);
    const old = await lockWith('other-old', holder({ host: 'another-workstation', pid: 4242 }), LOCK_STALE_MS + 60_000);
    expect(await take(old)).not.toBe('someone-else');
  });

  it('an empty lock (its writer died between creating and writing it): waited for while fresh, taken over after seconds', async () => {
    await expect(take(await lockWith('empty-fresh', ''))).rejects.toThrow(/another process/);
    expect(await take(await lockWith('empty-old', '', 10_000))).not.toBe('someone-else');
  });

  it('gives back only its own lock: one taken over meanwhile stays', async () => {
    const path = lockPath(join(tmp.dir, 'mine'), 'c1/x.nii.gz');
    const theirs = holder({ token: 'the-new-holder' });
    await withSaveLock(nodeStoreFs, path, { file: 'c1/x.nii.gz', abs: '/data/c1/x.nii.gz' }, async () => {
      await writeFile(path, theirs);
    });
    expect(await readFile(path, 'utf8')).toBe(theirs);
  });

  it('a locks folder that links outside the dataset: the save goes to the workspace, nothing is written outside', async () => {
    const ds = join(tmp.dir, 'evil-locks');
    const trap = join(tmp.dir, 'trap');
    await mkdir(trap);
    await writeVolume(join(ds, REL), RAS, pattern(1));
    await mkdir(join(ds, '.sentinel'));
    await symlink(trap, join(ds, '.sentinel', 'locks'), 'dir');
    const store = await LabelStore.open({ root: ds, workspaceDir: join(tmp.dir, 'ws-evil-locks') });
    const ref = { caseId: 'c1', file: REL, labelPath: REL, label: { kind: 'file' as const } };
    const r = await store.saveMask(ref, pattern(2), { annotator: 'a', baseVersion: (await store.readCurrent(REL)).version });
    expect(r.inWorkspace).toBe(true);
    expect(await readdir(trap)).toEqual([]);
  });

  it('runs waiting saves one at a time in this process too', async () => {
    const path = lockPath(join(tmp.dir, 'queue'), 'c1/x.nii.gz');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 4 }, () =>
        withSaveLock(nodeStoreFs, path, { file: 'c1/x.nii.gz', abs: '/data/c1/x.nii.gz' }, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
