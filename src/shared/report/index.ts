/**
 * The quality report: distributions of predicted DSC (per organ, per case, per metadata value), coverage, the
 * worst labels and the bias analysis. One implementation for `sentinel report`, the app's Reports view and the
 * HTML report; pure (no node:*), so the renderer imports it too. See docs/reports.md.
 */
export * from './model';
export { buildReport, MISSING_VALUE } from './build';
export { biasAnalysis } from './bias';
export { reportLabelsFromScores } from './from-scores';
export { metaColumns, parseAge, parseSex, sexColumn, ageColumn } from './meta-values';
export { reportCharts, organsByMedian, type ReportChart, type ChartTheme } from './charts';
export { reportHtml, REPORT_CSP, scriptJson, type HtmlOptions } from './html';
export { fmtDsc, fmtP, fmtStat, UNIT_NOTE, METHOD_NOTE } from './format';
