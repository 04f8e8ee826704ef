/**
 * `sentinel convert <dataset> --to nifti --out <folder>`: writes the NIfTI conversion of a dataset of any layout and
 * format (DICOM series, NRRD, .seg.nrrd, DICOM SEG) in the TotalSegmentator layout (core/dataset/convert.ts).
 * Per-label problems are reported and skipped; only an unreadable dataset or an unusable output folder is fatal.
 */
import { resolve } from 'node:path';
import { scanDataset } from '../../core/dataset';
import { convertDatasetToNifti } from '../../core/dataset/convert';
import { LabelStore } from '../../core/store';
import { parse, UsageError } from '../args';

export const CONVERT_USAGE = 'usage: sentinel convert <dataset> --to nifti --out <folder> [--organs a,b] [--quiet]';

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { to: { type: 'string' }, out: { type: 'string', short: 'o' }, organs: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    CONVERT_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one dataset folder\n\n${CONVERT_USAGE}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${CONVERT_USAGE}`);
  if ((values.to ?? 'nifti').toLowerCase() !== 'nifti') throw new UsageError(`--to: only "nifti" is supported, got "${values.to}"`);
  const root = resolve(positionals[0]);
  const out = resolve(values.out);

  // Corrections saved to a workspace (read-only datasets) are converted in place of the originals, as scored.
  const store = await LabelStore.open({ root });
  const manifest = await scanDataset(root, { organs: values.organs?.split(',').map((s) => s.trim()).filter(Boolean) });
  for (const issue of manifest.issues) process.stderr.write(`${issue.severity}: ${issue.path || root}: ${issue.message}\n`);
  const res = await convertDatasetToNifti(manifest, out, { resolvePath: (rel) => store.resolvePath(rel) });
  let written = 0;
  for (const l of res.labels) {
    if (l.to) written++;
    if (l.note && (!values.quiet || !l.to)) process.stderr.write(`${l.to ? 'warning' : 'skipped'}: ${l.caseId}: ${l.from}: ${l.note}\n`);
  }
  for (const c of res.failedCases) process.stderr.write(`error: case ${c.caseId}: ${c.reason}\n`);
  if (!values.quiet) {
    process.stderr.write(`${res.cases} cases, ${written} of ${res.labels.length} labels -> ${out}\n`);
  }
  return 0;
}
