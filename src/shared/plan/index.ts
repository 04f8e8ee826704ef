/** The correction budget planner and the review assignment file it produces (docs/planner.md). */
export * from './planner';
export * from './weights';
export * from './assignment';
export { assignmentToJson, parseAssignmentJson } from './assignment-json';
export { ASSIGNMENT_COLUMNS, assignmentToCsv, parseAssignmentCsv } from './assignment-csv';
import { AssignmentFormatError, type Assignment } from './assignment';
import { assignmentToCsv, parseAssignmentCsv } from './assignment-csv';
import { assignmentToJson, parseAssignmentJson } from './assignment-json';

export type AssignmentFileFormat = 'json' | 'csv';

/** The format a file name asks for (by extension), or null. */
export function assignmentFormatOf(fileName: string): AssignmentFileFormat | null {
  const m = /\.(json|csv)$/i.exec(fileName);
  return m ? (m[1].toLowerCase() as AssignmentFileFormat) : null;
}

export function serialiseAssignment(a: Assignment, format: AssignmentFileFormat): string {
  return format === 'json' ? assignmentToJson(a) : assignmentToCsv(a);
}

/** Reads an assignment file of either format: JSON when it starts with `{`, CSV when with `#`. */
export function parseAssignmentFile(text: string, file: string): Assignment {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return parseAssignmentJson(text, file);
  if (start.startsWith('#')) return parseAssignmentCsv(text.replace(/^\uFEFF/, ''), file);
  throw new AssignmentFormatError(file, 1, `not a review assignment: neither its JSON ("{") nor its CSV ("# sentinel-assignment 1") form`);
}
