/** The report's files from the app: the standalone HTML report and the scores CSV it was made from. */
import { reportHtml, type Report } from '../../../shared/report';
import { downloadText } from '../workstation/files';

/** A file name from the project's name and the date. */
export function reportFileName(projectName: string, ext: string): string {
  const safe = projectName.replace(/[^\w.-]+/g, '_') || 'project';
  return `${safe}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}

/**
 * Saves the HTML report. ECharts is inlined from the report's own build, the same the CLI inlines, loaded only when a
 * report is saved (a separate chunk), so the file works offline like the CLI's.
 */
export async function saveHtmlReport(report: Report, projectName: string): Promise<void> {
  const { ECHARTS_REPORT_SOURCE: echartsSource } = await import('../../../shared/report/echarts-report.generated');
  const html = reportHtml(report, { echartsSource, generatedAt: new Date().toISOString() });
  downloadText(reportFileName(projectName, 'report.html'), html, 'text/html');
}

export function saveScoresCsv(csv: string, projectName: string): void {
  downloadText(reportFileName(projectName, 'scores.csv'), csv, 'text/csv');
}
