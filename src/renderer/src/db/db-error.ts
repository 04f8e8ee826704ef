/**
 * Errors of the project database as values the UI can show: a code, the thing concerned (project root or file
 * name) and the reason. The database is left as it was when one is thrown (every write is one transaction).
 */
export type ProjectDbErrorCode = 'not_found' | 'invalid_format' | 'unsupported' | 'invalid_argument';

export class ProjectDbError extends Error {
  readonly code: ProjectDbErrorCode;
  /** Project root or file the error is about. */
  readonly file: string | undefined;

  constructor(code: ProjectDbErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.name = 'ProjectDbError';
    this.code = code;
    this.file = file;
  }
}
