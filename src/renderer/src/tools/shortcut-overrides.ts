/**
 * The user's shortcut overrides: rebinding one action to a pressed chord (refused, with the clashing actions named,
 * when that chord already does something in an overlapping scope, unless the user lets it take the chord over),
 * resetting one action or all, and keeping them in a key-value store (the renderer passes localStorage). Pure: no
 * DOM, no Vue; `resolveShortcuts` turns the overrides into the table the views use.
 */
import { ToolError } from './tool-error';
import { SHORTCUT_TABLE, parseChord, resolveShortcuts, scopesOverlap, type ShortcutAction } from './shortcuts';

/** Action -> its keys, only for actions the user changed; an empty list unbinds the action. */
export type ShortcutOverrides = Partial<Record<ShortcutAction, readonly string[]>>;

/** Where the overrides are kept (one JSON object). Not in the project database: they are the user's, not a project's. */
export const SHORTCUT_STORAGE_KEY = 'sentinel-shortcuts';

/** The part of the Web Storage API used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface StoredOverrides {
  overrides: ShortcutOverrides;
  /** Why some or all of what was stored was ignored, or null. */
  problem: string | null;
}

const isAction = (a: string): a is ShortcutAction => Object.prototype.hasOwnProperty.call(SHORTCUT_TABLE, a);

/**
 * The stored overrides. Storage is user-editable, so a broken value costs the overrides (with the reason), never
 * the app: unknown actions and entries that are not lists of strings are dropped; keys are kept as written and
 * checked by `resolveShortcuts`, which reports unreadable ones.
 */
export function readOverrides(store: KeyValueStore): StoredOverrides {
  const text = store.getItem(SHORTCUT_STORAGE_KEY);
  if (text === null) return { overrides: {}, problem: null };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { overrides: {}, problem: 'the stored shortcuts are not JSON; the defaults are in use' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { overrides: {}, problem: 'the stored shortcuts are not an object; the defaults are in use' };
  }
  const overrides: Partial<Record<ShortcutAction, string[]>> = {};
  const dropped: string[] = [];
  for (const [action, keys] of Object.entries(raw)) {
    if (isAction(action) && Array.isArray(keys) && keys.every((k) => typeof k === 'string')) overrides[action] = keys as string[];
    else dropped.push(action);
  }
  return { overrides, problem: dropped.length ? `ignored stored shortcuts for: ${dropped.join(', ')}` : null };
}

/** Saves the overrides; none at all removes the stored value. */
export function writeOverrides(store: KeyValueStore, overrides: ShortcutOverrides): void {
  const tidy = withoutDefaults(overrides);
  if (Object.keys(tidy).length === 0) store.removeItem(SHORTCUT_STORAGE_KEY);
  else store.setItem(SHORTCUT_STORAGE_KEY, JSON.stringify(tidy));
}

/** Whether the action's keys differ from its defaults. */
export function isCustomised(overrides: ShortcutOverrides, action: ShortcutAction): boolean {
  const keys = overrides[action];
  return keys !== undefined && !sameKeys(keys, SHORTCUT_TABLE[action].keys);
}

export interface RebindResult {
  /** The overrides after the change; unchanged when it was refused. */
  overrides: ShortcutOverrides;
  /** The canonical chord. */
  chord: string;
  /** Other actions that the chord already triggers where `action` is active too. */
  conflicts: ShortcutAction[];
  /** False when refused because of conflicts (and `takeOver` was not given). */
  applied: boolean;
}

/**
 * Makes `chord` the action's one key. When other actions already answer to it in an overlapping scope the change
 * is refused and they are named; with `takeOver` the chord moves to `action` and is removed from them.
 */
export function rebind(overrides: ShortcutOverrides, action: ShortcutAction, chord: string, options: { takeOver?: boolean } = {}): RebindResult {
  if (!isAction(action)) throw new ToolError('invalid_argument', `unknown shortcut action "${action}"`);
  const canonical = parseChord(chord);
  const current = resolveShortcuts(overrides as Record<string, readonly string[]>);
  const scope = SHORTCUT_TABLE[action].scope;
  const conflicts = (Object.keys(current.keys) as ShortcutAction[]).filter(
    (other) => other !== action && current.keys[other].includes(canonical) && scopesOverlap(scope, SHORTCUT_TABLE[other].scope),
  );
  if (conflicts.length > 0 && options.takeOver !== true) return { overrides, chord: canonical, conflicts, applied: false };
  const next: Partial<Record<ShortcutAction, readonly string[]>> = { ...overrides, [action]: [canonical] };
  for (const other of conflicts) next[other] = current.keys[other].filter((k) => k !== canonical);
  return { overrides: withoutDefaults(next), chord: canonical, conflicts, applied: true };
}

/** The action back on its default keys. */
export function resetAction(overrides: ShortcutOverrides, action: ShortcutAction): ShortcutOverrides {
  const next = { ...overrides };
  delete next[action];
  return next;
}

/** The overrides less the entries that only repeat an action's defaults. */
function withoutDefaults(overrides: ShortcutOverrides): ShortcutOverrides {
  const out: Partial<Record<ShortcutAction, readonly string[]>> = {};
  for (const [action, keys] of Object.entries(overrides) as [ShortcutAction, readonly string[]][]) {
    if (isAction(action) && keys !== undefined && !sameKeys(keys, SHORTCUT_TABLE[action].keys)) out[action] = [...keys];
  }
  return out;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const canon = (list: readonly string[]): string[] | null => {
    try {
      return list.map(parseChord);
    } catch {
      return null;
    }
  };
  const ca = canon(a);
  const cb = canon(b);
  return ca !== null && cb !== null && ca.length === cb.length && ca.every((k, i) => k === cb[i]);
}
