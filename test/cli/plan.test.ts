/**
 * `sentinel plan` on real scores: the bundled sample scored once with the default model (a real `sentinel score`
 * process), then plans in-process and through the process entry. Expected choices and estimates are recomputed here
 * from the scores CSV's own columns (read with the plain CSV reader), not taken from the planner.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv-text';
import { parseAssignmentCsv, parseAssignmentJson } from '../../src/shared/plan';
import { SAMPLE, scratchDir, type Scratch } from '../core/engine/fixtures';
import { readCsvRows, runCliInProcess as inProcess, runCliProcess as sentinel } from './support/run-cli';

interface Row {
  case: string;
  organ: string;
  label_path: string;
  predicted_dsc: string;
  worst_slice: string;
  status: string;
  model: string;
}

const readRows = async (file: string): Promise<Row[]> => (await readCsvRows(file)) as unknown as Row[];

/** The reference choice: priority w × max(0, f − d), ties to lower d, then case, then label path. */
function reference(rows: Row[], k: number, f = 0.95, weights: Record<string, number> = {}) {
  const ok = rows.filter((r) => r.status === 'ok');
  const w = (r: Row): number => weights[r.organ] ?? 1;
  const d = (r: Row): number => Number(r.predicted_dsc);
  const prio = (r: Row): number => w(r) * Math.max(0, f - d(r));
  const candidates = ok.filter((r) => w(r) > 0);
  const order = [...candidates].sort((a, b) => prio(b) - prio(a) || d(a) - d(b) || (a.case < b.case ? -1 : a.case > b.case ? 1 : a.label_path < b.label_path ? -1 : 1));
  const chosen = order.slice(0, k);
  const picked = new Set(chosen.map((r) => r.label_path));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const before = sum(ok.map(d)) / ok.length;
  const after = sum(ok.map((r) => (picked.has(r.label_path) ? Math.max(d(r), f) : d(r)))) / ok.length;
  const meanCandidateGain = sum(candidates.map((r) => Math.max(0, f - d(r)))) / candidates.length;
  return { chosen, before, after, randomGain: (chosen.length * meanCandidateGain) / ok.length };
}

