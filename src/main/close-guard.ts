/**
 * What the Electron shell does when the page refuses to unload because the editor holds unsaved mask edits.
 *
 * The renderer's `beforeunload` handler cancels the unload (close or reload) while the mask is dirty; Electron then
 * emits `will-prevent-unload` on the web contents, where main asks the user Save / Discard / Cancel. Discard lets the
 * unload go on (`event.preventDefault()` there); Cancel keeps the page; Save asks the renderer to save and, once it
 * answers that the save succeeded, repeats what the user was doing (close the window, or reload it). A failed save
 * keeps the page, so the renderer's error stays on screen with the edits. No electron import: unit-tested in
 * test/main/close-guard.test.ts, wired in src/main/index.ts.
 */

/** The message box main shows; `response` indices follow `buttons`. */
export const UNSAVED_EDITS_DIALOG = {
  type: 'warning',
  buttons: ['Save', 'Discard', 'Cancel'],
  defaultId: 0,
  cancelId: 2,
  noLink: true,
  title: 'Unsaved changes',
  message: 'This label has unsaved mask edits.',
  detail: 'Save them before leaving, discard them, or cancel and stay in the editor.',
} as const;

export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** The user's choice from the message box's response; anything unexpected (Esc, a closed box) is Cancel. */
export function choiceOf(response: number): UnsavedChoice {
  if (response === 0) return 'save';
  if (response === 1) return 'discard';
  return 'cancel';
}

/** What was being unloaded: `close` when the window's close event came first, else a reload. */
export type UnloadIntent = 'close' | 'reload';

/** The channels of the round trip (main → renderer request, renderer → main reply). */
export const SAVE_REQUEST_CHANNEL = 'sentinel:saveBeforeUnload';
export const SAVE_REPLY_CHANNEL = 'sentinel:saveBeforeUnloadDone';

export interface SaveReply {
  id: number;
  saved: boolean;
}

/** The renderer's reply, checked: it comes from the page, so its shape is not trusted. */
export function parseSaveReply(arg: unknown): SaveReply | null {
  if (typeof arg !== 'object' || arg === null) return null;
  const { id, saved } = arg as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0 || typeof saved !== 'boolean') return null;
  return { id, saved };
}

/** The decision for one `will-prevent-unload`: let the unload go on, and/or ask the renderer to save (with the request's id). */
export interface UnloadDecision {
  allowUnload: boolean;
  saveRequest: number | null;
}

/** Then, for a save reply: close the window, reload it, or stay. */
export type AfterSave = 'close' | 'reload' | 'stay';

/**
 * One window's guard. `windowClosing()` is called from the window's `close` event (emitted before the page's
 * `beforeunload`), `decide()` from `will-prevent-unload` with the message box's response, `saveReplied()` from the
 * reply channel. Only the reply to the latest request counts, and only once.
 */
export class UnloadGuard {
  private closing = false;
  private nextId = 1;
  private pending: { id: number; intent: UnloadIntent } | null = null;

  windowClosing(): void {
    this.closing = true;
  }

  decide(response: number): UnloadDecision {
    const intent: UnloadIntent = this.closing ? 'close' : 'reload';
    // Each prevented unload consumes the close flag: a later reload must not be taken for a close.
    this.closing = false;
    const choice = choiceOf(response);
    if (choice === 'discard') {
      this.pending = null;
      return { allowUnload: true, saveRequest: null };
    }
    if (choice === 'cancel') {
      this.pending = null;
      return { allowUnload: false, saveRequest: null };
    }
    const id = this.nextId++;
    this.pending = { id, intent };
    return { allowUnload: false, saveRequest: id };
  }

  saveReplied(arg: unknown): AfterSave {
    const reply = parseSaveReply(arg);
    if (!reply || !this.pending || reply.id !== this.pending.id) return 'stay';
    const { intent } = this.pending;
    this.pending = null;
    return reply.saved ? intent : 'stay';
  }
}
