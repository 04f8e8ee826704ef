/** Organ weights as people write them: `liver=2,spleen=0.5` on a command line, or a JSON object `{"liver": 2}`. */
import { z } from 'zod';
import { PlanError } from './planner';

export type OrganWeights = Record<string, number>;

const weightsSchema = z.record(z.string().min(1), z.number().finite().nonnegative());

/** `organ=w,organ=w`; an organ named twice is refused rather than silently taking one of the values. */
export function parseOrganWeightList(text: string): OrganWeights {
  const out: OrganWeights = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.lastIndexOf('=');
    const organ = eq < 0 ? '' : item.slice(0, eq).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    const w = Number(value);
    if (organ === '' || value === '' || !Number.isFinite(w) || w < 0) throw new PlanError(`organ weights: "${item}" is not organ=weight with a weight >= 0`);
    if (organ in out) throw new PlanError(`organ weights: ${organ} is given twice`);
    out[organ] = w;
  }
  return out;
}

/** The text of a weights JSON file: one object of organ → weight >= 0. The caller names the file in errors. */
export function parseOrganWeightsJson(text: string): OrganWeights {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PlanError(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = weightsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanError(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message} (an object of organ name → weight >= 0 expected)`);
  }
  return parsed.data;
}

/** The weights that differ from 1, sorted by organ: what a plan records. */
export function effectiveWeights(weights: Readonly<OrganWeights>): OrganWeights {
  const out: OrganWeights = {};
  for (const organ of Object.keys(weights).sort()) if (weights[organ] !== 1) out[organ] = weights[organ];
  return out;
}
