/**
 * The keyboard shortcuts, as one table: each action with its scope and default keys, in the habits Slicer and
 * ITK-SNAP users bring. User overrides replace an action's keys; conflicts (one chord, two actions that can be
 * active together) are reported instead of silently picking one. No DOM: events come in as plain key data.
 */
import { ToolError } from './tool-error';

/** Where a shortcut is active: in the editor, in the review queue, or in both. */
export type ShortcutScope = 'global' | 'editor' | 'queue';

export interface ShortcutSpec {
  scope: ShortcutScope;
  keys: readonly string[];
  label: string;
}

export const SHORTCUT_TABLE = {
  'slice.next': { scope: 'editor', keys: ['ArrowUp', 'ArrowRight'], label: 'Next slice' },
  'slice.previous': { scope: 'editor', keys: ['ArrowDown', 'ArrowLeft'], label: 'Previous slice' },
  'slice.pageNext': { scope: 'editor', keys: ['PageUp'], label: 'Several slices forward' },
  'slice.pagePrevious': { scope: 'editor', keys: ['PageDown'], label: 'Several slices back' },
  'slice.worst': { scope: 'editor', keys: ['W'], label: 'Go to the worst-scored slice' },
  'edit.undo': { scope: 'editor', keys: ['Ctrl+Z'], label: 'Undo' },
  'edit.redo': { scope: 'editor', keys: ['Ctrl+Y', 'Ctrl+Shift+Z'], label: 'Redo' },
  'brush.smaller': { scope: 'editor', keys: ['['], label: 'Smaller brush' },
  'brush.larger': { scope: 'editor', keys: [']'], label: 'Larger brush' },
  'tool.brush': { scope: 'editor', keys: ['1'], label: 'Brush' },
  'tool.eraser': { scope: 'editor', keys: ['2'], label: 'Eraser' },
  'tool.thresholdBrush': { scope: 'editor', keys: ['3'], label: 'Threshold brush' },
  'tool.fillHoles': { scope: 'editor', keys: ['4'], label: 'Fill holes' },
  'tool.interpolate': { scope: 'editor', keys: ['5'], label: 'Interpolate between slices' },
  'window.softTissue': { scope: 'editor', keys: ['Alt+1'], label: 'Window: soft tissue (400/40)' },
  'window.liver': { scope: 'editor', keys: ['Alt+2'], label: 'Window: liver (150/90)' },
  'window.lung': { scope: 'editor', keys: ['Alt+3'], label: 'Window: lung (1500/-600)' },
  'window.bone': { scope: 'editor', keys: ['Alt+4'], label: 'Window: bone (2500/480)' },
  'file.save': { scope: 'editor', keys: ['S'], label: 'Save' },
  'file.saveAndNext': { scope: 'editor', keys: ['Shift+S', 'Ctrl+Enter'], label: 'Save and open the next label' },
  'label.next': { scope: 'global', keys: ['N'], label: 'Next label in the queue' },
  'queue.open': { scope: 'queue', keys: ['Enter'], label: 'Open the selected label' },
  'queue.down': { scope: 'queue', keys: ['ArrowDown'], label: 'Select the next row' },
  'queue.up': { scope: 'queue', keys: ['ArrowUp'], label: 'Select the previous row' },
  'decision.accept': { scope: 'global', keys: ['A'], label: 'Decision: accept' },
  'decision.fixed': { scope: 'global', keys: ['F'], label: 'Decision: fixed' },
  'decision.reject': { scope: 'global', keys: ['R'], label: 'Decision: reject' },
  'decision.flag': { scope: 'global', keys: ['G'], label: 'Decision: flag for a second look' },
} as const satisfies Record<string, ShortcutSpec>;

export type ShortcutAction = keyof typeof SHORTCUT_TABLE;

export const SHORTCUT_ACTIONS = Object.keys(SHORTCUT_TABLE) as ShortcutAction[];

/** The key data of a keyboard event (a DOM KeyboardEvent fits). */
export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

const KEY_ALIASES: Readonly<Record<string, string>> = {
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  arrowup: 'ArrowUp',
  arrowdown: 'ArrowDown',
  arrowleft: 'ArrowLeft',
  arrowright: 'ArrowRight',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  pgup: 'PageUp',
  pgdn: 'PageDown',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  return: 'Enter',
  esc: 'Escape',
  escape: 'Escape',
  space: 'Space',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  del: 'Delete',
  insert: 'Insert',
};

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'OS']);

/** Canonical key name: letters upper-case, named keys in DOM spelling, F1..F24, or one printable character. */
function normaliseKey(key: string): string | null {
  if (key === ' ') return 'Space';
  if ([...key].length === 1) return key.toUpperCase();
  const alias = KEY_ALIASES[key.toLowerCase()];
  if (alias) return alias;
  if (/^f([1-9]|1[0-9]|2[0-4])$/i.test(key)) return key.toUpperCase();
  return null;
}

/**
 * Shift changes the character of symbol and digit keys ('[' becomes '{'), so for them the character already says
 * whether Shift was held; Shift is part of the chord only for letters and named keys.
 */
function shiftCounts(key: string): boolean {
  return [...key].length > 1 || /^\p{L}$/u.test(key);
}

