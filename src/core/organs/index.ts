/**
 * core/organs: the DAP Atlas organs the model knows, their CLIP text embeddings, and the matching of dataset
 * label names to them. The module-level functions use one catalogue and table read lazily from the resources
 * dir (see resources-dir.ts); `configureOrganResources` points them elsewhere (a packaged app).
 */
import { loadOrganCatalog, type DapOrgan, type OrganCatalog } from './catalog';
import { loadMappingTable, type MappingTable } from './mapping-table';
import { createOrganMatcher, type OrganMatcher } from './match';
import type { OrganMatch, UserOrganMappings } from './types';

export type { DapOrgan, OrganCatalog } from './catalog';
export type { MappingRow, MappingTable } from './mapping-table';
export type { OrganMatcher } from './match';
export type { OrganMatch, UserOrganMappings } from './types';
export { loadOrganCatalog, NON_ORGAN_IDS } from './catalog';
export { loadMappingTable, parseMappingTable } from './mapping-table';
export { createOrganMatcher } from './match';
export { normaliseOrganName, wordOrderKey } from './normalise';
export { resolveResourcesDir, organsDir, RESOURCES_ENV } from './resources-dir';

interface Defaults {
  catalog: OrganCatalog;
  table: MappingTable;
  matcher: OrganMatcher;
}

let resourcesDir: string | undefined;
let defaults: Defaults | undefined;

/** Points the module-level functions at another resources dir (undefined: back to the default); drops the cache. */
export function configureOrganResources(dir: string | undefined): void {
  resourcesDir = dir;
  defaults = undefined;
}

function getDefaults(): Defaults {
  if (!defaults) {
    const catalog = loadOrganCatalog(resourcesDir);
    const table = loadMappingTable(catalog, resourcesDir);
    defaults = { catalog, table, matcher: createOrganMatcher(catalog, table) };
  }
  return defaults;
}

export function getOrganCatalog(): OrganCatalog {
  return getDefaults().catalog;
}

export function getMappingTable(): MappingTable {
  return getDefaults().table;
}

/** The 145 DAP Atlas organs, indexed by id. */
export function listDapOrgans(): readonly DapOrgan[] {
  return getDefaults().catalog.organs;
}

/** The CLIP text embedding (Float32Array of 512, a copy) of DAP organ `dapId`; 'invalid_argument' if no such id. */
export function getEmbedding(dapId: number): Float32Array {
  return getDefaults().catalog.getEmbedding(dapId);
}

/** The embeddings as the scorer needs them. */
export interface OrganEmbeddings {
  readonly dim: number;
  readonly count: number;
  /** Same as getEmbedding: a copy, 'invalid_argument' if no such id. */
  embedding(dapId: number): Float32Array;
}

/**
 * The embeddings of `resourcesDir` (default: the configured or default resources dir, shared with matchOrgan).
 * Async so a caller need not know the files are small enough to read synchronously.
 */
export async function loadOrganEmbeddings(resourcesDir?: string): Promise<OrganEmbeddings> {
  const catalog = resourcesDir === undefined ? getOrganCatalog() : loadOrganCatalog(resourcesDir);
  return { dim: catalog.dim, count: catalog.organs.length, embedding: (id) => catalog.getEmbedding(id) };
}

/**
 * Matches a dataset label name to a DAP organ. `userMappings` (name → DAP name or id) override the shipped
 * table; an unknown target throws SentinelError 'invalid_argument'. To match many names with the same user
 * mappings, createOrganMatcher validates them once.
 */
export function matchOrgan(name: string, userMappings?: UserOrganMappings): OrganMatch {
  const d = getDefaults();
  if (!userMappings || Object.keys(userMappings).length === 0) return d.matcher(name);
  return createOrganMatcher(d.catalog, d.table, userMappings)(name);
}
