/**
 * The `sentinel` command end to end: real processes (`node bin/sentinel.mjs`), the bundled sample, the random-weight
 * test model, outputs and damaged dataset copies in os.tmpdir(). The scoring runs are started together once and
 * shared by the checks below.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, copyFile, mkdir, readFile, truncate, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../../src/core/nifti';
import { parseCsv } from '../../src/shared/csv-text';
import { listMasks, REPO, SAMPLE, scratchDir, TINY, TINY_CARD, treeListing, type SampleMask, type Scratch } from '../core/engine/fixtures';
import { runCliInProcess as sentinelInProcess, runCliProcess as sentinel, type CliRun } from './support/run-cli';

const FIRST_COLUMNS = ['case', 'organ', 'label_path', 'organ_id', 'predicted_dsc', 'slices', 'worst_slice', 'worst_slice_dsc', 'status', 'message', 'seconds'];

/** Runs `jobs` with at most `limit` at once (two cores: more processes only thrash). */
async function limited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

type Row = Record<string, string>;

interface ScoresFile {
  header: string[];
  rows: Row[];
  /** Raw text lines (one per row here: the sample's messages hold no line breaks). */
  lines: string[];
}

async function readScores(file: string): Promise<ScoresFile> {
  const text = await readFile(file, 'utf8');
  const [header, ...records] = parseCsv(text);
  const rows = records.filter((r) => !(r.length === 1 && r[0] === '')).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  return { header, rows, lines: text.split('\n').filter((l) => l !== '') };
}

const key = (r: Row): string => `${r.case}\u0000${r.label_path}`;
const byKey = (rows: Row[]): Map<string, Row> => new Map(rows.map((r) => [key(r), r]));
const nums = (v: string): number[] => (v.trim() ? v.trim().split(/\s+/).map(Number) : []);

/** What every ok row must satisfy, derived from its own per-slice detail. */
function checkOkRow(r: Row): void {
  const where = `${r.case} ${r.organ}`;
  expect(r.status, where).toBe('ok');
  expect(r.message, where).toBe('');
  expect(r.model, where).toBe('tiny-random@0.1.0');
  expect(r.ep, where).toBe('cpu');
  expect(r.label_path, where).toBe(`${r.case}/segmentations/${r.organ}.nii.gz`);
  expect(Number.isInteger(Number(r.organ_id)) && Number(r.organ_id) >= 1, where).toBe(true);
  const idx = nums(r.slice_indices);
  const dsc = nums(r.slice_dsc);
  expect(idx.length, where).toBeGreaterThan(0);
  expect(idx.length, where).toBeLessThanOrEqual(10);
  expect(Number(r.slices), where).toBe(idx.length);
  expect(dsc.length, where).toBe(idx.length);
  for (let i = 1; i < idx.length; i++) expect(idx[i], where).toBeGreaterThan(idx[i - 1]);
  for (const v of [...dsc, Number(r.predicted_dsc), Number(r.worst_slice_dsc)]) {
    expect(v, where).toBeGreaterThanOrEqual(0);
    expect(v, where).toBeLessThanOrEqual(1);
  }
  const min = Math.min(...dsc);
  expect(Math.abs(Number(r.worst_slice_dsc) - min), where).toBeLessThanOrEqual(1e-6);
  expect(idx, where).toContain(Number(r.worst_slice));
  // The worst slice is the one holding the minimum.
  expect(dsc[idx.indexOf(Number(r.worst_slice))], where).toBe(min);
  const mean = dsc.reduce((a, b) => a + b, 0) / dsc.length;
  // Each slice value is rounded to 6 decimals, and so is the mean: they agree to 1e-6.
  expect(Math.abs(Number(r.predicted_dsc) - mean), where).toBeLessThanOrEqual(1e-6);
  expect(Number(r.seconds), where).toBeGreaterThanOrEqual(0);
}

/**
 * Two runs agree: same labels, same status, same values. Values are written with 6 decimals; two runs may batch the
 * same slice differently, so a last-digit rounding flip (1e-6) plus float noise is allowed.
 */
