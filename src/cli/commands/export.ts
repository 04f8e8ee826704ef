/**
 * `sentinel export <dataset> --to <folder> --what ...`: exports of a scored dataset (docs/exports.md).
 * Writes only inside --to (created if missing), through a staging folder renamed into place at the end. Progress
 * goes to stderr; Ctrl-C (SIGINT) cancels cleanly: nothing is left behind and the exit code is 130.
 */
import { resolve } from 'node:path';
import { allLabels, labelPath, scanDataset } from '../../core/dataset';
import { SentinelError } from '../../core/errors';
import {
  DEFAULT_THRESHOLD,
  ExportFolder,
  exportAudit,
  exportNnunet,
  exportReport,
  exportScores,
  exportWorstList,
  isExportCancelled,
  readDecisionsFile,
  type ExportControl,
} from '../../core/export';
import { readScoresFile } from '../../core/report/read-inputs';
import { LabelStore } from '../../core/store';
import { labelKey, type LabelScore } from '../../shared/scores';
import type { AuditDecision } from '../../shared/export/audit-log';
import { parse, positiveInt, UsageError } from '../args';
import { ProgressBar } from '../progress';

const KINDS = ['nnunet', 'scores-csv', 'scores-json', 'worst', 'audit', 'report'] as const;
type Kind = (typeof KINDS)[number];

export const EXPORT_USAGE = `usage: sentinel export <dataset> --to <folder> --what nnunet|scores-csv|scores-json|worst|audit|report
                      [--scores scores.csv] [--threshold ${DEFAULT_THRESHOLD}] [--organs a,b] [--dataset-id 501]
                      [--dataset-name Name] [--copy|--link] [--include-identifiers] [--worst N]
                      [--decisions project.sentinel-project.json] [--force] [-q]`;

/** Exit code of a run cancelled by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      to: { type: 'string' },
      what: { type: 'string' },
      scores: { type: 'string' },
      threshold: { type: 'string' },
      organs: { type: 'string' },
      'dataset-id': { type: 'string' },
      'dataset-name': { type: 'string' },
      copy: { type: 'boolean' },
      link: { type: 'boolean' },
      'include-identifiers': { type: 'boolean' },
      worst: { type: 'string' },
      decisions: { type: 'string' },
      force: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    EXPORT_USAGE,
  );
  const usage = (msg: string): never => {
    throw new UsageError(`${msg}\n\n${EXPORT_USAGE}`);
  };
  if (positionals.length !== 1) usage('give exactly one dataset folder');
  const to = values.to ?? usage('--to is required');
  const what = values.what as Kind;
  if (!KINDS.includes(what)) usage(`--what must be one of ${KINDS.join(', ')}`);
  if (values.copy && values.link) usage('--copy and --link exclude each other');
  const needsScores = what !== 'audit';
  if (needsScores && !values.scores) usage(`--what ${what} needs --scores (a scores CSV made by sentinel score)`);
  const threshold = values.threshold === undefined ? undefined : fraction(values.threshold, 'threshold');
  const datasetId = values['dataset-id'] === undefined ? 501 : positiveInt(values['dataset-id'], 'dataset-id', 501);
  const worst = values.worst === undefined ? undefined : positiveInt(values.worst, 'worst', 50);
  const organs = values.organs?.split(',').map((s) => s.trim()).filter(Boolean);

  const root = resolve(positionals[0]);
  const scores: (LabelScore & { decision?: string | null })[] = values.scores ? await readScoresFile(resolve(values.scores)) : [];
  const folder = await ExportFolder.open(to, { create: true });
  const quiet = values.quiet ?? false;
  const common = { force: values.force ?? false, includeIdentifiers: values['include-identifiers'] ?? false, root };

  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  let bar: ProgressBar | null = null;
  let barStage = '';
  const control: ExportControl = {
    signal: abort.signal,
    onProgress: (done, total, stage) => {
      if (quiet) return;
      if (!bar || barStage !== stage) {
        bar?.finish();
        bar = new ProgressBar(total, stage);
        barStage = stage;
      }
      bar.update(done);
    },
  };
  const say = (line: string): void => void (quiet || process.stderr.write(`${line}\n`));
  try {
    if (what === 'scores-csv' || what === 'scores-json') {
      const paths = await exportScores(folder, scores, what === 'scores-csv' ? 'csv' : 'json', common, control);
      say(`${scores.length} labels -> ${paths.join(', ')}`);
      return 0;
    }
    if (what === 'worst') {
      const r = await exportWorstList(folder, scores, { count: worst, threshold, organs }, common, control);
      say(`${r.count} labels -> ${r.paths.join(', ')}`);
      return 0;
    }
    const store = await LabelStore.open({ root });
    const manifest = await scanDataset(root, { signal: abort.signal });
    if (what === 'audit') {
      const decisions = values.decisions ? await readDecisionsFile(resolve(values.decisions)) : [];
      const r = await exportAudit(folder, manifest, store, decisions, common, control);
      say(`${r.events} events -> ${r.paths.join(', ')}`);
      return 0;
    }
    if (what === 'report') {
      const paths = await exportReport(folder, manifest, scores, common, control);
      say(`report -> ${paths.join(', ')}`);
      return 0;
    }
    if (values.decisions) withDecisions(scores, await readDecisionsFile(resolve(values.decisions)));
    checkScoresMatch(scores, allLabels(manifest).map((l) => ({ caseId: l.caseId, labelPath: labelPath(l.source) })), values.scores ?? '');
    const r = await exportNnunet(
      folder,
      { manifest, resolvePath: (rel) => store.resolvePath(rel), scores },
      {
        threshold,
        organs,
        datasetId,
        datasetName: values['dataset-name'] ?? 'PseudoLabels',
        link: values.link ?? false,
        includeIdentifiers: common.includeIdentifiers,
        force: common.force,
      },
      control,
    );
    (bar as ProgressBar | null)?.finish();
    for (const n of r.notes) say(`note: ${n}`);
    say(`${r.included.length} cases (${r.organs.length} organs) -> ${r.folder}; ${r.excluded.length} left out (see excluded.csv)`);
    return 0;
  } catch (err) {
    (bar as ProgressBar | null)?.finish();
    if (isExportCancelled(err) || abort.signal.aborted) {
      process.stderr.write('export cancelled: nothing was written\n');
      return EXIT_CANCELLED;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function fraction(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number from 0 to 1, got "${v}"`);
  return n;
}

/** Puts each label's newest decision on its score (rejected and flagged labels are not exported). */
function withDecisions(scores: (LabelScore & { decision?: string | null })[], decisions: readonly AuditDecision[]): void {
  const newest = new Map<string, AuditDecision>();
  for (const d of decisions) {
    const was = newest.get(d.labelPath);
    if (!was || was.time <= d.time) newest.set(d.labelPath, d);
  }
  for (const s of scores) s.decision = newest.get(s.labelPath)?.decision ?? null;
}

/** Scores made for another dataset would exclude every case as "not scored": say so plainly instead. */
function checkScoresMatch(scores: readonly LabelScore[], labels: { caseId: string; labelPath: string }[], file: string): void {
  const keys = new Set(scores.map(labelKey));
  if (labels.length > 0 && !labels.some((l) => keys.has(labelKey(l)))) {
    throw new SentinelError('invalid_argument', 'none of its rows is a label of this dataset (scores of another dataset?)', file);
  }
}
