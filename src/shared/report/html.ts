/**
 * The standalone HTML report: one file that opens offline, with ECharts inlined (the caller passes its source:
 * core reads echarts/dist/echarts.min.js, the app a bundled copy), the charts' options and the report JSON
 * embedded as JSON, every table written out as escaped HTML. Its Content-Security-Policy allows no network at all.
 * Pure: no file access here.
 */
import { reportCharts, organsByMedian } from './charts';
import { METHOD_NOTE, UNIT_NOTE, fmtDsc } from './format';
import { ageTable, bandTable, coverageTable, escapeHtml, failedTable, groupTable, organTable, sexTable, summaryTable, worstTable } from './html-tables';
import type { Report } from './model';

export interface HtmlOptions {
  /** The ECharts library (the text of echarts.min.js). */
  echartsSource: string;
  /** When the report was made (ISO 8601); shown, not computed here, so the builder stays pure. */
  generatedAt?: string;
}

/** Only inline scripts and styles, no fetches, frames, forms or base URL: the file cannot reach anything. */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

/** JSON safe inside a <script> element: no `</script>`, no HTML comment openers, no JS line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function inlineScript(source: string): string {
  // A literal </script inside the library would end the element early; in JS strings <\/ means the same.
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

const RENDER_SCRIPT = `(function () {
  var started = performance.now();
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var done = 0;
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(c.option);
    window.addEventListener('resize', function () { chart.resize(); });
    done++;
  });
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
  document.body.setAttribute('data-charts-rendered', String(done));
})();`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin-top: 1.2rem; }
.muted { color: #666; font-size: 0.9rem; } .note { background: #f5f7fa; padding: 0.5rem 0.8rem; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.2rem 0.6rem; text-align: left; }
table.num td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
.chart { width: 100%; margin: 0.6rem 0; }
@media print { .chart { break-inside: avoid; } }
`;

const chartDiv = (id: string, height: number): string => `<div class="chart" id="${escapeHtml(id)}" style="height:${height}px"></div>`;

export function reportHtml(report: Report, options: HtmlOptions): string {
  const charts = reportCharts(report, 'light');
  const heights = new Map(charts.map((c) => [c.id, c.height]));
  const chart = (id: string): string => (heights.has(id) ? chartDiv(id, heights.get(id) as number) : '');
  const { coverage, bias } = report;
  const title = `Sentinel quality report${report.source ? `: ${report.source}` : ''}`;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  parts.push(
    `<p class="muted">${escapeHtml(
      [
        `models: ${report.models.join(', ') || 'none'}`,
        options.generatedAt ? `made ${options.generatedAt}` : '',
        `${coverage.cases} cases, ${coverage.scored} of ${coverage.labels} labels scored`,
      ]
        .filter(Boolean)
        .join(' · '),
    )}</p>`,
  );
  parts.push(`<p class="note">Predicted DSC is the Quality Sentinel model's estimate of each label's Dice against a manual reference, not a measured Dice.</p>`);

  parts.push('<h2>Coverage</h2>', coverageTable(coverage));
  if (coverage.failed.length > 0) parts.push('<h3>Labels without a score</h3>', failedTable(coverage));

  parts.push('<h2>Distributions</h2>', chart('chart-labels'), chart('chart-cases'));
  parts.push(summaryTable([{ name: 'labels', summary: report.labels }, { name: 'case means', summary: report.cases }], ''));

  parts.push('<h2>Per organ</h2>', chart('chart-organs'), organTable(organsByMedian(report)));

  report.groups.forEach((g, i) => {
    parts.push(`<h2>By ${escapeHtml(g.column)}</h2>`, chart(`chart-group-${i}`), groupTable(g));
  });

  parts.push('<h2>Bias analysis</h2>', `<p class="note">${escapeHtml(UNIT_NOTE)} Groups smaller than ${bias.min_group_size} cases get no test ("not enough data").</p>`);
  parts.push(`<h3>Sex${bias.sex.column ? ` (column "${escapeHtml(bias.sex.column)}")` : ''}</h3>`);
  if (bias.sex.column === null) parts.push('<p>The metadata has no sex or gender column.</p>');
  else {
    parts.push(`<p class="muted">${bias.sex.missing} scored case(s) without a usable sex value are left out.</p>`, chart('chart-sex'), sexTable(bias.sex.overall, bias.sex.per_organ));
  }
  parts.push(`<h3>Age${bias.age.column ? ` (column "${escapeHtml(bias.age.column)}")` : ''}</h3>`);
  if (bias.age.column === null) parts.push('<p>The metadata has no age column.</p>');
  else {
    parts.push(`<p class="muted">${bias.age.missing} scored case(s) without a usable age are left out.</p>`, chart('chart-age'), chart('chart-age-bands'));
    parts.push(ageTable(bias.age.overall, bias.age.per_organ), bandTable(bias.age.bands));
  }
  parts.push(`<p class="muted">${escapeHtml(METHOD_NOTE)}</p>`);

  parts.push(`<h2>Worst labels</h2>`, `<p class="muted">The ${report.worst.length} lowest predicted DSC (lowest: ${fmtDsc(report.worst[0]?.predicted_dsc)}).</p>`, worstTable(report.worst));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script id="report-charts" type="application/json">${scriptJson(charts)}</script>
<script>${inlineScript(options.echartsSource)}</script>
<script>${RENDER_SCRIPT}</script>
</body>
</html>
`;
}
