/**
 * Runtime validation of what crosses the API boundary (IPC and HTTP). Both transports validate every request
 * with these schemas before the engine sees it: a compromised renderer cannot send the engine anything else.
 */
import { z } from 'zod';
import type { ApiMethod } from './api';

const path = z.string().min(1).max(4096).refine((p) => !p.includes('\u0000'), 'path contains a NUL byte');

export const apiRequestSchemas = {
  engineInfo: z.undefined().or(z.null()),
  openProject: path,
  score: z
    .object({
      root: path,
      labelPaths: z.array(z.string().min(1).max(4096)).max(1_000_000).optional(),
      priority: z.enum(['interactive', 'open_case', 'unscored', 'stale']).optional(),
    })
    .strict(),
  controlScoring: z.object({ root: path, action: z.enum(['pause', 'resume', 'cancel']) }).strict(),
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
