/** The quality report on Node: its inputs from files and the HTML file. The computation is src/shared/report. */
export { readScoresFile, readMetaFile, parseMetaTable, type MetaTable } from './read-inputs';
export { echartsSource, renderReportHtml, writeReportHtml } from './write-html';
