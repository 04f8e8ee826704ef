/**
 * `sentinel report <scores.csv | dataset> --out report.html [--json report.json]`: the quality report (the same
 * computation as the app's Reports view, src/shared/report) as a standalone offline HTML file and/or JSON.
 * A dataset folder is scored first through `sentinel score`'s own path (scoreToCsv), into a temporary CSV unless
 * --scores names one. Metadata comes from --meta, else the dataset's meta.csv. See docs/reports.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { asSentinelError } from '../../core/errors';
import { readMetaFile, readScoresFile, writeReportHtml, type MetaTable } from '../../core/report';
import { buildReport, fmtDsc, fmtP, fmtStat, reportLabelsFromScores, type Report } from '../../shared/report';
import { parse, positiveInt, UsageError } from '../args';
import { MODEL_FLAGS, modelChoice } from '../model-flags';
import { scoreToCsv } from './score';

export const REPORT_USAGE = `usage: sentinel report <scores.csv | dataset> --out report.html [--json report.json] [--meta meta.csv]
                       [--group-by column]... [--min-group 5] [--worst 20]
                       a dataset is scored first: [--scores scores.csv [--resume]] [--organs a,b] [--model m.onnx]
                       [--ep cpu|cuda|..] [--threads N] [--batch N] [--quiet]`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...MODEL_FLAGS,
      out: { type: 'string', short: 'o' },
      json: { type: 'string' },
      meta: { type: 'string' },
      'group-by': { type: 'string', multiple: true },
      'min-group': { type: 'string' },
      worst: { type: 'string' },
      scores: { type: 'string' },
      resume: { type: 'boolean' },
      organs: { type: 'string' },
    },
    REPORT_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one scores CSV or dataset folder\n\n${REPORT_USAGE}`);
  if (!values.out && !values.json) throw new UsageError(`give --out report.html and/or --json report.json\n\n${REPORT_USAGE}`);
  const input = resolve(positionals[0]);
  const htmlOut = values.out ? resolve(values.out) : null;
  const jsonOut = values.json ? resolve(values.json) : null;
  const minGroupSize = positiveInt(values['min-group'], 'min-group', 5);
  const worstCount = positiveInt(values.worst, 'worst', 20);
  const groupBy = (values['group-by'] ?? []).flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  const isDataset = (await statOrFail(input)).isDirectory();
  const model = isDataset ? modelChoice(values) : null;
  if (!isDataset && (values.scores || values.organs || values.resume)) throw new UsageError(`--scores, --resume and --organs apply to a dataset folder only\n\n${REPORT_USAGE}`);

  const metaFile = values.meta ? resolve(values.meta) : isDataset && existsSync(join(input, 'meta.csv')) ? join(input, 'meta.csv') : null;
  const meta: MetaTable = metaFile ? await readMetaFile(metaFile) : { columns: [], byCase: new Map(), duplicates: [] };
  for (const id of new Set(meta.duplicates)) process.stderr.write(`warning: ${metaFile}: duplicate rows for ${id}; the first one is used\n`);
  const unknown = groupBy.filter((g) => !meta.columns.includes(g));
  if (unknown.length > 0) {
    const known = meta.columns.length ? meta.columns.join(', ') : 'none: pass --meta meta.csv';
    throw new UsageError(`--group-by ${unknown.join(', ')}: no such metadata column (columns: ${known})`);
  }

  let scoresFile = input;
  let scratch: string | null = null;
  try {
    if (isDataset && model) {
      if (values.scores) scoresFile = resolve(values.scores);
      else scoresFile = join((scratch = await mkdtemp(join(tmpdir(), 'sentinel-report-'))), 'scores.csv');
      await scoreToCsv({ root: input, out: scoresFile, organs: values.organs?.split(',').map((s) => s.trim()).filter(Boolean), resume: values.resume === true, model });
    }
    const labels = reportLabelsFromScores(await readScoresFile(scoresFile));
    const report = buildReport(labels, meta.byCase, { groupBy, minGroupSize, worstCount, source: basename(input) });
    if (jsonOut) await writeJson(jsonOut, report);
    if (htmlOut) await writeReportHtml(report, htmlOut);
    process.stdout.write(formatReportSummary(report));
    if (values.quiet !== true) process.stderr.write(`-> ${[htmlOut, jsonOut].filter(Boolean).join(', ')}\n`);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
  return 0;
}

async function statOrFail(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

async function writeJson(file: string, report: Report): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(report, null, 1) + '\n');
  } catch (err) {
    throw asSentinelError(err, file);
  }
}

/** A few lines for the terminal: coverage, the lowest label, the overall bias tests. */
export function formatReportSummary(r: Report): string {
  const c = r.coverage;
  const lines = [`${c.labels} labels in ${c.cases} cases: ${c.scored} scored, ${c.unmapped} unmapped, ${c.grid_mismatch} grid mismatch, ${c.error} error, ${c.empty} empty`];
  lines.push(`predicted DSC: median ${fmtDsc(r.labels.median)} over labels, ${fmtDsc(r.cases.median)} over case means; ${r.organs.length} organs`);
  const w = r.worst[0];
  if (w) lines.push(`lowest: ${w.case_id} ${w.organ} ${fmtDsc(w.predicted_dsc)}`);
  const sex = r.bias.sex.overall;
  lines.push(`sex (case means): ${sex.note ?? `U ${fmtStat(sex.statistic)}, p ${fmtP(sex.p_value)}, n ${sex.n_female} female / ${sex.n_male} male`}`);
  const age = r.bias.age.overall;
  lines.push(`age (case means): ${age.note ?? `Spearman rho ${fmtStat(age.statistic)}, p ${fmtP(age.p_value)}, n ${age.n}`}`);
  return lines.join('\n') + '\n';
}
