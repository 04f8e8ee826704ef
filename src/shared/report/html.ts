/**
 * The standalone HTML report: one file that opens offline, with ECharts inlined (the caller passes its source: the
 * report's own build, echarts-report.generated.ts, in the CLI and the app alike), the charts' options and the
 * report JSON embedded as JSON, every table written out as escaped HTML. Its Content-Security-Policy allows no
 * network at all. Pure: no file access here.
 */
import { reportCharts, organsByMedian } from './charts';
import { METHOD_NOTE, UNIT_NOTE, fmtDsc } from './format';
import { ageTable, bandTable, coverageTable, escapeHtml, failedTable, groupTable, organTable, sexTable, summaryTable, worstTable } from './html-tables';
import type { Report } from './model';

export interface HtmlOptions {
  /** The ECharts library as a script defining the global `echarts` (echarts-report.generated.ts, or echarts.min.js). */
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

/**
 * Draws the charts on the first screen at once and the others when they come near the viewport, or one per idle
 * moment, whichever is first, so that the page shows sooner (a 100-organ report has 8 charts, most below the fold).
 * Printing draws every chart first. The body says how far it got: data-charts-first (charts on the first screen,
 * data-first-render-ms), then data-charts-rendered (every chart, data-render-ms).
 */
const RENDER_SCRIPT = `(function () {
  var started = performance.now();
  var body = document.body;
  var items = [];
  JSON.parse(document.getElementById('report-charts').textContent).forEach(function (c) {
    var el = document.getElementById(c.id);
    if (el) items.push({ el: el, option: c.option, chart: null });
  });
  var drawn = 0;
  var observer = null;
  function draw(item) {
    if (item.chart) return;
    item.chart = echarts.init(item.el, null, { renderer: 'canvas' });
    item.chart.setOption(item.option);
    item.el.setAttribute('data-drawn', 'true');
    if (observer) observer.unobserve(item.el);
    if (++drawn === items.length) {
      body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
      body.setAttribute('data-charts-rendered', String(drawn));
    }
  }
  var margin = 200;
  var later = items.filter(function (it) {
    var r = it.el.getBoundingClientRect();
    return r.bottom < -margin || r.top > window.innerHeight + margin;
  });
  items.forEach(function (it) { if (later.indexOf(it) < 0) draw(it); });
  body.setAttribute('data-first-render-ms', String(Math.round(performance.now() - started)));
  body.setAttribute('data-charts-first', String(drawn));
  if (items.length === 0) {
    body.setAttribute('data-render-ms', '0');
    body.setAttribute('data-charts-rendered', '0');
  }
  if (window.IntersectionObserver) {
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        later.forEach(function (it) { if (it.el === e.target) draw(it); });
      });
    }, { rootMargin: margin + 'px' });
    later.forEach(function (it) { observer.observe(it.el); });
  }
  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 16); };
  function next() {
    for (var i = 0; i < later.length; i++) {
      if (!later[i].chart) { draw(later[i]); idle(next); return; }
    }
  }
  idle(next);
  window.addEventListener('beforeprint', function () { items.forEach(draw); });
  window.addEventListener('resize', function () { items.forEach(function (it) { if (it.chart) it.chart.resize(); }); });
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
