/**
 * Per-case metadata from a meta.csv at the dataset root (TotalSegmentator's: ';'-separated, UTF-8 BOM,
 * columns image_id;age;gender;institute;study_type;split;...). Rows attach to cases by image_id == case id;
 * without an image_id column the first column is the id.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { asSentinelError } from '../errors';
import type { CaseEntry, ScanIssue } from './manifest';
import { parseCsvTable } from './csv';

export const META_CSV = 'meta.csv';

/** The column naming the case: image_id (TotalSegmentator), else the first column. */
export function metaIdColumn(columns: string[]): string {
  return columns.includes('image_id') ? 'image_id' : columns[0];
}

/** Reads root/meta.csv when present and sets `meta` on matching cases. Problems become issues, never throws. */
export async function attachMeta(root: string, cases: CaseEntry[], issues: ScanIssue[]): Promise<void> {
  let text: string;
  try {
    text = await readFile(path.join(root, META_CSV), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      issues.push({ path: META_CSV, message: asSentinelError(err, META_CSV).message, severity: 'warning' });
    }
    return;
  }
  const { columns, rows } = parseCsvTable(text);
  if (columns.length === 0) return;
  const idColumn = metaIdColumn(columns);
  const byId = new Map(cases.map((c) => [c.id, c]));
  let unmatched = 0;
  const seen = new Set<string>();
  for (const row of rows) {
    const id = row[idColumn].trim();
    const target = byId.get(id);
    if (!target) {
      unmatched++;
      continue;
    }
    if (seen.has(id)) {
      issues.push({ path: META_CSV, caseId: id, message: `duplicate row for ${id}; the first one is used`, severity: 'warning' });
      continue;
    }
    seen.add(id);
    const meta: Record<string, string> = {};
    for (const col of columns) if (col !== idColumn && col !== '') meta[col] = row[col];
    target.meta = meta;
  }
  // A shared meta.csv often lists more cases than a subset folder holds: one summary line, not one per row.
  if (unmatched > 0) {
    issues.push({ path: META_CSV, message: `${unmatched} row(s) match no case folder (by ${idColumn})`, severity: 'warning' });
  }
}
