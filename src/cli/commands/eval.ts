/**
 * `sentinel eval <dataset>`: how well the model's predicted DSC tracks the true DSC. The dataset's masks are the
 * references; each gets N seeded degradations (plus itself unchanged), scored in memory through the normal
 * pipeline, compared with their true Dice. With --against, the dataset's labels are scored as they are and the
 * same-named labels of another dataset are the truth. Writes report.json (docs/eval.md) and prints a summary.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildReport, formatSummary, runEval, type EvalReport } from '../../core/eval';
import { openScorer } from '../../core/scoring/scorer';
import { parse, positiveInt, UsageError } from '../args';
import { ProgressBar } from '../progress';
import { announceModel, MODEL_FLAGS, modelChoice } from '../model-flags';

export const EVAL_USAGE = `usage: sentinel eval <dataset> [--variants 10] [--seed 1] [--out eval-report.json] [--model m.onnx]
                     [--against <labels-dataset>] [--organs a,b] [--ep cpu|cuda|..] [--threads N] [--batch N] [--quiet]`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      variants: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', short: 'o' },
      ...MODEL_FLAGS,
      against: { type: 'string' },
      organs: { type: 'string' },
    },
    EVAL_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one dataset folder\n\n${EVAL_USAGE}`);
  const variants = positiveInt(values.variants, 'variants', 10);
  const seed = parseSeed(values.seed);
  const out = resolve(values.out ?? 'eval-report.json');
  const organs = values.organs?.split(',').map((s) => s.trim()).filter(Boolean);
  const { modelPath, executionProviders, threads, batchSize, quiet } = modelChoice(values);

  const scorer = await openScorer({ modelPath, executionProviders, threads, batchSize });
  const card = scorer.info.card;
  announceModel(scorer, quiet);
  // Made on the first progress call, when the number of labels is known.
  let bar: ProgressBar | null = null;
  const started = Date.now();
  let report: EvalReport;
  try {
    const run = await runEval(
      {
        dataset: positionals[0],
        against: values.against,
        variants,
        seed,
        organs,
        onProgress: quiet
          ? undefined
          : (p) => {
              bar ??= new ProgressBar(p.total, values.against ? 'scoring' : 'degrading + scoring');
              bar.update(p.done, p.caseId);
            },
      },
      scorer,
    );
    report = buildReport(run, { model: { name: scorer.settings.modelTag, purpose: card.purpose }, variants, seed, organs });
    if (!quiet) for (const issue of run.issues) process.stderr.write(`${issue}\n`);
  } finally {
    (bar as ProgressBar | null)?.finish();
    await scorer.close();
  }
  await writeFile(out, JSON.stringify(report, null, 1) + '\n');
  process.stdout.write(formatSummary(report));
  if (!quiet) process.stderr.write(`${report.counts.records} masks in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${out}\n`);
  return 0;
}

function parseSeed(v: string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`--seed must be a whole number in 0..4294967295, got "${v}"`);
  return n;
}
