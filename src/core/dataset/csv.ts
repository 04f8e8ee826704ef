/**
 * Metadata tables beside a dataset (TotalSegmentator's meta.csv): ';' or ',' (or tab) separated, often with a
 * UTF-8 BOM and CRLF. The quoting rules are the project's one CSV parser (core/scores/csv-text); this module adds
 * separator sniffing and rows keyed by column name.
 */
import { parseCsv } from '../../shared/csv-text';

export type CsvSeparator = ',' | ';' | '\t';

/** The separator that occurs most often, outside quotes, in the first line (ties and none: ','). */
export function sniffSeparator(text: string): CsvSeparator {
  const counts: Record<CsvSeparator, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  let best: CsvSeparator = ',';
  for (const s of [';', '\t'] as const) if (counts[s] > counts[best]) best = s;
  return best;
}

export interface CsvTable {
  columns: string[];
  /** One object per data row, keyed by column name; missing trailing fields are ''. Blank lines are skipped. */
  rows: Record<string, string>[];
  separator: CsvSeparator;
}

/** Parses a header + rows table, sniffing the separator unless given. Column names are trimmed. */
export function parseCsvTable(text: string, separator: CsvSeparator = sniffSeparator(stripBom(text))): CsvTable {
  const raw = parseCsv(text, separator);
  if (raw.length === 0) return { columns: [], rows: [], separator };
  const columns = raw[0].map((c) => c.trim());
  const rows: Record<string, string>[] = [];
  for (let r = 1; r < raw.length; r++) {
    const fields = raw[r];
    if (fields.every((f) => f.trim() === '')) continue;
    const row: Record<string, string> = {};
    columns.forEach((name, i) => {
      row[name] = fields[i] ?? '';
    });
    rows.push(row);
  }
  return { columns, rows, separator };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