function formatChord(ctrl: boolean, alt: boolean, shift: boolean, meta: boolean, key: string): string {
  return [ctrl && 'Ctrl', alt && 'Alt', shift && shiftCounts(key) && 'Shift', meta && 'Meta', key].filter(Boolean).join('+');
}

/** Canonical form of a chord written as 'Ctrl+Shift+Z', 'ctrl+z', 'PgUp', '[', 'Ctrl++'; throws if unreadable. */
export function parseChord(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new ToolError('invalid_argument', 'empty shortcut');
  // A trailing '+' after a separator is the plus key itself.
  const parts = trimmed === '+' ? ['+'] : trimmed.endsWith('++') ? [...trimmed.slice(0, -2).split('+'), '+'] : trimmed.split('+');
  const keyPart = parts.pop() as string;
  let ctrl = false;
  let alt = false;
  let shift = false;
  let meta = false;
  for (const m of parts) {
    switch (m.trim().toLowerCase()) {
      case 'ctrl':
      case 'control':
        ctrl = true;
        break;
      case 'alt':
      case 'option':
        alt = true;
        break;
      case 'shift':
        shift = true;
        break;
      case 'meta':
      case 'cmd':
      case 'command':
        meta = true;
        break;
      default:
        throw new ToolError('invalid_argument', `"${text}": unknown modifier "${m}"`);
    }
  }
  const key = normaliseKey(keyPart.trim());
  if (key === null) throw new ToolError('invalid_argument', `"${text}": unknown key "${keyPart}"`);
  return formatChord(ctrl, alt, shift, meta, key);
}

/**
 * Canonical chord of a key event, or null for a lone modifier or an unknown key. With `commandIsCtrl` (macOS),
 * Cmd counts as Ctrl so Cmd+Z undoes.
 */
export function chordOf(e: KeyInput, options: { commandIsCtrl?: boolean } = {}): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  const key = normaliseKey(e.key);
  if (key === null) return null;
  const cmd = options.commandIsCtrl === true && e.metaKey;
  return formatChord(e.ctrlKey || cmd, e.altKey, e.shiftKey, e.metaKey && !cmd, key);
}

export interface ShortcutConflict {
  chord: string;
  actions: ShortcutAction[];
}

export interface ShortcutProblem {
  action: string;
  key: string;
  reason: string;
}

export interface ShortcutMap {
  /** Canonical chords of every action, defaults merged with the overrides. */
  keys: Readonly<Record<ShortcutAction, readonly string[]>>;
  /** Chords bound to two actions that can be active at once. */
  conflicts: ShortcutConflict[];
  /** Overrides that were ignored: unknown actions, unreadable keys. */
  problems: ShortcutProblem[];
  /** The action a chord triggers in a scope: the scope's own binding first, then a global one. */
  lookup(chord: string, scope: Exclude<ShortcutScope, 'global'>): ShortcutAction | null;
}

/** Whether two scopes can be active at once (a chord in both would be ambiguous). */
export function scopesOverlap(a: ShortcutScope, b: ShortcutScope): boolean {
  return a === b || a === 'global' || b === 'global';
}

/**
 * Merges user overrides (action -> keys; an empty list unbinds the action) into the defaults. Overrides usually come
 * from stored settings, so unknown actions and unreadable keys are reported as problems, not thrown.
 */
export function resolveShortcuts(overrides: Readonly<Record<string, readonly string[]>> = {}): ShortcutMap {
  const problems: ShortcutProblem[] = [];
  const keys = {} as Record<ShortcutAction, string[]>;
  for (const action of SHORTCUT_ACTIONS) keys[action] = SHORTCUT_TABLE[action].keys.map(parseChord);
  for (const [action, list] of Object.entries(overrides)) {
    if (!(action in SHORTCUT_TABLE)) {
      problems.push({ action, key: list.join(' '), reason: 'unknown action' });
      continue;
    }
    const chords: string[] = [];
    for (const k of list) {
      try {
        const chord = parseChord(k);
        if (!chords.includes(chord)) chords.push(chord);
      } catch (e) {
        problems.push({ action, key: k, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    keys[action as ShortcutAction] = chords;
  }
  const byChord = new Map<string, ShortcutAction[]>();
  for (const action of SHORTCUT_ACTIONS) {
    for (const chord of keys[action]) {
      const list = byChord.get(chord) ?? [];
      if (!list.includes(action)) list.push(action);
      byChord.set(chord, list);
    }
  }
  const conflicts: ShortcutConflict[] = [];
  for (const [chord, actions] of byChord) {
    const clash = actions.filter((a) => actions.some((b) => b !== a && scopesOverlap(SHORTCUT_TABLE[a].scope, SHORTCUT_TABLE[b].scope)));
    if (clash.length > 1) conflicts.push({ chord, actions: clash });
  }
  return {
    keys,
    conflicts,
    problems,
    lookup(chord, scope) {
      const actions = byChord.get(chord);
      if (!actions) return null;
      return actions.find((a) => SHORTCUT_TABLE[a].scope === scope) ?? actions.find((a) => SHORTCUT_TABLE[a].scope === 'global') ?? null;
    },
  };
}
