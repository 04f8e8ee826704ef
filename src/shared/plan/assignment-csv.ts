/**
 * The assignment file as CSV, for spreadsheets and scripts: leading `# key: value` lines carry the plan (values are
 * JSON, so any text fits on one line), then one table with fixed columns, one row per label in rank order.
 *
 *   # sentinel-assignment 1
 *   # created: "2025-05-01T10:00:00.000Z"
 *   # created_by: "sentinel plan"
 *   ...
 *   rank,case,label_path,organ,predicted_dsc,worst_slice
 *   1,s0001,s0001/segmentations/liver.nii.gz,liver,0.412,57
 *
 * Numbers are written in full (shortest round-trip form), so JSON → CSV → JSON gives back the same document.
 * Readers that skip `#` comment lines (pandas `comment='#'`) see just the table.
 * Spreadsheets: table cells get csv-text's formula guard; a spreadsheet also splits a comment line at its commas
 * (semicolons in some locales), so one inside a JSON string that a formula could follow is written `\u002c`
 * (`\u003b`), which JSON reads back as the same character.
 */
import { formatCsvRow, isFormulaLike, parseCsv } from '../csv-text';
import { ASSIGNMENT_FORMAT, AssignmentFormatError, validateAssignment, type Assignment } from './assignment';

export const ASSIGNMENT_COLUMNS = ['rank', 'case', 'label_path', 'organ', 'predicted_dsc', 'worst_slice'] as const;

/** Top-level fields in the comment lines: the CSV key and the document's field. */
const META_FIELDS = [
  ['created', 'created'],
  ['created_by', 'createdBy'],
  ['model', 'model'],
  ['assignee', 'assignee'],
  ['budget', 'budget'],
  ['weights', 'weights'],
  ['estimate', 'estimate'],
] as const;

const FIELD_OF_KEY = new Map<string, string>(META_FIELDS);

export function assignmentToCsv(a: Assignment): string {
  const lines = [`# ${ASSIGNMENT_FORMAT} ${a.version}`];
  for (const [key, field] of META_FIELDS) {
    const v = a[field];
    if (v !== undefined) lines.push(`# ${key}: ${commentJson(v)}`);
  }
  lines.push(formatCsvRow([...ASSIGNMENT_COLUMNS]));
  for (const item of a.items) {
    lines.push(formatCsvRow([String(item.rank), item.caseId, item.labelPath, item.organ, String(item.predictedDsc), item.worstSlice === null ? '' : String(item.worstSlice)]));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON text for a comment line, where no comma or semicolon inside a string can start a formula cell. */
function commentJson(v: unknown): string {
  const text = JSON.stringify(v);
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString && (c === ',' || c === ';') && isFormulaLike(text.slice(i + 1))) out += c === ',' ? '\\u002c' : '\\u003b';
    else out += c;
    if (c === '\\' && inString) out += text[++i];
    else if (c === '"') inString = !inString;
  }
  return out;
}

/** Line breaks inside a CSV record's quoted fields: the next record starts that many lines further down. */
function breaksIn(fields: string[]): number {
  let n = 0;
  for (const f of fields) n += (f.match(/\r\n|\r|\n/g) ?? []).length;
  return n;
}

function integer(v: string, what: string, file: string, line: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n)) throw new AssignmentFormatError(file, line, `${what} "${v}" is not a whole number`);
  return n;
}

/** The lines of the leading comment block and the offset where the table starts. */
function commentBlock(body: string): { lines: string[]; tableAt: number } {
  const lines: string[] = [];
  const eol = /\r\n|\r|\n/g;
  let pos = 0;
  while (pos < body.length && body[pos] === '#') {
    eol.lastIndex = pos;
    const m = eol.exec(body);
    lines.push(body.slice(pos, m ? m.index : body.length));
    pos = m ? m.index + m[0].length : body.length;
  }
  return { lines, tableAt: pos };
}

export function parseAssignmentCsv(text: string, file: string): Assignment {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { lines: comments, tableAt } = commentBlock(body);
  const doc: Record<string, unknown> = {};
  const fieldLines = new Map<string, number>();
  // The comment block: the format line, then `# key: json` lines.
  const head = /^#\s*(\S+)\s+(\S+)\s*$/.exec(comments[0] ?? '');
  if (!head || head[1] !== ASSIGNMENT_FORMAT) throw new AssignmentFormatError(file, 1, `not a review assignment (a first line "# ${ASSIGNMENT_FORMAT} 1" expected)`);
  doc.format = head[1];
  doc.version = Number(head[2]);
  fieldLines.set('format', 1).set('version', 1);
  for (let i = 1; i < comments.length; i++) {
    const line = i + 1;
    const m = /^#\s*([A-Za-z_]+):\s?(.*)$/.exec(comments[i]);
    const field = m ? FIELD_OF_KEY.get(m[1]) : undefined;
    if (!m || !field) throw new AssignmentFormatError(file, line, `"${comments[i]}" is not one of the lines # ${META_FIELDS.map(([k]) => k).join(', # ')}`);
    if (field in doc) throw new AssignmentFormatError(file, line, `${m[1]} is given twice`);
    try {
      doc[field] = JSON.parse(m[2]);
    } catch (e) {
      throw new AssignmentFormatError(file, line, `the value of ${m[1]} is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    fieldLines.set(field, line);
  }
  // A newer version is refused before its table is read by this version's rules.
  if (typeof doc.version === 'number' && doc.version > 1) validateAssignment(doc, file, { field: (f) => fieldLines.get(f) });

  // The table.
  const headerLine = comments.length + 1;
  const records = parseCsv(body.slice(tableAt));
  const header = (records[0] ?? []).map((h) => h.trim());
  if (header.join(',') !== ASSIGNMENT_COLUMNS.join(',')) {
    throw new AssignmentFormatError(file, headerLine, `the columns must be ${ASSIGNMENT_COLUMNS.join(',')} (got "${header.join(',')}")`);
  }
  const items: unknown[] = [];
  const itemLines: number[] = [];
  let line = headerLine + 1 + breaksIn(records[0]);
  for (let r = 1; r < records.length; line += 1 + breaksIn(records[r]), r++) {
    const row = records[r];
    if (row.length === 1 && row[0].trim() === '') continue;
    if (row.length !== ASSIGNMENT_COLUMNS.length) throw new AssignmentFormatError(file, line, `${row.length} fields where ${ASSIGNMENT_COLUMNS.length} are expected`);
    const [rank, caseId, labelPath, organ, predicted, worst] = row;
    const dsc = Number(predicted);
    if (predicted.trim() === '' || !Number.isFinite(dsc)) throw new AssignmentFormatError(file, line, `predicted_dsc "${predicted}" is not a number`);
    items.push({ rank: integer(rank, 'rank', file, line), caseId, labelPath, organ, predictedDsc: dsc, worstSlice: worst.trim() === '' ? null : integer(worst, 'worst_slice', file, line) });
    itemLines.push(line);
  }
  doc.items = items;
  return validateAssignment(doc, file, { item: (i) => itemLines[i], field: (f) => fieldLines.get(f) ?? (f === 'items' ? headerLine : undefined) });
}
