/**
 * The Electron shell's security decisions (src/main/hardening.ts) without Electron: the window's options as the
 * BrowserWindow constructor receives them, the handlers put on its web contents and session called the way
 * Electron calls them, the request filter on real URLs, and the CSP and the HTML pages' copies of it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHardenedWindow, hardenSession, hardenWebContents, isAppFrame, isAppRequest, type AppSource, type BrowserWindowClass } from '../../src/main/hardening';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp';

// Electron's own types, reached through the module under test (tests may not import electron).
type BrowserWindowConstructorOptions = ConstructorParameters<BrowserWindowClass>[0];
type WebContents = Parameters<typeof hardenWebContents>[0];
type Session = Parameters<typeof hardenSession>[0];

const REPO = resolve(__dirname, '../..');
const RENDERER = resolve(REPO, 'out/renderer');
const PACKAGED: AppSource = { rendererDir: RENDERER, devUrl: null };
const DEV: AppSource = { rendererDir: RENDERER, devUrl: 'http://localhost:5173/' };

type Listener = (e: FakeEvent, ...rest: unknown[]) => void;
interface FakeEvent {
  prevented: boolean;
  isMainFrame?: boolean;
  preventDefault(): void;
}
const event = (extra: Partial<FakeEvent> = {}): FakeEvent => ({ prevented: false, ...extra, preventDefault() { this.prevented = true; } });

/** A stand-in for WebContents that records what is registered on it. */
class FakeContents {
  listeners = new Map<string, Listener[]>();
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  on(name: string, l: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), l]);
    return this;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h;
  }
  /** Fires `name` like Electron does and says whether any listener prevented it. */
  fire(name: string, e = event(), ...rest: unknown[]): boolean {
    for (const l of this.listeners.get(name) ?? []) l(e, ...rest);
    return e.prevented;
  }
}

class FakeWindow {
  static last: FakeWindow | null = null;
  webContents = new FakeContents();
  shown = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeWindow.last = this;
  }
  once(name: string, l: () => void): void {
    if (name === 'ready-to-show') l();
  }
  show(): void {
    this.shown = true;
  }
}

