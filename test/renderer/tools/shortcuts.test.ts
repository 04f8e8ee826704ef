import { describe, expect, it } from 'vitest';
import {
  SHORTCUT_ACTIONS,
  WINDOW_PRESETS,
  chordOf,
  nextWindowPreset,
  parseChord,
  resolveShortcuts,
  windowRange,
  type KeyInput,
} from '../../../src/renderer/src/tools';

const key = (k: string, mods: Partial<Omit<KeyInput, 'key'>> = {}): KeyInput => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('shortcut table', () => {
  const map = resolveShortcuts();

  it('has no conflicts by default', () => {
    expect(map.conflicts).toEqual([]);
    expect(map.problems).toEqual([]);
  });

  it('carries the Slicer / ITK-SNAP habits', () => {
    // The brief's list, spelled out rather than read from the table.
    const editor: [string, string][] = [
      ['ArrowUp', 'slice.next'],
      ['ArrowDown', 'slice.previous'],
      ['PageUp', 'slice.pageNext'],
      ['PageDown', 'slice.pagePrevious'],
      ['Ctrl+Z', 'edit.undo'],
      ['Ctrl+Y', 'edit.redo'],
      ['Ctrl+Shift+Z', 'edit.redo'],
      ['[', 'brush.smaller'],
      [']', 'brush.larger'],
      ['1', 'tool.brush'],
      ['2', 'tool.eraser'],
      ['3', 'tool.thresholdBrush'],
      ['4', 'tool.fillHoles'],
      ['5', 'tool.interpolate'],
      ['S', 'file.save'],
      ['Shift+S', 'file.saveAndNext'],
      ['Ctrl+Enter', 'file.saveAndNext'],
      ['N', 'label.next'],
      ['A', 'decision.accept'],
      ['F', 'decision.fixed'],
      ['R', 'decision.reject'],
      ['G', 'decision.flag'],
    ];
    for (const [chord, action] of editor) expect(map.lookup(chord, 'editor'), chord).toBe(action);
    expect(map.lookup('Enter', 'queue')).toBe('queue.open');
    expect(map.lookup('A', 'queue')).toBe('decision.accept');
    // Arrows move the queue's selection there, slices in the editor: scoped, not a conflict.
    expect(map.lookup('ArrowUp', 'queue')).toBe('queue.up');
    expect(map.lookup('Enter', 'editor')).toBeNull();
  });

  it('reads key events as chords', () => {
    expect(chordOf(key('z', { ctrlKey: true }))).toBe('Ctrl+Z');
    expect(chordOf(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+Z');
    expect(chordOf(key('S', { shiftKey: true }))).toBe('Shift+S');
    expect(chordOf(key('s'))).toBe('S');
    expect(chordOf(key('Enter', { ctrlKey: true }))).toBe('Ctrl+Enter');
    expect(chordOf(key('['))).toBe('[');
    expect(chordOf(key('{', { shiftKey: true }))).toBe('{'); // Shift is already in the character
    expect(chordOf(key(' '))).toBe('Space');
    expect(chordOf(key('Shift', { shiftKey: true }))).toBeNull();
    expect(chordOf(key('z', { metaKey: true }))).toBe('Meta+Z');
    expect(chordOf(key('z', { metaKey: true }), { commandIsCtrl: true })).toBe('Ctrl+Z');
    expect(map.lookup(chordOf(key('y', { ctrlKey: true })) as string, 'editor')).toBe('edit.redo');
  });

  it('normalises written chords', () => {
    expect(parseChord('ctrl+shift+z')).toBe('Ctrl+Shift+Z');
    expect(parseChord('Shift+Ctrl+Z')).toBe('Ctrl+Shift+Z');
    expect(parseChord('PgUp')).toBe('PageUp');
    expect(parseChord('cmd+s')).toBe('Meta+S');
    expect(parseChord('Ctrl++')).toBe('Ctrl++');
    expect(parseChord('f5')).toBe('F5');
    expect(() => parseChord('Hyper+Z')).toThrow(/modifier/);
    expect(() => parseChord('Ctrl+')).toThrow(/key/);
    expect(() => parseChord('')).toThrow(/empty/);
  });

  it('merges user overrides and reports conflicts and bad entries', () => {
    const custom = resolveShortcuts({ 'file.save': ['ctrl+s'], 'tool.brush': ['B', 'b'], 'edit.redo': [] });
    expect(custom.conflicts).toEqual([]);
    expect(custom.keys['file.save']).toEqual(['Ctrl+S']);
    expect(custom.keys['tool.brush']).toEqual(['B']);
    expect(custom.lookup('S', 'editor')).toBeNull();
    expect(custom.lookup('Ctrl+Y', 'editor')).toBeNull();
    expect(custom.lookup('1', 'editor')).toBeNull();
    expect(custom.keys['edit.undo']).toEqual(['Ctrl+Z']);

    // 'A' is the global accept key: binding it to an editor action clashes.
    const clash = resolveShortcuts({ 'tool.eraser': ['a'] });
    expect(clash.conflicts).toEqual([{ chord: 'A', actions: ['tool.eraser', 'decision.accept'] }]);
    // Enter in the editor does not clash with Enter in the queue.
    expect(resolveShortcuts({ 'file.save': ['Enter'] }).conflicts).toEqual([]);

    const bad = resolveShortcuts({ 'no.such.action': ['X'], 'file.save': ['Hyper+Q', 'S'] });
    expect(bad.problems.map((p) => p.action)).toEqual(['no.such.action', 'file.save']);
    expect(bad.keys['file.save']).toEqual(['S']);
  });

  it('has a label and a scope for every action', () => {
    expect(SHORTCUT_ACTIONS.length).toBeGreaterThan(20);
    expect(new Set(SHORTCUT_ACTIONS).size).toBe(SHORTCUT_ACTIONS.length);
  });
});

describe('window presets', () => {
  it('holds the usual width/level pairs', () => {
    const byId = Object.fromEntries(WINDOW_PRESETS.map((p) => [p.id, [p.width, p.level]]));
    expect(byId).toEqual({ 'soft-tissue': [400, 40], liver: [150, 90], lung: [1500, -600], bone: [2500, 480] });
    expect(windowRange({ width: 400, level: 40 })).toEqual([-160, 240]);
    expect(nextWindowPreset(null).id).toBe('soft-tissue');
    expect(nextWindowPreset('bone').id).toBe('soft-tissue');
    expect(nextWindowPreset('liver').id).toBe('lung');
    const map = resolveShortcuts();
    expect(map.lookup('Alt+3', 'editor')).toBe('window.lung');
  });
});
