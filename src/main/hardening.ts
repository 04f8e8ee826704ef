/**
 * The Electron shell's security decisions, as functions over the Electron objects they configure (passed in, so
 * nothing here imports electron at run time): the window's web preferences, what its pages may do (navigate, open
 * windows, attach webviews), what the session grants (no permission) and loads (only the app itself, with the
 * CSP). Unit-tested without Electron (test/security/electron-hardening.test.ts) and scanned by Electronegativity
 * (bin/security-scan.mjs), which reads the literal options below.
 */
import type { BrowserWindow as ElectronWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

/** Where the app's own pages come from: the built renderer's folder, or the dev server during development. */
export interface AppSource {
  /** Absolute path of the built renderer (out/renderer). */
  rendererDir: string;
  /** electron-vite's dev server URL (unpackaged development runs only), else null. */
  devUrl: string | null;
}

export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => ElectronWindow;

/**
 * The app window: isolated, sandboxed, no Node in the page, web security on. The parameter is named like the
 * class so the security scanner recognises `new BrowserWindow({...})` and checks these literal options.
 */
export function createHardenedWindow(BrowserWindow: BrowserWindowClass, preload: string): ElectronWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Sentinel Workstation',
    show: false,
    webPreferences: {
      // The preload is built as CommonJS so the renderer can stay sandboxed.
      preload,
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
      safeDialogs: true,
      // Middle-click would open links in new windows (denied anyway below).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  hardenWebContents(win.webContents);
  return win;
}

/**
 * What any page of the app may not do: navigate away (links, drops, redirects), open windows, attach webviews.
 * The app is one page that never navigates; anything else would be content from outside the app.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-frame-navigate', (e) => {
    // Subframes are never the app's; the main frame's own navigation is handled by will-navigate.
    if (!e.isMainFrame) e.preventDefault();
  });
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * The session: every permission request and check denied (camera, notifications, geolocation, devices...), the
 * CSP sent with every response, and every request that is not the app's own cancelled (offline by construction).
 */
export function hardenSession(ses: Session, source: AppSource): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAppRequest(details.url, source) }));
}

/**
 * Whether the renderer may load `url`: the built renderer's own files (no other local file), data: and blob: URLs
 * the page made itself, DevTools, and in development the dev server (its page, modules and HMR socket).
 */
export function isAppRequest(url: string, source: AppSource): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:') return true;
  return isAppPage(u, source) || isDevServer(u, source, ['ws:']);
}

/** Whether an IPC message comes from a frame showing the app itself (the built renderer or the dev server). */
export function isAppFrame(url: string, source: AppSource): boolean {
  const u = parse(url);
  return !!u && isAppPage(u, source);
}

function isAppPage(u: URL, source: AppSource): boolean {
  if (u.protocol === 'file:') {
    try {
      return isInside(source.rendererDir, fileURLToPath(u));
    } catch {
      return false; // file://host/... (a network share) is not the app
    }
  }
  return isDevServer(u, source, []);
}

function isDevServer(u: URL, source: AppSource, extraProtocols: string[]): boolean {
  const dev = source.devUrl ? parse(source.devUrl) : null;
  if (!dev) return false;
  if (u.protocol === dev.protocol) return u.host === dev.host;
  return extraProtocols.includes(u.protocol) && u.host === dev.host;
}

function isInside(dir: string, file: string): boolean {
  const r = relative(resolve(dir), resolve(file));
  return r !== '' && !isAbsolute(r) && r.split(sep)[0] !== '..';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
