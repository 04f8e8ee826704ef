/**
 * The user's shortcut overrides (src/renderer/src/tools/shortcut-overrides.ts): rebinding with conflict detection,
 * resetting, and keeping them in a key-value store, read back through the same resolver the views use. The store
 * here is a Map behind the Web Storage methods; the browser's localStorage is exercised by e2e/editor-settings.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  SHORTCUT_STORAGE_KEY,
  isCustomised,
  readOverrides,
  rebind,
  resetAction,
  resolveShortcuts,
  writeOverrides,
  type KeyValueStore,
  type ShortcutOverrides,
} from '../../../src/renderer/src/tools';

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

const resolve = (o: ShortcutOverrides) => resolveShortcuts(o as Record<string, readonly string[]>);

describe('rebind', () => {
  it('binds a free key: the brush answers to B and no longer to 1', () => {
    const r = rebind({}, 'tool.brush', 'b');
    expect(r.applied).toBe(true);
    expect(r.chord).toBe('B');
    expect(r.conflicts).toEqual([]);
    const map = resolve(r.overrides);
    expect(map.lookup('B', 'editor')).toBe('tool.brush');
    expect(map.lookup('1', 'editor')).toBeNull();
    expect(map.conflicts).toEqual([]);
    expect(isCustomised(r.overrides, 'tool.brush')).toBe(true);
  });

  it('refuses a key another editor action uses, naming it, and changes nothing', () => {
    const r = rebind({}, 'tool.brush', '2');
    expect(r.applied).toBe(false);
    expect(r.conflicts).toEqual(['tool.eraser']);
    expect(r.overrides).toEqual({});
  });

  it('a global action clashes with editor and queue actions alike', () => {
    // N is "next label" everywhere: binding it to an editor tool or a queue key is a clash either way.
    expect(rebind({}, 'tool.eraser', 'n').conflicts).toEqual(['label.next']);
    expect(rebind({}, 'queue.open', 'N').conflicts).toEqual(['label.next']);
  });

  it('the same key in scopes that are never active together is no clash', () => {
    // Enter opens a row in the queue; the editor does not use it alone.
    const r = rebind({}, 'tool.fillHoles', 'Enter');
    expect(r.applied).toBe(true);
    const map = resolve(r.overrides);
    expect(map.lookup('Enter', 'editor')).toBe('tool.fillHoles');
    expect(map.lookup('Enter', 'queue')).toBe('queue.open');
  });

  it('with takeOver the key moves and the other action keeps its remaining keys', () => {
    // Redo has Ctrl+Y and Ctrl+Shift+Z; giving Ctrl+Y to undo leaves redo on Ctrl+Shift+Z.
    const r = rebind({}, 'edit.undo', 'ctrl+y', { takeOver: true });
    expect(r.applied).toBe(true);
    expect(r.conflicts).toEqual(['edit.redo']);
    const map = resolve(r.overrides);
    expect(map.keys['edit.undo']).toEqual(['Ctrl+Y']);
    expect(map.keys['edit.redo']).toEqual(['Ctrl+Shift+Z']);
    expect(map.conflicts).toEqual([]);
  });

  it('taking over an action\'s only key leaves it unbound', () => {
    const r = rebind({}, 'tool.brush', '2', { takeOver: true });
    const map = resolve(r.overrides);
    expect(map.keys['tool.eraser']).toEqual([]);
    expect(map.lookup('2', 'editor')).toBe('tool.brush');
  });

  it('binding an action back to its default drops the override', () => {
    const once = rebind({}, 'tool.brush', 'b').overrides;
    const back = rebind(once, 'tool.brush', '1');
    expect(back.applied).toBe(true);
    expect(back.overrides).toEqual({});
    expect(isCustomised(back.overrides, 'tool.brush')).toBe(false);
  });

  it('rejects unreadable keys', () => {
    expect(() => rebind({}, 'tool.brush', 'Hyper+Q')).toThrow(/unknown modifier/);
  });
});

describe('reset', () => {
  it('one action goes back to its defaults, the others keep their overrides', () => {
    let o = rebind({}, 'tool.brush', 'b').overrides;
    o = rebind(o, 'tool.eraser', 'e').overrides;
    o = resetAction(o, 'tool.brush');
    const map = resolve(o);
    expect(map.keys['tool.brush']).toEqual(['1']);
    expect(map.keys['tool.eraser']).toEqual(['E']);
  });
});

describe('storage', () => {
  it('round-trips through the store and resolves to the same table', () => {
    const store = new MemoryStore();
    let o = rebind({}, 'tool.brush', 'b').overrides;
    o = rebind(o, 'edit.undo', 'ctrl+y', { takeOver: true }).overrides;
    writeOverrides(store, o);
    expect(JSON.parse(store.getItem(SHORTCUT_STORAGE_KEY) as string)).toEqual({ 'tool.brush': ['B'], 'edit.undo': ['Ctrl+Y'], 'edit.redo': ['Ctrl+Shift+Z'] });
    const back = readOverrides(store);
    expect(back.problem).toBeNull();
    expect(resolve(back.overrides).keys).toEqual(resolve(o).keys);
  });

  it('no overrides: nothing is stored', () => {
    const store = new MemoryStore();
    writeOverrides(store, rebind({}, 'tool.brush', 'b').overrides);
    writeOverrides(store, {});
    expect(store.data.size).toBe(0);
    expect(readOverrides(store)).toEqual({ overrides: {}, problem: null });
  });

  it('a broken stored value costs the overrides with a reason, not the app', () => {
    const store = new MemoryStore();
    store.setItem(SHORTCUT_STORAGE_KEY, '{not json');
    expect(readOverrides(store)).toEqual({ overrides: {}, problem: expect.stringMatching(/not JSON/) });
    store.setItem(SHORTCUT_STORAGE_KEY, '["B"]');
    expect(readOverrides(store).problem).toMatch(/not an object/);
  });

  it('unknown actions and malformed entries are dropped and named; unreadable keys are reported by the resolver', () => {
    const store = new MemoryStore();
    store.setItem(SHORTCUT_STORAGE_KEY, '{"tool.brush":["B"],"tool.laser":["L"],"tool.eraser":"E","tool.fillHoles":["Hyper+F"],"__proto__":["X"]}');
    const r = readOverrides(store);
    expect(r.overrides).toEqual({ 'tool.brush': ['B'], 'tool.fillHoles': ['Hyper+F'] });
    expect(r.problem).toMatch(/tool\.laser/);
    expect(r.problem).toMatch(/tool\.eraser/);
    expect(r.problem).toMatch(/__proto__/);
    expect(Object.getPrototypeOf(r.overrides)).toBe(Object.prototype);
    const map = resolve(r.overrides);
    expect(map.problems.map((p) => p.action)).toEqual(['tool.fillHoles']);
    expect(map.keys['tool.brush']).toEqual(['B']);
  });
});
