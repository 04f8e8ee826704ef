/**
 * The Electron close guard's decisions (src/main/close-guard.ts) without Electron: the calls come in the order
 * Electron makes them — the window's `close` event, then `will-prevent-unload` once the page's beforeunload refused,
 * then the renderer's reply to the save request.
 */
import { describe, expect, it } from 'vitest';
import { UNSAVED_EDITS_DIALOG, UnloadGuard, choiceOf, parseSaveReply } from '../../src/main/close-guard';

const SAVE = UNSAVED_EDITS_DIALOG.buttons.indexOf('Save');
const DISCARD = UNSAVED_EDITS_DIALOG.buttons.indexOf('Discard');
const CANCEL = UNSAVED_EDITS_DIALOG.buttons.indexOf('Cancel');

describe('the unsaved-edits dialog', () => {
  it('offers Save, Discard and Cancel; Esc and Enter mean Cancel and Save', () => {
    expect([SAVE, DISCARD, CANCEL].every((i) => i >= 0)).toBe(true);
    expect(UNSAVED_EDITS_DIALOG.cancelId).toBe(CANCEL);
    expect(UNSAVED_EDITS_DIALOG.defaultId).toBe(SAVE);
    expect(choiceOf(SAVE)).toBe('save');
    expect(choiceOf(DISCARD)).toBe('discard');
    expect(choiceOf(CANCEL)).toBe('cancel');
    expect(choiceOf(-1)).toBe('cancel');
    expect(choiceOf(7)).toBe('cancel');
  });
});

describe('UnloadGuard', () => {
  it('Discard lets the close go on and asks nothing of the renderer', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    expect(g.decide(DISCARD)).toEqual({ allowUnload: true, saveRequest: null });
  });

  it('Cancel keeps the window, and a late reply changes nothing', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    expect(g.decide(CANCEL)).toEqual({ allowUnload: false, saveRequest: null });
    expect(g.saveReplied({ id: 1, saved: true })).toBe('stay');
  });

  it('Save on a close: keep the page, ask for a save, close once it succeeded', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    const d = g.decide(SAVE);
    expect(d.allowUnload).toBe(false);
    expect(d.saveRequest).not.toBeNull();
    expect(g.saveReplied({ id: d.saveRequest, saved: true })).toBe('close');
    // The reply counts once.
    expect(g.saveReplied({ id: d.saveRequest, saved: true })).toBe('stay');
  });

  it('Save on a reload (no close event first) reloads after the save', () => {
    const g = new UnloadGuard();
    const d = g.decide(SAVE);
    expect(g.saveReplied({ id: d.saveRequest, saved: true })).toBe('reload');
  });

  it('a failed save keeps the window with its edits', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    const d = g.decide(SAVE);
    expect(g.saveReplied({ id: d.saveRequest, saved: false })).toBe('stay');
  });

  it('a cancelled close is not remembered: the next refused unload is a reload', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    g.decide(CANCEL);
    const d = g.decide(SAVE);
    expect(g.saveReplied({ id: d.saveRequest, saved: true })).toBe('reload');
  });

  it('only the reply to the latest request counts', () => {
    const g = new UnloadGuard();
    g.windowClosing();
    const first = g.decide(SAVE);
    g.windowClosing();
    const second = g.decide(SAVE);
    expect(second.saveRequest).not.toBe(first.saveRequest);
    expect(g.saveReplied({ id: first.saveRequest, saved: true })).toBe('stay');
    expect(g.saveReplied({ id: second.saveRequest, saved: true })).toBe('close');
  });

  it('replies of the wrong shape are ignored', () => {
    const g = new UnloadGuard();
    const d = g.decide(SAVE);
    for (const bad of [null, undefined, 1, 'saved', { id: d.saveRequest }, { id: String(d.saveRequest), saved: true }, { id: d.saveRequest, saved: 'yes' }]) {
      expect(g.saveReplied(bad)).toBe('stay');
    }
    // Still pending: the well-formed reply is honoured.
    expect(g.saveReplied({ id: d.saveRequest, saved: true })).toBe('reload');
  });
});

describe('parseSaveReply', () => {
  it('accepts a positive integer id and a boolean only', () => {
    expect(parseSaveReply({ id: 3, saved: false })).toEqual({ id: 3, saved: false });
    expect(parseSaveReply({ id: 0, saved: true })).toBeNull();
    expect(parseSaveReply({ id: 1.5, saved: true })).toBeNull();
    expect(parseSaveReply({ id: Number.NaN, saved: true })).toBeNull();
    expect(parseSaveReply([1, true])).toBeNull();
  });
});
