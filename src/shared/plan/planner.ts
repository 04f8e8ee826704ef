/**
 * The correction budget planner: for a budget of labels (or minutes), which labels to fix first and how much the
 * mean predicted DSC is expected to rise, against picking the same number of labels at random.
 *
 * Model (docs/planner.md): a fixed label is assumed to reach `fixedDsc`; a label already at or above it gains
 * nothing. Gain of label i: g_i = max(0, fixedDsc − d_i). Priority: weight(organ) × g_i. The plan is the top k
 * candidates by priority, k = min(budget, candidates); that maximises the (weighted) sum of gains for k labels.
 * Pure: used by the CLI and the app alike.
 */
import type { LabelScore, LabelStatus } from '../scores';

/** A budget in labels, or in minutes at a number of minutes per label. */
export type PlanBudget = { labels: number } | { minutes: number; minutesPerLabel: number };

export const DEFAULT_FIXED_DSC = 0.95;
export const DEFAULT_MINUTES_PER_LABEL = 3;

/** A label as the planner sees it: a scores-CSV row, or a label of the app's database ('unscored' while pending). */
export interface PlanLabel extends Pick<LabelScore, 'caseId' | 'organ' | 'labelPath' | 'predictedDsc' | 'worstSlice' | 'model'> {
  status: LabelStatus | 'unscored';
  /** Why the caller keeps a scored label out of the choice (e.g. already reviewed); it still counts in the mean. */
  hold?: string;
}

export interface PlanOptions {
  budget: PlanBudget;
  /** Priority multiplier per organ (the label's `organ` name); absent organs weigh 1, weight 0 leaves an organ out. */
  organWeights?: Readonly<Record<string, number>>;
  /** DSC a label is assumed to have once fixed, in (0, 1]. */
  fixedDsc?: number;
}

export interface PlannedLabel {
  /** 1 for the first label to fix. */
  rank: number;
  caseId: string;
  labelPath: string;
  organ: string;
  predictedDsc: number;
  worstSlice: number | null;
  weight: number;
  /** Expected DSC gain of fixing this label: max(0, fixedDsc − predictedDsc). */
  gain: number;
  /** weight × gain: what the plan is ordered by. */
  priority: number;
}

export interface ExcludedLabel {
  caseId: string;
  labelPath: string;
  organ: string;
  status: PlanLabel['status'];
  reason: string;
}

export interface PlanEstimate {
  fixedDsc: number;
  /** Scored (status ok) labels: the mean DSC is over these. */
  population: number;
  /** Labels the plan could choose from (the population less held labels and organs of weight 0). */
  candidates: number;
  /** Labels the budget allows. */
  budgetLabels: number;
  chosen: number;
  /** Minutes the chosen labels take; null for a budget in labels. */
  minutes: number | null;
  meanDscBefore: number | null;
  meanDscAfter: number | null;
  /** meanDscAfter − meanDscBefore. */
  gain: number;
  /** Expected gain of `chosen` labels drawn uniformly at random from the candidates. */
  randomGain: number;
}

export interface OrganEstimate {
  organ: string;
  weight: number;
  /** Scored labels of this organ. */
  labels: number;
  chosen: number;
  meanDscBefore: number;
  meanDscAfter: number;
}

export interface Plan {
  budget: PlanBudget;
  items: PlannedLabel[];
  excluded: ExcludedLabel[];
  estimate: PlanEstimate;
  organs: OrganEstimate[];
  /** Models that scored the population, sorted. */
  models: string[];
  /** Weights given for organs no label has (a typo, most likely). */
  unusedWeights: string[];
}

/** Options the planner cannot work with (a usage error for the CLI, a message in the app). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Labels a budget allows; a small tolerance so that 30 minutes at 0.1 min/label is 300 labels, not 299. */
export function budgetLabels(budget: PlanBudget): number {
  if ('labels' in budget) {
    if (!Number.isInteger(budget.labels) || budget.labels < 0) throw new PlanError(`the budget must be a whole number of labels >= 0, got ${budget.labels}`);
    return budget.labels;
  }
  const { minutes, minutesPerLabel } = budget;
  if (!Number.isFinite(minutes) || minutes < 0) throw new PlanError(`the budget in minutes must be >= 0, got ${minutes}`);
  if (!Number.isFinite(minutesPerLabel) || minutesPerLabel <= 0) throw new PlanError(`minutes per label must be > 0, got ${minutesPerLabel}`);
  return Math.floor(minutes / minutesPerLabel + 1e-9);
}

function checkOptions(options: PlanOptions): { fixedDsc: number; weights: Map<string, number> } {
  const fixedDsc = options.fixedDsc ?? DEFAULT_FIXED_DSC;
  if (!Number.isFinite(fixedDsc) || fixedDsc <= 0 || fixedDsc > 1) throw new PlanError(`the DSC after a fix must be in (0, 1], got ${fixedDsc}`);
  const weights = new Map<string, number>();
  for (const [organ, w] of Object.entries(options.organWeights ?? {})) {
    if (!Number.isFinite(w) || w < 0) throw new PlanError(`the weight of ${organ} must be a number >= 0, got ${w}`);
    weights.set(organ, w);
  }
  return { fixedDsc, weights };
}