/** A stand-in for Session that keeps the handlers it is given. */
function fakeSession() {
  const h: {
    permission?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void;
    check?: (...a: unknown[]) => boolean;
    device?: (...a: unknown[]) => boolean;
    headers?: (d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
    request?: (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void;
  } = {};
  const ses = {
    setPermissionRequestHandler: (f: typeof h.permission) => (h.permission = f),
    setPermissionCheckHandler: (f: typeof h.check) => (h.check = f),
    setDevicePermissionHandler: (f: typeof h.device) => (h.device = f),
    webRequest: {
      onHeadersReceived: (f: typeof h.headers) => (h.headers = f),
      onBeforeRequest: (f: typeof h.request) => (h.request = f),
    },
  };
  return { ses: ses as unknown as Session, h };
}

describe('Electron window', () => {
  const win = createHardenedWindow(FakeWindow as unknown as BrowserWindowClass, '/app/out/preload/index.cjs') as unknown as FakeWindow;
  const prefs = win.options.webPreferences ?? {};

  it('isolates and sandboxes the page, without Node, with web security on', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.disableBlinkFeatures).toContain('Auxclick');
    expect(win.options.show).toBe(false);
    expect(win.shown).toBe(true);
  });

  it('blocks every navigation, redirect, webview and new window of its page', () => {
    const wc = win.webContents;
    expect(wc.fire('will-navigate', event(), 'https://example.com/')).toBe(true);
    expect(wc.fire('will-navigate', event(), pathToFileURL(join(RENDERER, 'index.html')).href)).toBe(true);
    expect(wc.fire('will-redirect', event(), 'https://example.com/')).toBe(true);
    expect(wc.fire('will-attach-webview', event())).toBe(true);
    expect(wc.fire('will-frame-navigate', event({ isMainFrame: false }))).toBe(true);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'about:blank', 'javascript:alert(1)']) {
      expect(wc.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
  });

  it('puts the same limits on any other web contents', () => {
    const wc = new FakeContents();
    hardenWebContents(wc as unknown as WebContents);
    expect(wc.fire('will-navigate')).toBe(true);
    expect(wc.fire('will-attach-webview')).toBe(true);
    expect(wc.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('Electron session', () => {
  const { ses, h } = fakeSession();
  hardenSession(ses, PACKAGED);

  it('denies every permission request and check', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'usb', 'serial', 'fileSystem', 'unknown']) {
      let granted: boolean | undefined;
      h.permission?.({}, p, (g) => (granted = g), {});
      expect(granted, p).toBe(false);
    }
    expect(h.check?.({}, 'media', 'file://', {})).toBe(false);
    expect(h.device?.({ deviceType: 'usb', origin: 'file://' })).toBe(false);
  });

  it('sends the CSP with every response', () => {
    let headers: Record<string, string[]> | undefined;
    h.headers?.({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('cancels every request that is not the app itself', () => {
    const cancelled = (url: string): boolean | undefined => {
      let c: boolean | undefined;
      h.request?.({ url }, (r) => (c = r.cancel));
      return c;
    };
    const own = pathToFileURL(join(RENDERER, 'assets', 'index.js')).href;
    expect(cancelled(own)).toBe(false);
    expect(cancelled('data:image/png;base64,AAAA')).toBe(false);
    expect(cancelled('blob:file:///0b5e0a3c-0000-4000-8000-000000000000')).toBe(false);
    for (const url of [
      'https://example.com/x.js',
      'http://127.0.0.1:8080/',
      'ws://127.0.0.1:47615/events',
      'http://localhost:5173/',
      'file:///etc/passwd',
      pathToFileURL(join(RENDERER, '..', 'main', 'index.js')).href,
      pathToFileURL(RENDERER).href,
      'file://fileserver/share/x.js',
      'ftp://example.com/',
      'not a url',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
  });
});

describe('what counts as the app', () => {
  it('in development: the dev server (page, modules, HMR socket), and nothing else on localhost', () => {
    expect(isAppRequest('http://localhost:5173/src/main.ts', DEV)).toBe(true);
    expect(isAppRequest('ws://localhost:5173/', DEV)).toBe(true);
    expect(isAppRequest('http://localhost:5174/', DEV)).toBe(false);
    expect(isAppRequest('http://127.0.0.1:5173/', DEV)).toBe(false);
    expect(isAppFrame('http://localhost:5173/', DEV)).toBe(true);
    expect(isAppFrame('http://localhost:5173/', PACKAGED)).toBe(false);
  });

  it('IPC is answered only for frames showing the app', () => {
    expect(isAppFrame(pathToFileURL(join(RENDERER, 'index.html')).href, PACKAGED)).toBe(true);
    for (const url of ['data:text/html,<script>', 'about:blank', 'https://example.com/', 'file:///tmp/evil.html', 'devtools://devtools/bundled/x.html', '']) {
      expect(isAppFrame(url, PACKAGED), url).toBe(false);
    }
  });
});

/** Directive name → its sources. */
function parseCsp(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('Content Security Policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  it('loads scripts only from the app, never evaluates strings, and names no remote source', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, sources] of csp) {
      for (const s of sources) {
        expect(s, `${name} ${s}`).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
        // Only keywords and the page's own data/blob URLs: no host, no scheme that reaches a network, no wildcard.
        expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${name} ${s}`).toContain(s);
      }
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
    }
  });

  it('the HTML pages carry the same policy (less frame-ancestors, which a meta tag cannot set)', () => {
    const expected = [...csp].filter(([n]) => n !== 'frame-ancestors');
    for (const page of ['src/renderer/index.html', 'src/renderer/harness.html']) {
      const html = readFileSync(join(REPO, page), 'utf8');
      const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
      expect(meta, page).not.toBeNull();
      expect([...parseCsp(meta![1])], page).toEqual(expected);
      // No script from anywhere but the app's own files.
      expect(html, page).not.toMatch(/<script[^>]+src="(https?:)?\/\//);
    }
  });
});
