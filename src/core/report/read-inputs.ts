/**
 * The report's inputs from files: a scores CSV (`sentinel score`, shards, merges) and a meta.csv (TotalSegmentator's
 * or any table whose image_id, else first, column names the case). Errors name the file.
 */
import { readFile } from 'node:fs/promises';
import { SentinelError, asSentinelError } from '../errors';
import { parseCsvTable } from '../dataset/csv';
import { metaIdColumn } from '../dataset/meta';
import { parseScoresCsv, ScoresCsvError } from '../../shared/scores-csv';
import type { LabelScore } from '../../shared/scores';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw asSentinelError(err, file);
  }
}

export async function readScoresFile(file: string): Promise<LabelScore[]> {
  const text = await readText(file);
  try {
    return parseScoresCsv(text, file);
  } catch (err) {
    if (err instanceof ScoresCsvError) {
      throw new SentinelError('corrupt', `${err.row === null ? '' : `row ${err.row}: `}${err.reason}`, file, { cause: err });
    }
    throw err;
  }
}

export interface MetaTable {
  columns: string[];
  byCase: Map<string, Record<string, string>>;
  /** Case IDs listed more than once (the first row is kept, as the dataset scan does). */
  duplicates: string[];
}

/** Parses a meta table: one row per case, keyed by its ID column; the ID column itself is left out of the values. */
export function parseMetaTable(text: string, file: string): MetaTable {
  const { columns, rows } = parseCsvTable(text);
  if (columns.length === 0) throw new SentinelError('corrupt', 'the metadata table is empty (no header row)', file);
  const idColumn = metaIdColumn(columns);
  const byCase = new Map<string, Record<string, string>>();
  const duplicates: string[] = [];
  for (const row of rows) {
    const id = (row[idColumn] ?? '').trim();
    if (!id) continue;
    if (byCase.has(id)) {
      duplicates.push(id);
      continue;
    }
    const values: Record<string, string> = {};
    for (const col of columns) if (col !== idColumn && col !== '') values[col] = row[col];
    byCase.set(id, values);
  }
  return { columns: columns.filter((c) => c !== idColumn && c !== ''), byCase, duplicates };
}

export async function readMetaFile(file: string): Promise<MetaTable> {
  return parseMetaTable(await readText(file), file);
}
