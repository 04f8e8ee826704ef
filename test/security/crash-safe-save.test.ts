/**
 * Crash-safe saves: a child process saves one label over and over (alternating two masks) and is killed with
 * SIGKILL at a random moment, 200 times (seeded). After every kill the label file is byte for byte one of its
 * complete versions (the original, mask a or mask b) and reads as NIfTI, every history entry is complete (its
 * sidecar parses and its copy holds the bytes it names), and no entry is lost. Afterwards a save works, a revert
 * brings the original back exactly, and a scan still sees one label (temporary files left by kills are ignored).
 * Kills also leave save locks of dead processes behind: every next run takes them over (else it would hang).
 * Once older than the stale age, the temporary files the kills left are all removed by the next save.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../src/core/dataset';
import { readNifti } from '../../src/core/nifti';
import { contentVersion, LabelStore, STALE_TEMP_AGE_MS, TEMP_SUFFIX, type LabelFileRef } from '../../src/core/store';
import { scratchDir, type Scratch } from '../core/engine/fixtures';
import { writeVolume } from '../core/store/helpers';
import { CRASH_GRID, crashMask } from './crash-masks';
import { checkHistory, listTree, type CheckedEntry } from './store-checks';

const KILLS = 200;
/** Kills run in two lanes (two datasets, a child each) at once: the waits are mostly fsync, not CPU. */
const LANES = 2;
const SEED = 20250607;
const REL = 'c1/segmentations/liver.nii.gz';
const ref: LabelFileRef = { caseId: 'c1', file: REL, labelPath: REL, label: { kind: 'file' } };

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('crash-safe saves', () => {
  let tmp: Scratch;
  let child: string;
  const rootOf = (lane: number): string => join(tmp.dir, `dataset${lane}`);
  const wsOf = (lane: number): string => join(tmp.dir, `workspace${lane}`);
  /** Content version → what it is. */
  const versions = new Map<string, string>();
  /** Kills land from right after the child is ready to a few saves later (5 × a warm save here; a cold first save is slower). */
  let maxDelayMs = 100;

  beforeAll(async () => {
    tmp = await scratchDir('crash');
    const original = new Uint8Array(32 ** 3).map((_, n) => (n % 32 > 6 && n % 32 < 20 ? 1 : 0));
    for (let lane = 0; lane < LANES; lane++) {
      await writeVolume(join(rootOf(lane), 'c1', 'ct.nii.gz'), CRASH_GRID, new Int16Array(32 ** 3), { datatype: 'int16' });
      await writeVolume(join(rootOf(lane), REL), CRASH_GRID, original);
    }
    versions.set(contentVersion(await readFile(join(rootOf(0), REL))), 'original');
    // The bytes of masks a and b as the store writes them, from saves in this process on a copy.
    const scratch = join(tmp.dir, 'versions');
    await writeVolume(join(scratch, REL), CRASH_GRID, original);
    const s = await LabelStore.open({ root: scratch, workspaceDir: join(tmp.dir, 'ws-versions') });
    const t0 = performance.now();
    const va = await s.saveMask(ref, crashMask('a'), { annotator: 'x', baseVersion: (await s.readCurrent(REL)).version });
    const vb = await s.saveMask(ref, crashMask('b'), { annotator: 'x', baseVersion: va.version });
    maxDelayMs = Math.min(400, Math.max(30, ((performance.now() - t0) / 2) * 5));
    versions.set(va.version, 'mask a');
    versions.set(vb.version, 'mask b');
    await rm(scratch, { recursive: true });
    // The child, bundled once to plain JavaScript (esbuild comes with tsx): a run then starts in tens of ms.
    // It lives under the repository, so the packages it leaves external resolve from node_modules.
    child = join(resolve(__dirname, '../..'), '.tmp', `crash-child-${process.pid}.mjs`);
    await build({ entryPoints: [resolve(__dirname, 'crash-child.ts')], bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', outfile: child, logLevel: 'error' });
  });

  afterAll(async () => {
    await tmp?.cleanup();
    if (child) await rm(child, { force: true });
  });

  /** Starts the child, kills it `delay` ms after it is ready; resolves the number of saves it finished. */
  const runAndKill = (lane: number, delay: number): Promise<number> =>
    new Promise((done, fail) => {
      const p = spawn(process.execPath, [child, rootOf(lane), REL, wsOf(lane)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let killed = false;
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!killed && out.startsWith('ready\n')) {
          killed = true;
          setTimeout(() => p.kill('SIGKILL'), delay);
        }
      });
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', fail);
      p.on('close', (code, signal) => {
        if (signal !== 'SIGKILL') return fail(new Error(`the child ended by itself (${code}): ${err}`));
        done(out.split('\n').filter((l) => l.startsWith('saved ')).length);
      });
    });

  /** One lane: `kills` runs on its own dataset, checked after each kill. */
  async function lane(n: number, kills: number): Promise<{ savesPerRun: number[]; seen: Map<string, number>; historyLength: number }> {
    const root = rootOf(n);
    const random = rng(SEED + n);
    const verified = new Map<string, CheckedEntry>();
    let historyLength = 0;
    const savesPerRun: number[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < kills; i++) {
      savesPerRun.push(await runAndKill(n, random() * maxDelayMs));
      const bytes = await readFile(join(root, REL));
      const what = versions.get(contentVersion(bytes));
      expect(what, `lane ${n}, kill ${i}: the label is not one of its complete versions`).toBeDefined();
      seen.set(what!, (seen.get(what!) ?? 0) + 1);
      const img = await readNifti(join(root, REL));
      expect(img.volume.data.length).toBe(32 ** 3);
      const history = await checkHistory(root, REL, verified);
      expect(history.length, `lane ${n}, kill ${i}: history entries were lost`).toBeGreaterThanOrEqual(historyLength);
      historyLength = history.length;
      for (const h of history) expect(versions.has(h.content), `lane ${n}, kill ${i}: history entry ${h.id} holds unknown bytes`).toBe(true);
    }
    return { savesPerRun, seen, historyLength };
  }

  it(`every label is the old or the new version after each of ${KILLS} kills, with its history complete`, async () => {
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n, KILLS / LANES)));
    const savesPerRun = lanes.flatMap((l) => l.savesPerRun);
    const seen = new Map<string, number>();
    for (const l of lanes) for (const [k, v] of l.seen) seen.set(k, (seen.get(k) ?? 0) + v);
    const saves = savesPerRun.reduce((a, b) => a + b, 0);
    const litter = (await Promise.all(lanes.map((_, n) => listTree(rootOf(n), (p) => p.endsWith(TEMP_SUFFIX))))).flat();
    console.log(
      `crash test: ${KILLS} kills within ${maxDelayMs.toFixed(0)} ms of the child's start, ${saves} saves completed between them (${savesPerRun.filter((n) => n === 0).length} runs killed before their first save ended), ` +
        `label found as ${[...seen].map(([k, n]) => `${k} ×${n}`).join(', ')}; history ${lanes.map((l) => l.historyLength).join(' + ')} entries; ${litter.length} temporary files left by kills`,
    );
    // The kills fell both inside first saves and after several.
    expect(savesPerRun.some((n) => n === 0)).toBe(true);
    expect(savesPerRun.some((n) => n >= 2)).toBe(true);
    expect(seen.get('mask a')).toBeGreaterThan(0);
    expect(seen.get('mask b')).toBeGreaterThan(0);

    // After all that: a save works, the full history is intact, and the original comes back exactly.
    const root = rootOf(0);
    const store = await LabelStore.open({ root, workspaceDir: wsOf(0) });
    const cur = await store.readCurrent(REL);
    const next = versions.get(cur.version) === 'mask a' ? crashMask('b') : crashMask('a');
    const r = await store.saveMask(ref, next, { annotator: 'final', baseVersion: cur.version });
    expect(r.changed).toBe(true);
    const history = await checkHistory(root, REL);
    expect(history.length).toBe(lanes[0].historyLength + 1);
    const original = history.find((h) => h.kind === 'original');
    expect(original).toBeDefined();
    await store.revert(ref, original!.id, 'final');
    expect(versions.get(contentVersion(await readFile(join(root, REL))))).toBe('original');
    // Temporary files are hidden: the scan sees the one label, readable.
    const manifest = await scanDataset(root);
    expect(manifest.cases.flatMap((c) => c.labels.map((l) => [l.source.path, l.status]))).toEqual([[REL, 'ok']]);

    // The temporary files the kills left, aged past the stale age (as if an hour went by): the next save of the
    // label removes every one of them, and leaves no lock.
    const left = await listTree(root, (p) => p.endsWith(TEMP_SUFFIX));
    const then = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
    for (const p of left) await utimes(join(root, p), then, then);
    const cur2 = await store.readCurrent(REL);
    const next2 = versions.get(cur2.version) === 'mask a' ? crashMask('b') : crashMask('a');
    expect((await store.saveMask(ref, next2, { annotator: 'final', baseVersion: cur2.version })).changed).toBe(true);
    console.log(`crash test: ${left.length} temporary files of lane 0 removed by the save after they aged`);
    expect(await listTree(root, (p) => p.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(await listTree(join(root, '.sentinel', 'locks'), (p) => p.endsWith('.lock'))).toEqual([]);
  }, 300_000);
});