describe('sentinel plan (CLI)', () => {
  let tmp: Scratch;
  let scores = '';
  let rows: Row[] = [];
  const out = (name: string): string => join(tmp.dir, name);

  beforeAll(async () => {
    tmp = await scratchDir('plan');
    scores = out('scores.csv');
    // The default model: the scores a user of the CLI would plan from.
    const r = await sentinel(['score', SAMPLE, '--threads', '1', '--out', scores]);
    expect(r.code, r.stderr).toBe(0);
    rows = await readRows(scores);
  }, 180_000);

  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('chooses the lowest predicted DSC first and writes an assignment the same in JSON and CSV', async () => {
    expect(rows.length).toBe(81);
    const json = await sentinel(['plan', scores, '--budget-labels', '12', '--assignee', 'ana', '--out', out('plan.json')]);
    expect(json.code, json.stderr).toBe(0);
    const csv = await inProcess(['plan', scores, '--budget-labels', '12', '--assignee', 'ana', '--out', out('plan.csv')]);
    expect(csv.code, csv.stderr).toBe(0);
    const a = parseAssignmentJson(await readFile(out('plan.json'), 'utf8'), 'plan.json');
    const b = parseAssignmentCsv(await readFile(out('plan.csv'), 'utf8'), 'plan.csv');
    expect({ ...b, created: '' }).toEqual({ ...a, created: '' });

    const ref = reference(rows, 12);
    expect(a.items.map((i) => [i.rank, i.caseId, i.labelPath, i.organ, i.predictedDsc, i.worstSlice])).toEqual(
      ref.chosen.map((r, k) => [k + 1, r.case, r.label_path, r.organ, Number(r.predicted_dsc), Number(r.worst_slice)]),
    );
    // Lowest first: every unchosen ok label scores at least as high as every chosen one.
    const maxChosen = Math.max(...a.items.map((i) => i.predictedDsc));
    const chosen = new Set(a.items.map((i) => i.labelPath));
    for (const r of rows) if (!chosen.has(r.label_path)) expect(Number(r.predicted_dsc)).toBeGreaterThanOrEqual(maxChosen);

    expect(a.format).toBe('sentinel-assignment');
    expect(a.assignee).toBe('ana');
    expect(a.createdBy).toBe('sentinel plan');
    expect(new Set(rows.map((r) => r.model)).size).toBe(1);
    expect(a.model).toBe(rows[0].model);
    expect(a.budget).toEqual({ labels: 12 });
    expect(a.weights).toBeUndefined();
    expect(Math.abs(Date.parse(a.created) - Date.now())).toBeLessThan(10 * 60_000);
    const e = a.estimate;
    expect(e).toMatchObject({ fixedDsc: 0.95, population: 81, candidates: 81, budgetLabels: 12, chosen: 12, minutes: null });
    expect(e.meanDscBefore).toBeCloseTo(ref.before, 12);
    expect(e.meanDscAfter).toBeCloseTo(ref.after, 12);
    expect(e.gain).toBeCloseTo(ref.after - ref.before, 12);
    expect(e.randomGain).toBeCloseTo(ref.randomGain, 12);
    expect(e.gain).toBeGreaterThan(e.randomGain);

    // The estimate printed for people, with the same numbers.
    expect(json.stdout).toContain('12 of 81 candidate labels chosen');
    expect(json.stdout).toContain(`expected mean DSC ${ref.before.toFixed(4)} -> ${ref.after.toFixed(4)}: gain ${(ref.after - ref.before).toFixed(4)}`);
    expect(json.stdout).toContain(`a random pick of 12: ${ref.randomGain.toFixed(4)}`);
    expect(json.stderr).toContain(`12 labels -> ${out('plan.json')}`);
  });

  it('a budget in minutes, organ weights inline or from a JSON file, another fixed DSC', async () => {
    const r = await inProcess(['plan', scores, '--budget-minutes', '20', '--minutes-per-label', '2.5', '--organ-weights', 'liver=4,spleen=0,pancreas=2', '--fixed-dsc', '0.9', '--out', out('minutes.json')]);
    expect(r.code, r.stderr).toBe(0);
    const a = parseAssignmentJson(await readFile(out('minutes.json'), 'utf8'), 'minutes.json');
    const weights = { liver: 4, spleen: 0, pancreas: 2 };
    const ref = reference(rows, 8, 0.9, weights);
    expect(a.items.map((i) => i.labelPath)).toEqual(ref.chosen.map((c) => c.label_path));
    expect(a.items.some((i) => i.organ === 'spleen')).toBe(false);
    expect(a.budget).toEqual({ minutes: 20, minutesPerLabel: 2.5 });
    expect(a.weights).toEqual(weights);
    const spleens = rows.filter((x) => x.organ === 'spleen').length;
    expect(a.estimate).toMatchObject({ fixedDsc: 0.9, budgetLabels: 8, chosen: 8, minutes: 20, population: 81, candidates: 81 - spleens });
    expect(a.estimate.meanDscAfter).toBeCloseTo(ref.after, 12);
    expect(a.estimate.randomGain).toBeCloseTo(ref.randomGain, 12);
    expect(r.stdout).toContain(`left out: ${spleens} × organ weight 0`);

    await writeFile(out('weights.json'), JSON.stringify(weights));
    const f = await inProcess(['plan', scores, '--budget-minutes', '20', '--minutes-per-label', '2.5', '--organ-weights', out('weights.json'), '--fixed-dsc', '0.9', '--out', out('minutes2.json')]);
    expect(f.code, f.stderr).toBe(0);
    const b = parseAssignmentJson(await readFile(out('minutes2.json'), 'utf8'), 'minutes2.json');
    expect({ ...b, created: '' }).toEqual({ ...a, created: '' });

    const typo = await inProcess(['plan', scores, '--budget-labels', '3', '--organ-weights', 'livr=2', '--out', out('typo.json')]);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toContain('warning: no label of organ "livr"');
  });

  it('labels that are not ok are left out with their reason', async () => {
    const text = await readFile(scores, 'utf8');
    const lines = text.split('\n');
    const header = parseCsv(lines[0])[0];
    const damage = (line: string, status: string): string => {
      const cols = parseCsv(line)[0];
      cols[header.indexOf('status')] = status;
      cols[header.indexOf('predicted_dsc')] = '';
      cols[header.indexOf('message')] = `made ${status} here`;
      return cols.join(',');
    };
    lines[1] = damage(lines[1], 'error');
    lines[2] = damage(lines[2], 'unmapped');
    await writeFile(out('damaged.csv'), lines.join('\n'));
    const r = await inProcess(['plan', out('damaged.csv'), '--budget-labels', '100', '--out', out('damaged.json')]);
    expect(r.code, r.stderr).toBe(0);
    const a = parseAssignmentJson(await readFile(out('damaged.json'), 'utf8'), 'damaged.json');
    expect(a.items).toHaveLength(79);
    expect(a.estimate).toMatchObject({ population: 79, candidates: 79, budgetLabels: 100, chosen: 79 });
    expect(r.stdout).toContain('left out: 1 × status error');
    expect(r.stdout).toContain('left out: 1 × status unmapped');
  });

  it('usage errors exit 2 and write nothing', async () => {
    const o = out('never.json');
    const cases: [string[], RegExp][] = [
      [['plan', scores, '--out', o], /exactly one of --budget-labels and --budget-minutes/],
      [['plan', scores, '--budget-labels', '3', '--budget-minutes', '9', '--out', o], /exactly one of/],
      [['plan', scores, '--budget-labels=-1', '--out', o], /--budget-labels must be a whole number >= 0, got "-1"/],
      [['plan', scores, '--budget-labels', '2.5', '--out', o], /--budget-labels must be a whole number/],
      [['plan', scores, '--budget-labels', '3', '--minutes-per-label', '2', '--out', o], /--minutes-per-label goes with --budget-minutes/],
      [['plan', scores, '--budget-minutes', '30', '--minutes-per-label', '0', '--out', o], /--minutes-per-label must be a number > 0/],
      [['plan', scores, '--budget-minutes', 'lots', '--out', o], /--budget-minutes must be/],
      [['plan', scores, '--budget-labels', '3', '--fixed-dsc', '1.5', '--out', o], /--fixed-dsc must be a DSC in \(0, 1\]/],
      [['plan', scores, '--budget-labels', '3', '--organ-weights', 'liver=-2', '--out', o], /--organ-weights: .*liver=-2/],
      [['plan', scores, '--budget-labels', '3', '--assignee', ' ', '--out', o], /--assignee must not be empty/],
      [['plan', scores, '--budget-labels', '3', '--out', out('plan.txt')], /--out must end in \.json or \.csv/],
      [['plan', scores, '--budget-labels', '3'], /--out is required/],
      [['plan', '--budget-labels', '3', '--out', o], /exactly one scores CSV/],
      [['plan', scores, scores, '--budget-labels', '3', '--out', o], /exactly one scores CSV/],
      [['plan', scores, '--budget-labels', '3', '--out', o, '--frobnicate'], /--frobnicate/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(existsSync(o)).toBe(false);
    expect(existsSync(out('plan.txt'))).toBe(false);
    const help = await sentinel(['--help']);
    expect(help.stdout).toContain('usage: sentinel plan <scores.csv>');
  });

  it('bad inputs exit 1 naming the file', async () => {
    const o = out('never.json');
    await writeFile(out('bad-scores.csv'), 'case,organ\ns1,liver\n');
    await writeFile(out('bad-status.csv'), `${(await readFile(scores, 'utf8')).split('\n')[0]}\ns1,liver,s1/liver.nii.gz,1,0.5,1,1,0.5,maybe,,0,m,cpu,1,0.5\n`);
    await writeFile(out('bad-weights.json'), '{"liver": "heavy"}');
    await writeFile(out('none-ok.csv'), `${(await readFile(scores, 'utf8')).split('\n')[0]}\ns1,liver,s1/liver.nii.gz,1,,0,,,error,broken,0,m,cpu,,\n`);
    const cases: [string[], RegExp][] = [
      [['plan', out('missing.csv'), '--budget-labels', '3', '--out', o], new RegExp(`${out('missing.csv')}: file not found`)],
      [['plan', out('bad-scores.csv'), '--budget-labels', '3', '--out', o], /bad-scores\.csv: missing column "label_path"/],
      [['plan', out('bad-status.csv'), '--budget-labels', '3', '--out', o], /bad-status\.csv: row 2: unknown status "maybe"/],
      [['plan', scores, '--budget-labels', '3', '--organ-weights', out('bad-weights.json'), '--out', o], /bad-weights\.json: organ weights: liver: /],
      [['plan', scores, '--budget-labels', '3', '--organ-weights', out('no-weights.json'), '--out', o], /no-weights\.json: file not found/],
      [['plan', out('none-ok.csv'), '--budget-labels', '3', '--out', o], /none-ok\.csv: no label with status ok/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
    expect(existsSync(o)).toBe(false);
  });
});