/** Code-unit order: the same on every machine and locale. */
const cmpText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Plan order: higher priority first; ties go to the lower predicted DSC, then case and label path. */
export function comparePlanned(a: PlannedLabel, b: PlannedLabel): number {
  return b.priority - a.priority || a.predictedDsc - b.predictedDsc || cmpText(a.caseId, b.caseId) || cmpText(a.labelPath, b.labelPath);
}

function exclusionReason(l: PlanLabel): string | null {
  if (l.status === 'unscored') return 'not scored yet';
  if (l.status !== 'ok') return `status ${l.status}`;
  if (l.predictedDsc === null || !Number.isFinite(l.predictedDsc)) return 'no predicted DSC';
  return null;
}

export function planCorrections(labels: readonly PlanLabel[], options: PlanOptions): Plan {
  const { fixedDsc, weights } = checkOptions(options);
  const allowed = budgetLabels(options.budget);
  // One row per label; a later row supersedes an earlier one (as `sentinel merge` does).
  const byKey = new Map<string, PlanLabel>();
  for (const l of labels) byKey.set(`${l.caseId}\u0000${l.labelPath}`, l);

  const excluded: ExcludedLabel[] = [];
  const population: PlannedLabel[] = [];
  const candidates: PlannedLabel[] = [];
  const models = new Set<string>();
  const seenOrgans = new Set<string>();
  for (const l of byKey.values()) {
    seenOrgans.add(l.organ);
    const out = (reason: string): void => void excluded.push({ caseId: l.caseId, labelPath: l.labelPath, organ: l.organ, status: l.status, reason });
    const reason = exclusionReason(l);
    if (reason !== null) {
      out(reason);
      continue;
    }
    const d = l.predictedDsc as number;
    const weight = weights.get(l.organ) ?? 1;
    const gain = Math.max(0, fixedDsc - d);
    const p: PlannedLabel = { rank: 0, caseId: l.caseId, labelPath: l.labelPath, organ: l.organ, predictedDsc: d, worstSlice: l.worstSlice, weight, gain, priority: weight * gain };
    population.push(p);
    models.add(l.model);
    if (l.hold) out(l.hold);
    else if (weight === 0) out('organ weight 0');
    else candidates.push(p);
  }

  candidates.sort(comparePlanned);
  const items = candidates.slice(0, Math.min(allowed, candidates.length)).map((p, i) => ({ ...p, rank: i + 1 }));
  excluded.sort((a, b) => cmpText(a.caseId, b.caseId) || cmpText(a.labelPath, b.labelPath));

  const n = population.length;
  const sumDsc = population.reduce((s, p) => s + p.predictedDsc, 0);
  const chosenGain = items.reduce((s, p) => s + p.gain, 0);
  const candidateGain = candidates.reduce((s, p) => s + p.gain, 0);
  const estimate: PlanEstimate = {
    fixedDsc,
    population: n,
    candidates: candidates.length,
    budgetLabels: allowed,
    chosen: items.length,
    // Rounded so that 3 × 0.1 min reads 0.3, not 0.30000000000000004, in the app and the assignment file.
    minutes: 'minutes' in options.budget ? Math.round(items.length * options.budget.minutesPerLabel * 1e6) / 1e6 : null,
    meanDscBefore: n ? sumDsc / n : null,
    meanDscAfter: n ? (sumDsc + chosenGain) / n : null,
    gain: n ? chosenGain / n : 0,
    // E[sum of k gains drawn without replacement] = k × mean candidate gain; divided by n for the mean DSC.
    randomGain: n && candidates.length ? (items.length * (candidateGain / candidates.length)) / n : 0,
  };

  return {
    budget: { ...options.budget },
    items,
    excluded,
    estimate,
    organs: organEstimates(population, items, weights),
    models: [...models].sort(cmpText),
    unusedWeights: [...weights.keys()].filter((o) => !seenOrgans.has(o)).sort(cmpText),
  };
}

function organEstimates(population: PlannedLabel[], items: PlannedLabel[], weights: Map<string, number>): OrganEstimate[] {
  const chosen = new Map(items.map((p) => [`${p.caseId}\u0000${p.labelPath}`, p]));
  const acc = new Map<string, { labels: number; chosen: number; before: number; after: number }>();
  for (const p of population) {
    const a = acc.get(p.organ) ?? { labels: 0, chosen: 0, before: 0, after: 0 };
    const picked = chosen.has(`${p.caseId}\u0000${p.labelPath}`);
    a.labels++;
    a.before += p.predictedDsc;
    a.after += p.predictedDsc + (picked ? p.gain : 0);
    if (picked) a.chosen++;
    acc.set(p.organ, a);
  }
  return [...acc.entries()]
    .map(([organ, a]) => ({ organ, weight: weights.get(organ) ?? 1, labels: a.labels, chosen: a.chosen, meanDscBefore: a.before / a.labels, meanDscAfter: a.after / a.labels }))
    .sort((x, y) => cmpText(x.organ, y.organ));
}
