/**
 * The exports that are tables: scores (CSV, JSON), the worst list for active learning, the audit log (CSV + JSON).
 * The formats are shared/export's (the renderer makes the same files as downloads); this module writes them.
 */
import type { LabelScore } from '../../shared/scores';
import { exportableScores, scoresCsvText, scoresJsonText } from '../../shared/export/scores-export';
import { worstLabels, worstListCsv, type WorstListOptions } from '../../shared/export/worst-list';
import { auditCsvText, auditJsonText, type AuditDecision } from '../../shared/export/audit-log';
import type { DatasetManifest } from '../dataset/manifest';
import type { LabelStore } from '../store';
import { collectAuditEvents } from './audit';
import type { ExportControl } from './control';
import type { ExportFolder } from './output-folder';
import { writeTextFiles } from './text-files';

export const EXPORT_FILE_NAMES = {
  'scores-csv': 'scores.csv',
  'scores-json': 'scores.json',
  worst: 'worst-labels.csv',
  audit: ['audit-log.csv', 'audit-log.json'],
} as const;

export interface TableExportOptions {
  force?: boolean;
  /** Keep the dataset's absolute path in messages (it is replaced by `<dataset>` otherwise). */
  includeIdentifiers?: boolean;
  /** The dataset root, taken out of messages. */
  root?: string;
}

export async function exportScores(
  folder: ExportFolder,
  scores: readonly LabelScore[],
  format: 'csv' | 'json',
  opts: TableExportOptions = {},
  control: ExportControl = {},
): Promise<string[]> {
  const rows = exportableScores(scores, opts.includeIdentifiers ? undefined : opts.root);
  const file = format === 'csv'
    ? { name: EXPORT_FILE_NAMES['scores-csv'], text: scoresCsvText(rows) }
    : { name: EXPORT_FILE_NAMES['scores-json'], text: scoresJsonText(rows, new Date().toISOString()) };
  return writeTextFiles(folder, [file], opts, control);
}

export async function exportWorstList(
  folder: ExportFolder,
  scores: readonly LabelScore[],
  list: WorstListOptions,
  opts: TableExportOptions = {},
  control: ExportControl = {},
): Promise<{ paths: string[]; count: number }> {
  const worst = worstLabels(scores, list);
  const paths = await writeTextFiles(folder, [{ name: EXPORT_FILE_NAMES.worst, text: worstListCsv(worst) }], opts, control);
  return { paths, count: worst.length };
}

export async function exportAudit(
  folder: ExportFolder,
  manifest: DatasetManifest,
  store: LabelStore,
  decisions: readonly AuditDecision[],
  opts: TableExportOptions = {},
  control: ExportControl = {},
): Promise<{ paths: string[]; events: number }> {
  const events = await collectAuditEvents(manifest, store, decisions, control);
  const createdAt = new Date().toISOString();
  const [csv, json] = EXPORT_FILE_NAMES.audit;
  const paths = await writeTextFiles(folder, [{ name: csv, text: auditCsvText(events) }, { name: json, text: auditJsonText(events, createdAt) }], opts, control);
  return { paths, events: events.length };
}
