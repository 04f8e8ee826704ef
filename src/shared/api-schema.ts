/**
 * Runtime validation of what crosses the API boundary (IPC and HTTP). Both transports validate every request
 * with these schemas before the engine sees it: a compromised renderer cannot send the engine anything else.
 */
import { z } from 'zod';
import type { ApiMethod } from './api';
import { LABEL_STATUSES, type LabelStatus } from './scores';

const path = z.string().min(1).max(4096).refine((p) => !p.includes('\u0000'), 'path contains a NUL byte');
const labelRef = { root: path, caseId: z.string().min(1).max(1024), labelPath: path };
const annotator = z.string().min(1).max(200);
/**
 * Labels (and decisions) one export request carries. The browser host receives the whole request before checking
 * it; this keeps the largest accepted request to a few tens of MB. Larger datasets export with `sentinel export`.
 */
export const MAX_EXPORT_LABELS = 200_000;
/** Names an export in its events and in cancelExport. */
const exportId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an export id');
/** Content versions (sha256-…) and history ids (20250131T235959123Z). */
const version = z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'not a version id');
/**
 * A mask is raw bytes, one per voxel (up to 2^31 voxels); whether its length fits the label's grid is for the
 * engine to check, which knows the grid.
 */
const mask = z
  .instanceof(Uint8Array)
  .refine((m) => m.length > 0 && m.length <= 2 ** 31, 'the mask must hold one byte per voxel of the label');

export const apiRequestSchemas = {
  engineInfo: z.undefined().or(z.null()),
  openProject: path,
  score: z
    .object({
      root: path,
      labelPaths: z.array(path).max(1_000_000).optional(),
      priority: z.enum(['interactive', 'open_case', 'unscored', 'stale']).optional(),
    })
    .strict(),
  controlScoring: z.object({ root: path, action: z.enum(['pause', 'resume', 'cancel']) }).strict(),
  loadLabel: z.object(labelRef).strict(),
  saveMask: z.object({ ...labelRef, mask, annotator, baseVersion: version }).strict(),
  listHistory: z.object(labelRef).strict(),
  revert: z.object({ ...labelRef, version, annotator }).strict(),
  exportToFolder: z
    .object({
      id: exportId,
      root: path,
      to: path,
      what: z.enum(['nnunet', 'audit']),
      scores: z
        .array(
          z
            .object({
              caseId: z.string().min(1).max(1024),
              labelPath: path,
              status: z.enum(LABEL_STATUSES as [LabelStatus, ...LabelStatus[]]),
              predictedDsc: z.number().finite().nullable(),
              model: z.string().max(400).optional(),
              decision: z.enum(['accept', 'fixed', 'reject', 'flag']).nullable().optional(),
            })
            .strict(),
        )
        .max(MAX_EXPORT_LABELS)
        .optional(),
      threshold: z.number().min(0).max(1).optional(),
      organs: z.array(z.string().min(1).max(400)).max(10_000).optional(),
      datasetId: z.number().int().min(1).max(999).optional(),
      datasetName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-"').optional(),
      link: z.boolean().optional(),
      includeIdentifiers: z.boolean().optional(),
      decisions: z
        .array(
          z
            .object({
              caseId: z.string().max(1024).optional(),
              labelPath: path,
              decision: z.enum(['accept', 'fixed', 'reject', 'flag']),
              note: z.string().max(100_000).optional(),
              annotator: z.string().max(200).nullable().optional(),
              time: z.string().max(64),
            })
            .strict(),
        )
        .max(MAX_EXPORT_LABELS)
        .optional(),
      force: z.boolean().optional(),
    })
    .strict(),
  cancelExport: z.object({ id: exportId }).strict(),
} satisfies Record<ApiMethod, z.ZodType>;

export type ApiRequest<M extends ApiMethod> = z.infer<(typeof apiRequestSchemas)[M]>;

/** Validates one request; throws an Error whose message says which field is wrong. */
export function validateApiRequest<M extends ApiMethod>(method: M, arg: unknown): ApiRequest<M> {
  const schema = apiRequestSchemas[method];
  if (!schema) throw new Error(`unknown API method "${String(method)}"`);
  const r = schema.safeParse(arg);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`invalid request to ${method}: ${issue.path.join('.') || 'argument'}: ${issue.message}`);
  }
  return r.data as ApiRequest<M>;
}
