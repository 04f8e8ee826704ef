/**
 * Electron main process: the window, its hardening, and the IPC wiring of the engine. The only place (with the
 * preload) that imports electron; everything it does is delegated to src/core through the shared API contract.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { API_METHODS, type EngineEvent } from '../shared/api';
import { validateApiRequest } from '../shared/api-schema';
import { Engine } from '../core/engine/engine';
import { dispatchApiCall } from '../core/engine/dispatch';
import { isExecutionProvider } from '../core/inference/providers';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import inferenceWorkerPath from '../core/inference/worker?modulePath';
import prepWorkerPath from '../core/scoring/prep-worker?modulePath';

let engine: Engine | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Sentinel Workstation',
    show: false,
    webPreferences: {
      // The preload is built as CommonJS so the renderer can stay sandboxed.
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No navigation away from the app and no new windows: links to the outside open nowhere (offline use).
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (process.env.ELECTRON_RENDERER_URL && !app.isPackaged) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  // Offline guarantee: the renderer may load only the app itself.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = /^(file|devtools|data|blob):/.test(details.url) || details.url.startsWith(process.env.ELECTRON_RENDERER_URL ?? '\u0000');
    callback({ cancel: !ok });
  });
}

function wireIpc(eng: Engine): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`sentinel:${method}`, async (event, arg: unknown) => {
      if (!event.senderFrame || !isAppFrame(event.senderFrame.url)) throw new Error('IPC from an unexpected frame');
      const request = validateApiRequest(method, arg);
      return dispatchApiCall(eng, method, request);
    });
  }
  ipcMain.handle('sentinel:pickDatasetFolder', async () => {
    const r = await dialog.showOpenDialog({ properties: ['openDirectory'], title: 'Open a dataset folder' });
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  });
  eng.subscribe((ev: EngineEvent) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('sentinel:event', ev);
  });
}

function isAppFrame(url: string): boolean {
  return url.startsWith('file://') || (!!process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL));
}

app.enableSandbox();
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
// Keep `shell` unused on purpose: the app never opens external URLs.
void shell;

void app.whenReady().then(async () => {
  hardenSession();
  const flag = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const eps = (flag('ep') ?? 'cpu').split(',').filter(isExecutionProvider);
  engine = new Engine({
    modelPath: flag('model'),
    // --read-only: never write into a dataset; corrections go to its workspace.
    readOnly: process.argv.includes('--read-only'),
    workspacesDir: flag('workspaces'),
    executionProviders: eps.length ? eps : ['cpu'],
    // electron-vite resolves `?modulePath` to the bundled worker's absolute path.
    worker: { path: inferenceWorkerPath, execArgv: [] },
    prepWorker: { path: prepWorkerPath, execArgv: [] },
    resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : join(__dirname, '../../resources'),
  });
  wireIpc(engine);
  const win = createWindow();
  const initial = flag('open');
  if (initial) win.webContents.once('did-finish-load', () => win.webContents.send('sentinel:open', initial));
});

app.on('window-all-closed', () => {
  void engine?.close();
  app.quit();
});