function expectSameScores(a: Row[], b: Row[]): void {
  const tol = 1e-6 + 1e-9;
  expect([...byKey(a).keys()].sort()).toEqual([...byKey(b).keys()].sort());
  const other = byKey(b);
  for (const r of a) {
    const s = other.get(key(r)) as Row;
    expect({ organ: s.organ, organ_id: s.organ_id, status: s.status, slices: s.slices, idx: s.slice_indices, worst: s.worst_slice }).toEqual({
      organ: r.organ,
      organ_id: r.organ_id,
      status: r.status,
      slices: r.slices,
      idx: r.slice_indices,
      worst: r.worst_slice,
    });
    expect(Math.abs(Number(s.predicted_dsc) - Number(r.predicted_dsc))).toBeLessThanOrEqual(tol);
    expect(Math.abs(Number(s.worst_slice_dsc) - Number(r.worst_slice_dsc))).toBeLessThanOrEqual(tol);
    const da = nums(r.slice_dsc);
    const db = nums(s.slice_dsc);
    expect(db.length).toBe(da.length);
    da.forEach((v, i) => expect(Math.abs(db[i] - v)).toBeLessThanOrEqual(tol));
  }
}

describe('sentinel score / merge (CLI)', () => {
  let tmp: Scratch;
  let masks: SampleMask[];
  let sampleBefore: Map<string, string>;
  let broken: string;
  let brokenBefore: Map<string, string>;
  const out = (name: string): string => join(tmp.dir, name);
  const runs: Record<string, CliRun> = {};

  beforeAll(async () => {
    sampleBefore = await treeListing(SAMPLE);
    masks = await listMasks(SAMPLE);
    tmp = await scratchDir('cli');

    // A damaged copy of one case: a truncated mask, a mask on a shifted grid, an empty mask, a name no organ matches.
    broken = out('broken');
    await cp(join(SAMPLE, 's0001'), join(broken, 's0001'), { recursive: true });
    const seg = join(broken, 's0001', 'segmentations');
    await truncate(join(seg, 'liver.nii.gz'), Math.floor((await stat(join(seg, 'liver.nii.gz'))).size / 2));
    const spleen = await readNifti(join(SAMPLE, 's0001', 'segmentations', 'spleen.nii.gz'));
    const shifted = [...spleen.volume.grid.affine];
    shifted[3] += 5; // 5 mm along x: same size, different place
    await writeNifti(join(seg, 'spleen.nii.gz'), { header: spleen.header, volume: { grid: { ...spleen.volume.grid, affine: shifted }, data: spleen.volume.data } });
    const gall = await readNifti(join(SAMPLE, 's0001', 'segmentations', 'gallbladder.nii.gz'));
    const zeros = gall.volume.data.slice();
    zeros.fill(0);
    await writeNifti(join(seg, 'gallbladder.nii.gz'), { header: gall.header, volume: { grid: gall.volume.grid, data: zeros } });
    await copyFile(join(SAMPLE, 's0001_fast', 'segmentations', 'spleen.nii.gz'), join(seg, 'flux_capacitor.nii.gz'));
    brokenBefore = await treeListing(broken);

    // A model file with garbage bytes beside its card: once with the card's checksum (damaged file), once with a
    // card that vouches for the garbage (ONNX Runtime itself must refuse it).
    const garbage = 'this is not an ONNX model\n'.repeat(100);
    await writeFile(out('tiny-random.onnx'), garbage);
    await copyFile(TINY_CARD, out('tiny-random.card.json'));
    await mkdir(out('vouched'));
    await writeFile(out('vouched/tiny-random.onnx'), garbage);
    const card = JSON.parse(await readFile(TINY_CARD, 'utf8')) as { onnx: { sha256: string } };
    card.onnx.sha256 = createHash('sha256').update(garbage).digest('hex');
    await writeFile(out('vouched/tiny-random.card.json'), JSON.stringify(card));

    const model = ['--model', TINY, '--threads', '1'];
    const jobs: Record<string, string[]> = {
      full: ['score', SAMPLE, ...model, '--out', out('full.csv')],
      shard0: ['score', SAMPLE, ...model, '--shard', '0/2', '--out', out('shard0.csv')],
      shard1: ['score', SAMPLE, ...model, '--shard', '1/2', '--out', out('shard1.csv')],
      organs: ['score', SAMPLE, ...model, '--organs', 'liver,spleen', '--out', out('organs.csv')],
      broken: ['score', broken, ...model, '--out', out('broken.csv')],
      // Exit codes 1 and 2 through the real process entry too; the other fatal and usage cases run in-process below.
      missingRoot: ['score', out('no-such-dataset'), ...model, '--out', out('missing.csv')],
      badFlag: ['score', SAMPLE, ...model, '--out', out('bad.csv'), '--frobnicate'],
    };
    const names = Object.keys(jobs);
    const results = await limited(names.map((n) => () => sentinel(jobs[n])), 2);
    names.forEach((n, i) => (runs[n] = results[i]));
  }, 180_000);

  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('writes one ok row per label of the sample, with the contract columns and consistent values', async () => {
    expect(runs.full.stderr).toMatch(/TEST MODEL/);
    expect(runs.full.code, runs.full.stderr).toBe(0);
    const f = await readScores(out('full.csv'));
    expect(f.header.slice(0, 11)).toEqual(FIRST_COLUMNS);
    expect(f.header).toEqual([...FIRST_COLUMNS, 'model', 'ep', 'slice_indices', 'slice_dsc']);
    expect(masks).toHaveLength(81);
    expect(f.rows).toHaveLength(masks.length);
    // Exactly the masks on disk, each once.
    expect(f.rows.map((r) => `${r.case}|${r.organ}|${r.label_path}`).sort()).toEqual(masks.map((m) => `${m.caseId}|${m.organ}|${m.labelPath}`).sort());
    for (const r of f.rows) checkOkRow(r);
    // Random weights still give different scores to different labels: the values are not a constant.
    expect(new Set(f.rows.map((r) => r.predicted_dsc)).size).toBeGreaterThan(10);
  });

  it('--shard 0/2 and 1/2 split by case, and merge gives back the unsharded run', async () => {
    expect(runs.shard0.code, runs.shard0.stderr).toBe(0);
    expect(runs.shard1.code, runs.shard1.stderr).toBe(0);
    const s0 = (await readScores(out('shard0.csv'))).rows;
    const s1 = (await readScores(out('shard1.csv'))).rows;
    expect(s0.length).toBeGreaterThan(0);
    expect(s1.length).toBeGreaterThan(0);
    const cases0 = new Set(s0.map((r) => r.case));
    const cases1 = new Set(s1.map((r) => r.case));
    expect([...cases0].filter((c) => cases1.has(c))).toEqual([]);
    expect(s0.length + s1.length).toBe(masks.length);

    const merged = await sentinel(['merge', out('shard0.csv'), out('shard1.csv'), '--out', out('merged.csv')]);
    expect(merged.code, merged.stderr).toBe(0);
    const m = await readScores(out('merged.csv'));
    const full = await readScores(out('full.csv'));
    expect(m.header).toEqual(full.header);
    expect(m.rows).toHaveLength(masks.length);
    expectSameScores(full.rows, m.rows);
    // Sorted by case, then label path.
    const order = m.rows.map((r) => [r.case, r.label_path]);
    const sorted = [...order].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(order).toEqual(sorted);
  });

  it('merge lets a later file supersede an earlier one for the same label', async () => {
    const full = await readFile(out('full.csv'), 'utf8');
    const lines = full.split('\n');
    // Re-run of one label: same key, another status and message.
    const cols = parseCsv(lines[1])[0];
    const redo = [...cols];
    redo[8] = 'error';
    redo[9] = 'redone, later';
    await writeFile(out('redo.csv'), `${lines[0]}\n${redo.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')}\n`);
    const r = await sentinel(['merge', out('full.csv'), out('redo.csv'), '--out', out('merged2.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const m = byKey((await readScores(out('merged2.csv'))).rows);
    expect(m.size).toBe(masks.length);
    const row = m.get(`${cols[0]}\u0000${cols[2]}`) as Row;
    expect(row.status).toBe('error');
    expect(row.message).toBe('redone, later');
  });

  it('--resume scores only the labels missing from a partial file and ends with all of them', async () => {
    const full = await readScores(out('full.csv'));
    const [header, ...rows] = full.lines;
    const kept = rows.filter((_, i) => i % 2 === 0);
    const dropped = rows.filter((_, i) => i % 2 === 1);
    await writeFile(out('resume.csv'), [header, ...kept].join('\n') + '\n');
    const r = await sentinel(['score', SAMPLE, '--model', TINY, '--threads', '1', '--resume', '--out', out('resume.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const after = await readScores(out('resume.csv'));
    // The rows already there are untouched, in place; what follows is exactly the missing labels, once each.
    expect(after.lines.slice(0, kept.length + 1)).toEqual([header, ...kept]);
    const appended = after.rows.slice(kept.length);
    const droppedKeys = dropped.map((l) => parseCsv(l)[0]).map((c) => `${c[0]}\u0000${c[2]}`);
    expect(appended.map(key).sort()).toEqual(droppedKeys.sort());
    expect(after.rows).toHaveLength(masks.length);
    expect(new Set(after.rows.map(key)).size).toBe(masks.length);
    for (const row of appended) checkOkRow(row);
    expectSameScores(full.rows, after.rows);
  });

  it('--resume after a kill mid-append drops the half-written last row and scores that label again', async () => {
    const full = await readScores(out('full.csv'));
    const [header, ...rows] = full.lines;
    const kept = rows.slice(0, 5);
    const half = rows[5].slice(0, Math.floor(rows[5].length / 2));
    await writeFile(out('half.csv'), [header, ...kept].join('\n') + '\n' + half);
    const r = await sentinel(['score', SAMPLE, '--model', TINY, '--threads', '1', '--resume', '--out', out('half.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dropped a half-written last row/);
    const after = await readScores(out('half.csv'));
    expect(after.lines.slice(0, kept.length + 1)).toEqual([header, ...kept]);
    expect(after.rows).toHaveLength(masks.length);
    expect(new Set(after.rows.map(key)).size).toBe(masks.length);
    expectSameScores(full.rows, after.rows);
  });

  it('--organs keeps only the named organs', async () => {
    expect(runs.organs.code, runs.organs.stderr).toBe(0);
    const rows = (await readScores(out('organs.csv'))).rows;
    const want = masks.filter((m) => m.organ === 'liver' || m.organ === 'spleen');
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.label_path).sort()).toEqual(want.map((m) => m.labelPath));
    for (const r of rows) checkOkRow(r);
    const full = byKey((await readScores(out('full.csv'))).rows);
    expectSameScores(rows, rows.map((r) => full.get(key(r)) as Row));
  });

  it('reports damaged labels as rows (error, grid_mismatch, unmapped, empty) and still exits 0', async () => {
    expect(runs.broken.code, runs.broken.stderr).toBe(0);
    const rows = byKey((await readScores(out('broken.csv'))).rows);
    const inCase = masks.filter((m) => m.caseId === 's0001').length;
    expect(rows.size).toBe(inCase + 1);
    const at = (caseId: string, organ: string): Row => rows.get(`${caseId}\u0000${caseId}/segmentations/${organ}.nii.gz`) as Row;

    const truncated = at('s0001', 'liver');
    expect(truncated.status).toBe('error');
    expect(truncated.message).toContain('s0001/segmentations/liver.nii.gz');
    expect(truncated.predicted_dsc).toBe('');

    const moved = at('s0001', 'spleen');
    expect(moved.status).toBe('grid_mismatch');
    expect(moved.message).toMatch(/origin/);

    const unknown = at('s0001', 'flux_capacitor');
    expect(unknown.status).toBe('unmapped');
    expect(unknown.organ_id).toBe('');
    expect(unknown.message).toContain('flux_capacitor');

    const empty = at('s0001', 'gallbladder');
    expect(empty.status).toBe('empty');
    expect(empty.predicted_dsc).toBe('');
    expect(empty.slices).toBe('0');

    const special = new Set([truncated, moved, unknown, empty].map(key));
    const rest = [...rows.values()].filter((r) => !special.has(key(r)));
    expect(rest).toHaveLength(inCase - 3);
    for (const r of rest) checkOkRow(r);
  });

  it('without --model and no default model: exit 1, says what to pass', async () => {
    // A resources folder with the organs but no models/, as a fresh install without a bundled model would be.
    const resources = out('resources-without-models');
    await cp(join(REPO, 'resources', 'organs'), join(resources, 'organs'), { recursive: true });
    const r = await sentinelInProcess(['score', SAMPLE, '--out', out('nomodel.csv')], { resourcesDir: resources });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resources\/models\/default\.onnx/);
    expect(r.stderr).toMatch(/--model/);
    expect(existsSync(out('nomodel.csv'))).toBe(false);
  });

  it('a missing dataset root or a corrupt model: exit 1 naming the file, an earlier output left as it was', async () => {
    expect(runs.missingRoot.code).toBe(1);
    expect(runs.missingRoot.stderr).toContain(out('no-such-dataset'));
    expect(runs.missingRoot.stderr).not.toMatch(/unexpected error/);

    await writeFile(out('earlier.csv'), 'an earlier output\n');
    const corrupt = await sentinelInProcess(['score', SAMPLE, '--model', out('tiny-random.onnx'), '--out', out('earlier.csv')]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(out('tiny-random.onnx'));
    expect(corrupt.stderr).toMatch(/sha256/);
    expect(corrupt.stderr).not.toMatch(/unexpected error/);
    const unloadable = await sentinelInProcess(['score', SAMPLE, '--model', out('vouched/tiny-random.onnx'), '--out', out('earlier.csv')]);
    expect(unloadable.code).toBe(1);
    expect(unloadable.stderr).toContain(out('vouched/tiny-random.onnx'));
    expect(unloadable.stderr).toMatch(/ONNX Runtime/);
    expect(unloadable.stderr).not.toMatch(/unexpected error/);
    expect(await readFile(out('earlier.csv'), 'utf8')).toBe('an earlier output\n');
  });

  it('bad flags and commands: exit 2 with the usage, nothing written', async () => {
    expect(runs.badFlag.code, runs.badFlag.stderr).toBe(2);
    expect(runs.badFlag.stderr).toContain('--frobnicate');
    expect(runs.badFlag.stderr).toContain('usage: sentinel score');

    await writeFile(out('earlier.csv'), 'an earlier output\n');
    const model = ['--model', TINY];
    const cases: [string[], RegExp][] = [
      [['score', SAMPLE, ...model, '--out', out('earlier.csv'), '--shard', '2/2'], /--shard 2\/2/],
      [['score', SAMPLE, ...model, '--out', out('earlier.csv'), '--shard', 'half'], /--shard must look like i\/n/],
      [['score', SAMPLE, ...model, '--out', out('earlier.csv'), '--ep', 'tpu'], /"tpu"/],
      [['score', SAMPLE, ...model, '--out', out('earlier.csv'), '--threads', '0'], /--threads must be/],
      [['score', SAMPLE, ...model, '--out', out('earlier.csv'), '--slices', 'many'], /--slices must be/],
      [['score', SAMPLE, ...model], /--out is required/],
      [['score', '--out', out('earlier.csv'), ...model], /exactly one dataset/],
      [['merge', out('full.csv')], /usage: sentinel merge/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [[], /usage: sentinel score/],
    ];
    for (const [args, message] of cases) {
      const r = await sentinelInProcess(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(message);
    }
    expect(await readFile(out('earlier.csv'), 'utf8')).toBe('an earlier output\n');
    expect(existsSync(out('bad.csv'))).toBe(false);
  });

  it('never writes into a dataset: the sample and the damaged copy are unchanged', async () => {
    expect(await treeListing(SAMPLE)).toEqual(sampleBefore);
    expect(await treeListing(broken)).toEqual(brokenBefore);
  });
});
