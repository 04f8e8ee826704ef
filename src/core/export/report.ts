/**
 * The standalone HTML report as an export, written into the chosen folder like every other export (staging
 * folder, rename, cancel). The report itself (model, statistics, HTML) is the reports module's
 * (src/shared/report, src/core/report; docs/reports.md): this only feeds it the scores, with the dataset root taken
 * out of messages, and the case metadata the scan found (meta.csv).
 */
import { basename } from 'node:path';
import type { DatasetManifest } from '../dataset/manifest';
import { renderReportHtml } from '../report';
import { buildReport, reportLabelsFromScores } from '../../shared/report';
import { exportableScores } from '../../shared/export/scores-export';
import type { LabelScore } from '../../shared/scores';
import { checkpoint, type ExportControl } from './control';
import type { ExportFolder } from './output-folder';
import type { TableExportOptions } from './table-exports';
import { writeTextFiles } from './text-files';

export const REPORT_FILE = 'report.html';

export async function exportReport(
  folder: ExportFolder,
  manifest: DatasetManifest,
  scores: readonly LabelScore[],
  opts: TableExportOptions = {},
  control: ExportControl = {},
): Promise<string[]> {
  const rows = exportableScores(scores, opts.includeIdentifiers ? undefined : manifest.root);
  const meta = new Map(manifest.cases.filter((c) => c.meta).map((c) => [c.id, c.meta as Record<string, string>]));
  const report = buildReport(reportLabelsFromScores(rows), meta, { source: basename(manifest.root) });
  checkpoint(control.signal);
  const html = await renderReportHtml(report);
  return writeTextFiles(folder, [{ name: REPORT_FILE, text: html }], opts, control);
}
