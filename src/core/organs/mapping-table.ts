/**
 * The shipped table of dataset label names → DAP Atlas organs (resources/organs/mappings.json). Rows name their
 * target by DAP name, never by id, and every name is checked against the catalogue on load: a row pointing at a
 * name DAP does not have fails loudly instead of silently scoring with another organ's embedding.
 */
import path from 'node:path';
import { SentinelError } from '../errors';
import type { OrganCatalog } from './catalog';
import { NON_ORGAN_IDS } from './catalog';
import { normaliseOrganName } from './normalise';
import { organsDir } from './resources-dir';
import { isRecord, readJsonFile } from './read-json';
import type { OrganMatch } from './types';

export interface MappingRow {
  /** The names as the table writes them (dataset spellings). */
  names: readonly string[];
  match: OrganMatch;
}

export interface MappingTable {
  file: string;
  rows: readonly MappingRow[];
  /** normaliseOrganName(name) → outcome, for every name of every row. */
  byKey: ReadonlyMap<string, OrganMatch>;
}

function parseRow(e: unknown, i: number, catalog: OrganCatalog, file: string): MappingRow {
  const bad = (why: string): SentinelError => new SentinelError('corrupt', `entry #${i}: ${why}`, file);
  if (!isRecord(e)) throw bad('not an object');
  const names = e.names;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && normaliseOrganName(n) !== '')) {
    throw bad('"names" must be a non-empty list of names');
  }
  if ((typeof e.dap === 'string') === (typeof e.unmapped === 'string')) throw bad('needs exactly one of "dap" or "unmapped"');
  if (typeof e.unmapped === 'string') {
    if (e.unmapped.trim() === '') throw bad('"unmapped" needs a reason');
    return { names: names as string[], match: { status: 'unmapped', reason: e.unmapped } };
  }
  const dapName = e.dap as string;
  const dapId = catalog.idByName(dapName);
  if (dapId === undefined) throw bad(`DAP Atlas has no organ named "${dapName}"`);
  if (NON_ORGAN_IDS.has(dapId)) throw bad(`"${dapName}" is not an organ`);
  if (e.approximate !== undefined && typeof e.approximate !== 'boolean') throw bad('"approximate" must be true or false');
  const approximate = e.approximate === true;
  if (e.note !== undefined && typeof e.note !== 'string') throw bad('"note" must be a string');
  if (approximate && !e.note) throw bad('an approximate mapping needs a "note" saying why');
  const match: OrganMatch = { status: 'mapped', dapId, dapName: catalog.organs[dapId].name, approximate };
  if (typeof e.note === 'string') match.note = e.note;
  return { names: names as string[], match };
}

/** Validates a parsed mappings.json against the catalogue. */
export function parseMappingTable(json: unknown, catalog: OrganCatalog, file: string): MappingTable {
  if (!isRecord(json) || !Array.isArray(json.entries)) throw new SentinelError('corrupt', 'expected {"entries": [...]}', file);
  const rows = json.entries.map((e: unknown, i: number) => parseRow(e, i, catalog, file));
  const byKey = new Map<string, OrganMatch>();
  for (const row of rows) {
    for (const name of row.names) {
      const key = normaliseOrganName(name);
      if (byKey.has(key)) throw new SentinelError('corrupt', `"${name}" (as "${key}") appears in two entries`, file);
      byKey.set(key, row.match);
    }
  }
  return { file, rows, byKey };
}

/** Reads `<resourcesDir>/organs/mappings.json`. */
export function loadMappingTable(catalog: OrganCatalog, resourcesDir?: string): MappingTable {
  const file = path.join(organsDir(resourcesDir), 'mappings.json');
  return parseMappingTable(readJsonFile(file), catalog, file);
}
