/**
 * The app's shortcut table with the user's overrides, shared by the editor, the queue and the Keyboard shortcuts
 * panel, and kept in localStorage (the user's habit, across projects). One reactive state for the whole app.
 */
import { computed, shallowRef, type ComputedRef, type Ref } from 'vue';
import { readOverrides, resolveShortcuts, writeOverrides, type ShortcutMap, type ShortcutOverrides } from '../tools';

export interface ShortcutSettings {
  overrides: Readonly<Ref<ShortcutOverrides>>;
  /** The resolved table (defaults merged with the overrides), for `lookup`. */
  map: ComputedRef<ShortcutMap>;
  /** Why stored overrides were ignored, or ''. */
  problem: Readonly<Ref<string>>;
  /** Replaces the overrides and stores them. */
  set(next: ShortcutOverrides): void;
}

let settings: ShortcutSettings | null = null;

export function useShortcutSettings(): ShortcutSettings {
  if (settings) return settings;
  const stored = readOverrides(localStorage);
  const overrides = shallowRef<ShortcutOverrides>(stored.overrides);
  const problem = shallowRef(stored.problem ?? '');
  const map = computed(() => resolveShortcuts(overrides.value as Record<string, readonly string[]>));
  settings = {
    overrides,
    map,
    problem,
    set(next) {
      overrides.value = next;
      problem.value = '';
      try {
        writeOverrides(localStorage, next);
      } catch (e) {
        // A full or disabled storage: the change applies now but will not outlive the page.
        problem.value = `could not store the shortcuts: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
  };
  return settings;
}
