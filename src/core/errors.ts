/**
 * Errors the engine reports as values the UI and CLI can show: always the file and the reason.
 * A `SentinelError` never means the process is in a bad state; callers report it and go on.
 */
export type ErrorCode =
  | 'not_found'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'too_large'
  | 'grid_mismatch'
  | 'empty'
  | 'unmapped'
  | 'model'
  | 'io'
  | 'invalid_argument';

export class SentinelError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.name = 'SentinelError';
    this.code = code;
    this.file = file;
  }
}

/** Turns anything thrown into a SentinelError that names the file, keeping a SentinelError as it is. */
export function asSentinelError(err: unknown, file?: string): SentinelError {
  if (err instanceof SentinelError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return new SentinelError('not_found', 'file not found', file, { cause: err });
  if (e && (e.code === 'ENOSPC' || e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'EPERM')) {
    return new SentinelError('io', `${e.code}: ${e.message}`, file, { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new SentinelError('corrupt', msg, file, { cause: err });
}
