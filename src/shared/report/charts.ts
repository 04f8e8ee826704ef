/**
 * The report's charts as ECharts options: plain JSON (no formatter functions), so the same options are embedded
 * in the standalone HTML report and handed to the app's tree-shaken ECharts. Only bar, boxplot and scatter series
 * with grid, title and tooltip components are used (the app registers exactly those).
 */
import type { Report, SummaryJson } from './model';

export type ChartTheme = 'light' | 'dark';

export interface ReportChart {
  /** Stable id, also the element id in the HTML report. */
  id: string;
  title: string;
  /** Height in CSS pixels that fits the chart's categories. */
  height: number;
  option: Record<string, unknown>;
}

const COLOURS: Record<ChartTheme, { text: string; axis: string; split: string; bar: string; box: string; point: string }> = {
  light: { text: '#222', axis: '#666', split: '#e4e4e4', bar: '#3a7bd5', box: '#3a7bd5', point: '#d9534f' },
  dark: { text: '#e6e6e6', axis: '#9aa0a6', split: '#33373d', bar: '#3cb4ff', box: '#3cb4ff', point: '#ff8a80' },
};

const fixed = (v: number, d = 2): string => v.toFixed(d);

function base(theme: ChartTheme, title: string): Record<string, unknown> {
  const c = COLOURS[theme];
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: c.text },
    title: { text: title, left: 0, textStyle: { color: c.text, fontSize: 13, fontWeight: 'normal' } },
    tooltip: { trigger: 'item', confine: true },
  };
}

function valueAxis(theme: ChartTheme, name: string, min?: number, max?: number): Record<string, unknown> {
  const c = COLOURS[theme];
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 26,
    min,
    max,
    axisLine: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.axis },
    splitLine: { lineStyle: { color: c.split } },
  };
}

function categoryAxis(theme: ChartTheme, data: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const c = COLOURS[theme];
  return { type: 'category', data, axisLine: { lineStyle: { color: c.axis } }, axisLabel: { color: c.axis }, ...extra };
}

export function histogramChart(id: string, title: string, edges: number[], counts: number[], theme: ChartTheme): ReportChart {
  const labels = counts.map((_, i) => `${fixed(edges[i])}-${fixed(edges[i + 1])}`);
  return {
    id,
    title,
    height: 240,
    option: {
      ...base(theme, title),
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: categoryAxis(theme, labels, { name: 'predicted DSC', nameLocation: 'middle', nameGap: 30, axisLabel: { color: COLOURS[theme].axis, interval: 3 } }),
      yAxis: valueAxis(theme, 'count'),
      series: [{ type: 'bar', name: title, data: counts, barCategoryGap: '8%', itemStyle: { color: COLOURS[theme].bar } }],
    },
  };
}

interface BoxRow {
  name: string;
  summary: SummaryJson;
}

/** Horizontal box plots (one row per category, first row on top), outliers as points. */
export function boxplotChart(id: string, title: string, rows: BoxRow[], theme: ChartTheme, axisName = 'predicted DSC'): ReportChart {
  const c = COLOURS[theme];
  const withData = rows.filter((r) => r.summary.n > 0);
  const names = withData.map((r) => `${r.name} (n=${r.summary.n})`);
  const longest = names.reduce((m, s) => Math.max(m, s.length), 0);
  const boxes = withData.map((r) => [r.summary.whisker_low, r.summary.q1, r.summary.median, r.summary.q3, r.summary.whisker_high]);
  const outliers = withData.flatMap((r, i) => r.summary.outliers.map((v) => [v, i]));
  return {
    id,
    title,
    height: 76 + Math.max(3, withData.length) * 20,
    option: {
      ...base(theme, title),
      grid: { left: Math.min(260, 12 + longest * 6.5), right: 16, top: 36, bottom: 40 },
      xAxis: valueAxis(theme, axisName, 0, 1),
      yAxis: categoryAxis(theme, names, { inverse: true }),
      series: [
        { type: 'boxplot', name: title, data: boxes, boxWidth: [4, 12], itemStyle: { color: 'transparent', borderColor: c.box } },
        { type: 'scatter', name: 'outliers', data: outliers, symbolSize: 4, itemStyle: { color: c.point } },
      ],
    },
  };
}

export function scatterChart(id: string, title: string, points: [number, number][], xName: string, theme: ChartTheme): ReportChart {
  return {
    id,
    title,
    height: 260,
    option: {
      ...base(theme, title),
      grid: { left: 48, right: 16, top: 36, bottom: 44 },
      xAxis: { ...valueAxis(theme, xName), scale: true },
      yAxis: valueAxis(theme, 'case mean predicted DSC', 0, 1),
      series: [{ type: 'scatter', name: title, data: points, symbolSize: 6, itemStyle: { color: COLOURS[theme].bar } }],
    },
  };
}

/** Organs ordered worst median first: the organs to look at come first. */
export function organsByMedian(report: Report): Report['organs'] {
  return [...report.organs].sort((a, b) => (a.median ?? 2) - (b.median ?? 2) || (a.organ < b.organ ? -1 : 1));
}

/** Every chart of a report, in the order the report shows them. */
export function reportCharts(report: Report, theme: ChartTheme = 'light'): ReportChart[] {
  const charts: ReportChart[] = [
    histogramChart('chart-labels', `All scored labels (n=${report.labels.n})`, report.histogram_edges, report.labels.histogram, theme),
    histogramChart('chart-cases', `Case means (n=${report.cases.n})`, report.histogram_edges, report.cases.histogram, theme),
    boxplotChart('chart-organs', 'Predicted DSC per organ (worst median first)', organsByMedian(report).map((o) => ({ name: o.organ, summary: o })), theme),
  ];
  report.groups.forEach((g, i) => {
    charts.push(boxplotChart(`chart-group-${i}`, `Predicted DSC by ${g.column} (labels)`, g.groups.map((v) => ({ name: v.value, summary: v })), theme));
  });
  const { sex, age } = report.bias;
  if (sex.column !== null) {
    charts.push(boxplotChart('chart-sex', 'Case means by sex', [{ name: 'female', summary: sex.female }, { name: 'male', summary: sex.male }], theme, 'case mean predicted DSC'));
  }
  if (age.column !== null) {
    charts.push(scatterChart('chart-age', 'Case means by age', age.points, 'age (years)', theme));
    charts.push(boxplotChart('chart-age-bands', 'Case means by age band', age.bands.map((b) => ({ name: b.band, summary: b })), theme, 'case mean predicted DSC'));
  }
  return charts;
}
