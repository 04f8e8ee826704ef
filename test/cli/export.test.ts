/**
 * `sentinel export` end to end: in-process for every export kind and the usage errors, and as a spawned process
 * cancelled with Ctrl-C (SIGINT) while it writes: exit code 130 and nothing left in the chosen folder.
 */
import { spawn } from 'node:child_process';
import { link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv-text';
import { SCORE_HEADER, scoreToCsvRow } from '../../src/shared/scores-csv';
import type { LabelScore } from '../../src/shared/scores';
import { REPO, SAMPLE, scratchDir, treeListing, type Scratch } from '../core/engine/fixtures';
import { checkNnunetRaw } from '../core/export/nnunet-spec';
import { scoresFor, writeCase } from '../core/export/tiny-dataset';
import { BIN, runCliInProcess as sentinel } from './support/run-cli';

const csvOf = (scores: LabelScore[]): string => [SCORE_HEADER, ...scores.map(scoreToCsvRow)].join('\n') + '\n';

let scratch: Scratch;
let root: string;
let scoresCsv: string;

beforeAll(async () => {
  scratch = await scratchDir('cli-export');
  root = join(scratch.dir, 'ds');
  await writeCase(root, 'a', 1);
  await writeCase(root, 'b', 2);
  const scores = scoresFor(['a', 'b']);
  scores[0].predictedDsc = 0.5; // a's liver: below 0.9, so case a stays out
  scoresCsv = join(scratch.dir, 'scores.csv');
  await writeFile(scoresCsv, csvOf(scores));
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe('sentinel export', () => {
  it('writes an nnU-Net dataset of the cases that pass, and nothing into the dataset', async () => {
    const before = await treeListing(root);
    const to = join(scratch.dir, 'nn');
    const r = await sentinel(['export', root, '--to', to, '--what', 'nnunet', '--scores', scoresCsv, '--dataset-id', '510', '--dataset-name', 'Cli']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`1 cases (2 organs) -> ${join(to, 'Dataset510_Cli')}; 1 left out`);
    const check = await checkNnunetRaw(join(to, 'Dataset510_Cli'));
    expect(check.problems).toEqual([]);
    expect(check.cases).toEqual(['b']);
    expect(await readFile(join(to, 'Dataset510_Cli', 'excluded.csv'), 'utf8')).toContain('a,liver: predicted DSC 0.500 < 0.9');
    expect(await treeListing(root)).toEqual(before);
  });

  it('leaves rejected labels out when given the app’s decisions', async () => {
    const project = join(scratch.dir, 'project.json');
    await writeFile(project, JSON.stringify({
      format: 'sentinel-workstation-project',
      labels: [{ caseId: 'b', labelPath: 'b/segmentations/spleen.nii.gz' }],
      reviews: [{ labelPath: 'b/segmentations/spleen.nii.gz', decision: 'reject', note: 'leaks into the kidney', annotator: 'eve', time: '2025-01-01T00:00:00.000Z' }],
    }));
    const to = join(scratch.dir, 'nn-dec');
    const r = await sentinel(['export', root, '--to', to, '--what', 'nnunet', '--scores', scoresCsv, '--decisions', project, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no case can be exported.*b: spleen: the reviewer decided "reject"/);
    expect(await readdir(to)).toEqual([]);
    const audit = await sentinel(['export', root, '--to', to, '--what', 'audit', '--decisions', project, '-q']);
    expect(audit.code, audit.stderr).toBe(0);
    const rows = parseCsv(await readFile(join(to, 'audit-log.csv'), 'utf8'));
    expect(rows.slice(1)).toEqual([['2025-01-01T00:00:00.000Z', 'decision', 'b', 'b/segmentations/spleen.nii.gz', '', 'eve', '', '', 'reject', 'leaks into the kidney']]);
  });

  it('writes the scores as CSV and JSON and the worst labels', async () => {
    const to = join(scratch.dir, 'tables');
    for (const what of ['scores-csv', 'scores-json']) {
      const r = await sentinel(['export', root, '--to', to, '--what', what, '--scores', scoresCsv, '-q']);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await readFile(join(to, 'scores.csv'), 'utf8')).toBe(await readFile(scoresCsv, 'utf8'));
    expect(JSON.parse(await readFile(join(to, 'scores.json'), 'utf8')).labels).toHaveLength(4);
    const w = await sentinel(['export', root, '--to', to, '--what', 'worst', '--scores', scoresCsv, '--worst', '2', '-q']);
    expect(w.code, w.stderr).toBe(0);
    const rows = parseCsv(await readFile(join(to, 'worst-labels.csv'), 'utf8'));
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['rank', 'case', 'label_path', 'organ', 'predicted_dsc'],
      ['1', 'a', 'a/segmentations/liver.nii.gz', 'liver', '0.500000'],
      ['2', 'a', 'a/segmentations/spleen.nii.gz', 'spleen', '0.950000'],
    ]);
    const again = await sentinel(['export', root, '--to', to, '--what', 'worst', '--scores', scoresCsv, '-q']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
  });

  it('writes the standalone HTML report without the dataset path', async () => {
    const to = join(scratch.dir, 'report');
    const r = await sentinel(['export', root, '--to', to, '--what', 'report', '--scores', scoresCsv, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(join(to, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toContain(scratch.dir);
  });

  it('refuses bad usage with exit code 2 before writing anything', async () => {
    const to = join(scratch.dir, 'usage');
    const bad = [
      ['export', root, '--what', 'nnunet', '--scores', scoresCsv],
      ['export', root, '--to', to, '--what', 'zip', '--scores', scoresCsv],
      ['export', root, '--to', to, '--what', 'nnunet'],
      ['export', root, '--to', to, '--what', 'nnunet', '--scores', scoresCsv, '--copy', '--link'],
      ['export', root, '--to', to, '--what', 'nnunet', '--scores', scoresCsv, '--threshold', '1.5'],
    ];
    for (const args of bad) expect((await sentinel(args)).code, args.join(' ')).toBe(2);
  });
});

describe('sentinel export, Ctrl-C', () => {
  it('cancels cleanly: exit code 130, nothing left in the chosen folder', async () => {
    // Forty cases of the sample's 41 organs (hard links, no copies), so the export runs for a while.
    const big = join(scratch.dir, 'big');
    const scores: LabelScore[] = [];
    const organs = (await readdir(join(SAMPLE, 's0001', 'segmentations'))).filter((f) => f.endsWith('.nii.gz'));
    for (let i = 0; i < 40; i++) {
      const c = `case${String(i).padStart(2, '0')}`;
      await mkdir(join(big, c, 'segmentations'), { recursive: true });
      await link(join(SAMPLE, 's0001', 'ct.nii.gz'), join(big, c, 'ct.nii.gz'));
      for (const f of organs) {
        await link(join(SAMPLE, 's0001', 'segmentations', f), join(big, c, 'segmentations', f));
        const organ = f.slice(0, -'.nii.gz'.length);
        scores.push({ ...scoresFor([c])[0], organ, labelPath: `${c}/segmentations/${f}` });
      }
    }
    const csv = join(scratch.dir, 'big.csv');
    await writeFile(csv, csvOf(scores));
    const to = join(scratch.dir, 'big-out');
    await mkdir(to);
    const child = spawn(process.execPath, [BIN, 'export', big, '--to', to, '--what', 'nnunet', '--scores', csv, '--threshold', '0.5'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /writing \[/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(sent, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('export cancelled: nothing was written');
    expect(await readdir(to)).toEqual([]);
  }, 120_000);
});
