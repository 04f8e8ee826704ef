/**
 * Review decisions for the CLI's audit log, read from a project export of the app (Projects → Export project:
 * `*.sentinel-project.json`, format `sentinel-workstation-project`). Only what the audit needs is read, and
 * validated: a file of another kind is refused with its name.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { asSentinelError, SentinelError } from '../errors';
import type { AuditDecision } from '../../shared/export/audit-log';

const text = z.string().max(100_000);
const schema = z.object({
  format: z.literal('sentinel-workstation-project'),
  labels: z.array(z.object({ caseId: text, labelPath: text }).loose()),
  reviews: z.array(
    z.object({ labelPath: text, decision: z.enum(['accept', 'fixed', 'reject', 'flag']), note: text, annotator: text.nullable(), time: z.string().max(64) }).loose(),
  ),
}).loose();

export async function readDecisionsFile(path: string): Promise<AuditDecision[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw err instanceof SyntaxError ? new SentinelError('corrupt', `not JSON (${err.message})`, path) : asSentinelError(err, path);
  }
  const r = schema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SentinelError('invalid_argument', `not a project export of the workstation (${issue.path.join('.') || 'document'}: ${issue.message})`, path);
  }
  const caseOf = new Map(r.data.labels.map((l) => [l.labelPath, l.caseId]));
  return r.data.reviews.map((v) => ({ caseId: caseOf.get(v.labelPath), labelPath: v.labelPath, decision: v.decision, note: v.note, annotator: v.annotator, time: v.time }));
}
