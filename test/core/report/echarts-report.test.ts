/**
 * The ECharts build the HTML report inlines (src/shared/report/echarts-report.generated.ts, made by
 * tools/report-echarts/build.ts): made from the installed ECharts, up to date with its build script, registering
 * every series and component the report's charts use, its licence kept, and a script that defines `echarts.init`.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { version as esbuildVersion } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { echartsSource } from '../../../src/core/report';
import { buildReport, reportCharts, reportHtml, reportLabelsFromScores } from '../../../src/shared/report';
import {
  ECHARTS_REPORT_BUILDER,
  ECHARTS_REPORT_PARTS,
  ECHARTS_REPORT_SOURCE,
  ECHARTS_REPORT_VERSION,
} from '../../../src/shared/report/echarts-report.generated';
import { parseMetaTable } from '../../../src/core/report/read-inputs';
import { parseScoresCsv } from '../../../src/shared/scores-csv';
import { buildReportEcharts, installedEchartsVersion, REPORT_ECHARTS_PARTS } from '../../../tools/report-echarts/build';

const REBUILD = 'run `npx tsx tools/report-echarts/build.ts`';
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/report/${name}`, import.meta.url), 'utf8');

describe('the report ECharts build', () => {
  it('comes from the installed ECharts with the parts the build script lists', () => {
    expect(ECHARTS_REPORT_VERSION, `echarts was upgraded: ${REBUILD}`).toBe(installedEchartsVersion());
    expect([...ECHARTS_REPORT_PARTS], REBUILD).toEqual([...REPORT_ECHARTS_PARTS.charts, ...REPORT_ECHARTS_PARTS.components, ...REPORT_ECHARTS_PARTS.renderers]);
  });

  it('is what the build script makes now (when the same esbuild is installed)', async () => {
    if (ECHARTS_REPORT_BUILDER !== `esbuild ${esbuildVersion}`) return;
    expect((await buildReportEcharts()) === ECHARTS_REPORT_SOURCE, `the generated file is stale: ${REBUILD}`).toBe(true);
  }, 60_000);

  it('registers every series the report draws, and the app registers the same parts', () => {
    // A report with every chart: groups, sex and age (synthetic metadata).
    const report = buildReport(reportLabelsFromScores(parseScoresCsv(fixture('synthetic-scores.csv'))), parseMetaTable(fixture('synthetic-meta.csv'), 'meta').byCase, { groupBy: ['institute'] });
    const charts = reportCharts(report);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-sex', 'chart-age', 'chart-age-bands', 'chart-group-0']));
    const series = new Set(charts.flatMap((c) => (c.option.series as { type: string }[]).map((s) => s.type)));
    const registered = new Set(REPORT_ECHARTS_PARTS.charts.map((p) => p.replace(/Chart$/, '').toLowerCase()));
    expect([...series].filter((t) => !registered.has(t))).toEqual([]);
    for (const c of charts) {
      // grid (with its axes), title and tooltip: the registered components.
      expect(Object.keys(c.option).filter((k) => ['grid', 'xAxis', 'yAxis', 'title', 'tooltip'].includes(k)).sort()).toEqual(['grid', 'title', 'tooltip', 'xAxis', 'yAxis']);
      for (const k of ['legend', 'dataZoom', 'visualMap', 'toolbox', 'markLine', 'polar', 'dataset']) expect(c.option[k]).toBeUndefined();
    }
    const app = readFileSync(new URL('../../../src/renderer/src/reports/echarts.ts', import.meta.url), 'utf8');
    const used = /use\(\[([^\]]*)\]\)/.exec(app)?.[1].split(',').map((s) => s.trim()) ?? [];
    expect(used.sort()).toEqual([...ECHARTS_REPORT_PARTS].sort());
  });

  it('keeps the licence comments and defines the global echarts with init', async () => {
    expect(ECHARTS_REPORT_SOURCE).toMatch(/^\/\*[\s\S]*?Apache License, Version 2\.0[\s\S]*?\*\//);
    expect(ECHARTS_REPORT_SOURCE).toContain('ZRender');
    // Half of echarts.min.js or less: what it is for.
    const full = readFileSync(new URL(import.meta.resolve('echarts/dist/echarts.min.js')), 'utf8');
    expect(ECHARTS_REPORT_SOURCE.length).toBeLessThan(full.length * 0.6);
    const context: { echarts?: { init?: unknown } } = {};
    vm.runInNewContext(ECHARTS_REPORT_SOURCE, context);
    expect(typeof context.echarts?.init).toBe('function');
    // The CLI inlines this build.
    expect(await echartsSource()).toBe(ECHARTS_REPORT_SOURCE);
    const html = reportHtml(buildReport([], new Map()), { echartsSource: ECHARTS_REPORT_SOURCE });
    expect(html).toContain(ECHARTS_REPORT_SOURCE.slice(0, 2000));
  });
});
