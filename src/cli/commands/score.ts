/**
 * `sentinel score <dataset> --out scores.csv`: one CSV row per label. Per-label failures are rows (status error,
 * grid_mismatch, ...), never aborts; only a missing model or an unreadable dataset root is fatal.
 * Rows are appended as they are scored, so an interrupted run keeps its work and `--resume` continues it.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { scanDataset, selectShard, labelPath, type LabelEntry } from '../../core/dataset';
import { SCORE_HEADER, parseScoresCsv, scoreToCsvRow } from '../../shared/scores-csv';
import { openScorer } from '../../core/scoring/scorer';
import { LabelStore } from '../../core/store';
import { scoreDataset } from '../../core/scoring/score-dataset';
import { labelKey, type LabelScore } from '../../shared/scores';
import { parse, parseShard, positiveInt, UsageError } from '../args';
import { announceModel, MODEL_FLAGS, modelChoice, type ModelChoice } from '../model-flags';
import { ProgressBar } from '../progress';

export const SCORE_USAGE = `usage: sentinel score <dataset> --out scores.csv [--model m.onnx] [--ep cpu|cuda|dml|coreml[,..]]
                      [--slices 10] [--organs a,b] [--shard i/n] [--resume] [--threads N] [--batch N]`;

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...MODEL_FLAGS,
      out: { type: 'string', short: 'o' },
      slices: { type: 'string' },
      organs: { type: 'string' },
      shard: { type: 'string' },
      resume: { type: 'boolean' },
    },
    SCORE_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one dataset folder\n\n${SCORE_USAGE}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${SCORE_USAGE}`);
  // Every flag is checked before anything is read or written: a usage error must leave an earlier output alone.
  await scoreToCsv({
    root: resolve(positionals[0]),
    out: resolve(values.out),
    shard: parseShard(values.shard),
    maxSlices: values.slices ? positiveInt(values.slices, 'slices', 10) : undefined,
    organs: values.organs?.split(',').map((s) => s.trim()).filter(Boolean),
    resume: values.resume === true,
    model: modelChoice(values),
  });
  return 0;
}

export interface ScoreToCsvOptions {
  root: string;
  out: string;
  shard?: { index: number; count: number } | null;
  maxSlices?: number;
  organs?: string[];
  /** Keep the rows already in `out` and score only the labels missing there. */
  resume?: boolean;
  model: ModelChoice;
}

/**
 * The text of `out` to resume from. A run killed in the middle of an append leaves a last row without its newline.
 * Rows are whole lines, so that tail is cut off the file (its label is simply scored again) instead of failing the
 * resume on a short row.
 */
async function readForResume(out: string): Promise<string> {
  const bytes = await readFile(out);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return bytes.toString('utf8');
  const keep = bytes.lastIndexOf(0x0a) + 1;
  await truncate(out, keep);
  const text = keep > 0 ? bytes.subarray(0, keep).toString('utf8') : SCORE_HEADER + '\n';
  if (keep === 0) await writeFile(out, text); // not even the header was complete
  process.stderr.write(`${out}: dropped a half-written last row (${bytes.length - keep} bytes); its label is scored again\n`);
  return text;
}

/** Scans and scores a dataset into a scores CSV, printing progress on stderr (also used by `sentinel report`). */
export async function scoreToCsv(opts: ScoreToCsvOptions): Promise<void> {
  const { root, out, shard, maxSlices } = opts;
  const { modelPath, executionProviders, threads, batchSize, quiet } = opts.model;

  // Corrections the app saved to a workspace (read-only datasets) are read in place of the originals.
  const store = await LabelStore.open({ root });
  const manifest = await scanDataset(root, { organs: opts.organs });
  for (const issue of manifest.issues) process.stderr.write(`${issue.severity}: ${issue.path || root}: ${issue.message}\n`);
  let labels: LabelEntry[] = manifest.cases.flatMap((c) => c.labels);
  if (shard) labels = selectShard(labels, shard.index, shard.count);

  // The model opens before the output is started, so an unusable model leaves an earlier output as it was.
  const scorer = await openScorer({ modelPath, executionProviders, threads, batchSize, maxSlices });
  const done = new Set<string>();
  try {
    if (opts.resume && existsSync(out)) {
      for (const s of parseScoresCsv(await readForResume(out), out)) done.add(labelKey(s));
      labels = labels.filter((l) => !done.has(labelKey({ caseId: l.caseId, labelPath: labelPath(l.source) })));
    } else {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, SCORE_HEADER + '\n');
    }
  } catch (err) {
    await scorer.close();
    throw err;
  }
  announceModel(scorer, quiet);

  const bar = quiet ? null : new ProgressBar(labels.length, 'scoring');
  let count = 0;
  const counts: Record<LabelScore['status'], number> = { ok: 0, empty: 0, unmapped: 0, grid_mismatch: 0, error: 0 };
  // Rows are written in order of completion; appends are chained so they never interleave.
  let writing: Promise<void> = Promise.resolve();
  const started = Date.now();
  try {
    await scoreDataset(manifest, scorer, (s) => {
      counts[s.status]++;
      count++;
      writing = writing.then(() => appendFile(out, scoreToCsvRow(s) + '\n'));
      bar?.update(count);
    }, { labels, resolvePath: (rel) => store.resolvePath(rel) });
    await writing;
  } finally {
    bar?.finish();
    await scorer.close();
  }
  const secs = (Date.now() - started) / 1000;
  if (!quiet) {
    const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
    process.stderr.write(`${count} labels in ${secs.toFixed(1)} s (${summary || 'nothing to do'})${done.size ? `; ${done.size} already in ${out}` : ''} -> ${out}\n`);
  }
}
