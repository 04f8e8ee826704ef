/** Writes the standalone HTML report with the ECharts library installed beside the app inlined into it. */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { asSentinelError } from '../errors';
import { reportHtml } from '../../shared/report/html';
import type { Report } from '../../shared/report/model';

let echarts: Promise<string> | null = null;

/** The text of echarts/dist/echarts.min.js, read once per process. */
export function echartsSource(): Promise<string> {
  if (!echarts) {
    const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
    echarts = readFile(file, 'utf8').catch((err: unknown) => {
      echarts = null;
      throw asSentinelError(err, file);
    });
  }
  return echarts;
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
