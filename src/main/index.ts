/**
 * Electron main process: the window, its hardening, and the IPC wiring of the engine. The only place (with the
 * preload) that imports electron; everything it does is delegated to src/core through the shared API contract.
 */
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainEvent } from 'electron';
import { join } from 'node:path';
import { API_METHODS, type EngineEvent } from '../shared/api';
import { Engine } from '../core/engine/engine';
import { isExecutionProvider } from '../core/inference/providers';
import { createHardenedWindow, hardenSession, hardenWebContents, isAppFrame, type AppSource } from './hardening';
import { checkAppFrame, guardedApiCall } from './ipc';
import { SAVE_REPLY_CHANNEL, SAVE_REQUEST_CHANNEL, UNSAVED_EDITS_DIALOG, UnloadGuard } from './close-guard';
import { FolderAllowList } from '../core/engine/folder-allow-list';
import inferenceWorkerPath from '../core/inference/worker?modulePath';
import prepWorkerPath from '../core/scoring/prep-worker?modulePath';

let engine: Engine | null = null;

/** The app's own pages: the built renderer, or the dev server in an unpackaged development run. */
const appSource: AppSource = {
  rendererDir: join(__dirname, '../renderer'),
  devUrl: !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null,
};

function createWindow(): BrowserWindow {
  const win = createHardenedWindow(BrowserWindow, join(__dirname, '../preload/index.cjs'));
  if (appSource.devUrl) void win.loadURL(appSource.devUrl);
  else void win.loadFile(join(appSource.rendererDir, 'index.html'));
  guardUnsavedEdits(win);
  return win;
}

/**
 * Unsaved mask edits are never lost silently: the page's beforeunload refuses to unload while the editor is dirty,
 * and the user picks Save / Discard / Cancel here (the decisions live in close-guard.ts).
 */
function guardUnsavedEdits(win: BrowserWindow): void {
  const guard = new UnloadGuard();
  const contents = win.webContents;
  win.on('close', () => guard.windowClosing());
  contents.on('will-prevent-unload', (event) => {
    // Synchronous on purpose: the unload waits for this handler's decision.
    const decision = guard.decide(dialog.showMessageBoxSync(win, { ...UNSAVED_EDITS_DIALOG, buttons: [...UNSAVED_EDITS_DIALOG.buttons] }));
    if (decision.allowUnload) event.preventDefault();
    if (decision.saveRequest !== null) contents.send(SAVE_REQUEST_CHANNEL, decision.saveRequest);
  });
  const onReply = (event: IpcMainEvent, arg: unknown): void => {
    if (event.sender !== contents || !event.senderFrame || !isAppFrame(event.senderFrame.url, appSource)) return;
    const next = guard.saveReplied(arg);
    if (next === 'close') win.close();
    else if (next === 'reload') contents.reload();
  };
  ipcMain.on(SAVE_REPLY_CHANNEL, onReply);
  win.once('closed', () => ipcMain.removeListener(SAVE_REPLY_CHANNEL, onReply));
}

function wireIpc(eng: Engine, folders: FolderAllowList): void {
  // The renderer may open only folders the user chose in the dialog (now or in an earlier run) or passed with --open.
  const hooks = { openRoot: (path: string) => folders.confine(path) };
  for (const method of API_METHODS) {
    ipcMain.handle(`sentinel:${method}`, (event, arg: unknown) => guardedApiCall(eng, appSource, method, event.senderFrame?.url, arg, hooks));
  }
  ipcMain.handle('sentinel:pickDatasetFolder', async (event) => {
    checkAppFrame(event.senderFrame?.url, appSource);
    const r = await dialog.showOpenDialog({ properties: ['openDirectory'], title: 'Open a dataset folder' });
    if (r.canceled || r.filePaths.length === 0) return null;
    await folders.allow(r.filePaths[0]);
    return r.filePaths[0];
  });
  // Exports may only be written into a folder the user picked here (or below it): the renderer cannot name one.
  ipcMain.handle('sentinel:pickExportFolder', async (event) => {
    checkAppFrame(event.senderFrame?.url, appSource);
    const r = await dialog.showOpenDialog({ properties: ['openDirectory', 'createDirectory'], title: 'Export into folder' });
    if (r.canceled || r.filePaths.length === 0) return null;
    await eng.allowExportFolder(r.filePaths[0]);
    return r.filePaths[0];
  });
  eng.subscribe((ev: EngineEvent) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('sentinel:event', ev);
  });
}

app.enableSandbox();
// Every web contents (the window, DevTools, anything a page might create) gets the same limits.
app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));

void app.whenReady().then(async () => {
  hardenSession(session.defaultSession, appSource);
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
  const initial = flag('open');
  const folders = await FolderAllowList.create(initial ? [initial] : [], {
    persistFile: join(app.getPath('userData'), 'allowed-folders.json'),
    howToAllow: 'choose it with Open folder…',
  });
  wireIpc(engine, folders);
  const win = createWindow();
  if (initial) win.webContents.once('did-finish-load', () => win.webContents.send('sentinel:open', initial));
});

app.on('window-all-closed', () => {
  void engine?.close();
  app.quit();
});
