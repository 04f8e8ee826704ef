/**
 * Minimal RFC 4180 CSV text handling for the files this project writes and reads (comma-separated).
 *
 * Formula guard: a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab, CR or LF as a formula (CSV
 * injection), and cells here come from file names, annotator names and notes. Such a text cell (after any leading
 * spaces or single quotes, so `'=x` and ` =x` count too; a negative number such as `-0.5` does not) is written with
 * a `'` in front, which spreadsheets take as "this is text", and quoted. Every reader here (parseCsv) takes exactly
 * that `'` off again, so files round-trip exactly: the rule adds one `'` to precisely the cells it then strips one
 * from, whatever the cell holds.
 */

const FORMULA_START = /^['\s]*[=+\-@\t\r\n]/;
/** Numbers as this project writes them: a leading minus is a number to a spreadsheet, a leading plus its formula. */
const PLAIN_NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a spreadsheet could take the cell text `v` for a formula (plain numbers are numbers). */
export function isFormulaLike(v: string): boolean {
  return FORMULA_START.test(v) && !PLAIN_NUMBER.test(v);
}

/** The cell text as written: formula-like text gets a `'` in front. */
export function guardFormula(v: string): string {
  return isFormulaLike(v) ? `'${v}` : v;
}

/** Undoes guardFormula. */
export function unguardFormula(v: string): string {
  return v.startsWith("'") && isFormulaLike(v.slice(1)) ? v.slice(1) : v;
}

export function formatCsvField(v: string): string {
  const cell = guardFormula(v);
  return cell !== v || /[",\r\n]/.test(cell) || /^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function formatCsvRow(fields: string[]): string {
  return fields.map(formatCsvField).join(',');
}

/** Parses CSV text with quotes, CRLF and a UTF-8 BOM, taking formula guards off. `sep` defaults to a comma. */
export function parseCsv(text: string, sep = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(unguardFormula(field));
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(unguardFormula(field));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(unguardFormula(field));
    rows.push(row);
  }
  return rows;
}
