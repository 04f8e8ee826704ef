/**
 * An editing step that cannot be done as asked (an empty slice to interpolate from, a bad argument from the UI).
 * A value the view shows to the annotator; the volume is left as it was.
 */
export type ToolErrorCode = 'empty_slice' | 'invalid_argument';

export class ToolError extends Error {
  readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, message: string) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
  }
}
