/**
 * Scores a set of labels of a scanned dataset, case by case. Two cases are in flight at once, so the next case's
 * CT and masks decode while the model still works on the previous one's slices.
 */
import type { CaseEntry, DatasetManifest, LabelEntry } from '../dataset/manifest';
import type { LabelScore } from '../../shared/scores';
import { scoreCaseLabels } from './score-case';
import type { Scorer } from './scorer';
import { mapWithConcurrency } from './concurrency';

export interface ScoreDatasetOptions {
  /** Labels to score (default: every label of the manifest), grouped by case internally. */
  labels?: LabelEntry[];
  /** Cases in flight at once (default 2). */
  caseConcurrency?: number;
  resolvePath?: (relativePath: string) => string;
  signal?: AbortSignal;
}

export async function scoreDataset(
  manifest: DatasetManifest,
  scorer: Scorer,
  onScore: (s: LabelScore) => void,
  opts: ScoreDatasetOptions = {},
): Promise<void> {
  const wanted = opts.labels ?? manifest.cases.flatMap((c) => c.labels);
  const byCase = new Map<string, LabelEntry[]>();
  for (const l of wanted) {
    const list = byCase.get(l.caseId);
    if (list) list.push(l);
    else byCase.set(l.caseId, [l]);
  }
  const cases: [CaseEntry, LabelEntry[]][] = manifest.cases
    .filter((c) => byCase.has(c.id))
    .map((c) => [c, byCase.get(c.id) as LabelEntry[]]);
  await mapWithConcurrency(
    cases,
    opts.caseConcurrency ?? 2,
    async ([entry, labels]) => {
      if (opts.signal?.aborted) return;
      await scoreCaseLabels(
        entry,
        labels,
        {
          root: manifest.root,
          settings: scorer.settings,
          batcher: scorer.batcher,
              prepPool: scorer.prepPool ?? undefined,
          embedding: (id) => scorer.embedding(id),
          resolvePath: opts.resolvePath,
          signal: opts.signal,
        },
        onScore,
      );
    },
    () => scorer.batcher.flush(),
  );
  scorer.batcher.flush();
}
