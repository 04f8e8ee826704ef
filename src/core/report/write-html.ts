/** Writes the standalone HTML report with the report's own ECharts build (only the charts it draws) inlined. */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asSentinelError } from '../errors';
import { reportHtml } from '../../shared/report/html';
import type { Report } from '../../shared/report/model';

/**
 * The ECharts script the HTML report inlines: the generated build of src/shared/report/echarts-report.generated.ts
 * (tools/report-echarts/build.ts), about half of echarts.min.js. Imported on first use, so commands that make no
 * report do not load half a megabyte of text.
 */
export async function echartsSource(): Promise<string> {
  return (await import('../../shared/report/echarts-report.generated')).ECHARTS_REPORT_SOURCE;
}

export async function renderReportHtml(report: Report, generatedAt = new Date().toISOString()): Promise<string> {
  return reportHtml(report, { echartsSource: await echartsSource(), generatedAt });
}

export async function writeReportHtml(report: Report, file: string): Promise<void> {
  const html = await renderReportHtml(report);
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, html);
  } catch (err) {
    throw asSentinelError(err, file);
  }
}
