/** The readable summary of an evaluation report that the CLI prints on stdout. */
import type { EvalReport } from './report';
import type { Agreement } from '../../shared/stats/correlation';

const num = (x: number | null, digits = 3): string => (x === null ? '-' : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const agreementCells = (a: Agreement): string[] => [String(a.n), num(a.pearson), num(a.spearman), num(a.mae)];

export function formatSummary(r: EvalReport): string {
  const out: string[] = [];
  const testModel = r.model.purpose === 'test-only' ? ' (TEST MODEL: random weights; these numbers say nothing about quality)' : '';
  out.push(`sentinel eval: model ${r.model.name}${testModel}`);
  out.push(
    r.mode === 'degrade'
      ? `dataset ${r.dataset}: ${r.variants} seeded degradations + the unchanged label per reference, seed ${r.seed}`
      : `dataset ${r.dataset} scored against the labels of ${r.against}`,
  );
  const c = r.counts;
  out.push(
    `${c.cases} cases, ${c.references} labels, ${c.records} scored masks, ${c.slices} slices; ${c.skipped} skipped; ` +
      `${c.bad} masks with true DSC < ${r.badThreshold}`,
  );
  out.push('');
  out.push('Predicted vs true DSC');
  out.push(...table(['level', 'n', 'Pearson r', 'Spearman rho', 'MAE'], [
    ['label', ...agreementCells(r.metrics.label)],
    ['slice', ...agreementCells(r.metrics.slice)],
  ]));
  out.push('');
  out.push('Per organ');
  out.push(
    ...table(
      ['organ', 'n', 'r', 'rho', 'MAE', 'slices', 'slice r', 'slice rho', 'slice MAE'],
      Object.entries(r.metrics.perOrgan).map(([organ, m]) => [organ, ...agreementCells(m.label), ...agreementCells(m.slice)]),
    ),
  );
  out.push('');
  out.push(r.mode === 'degrade' ? 'True DSC by degradation' : 'True DSC');
  out.push(
    ...table(
      ['kind', 'n', 'min', 'median', 'max', 'MAE'],
      Object.entries(r.metrics.byKind).map(([kind, k]) => [kind, String(k.n), num(k.trueDsc.min), num(k.trueDsc.median), num(k.trueDsc.max), num(k.mae)]),
    ),
  );
  out.push(`histogram of true DSC (0.1 bins from 0): ${r.trueDscHistogram.join(' ')}`);
  out.push('');
  const rv = r.review;
  if (rv.points.length === 0) {
    out.push(`Review efficiency: no mask has true DSC < ${rv.threshold}, nothing to find.`);
  } else {
    out.push(`Review efficiency: share of the ${rv.labels} masks reviewed, lowest score first, to find a share of the ${rv.bad} bad ones`);
    out.push(
      ...table(
        ['find', 'model', 'baseline', 'random', 'ideal'],
        rv.points.map((p) => [`${Math.round(p.found * 100)}% (${p.needed})`, pct(p.model), pct(p.baseline), pct(p.random), pct(p.ideal)]),
      ),
    );
    out.push(`baseline: compactness relative to the organ's median (Spearman rho with true DSC ${num(r.baseline.label.spearman)})`);
  }
  if (r.skipped.length > 0) {
    out.push('');
    out.push(`Skipped (${r.skipped.length}):`);
    for (const s of r.skipped.slice(0, 20)) out.push(`  ${s.caseId} ${s.organ}: ${s.reason}`);
    if (r.skipped.length > 20) out.push(`  ... and ${r.skipped.length - 20} more (see the report)`);
  }
  return out.join('\n') + '\n';
}
