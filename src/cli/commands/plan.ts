/**
 * `sentinel plan <scores.csv> --budget-labels N | --budget-minutes M ... --out plan.json|plan.csv`: chooses the
 * labels to fix within a budget (lowest predicted DSC first, optionally weighted per organ), writes them as a review
 * assignment the app imports, and prints the expected gain in mean DSC against a random pick of the same size.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { asSentinelError, SentinelError } from '../../core/errors';
import { readScoresFile } from '../../core/report/read-inputs';
import {
  assignmentFormatOf,
  assignmentFromPlan,
  DEFAULT_FIXED_DSC,
  DEFAULT_MINUTES_PER_LABEL,
  parseOrganWeightList,
  parseOrganWeightsJson,
  planCorrections,
  PlanError,
  serialiseAssignment,
  type OrganWeights,
  type Plan,
  type PlanBudget,
} from '../../shared/plan';
import { parse, UsageError } from '../args';

export const PLAN_USAGE = `usage: sentinel plan <scores.csv> (--budget-labels N | --budget-minutes M [--minutes-per-label ${DEFAULT_MINUTES_PER_LABEL}])
                    [--organ-weights organ=w,...|weights.json] [--fixed-dsc ${DEFAULT_FIXED_DSC}] [--assignee NAME]
                    [--created-by NAME] --out plan.json|plan.csv`;

const OPTIONS = {
  'budget-labels': { type: 'string' },
  'budget-minutes': { type: 'string' },
  'minutes-per-label': { type: 'string' },
  'organ-weights': { type: 'string' },
  'fixed-dsc': { type: 'string' },
  assignee: { type: 'string' },
  'created-by': { type: 'string' },
  out: { type: 'string', short: 'o' },
} as const;

function number(v: string, flag: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${flag} must be ${what}, got "${v}"`);
  return n;
}

function budgetOf(values: { 'budget-labels'?: string; 'budget-minutes'?: string; 'minutes-per-label'?: string }): PlanBudget {
  const labels = values['budget-labels'];
  const minutes = values['budget-minutes'];
  if ((labels === undefined) === (minutes === undefined)) throw new UsageError(`give exactly one of --budget-labels and --budget-minutes\n\n${PLAN_USAGE}`);
  if (labels !== undefined) {
    if (values['minutes-per-label'] !== undefined) throw new UsageError('--minutes-per-label goes with --budget-minutes');
    return { labels: number(labels, 'budget-labels', (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0') };
  }
  return {
    minutes: number(minutes as string, 'budget-minutes', (n) => n >= 0, 'a number of minutes >= 0'),
    minutesPerLabel: values['minutes-per-label'] === undefined ? DEFAULT_MINUTES_PER_LABEL : number(values['minutes-per-label'], 'minutes-per-label', (n) => n > 0, 'a number > 0'),
  };
}

/** `organ=w,...` inline, or the path of a JSON file of organ → weight. */
async function weightsOf(v: string | undefined): Promise<OrganWeights> {
  if (v === undefined) return {};
  try {
    if (v.includes('=')) return parseOrganWeightList(v);
  } catch (e) {
    throw new UsageError(`--organ-weights: ${e instanceof Error ? e.message : String(e)}`);
  }
  let text: string;
  try {
    text = await readFile(resolve(v), 'utf8');
  } catch (e) {
    throw asSentinelError(e, v);
  }
  try {
    return parseOrganWeightsJson(text);
  } catch (e) {
    throw new SentinelError('corrupt', `organ weights: ${e instanceof Error ? e.message : String(e)}`, v);
  }
}

const fmt = (v: number | null, digits = 4): string => (v === null ? '—' : v.toFixed(digits));

/** What the plan expects, for people: the estimate, the first labels, what was left out and why. */
export function describePlan(plan: Plan): string {
  const e = plan.estimate;
  const budget = 'labels' in plan.budget ? `${plan.budget.labels} labels` : `${plan.budget.minutes} min at ${plan.budget.minutesPerLabel} min/label`;
  const ratio = e.randomGain > 0 ? ` (${(e.gain / e.randomGain).toFixed(2)}× random)` : '';
  const lines = [
    `budget ${budget}: ${e.chosen} of ${e.candidates} candidate labels chosen${e.minutes === null ? '' : `, ${e.minutes} min`}; ${e.population} scored labels, fixed DSC assumed ${e.fixedDsc}`,
    `expected mean DSC ${fmt(e.meanDscBefore)} -> ${fmt(e.meanDscAfter)}: gain ${fmt(e.gain)}${ratio}; a random pick of ${e.chosen}: ${fmt(e.randomGain)}`,
  ];
  for (const o of plan.organs) if (o.chosen > 0) lines.push(`  ${o.organ}${o.weight === 1 ? '' : ` (weight ${o.weight})`}: ${o.chosen} of ${o.labels}, mean ${fmt(o.meanDscBefore)} -> ${fmt(o.meanDscAfter)}`);
  const reasons = new Map<string, number>();
  for (const x of plan.excluded) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
  for (const [reason, n] of reasons) lines.push(`left out: ${n} × ${reason}`);
  return `${lines.join('\n')}\n`;
}

export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, PLAN_USAGE);
  if (positionals.length !== 1) throw new UsageError(`give exactly one scores CSV\n\n${PLAN_USAGE}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${PLAN_USAGE}`);
  const format = assignmentFormatOf(values.out);
  if (!format) throw new UsageError(`--out must end in .json or .csv, got "${values.out}"`);
  const budget = budgetOf(values);
  const fixedDsc = values['fixed-dsc'] === undefined ? DEFAULT_FIXED_DSC : number(values['fixed-dsc'], 'fixed-dsc', (n) => n > 0 && n <= 1, 'a DSC in (0, 1]');
  if (values.assignee !== undefined && values.assignee.trim() === '') throw new UsageError('--assignee must not be empty');
  const organWeights = await weightsOf(values['organ-weights']);

  const file = positionals[0];
  const scores = await readScoresFile(file);
  let plan: Plan;
  try {
    plan = planCorrections(scores, { budget, organWeights, fixedDsc });
  } catch (e) {
    if (e instanceof PlanError) throw new UsageError(e.message);
    throw e;
  }
  if (plan.estimate.population === 0) throw new SentinelError('empty', 'no label with status ok and a predicted DSC: nothing to plan', file);
  for (const organ of plan.unusedWeights) process.stderr.write(`warning: no label of organ "${organ}" in ${file}; its weight is unused\n`);

  const assignment = assignmentFromPlan(plan, {
    created: new Date().toISOString(),
    createdBy: values['created-by'] ?? 'sentinel plan',
    assignee: values.assignee ?? null,
    organWeights,
  });
  try {
    await writeFile(resolve(values.out), serialiseAssignment(assignment, format));
  } catch (e) {
    throw asSentinelError(e, values.out);
  }
  process.stdout.write(describePlan(plan));
  process.stderr.write(`${plan.items.length} labels -> ${values.out}\n`);
  return 0;
}
