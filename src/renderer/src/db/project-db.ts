/**
 * The renderer's project database (IndexedDB through Dexie): what the user did with each project: scores over
 * time, review decisions, edits. The dataset on disk stays the truth for masks; this is the workstation's memory.
 */
import { Dexie, type DexieOptions, type EntityTable, type Table } from 'dexie';
import type { AssignmentRow, CaseRow, EditRow, LabelRow, ProjectRow, ReviewRow, ScoreRow } from './rows';
import { declareSchema } from './schema';

export const DEFAULT_DB_NAME = 'sentinel-workstation';

export class ProjectDb extends Dexie {
  // `declare`: Dexie creates the tables; a class field would overwrite them with undefined.
  declare projects: Table<ProjectRow, string>;
  declare cases: Table<CaseRow, [string, string]>;
  declare labels: Table<LabelRow, [string, string]>;
  declare scores: EntityTable<ScoreRow, 'id'>;
  declare reviews: EntityTable<ReviewRow, 'id'>;
  declare edits: EntityTable<EditRow, 'id'>;
  declare assignments: EntityTable<AssignmentRow, 'id'>;

  /** `options` can supply another IndexedDB implementation (the tests use fake-indexeddb). */
  constructor(name: string = DEFAULT_DB_NAME, options?: DexieOptions) {
    super(name, options);
    declareSchema(this);
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
