/**
 * `sentinel report` end to end in child processes: the synthetic scores + meta fixture (SYNTHETIC sex and age),
 * the bundled sample scored through the normal pipeline with the random-weight test model, usage and input
 * errors. The HTML must hold no external URL; the JSON must equal the shared builder's result for the same files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetaTable } from '../../src/core/report/read-inputs';
import { buildReport, reportLabelsFromScores, type Report } from '../../src/shared/report';
import { parseScoresCsv } from '../../src/shared/scores-csv';
import { REPO, SAMPLE, scratchDir, TINY, treeListing, type Scratch } from '../core/engine/fixtures';
import { externalReferences } from '../shared/report/offline-html';
import { runCliProcess as sentinel } from './support/run-cli';

const FIX = join(REPO, 'test', 'fixtures', 'report');

let scratch: Scratch;
beforeAll(async () => {
  scratch = await scratchDir('report-cli');
});
afterAll(async () => scratch?.cleanup());

describe('sentinel report on a scores CSV', () => {
  it('writes the JSON the shared builder gives for the same files, and an offline HTML report', async () => {
    const out = join(scratch.dir, 'synthetic.html');
    const json = join(scratch.dir, 'synthetic.json');
    const r = await sentinel(['report', join(FIX, 'synthetic-scores.csv'), '--meta', join(FIX, 'synthetic-meta.csv'), '--group-by', 'institute', '--out', out, '--json', json]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/250 labels in 40 cases: 246 scored/);
    expect(r.stdout).toMatch(/sex \(case means\): U \d+/);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    const expected = buildReport(
      reportLabelsFromScores(parseScoresCsv(await readFile(join(FIX, 'synthetic-scores.csv'), 'utf8'))),
      parseMetaTable(await readFile(join(FIX, 'synthetic-meta.csv'), 'utf8'), 'meta').byCase,
      { groupBy: ['institute'], source: 'synthetic-scores.csv' },
    );
    expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
    // The names the issue fixes for the bias section.
    for (const t of [report.bias.sex.overall, report.bias.age.overall]) expect(Object.keys(t)).toEqual(expect.arrayContaining(['n', 'statistic', 'p_value']));
    for (const t of [...report.bias.sex.per_organ, ...report.bias.age.per_organ]) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['organ', 'n', 'statistic', 'p_value', 'q_value']));
    }

    const html = await readFile(out, 'utf8');
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).toContain('id="chart-organs"');
    expect(html).toContain('not enough data');
    // The embedded report is the JSON report.
    const embedded = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(JSON.parse(embedded)).toEqual(report);
  });

  it('refuses an unknown --group-by column with the columns there are (exit 2)', async () => {
    const r = await sentinel(['report', join(FIX, 'synthetic-scores.csv'), '--meta', join(FIX, 'synthetic-meta.csv'), '--group-by', 'scanner', '--json', join(scratch.dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--group-by scanner: no such metadata column \(columns: age, gender, institute, study_type, split\)/);
  });

  it('exits 2 without an output and 1 naming a missing or malformed input', async () => {
    expect((await sentinel(['report', join(FIX, 'synthetic-scores.csv')])).code).toBe(2);
    const missing = await sentinel(['report', join(scratch.dir, 'nope.csv'), '--json', join(scratch.dir, 'y.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv');
    const bad = await sentinel(['report', join(FIX, 'synthetic-meta.csv'), '--json', join(scratch.dir, 'y.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/synthetic-meta\.csv: missing column "case"/);
  });
});

describe('sentinel report on a dataset folder', () => {
  it('scores it through the score command path, reads its meta.csv and leaves the dataset untouched', async () => {
    const before = await treeListing(SAMPLE);
    const scores = join(scratch.dir, 'sample-scores.csv');
    const json = join(scratch.dir, 'sample.json');
    const r = await sentinel(['report', SAMPLE, '--organs', 'liver,spleen', '--model', TINY, '--scores', scores, '--group-by', 'institute', '--json', json, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    expect(report.source).toBe('sample');
    expect(report.coverage.labels).toBe(4);
    expect(report.coverage.scored).toBe(4);
    expect(report.coverage.cases_with_meta).toBe(2);
    expect(report.groups[0].groups.map((g) => g.value)).toEqual(['TotalSegmentator tests']);
    // The sample's meta.csv has no sex or age values: no tests, and the report says why.
    expect(report.bias.sex.overall.note).toBe('not enough data');
    const fromCsv = buildReport(reportLabelsFromScores(parseScoresCsv(await readFile(scores, 'utf8'))), parseMetaTable(await readFile(join(SAMPLE, 'meta.csv'), 'utf8'), 'meta').byCase, {
      groupBy: ['institute'],
      source: 'sample',
    });
    expect(report).toEqual(JSON.parse(JSON.stringify(fromCsv)));
    expect(await treeListing(SAMPLE)).toEqual(before);
  });
});
