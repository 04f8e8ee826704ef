/**
 * Matching a dataset's label name to a DAP Atlas organ. Lookup order, first hit wins:
 *   1. the user's mappings, 2. the shipped table, 3. a DAP Atlas name itself (except Background and
 *   Left to annotate); each first by the normalised name, then ignoring word order ("right kidney");
 *   4. a lesion name ("liver tumor", "GTV_Mass") borrows its organ's or a generic embedding, marked approximate
 *   (lesion-fallback.ts).
 * A word-order key shared by two different outcomes is ambiguous and not used. Nothing is guessed beyond that.
 */
import { SentinelError } from '../errors';
import type { OrganCatalog } from './catalog';
import { NON_ORGAN_IDS } from './catalog';
import type { MappingTable } from './mapping-table';
import { normaliseOrganName, wordOrderKey } from './normalise';
import { GENERIC_LESION_ORGAN, splitLesionName } from './lesion-fallback';
import type { OrganMatch, UserOrganMappings } from './types';

export type OrganMatcher = (name: string) => OrganMatch;

interface Layer {
  exact: ReadonlyMap<string, OrganMatch>;
  /** null: two outcomes share the key. */
  byWords: ReadonlyMap<string, OrganMatch | null>;
}

function sameMatch(a: OrganMatch, b: OrganMatch): boolean {
  if (a.status === 'mapped' && b.status === 'mapped') return a.dapId === b.dapId && a.approximate === b.approximate;
  return a.status === 'unmapped' && b.status === 'unmapped' && a.reason === b.reason;
}

function makeLayer(exact: ReadonlyMap<string, OrganMatch>): Layer {
  const byWords = new Map<string, OrganMatch | null>();
  for (const [key, m] of exact) {
    const w = wordOrderKey(key);
    const prev = byWords.get(w);
    byWords.set(w, prev === undefined || (prev !== null && sameMatch(prev, m)) ? m : null);
  }
  return { exact, byWords };
}

function lookup(layer: Layer, key: string): OrganMatch | undefined {
  return layer.exact.get(key) ?? layer.byWords.get(wordOrderKey(key)) ?? undefined;
}

/** The shipped table over the DAP names: built once per table. */
const baseLayers = new WeakMap<MappingTable, Layer>();

function baseLayer(catalog: OrganCatalog, table: MappingTable): Layer {
  let layer = baseLayers.get(table);
  if (!layer) {
    const exact = new Map<string, OrganMatch>();
    for (const o of catalog.organs) {
      if (NON_ORGAN_IDS.has(o.id)) continue;
      exact.set(normaliseOrganName(o.name), { status: 'mapped', dapId: o.id, dapName: o.name, approximate: false });
    }
    for (const [key, m] of table.byKey) exact.set(key, m);
    layer = makeLayer(exact);
    baseLayers.set(table, layer);
  }
  return layer;
}

/** Resolves a user mapping's target (DAP name, id, or id written as digits) or throws 'invalid_argument'. */
function resolveTarget(catalog: OrganCatalog, from: string, to: unknown): number {
  const fail = (why: string): SentinelError =>
    new SentinelError('invalid_argument', `organ mapping "${from}" → ${JSON.stringify(to)}: ${why}`);
  let id: number | undefined;
  if (typeof to === 'number') id = to;
  else if (typeof to === 'string' && /^\s*\d+\s*$/.test(to)) id = Number(to);
  else if (typeof to === 'string') {
    id = catalog.idByName(to);
    if (id === undefined) throw fail('DAP Atlas has no organ of that name');
  } else throw fail('the target must be a DAP Atlas organ name or id');
  if (!Number.isInteger(id) || id < 0 || id >= catalog.organs.length) {
    throw fail(`no DAP Atlas organ has id ${id} (0..${catalog.organs.length - 1})`);
  }
  if (NON_ORGAN_IDS.has(id)) throw fail(`"${catalog.organs[id].name}" is not an organ`);
  return id;
}

/** Validates user mappings (SentinelError 'invalid_argument' on an unknown target or a clash). */
function userLayer(catalog: OrganCatalog, user: UserOrganMappings): Layer {
  const exact = new Map<string, OrganMatch>();
  for (const [from, to] of Object.entries(user)) {
    const key = normaliseOrganName(from);
    if (key === '') throw new SentinelError('invalid_argument', `organ mapping with an empty name ("${from}")`);
    const id = resolveTarget(catalog, from, to);
    const prev = exact.get(key);
    if (prev && prev.status === 'mapped' && prev.dapId !== id) {
      throw new SentinelError('invalid_argument', `organ mappings for "${key}" disagree: ${prev.dapName} and ${catalog.organs[id].name}`);
    }
    exact.set(key, { status: 'mapped', dapId: id, dapName: catalog.organs[id].name, approximate: false, note: 'user mapping' });
  }
  return makeLayer(exact);
}

/**
 * A matcher over a catalogue and table with optional user mappings, validated here once.
 * Each result is a fresh object, so callers may keep or change it.
 */
export function createOrganMatcher(catalog: OrganCatalog, table: MappingTable, userMappings?: UserOrganMappings): OrganMatcher {
  const base = baseLayer(catalog, table);
  const user = userMappings && Object.keys(userMappings).length > 0 ? userLayer(catalog, userMappings) : undefined;
  return (name: string): OrganMatch => {
    const key = normaliseOrganName(name);
    if (key === '') return { status: 'unmapped', reason: `"${name}" is not an organ name` };
    const hit = (user && lookup(user, key)) ?? lookup(base, key);
    if (hit) return { ...hit };
    const lesion = splitLesionName(key);
    if (lesion) {
      const organ = lesion.organPart === '' ? undefined : ((user && lookup(user, lesion.organPart)) ?? lookup(base, lesion.organPart));
      if (organ?.status === 'mapped') {
        return { ...organ, approximate: true, note: `a lesion scored with the embedding of its organ, "${organ.dapName}"` };
      }
      if (lesion.organPart === '') {
        const id = catalog.idByName(GENERIC_LESION_ORGAN);
        if (id !== undefined) {
          return {
            status: 'mapped', dapId: id, dapName: catalog.organs[id].name, approximate: true,
            note: `a lesion with no organ in its name, scored with the generic embedding "${GENERIC_LESION_ORGAN}"`,
          };
        }
      }
    }
    return {
      status: 'unmapped',
      reason: `no DAP Atlas organ or table entry matches "${name}"; add a mapping to a DAP Atlas name if one fits`,
    };
  };
}
