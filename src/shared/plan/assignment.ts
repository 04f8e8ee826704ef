/**
 * The review assignment file: the labels a plan chose, in order, with the budget and estimate that chose them.
 * `sentinel plan` writes it and the app imports and exports it, as JSON or CSV (assignment-json.ts,
 * assignment-csv.ts); both go through this one schema. The format is versioned: a reader refuses a newer version
 * instead of guessing. docs/planner.md describes it.
 */
import { z } from 'zod';
import type { Plan } from './planner';
import { effectiveWeights, type OrganWeights } from './weights';

export const ASSIGNMENT_FORMAT = 'sentinel-assignment';
export const ASSIGNMENT_VERSION = 1;

const text = z.string().max(10_000);
const count = z.number().int().nonnegative();
const dsc = z.number().finite();

const budgetSchema = z.union([
  z.object({ labels: count }).strict(),
  z.object({ minutes: z.number().finite().nonnegative(), minutesPerLabel: z.number().finite().positive() }).strict(),
]);

const itemSchema = z.object({
  rank: z.number().int().min(1),
  caseId: z.string().min(1).max(10_000),
  labelPath: z.string().min(1).max(10_000),
  organ: text,
  predictedDsc: dsc,
  worstSlice: z.number().int().nullable(),
});

const estimateSchema = z.object({
  fixedDsc: z.number().gt(0).max(1),
  population: count,
  candidates: count,
  budgetLabels: count,
  chosen: count,
  minutes: z.number().finite().nonnegative().nullable(),
  meanDscBefore: dsc.nullable(),
  meanDscAfter: dsc.nullable(),
  gain: dsc,
  randomGain: dsc,
});

export const assignmentSchema = z
  .object({
    format: z.literal(ASSIGNMENT_FORMAT),
    version: z.literal(ASSIGNMENT_VERSION),
    /** ISO-8601 time the plan was made. */
    created: z.string().min(1).max(64),
    /** Who made it: the annotator in the app, `sentinel plan` (or --created-by) on the command line. */
    createdBy: text,
    /** name@version of the model(s) whose scores the plan used, comma-separated when several. */
    model: text,
    budget: budgetSchema,
    /** Organ weights that differ from 1. */
    weights: z.record(z.string().min(1), z.number().finite().nonnegative()).optional(),
    assignee: z.string().min(1).max(10_000).optional(),
    items: z.array(itemSchema),
    estimate: estimateSchema,
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.items.forEach((item, i) => {
      if (item.rank !== i + 1) ctx.addIssue({ code: 'custom', path: ['items', i, 'rank'], message: `rank ${item.rank} where ${i + 1} was expected (items are listed in rank order from 1)` });
      const key = `${item.caseId}\u0000${item.labelPath}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['items', i, 'labelPath'], message: `${item.caseId} ${item.labelPath} is listed twice` });
      seen.add(key);
    });
    if (a.estimate.chosen !== a.items.length) ctx.addIssue({ code: 'custom', path: ['estimate', 'chosen'], message: `says ${a.estimate.chosen} labels but ${a.items.length} are listed` });
  });

export type Assignment = z.infer<typeof assignmentSchema>;
export type AssignmentItem = Assignment['items'][number];
export type AssignmentBudget = Assignment['budget'];

/** A malformed assignment file: the file, the line when one is at fault (1-based), the reason. */
export class AssignmentFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}: ${line === null ? '' : `line ${line}: `}${reason}`);
    this.name = 'AssignmentFormatError';
  }
}

/** Where a file puts things, for error messages: the line of the i-th item and of each top-level field. */
export interface SourceLines {
  item?: (index: number) => number | undefined;
  field?: (name: string) => number | undefined;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

/** Checks a parsed document against the schema; the first problem becomes an error naming the file (and line). */
export function validateAssignment(value: unknown, file: string, lines: SourceLines = {}): Assignment {
  const head = z.object({ format: z.unknown(), version: z.unknown() }).partial().safeParse(value);
  const format = head.success ? head.data.format : undefined;
  const version = head.success ? head.data.version : undefined;
  if (format !== ASSIGNMENT_FORMAT) throw new AssignmentFormatError(file, lines.field?.('format') ?? null, `not a review assignment (format "${ASSIGNMENT_FORMAT}" expected)`);
  if (typeof version === 'number' && version > ASSIGNMENT_VERSION) {
    throw new AssignmentFormatError(file, lines.field?.('version') ?? null, `assignment format version ${version} is newer than this version reads (${ASSIGNMENT_VERSION})`);
  }
  const parsed = assignmentSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const [first, second] = issue.path;
  const line = first === 'items' && typeof second === 'number' ? lines.item?.(second) : typeof first === 'string' ? lines.field?.(first) : undefined;
  throw new AssignmentFormatError(file, line ?? null, `${pathText(issue.path)}: ${issue.message}`);
}

export interface AssignmentMeta {
  created: string;
  createdBy: string;
  assignee?: string | null;
  /** The weights the plan was made with (those equal to 1 are not recorded). */
  organWeights?: Readonly<OrganWeights>;
}

/** The assignment of a plan; fields in the order the JSON file lists them. */
export function assignmentFromPlan(plan: Plan, meta: AssignmentMeta): Assignment {
  const weights = effectiveWeights(meta.organWeights ?? {});
  return {
    format: ASSIGNMENT_FORMAT,
    version: ASSIGNMENT_VERSION,
    created: meta.created,
    createdBy: meta.createdBy,
    model: plan.models.join(', '),
    budget: 'labels' in plan.budget ? { labels: plan.budget.labels } : { minutes: plan.budget.minutes, minutesPerLabel: plan.budget.minutesPerLabel },
    ...(Object.keys(weights).length ? { weights } : {}),
    ...(meta.assignee ? { assignee: meta.assignee } : {}),
    items: plan.items.map((p) => ({ rank: p.rank, caseId: p.caseId, labelPath: p.labelPath, organ: p.organ, predictedDsc: p.predictedDsc, worstSlice: p.worstSlice })),
    estimate: { ...plan.estimate },
  };
}
