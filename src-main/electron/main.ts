/**
 * The Electron shell, kept thin: one sandboxed window showing the built
 * renderer, the contract carried over one IPC channel to an RpcServer on the
 * engine, a File menu with a native open dialog, and nothing else. The engine
 * is loaded from its TypeScript source through tsx, exactly as browser mode
 * and the CLI run it, so its worker threads start the same way everywhere.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RpcServer } from '../../src-shared/rpc/core.ts';
import { toWireError } from '../../src-shared/errors.ts';
import { ipcTransport } from './ipc.ts';
import type { Engine } from '../engine/engine.ts';

// out/main/index.js → the app's root (the repository, or the packaged app folder).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER = join(ROOT, 'out', 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER).href;
const PRELOAD = join(ROOT, 'out', 'preload', 'index.cjs');
const ICON = join(ROOT, 'resources', 'icon.png');

const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `--data-dir D` / `--data-dir=D` from Electron's argv (which also holds the executable and app path). */
function dataDirFlag(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') return argv[i + 1];
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return undefined;
}

async function loadEngine(): Promise<Engine> {
  const { register } = await import('tsx/esm/api');
  register();
  const source = pathToFileURL(join(ROOT, 'src-main', 'engine', 'engine.ts')).href;
  const { createEngine } = (await import(/* @vite-ignore */ source)) as typeof import('../engine/engine.ts');
  const paths = pathToFileURL(join(ROOT, 'src-main', 'engine', 'paths.ts')).href;
  const { resolveDataDir } = (await import(/* @vite-ignore */ paths)) as typeof import('../engine/paths.ts');
  // The same folder as browser mode and the CLI, so every shell sees one store.
  const dataDir = resolveDataDir({ flag: dataDirFlag(process.argv) });
  return createEngine({ dataDir, shell: 'electron' });
}

function harden(): void {
  // Every page the shell shows is ours: refuse permissions, popups and navigation away.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (url.split('#')[0] !== RENDERER_URL) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(engine: Engine): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Lathe',
    show: false,
    ...(existsSync(ICON) ? { icon: ICON } : {}),
    webPreferences: {
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const transport = ipcTransport(ipcMain, win, RENDERER_URL);
  new RpcServer(engine.handlers, transport);
  const unsubscribe = engine.subscribe((topic, data) => transport.send({ t: 'event', topic, data }));
  win.once('closed', unsubscribe);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(RENDERER);
  return win;
}

async function openDatasets(engine: Engine, win: BrowserWindow | undefined): Promise<void> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open dataset',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Data files', extensions: ['csv', 'tsv', 'txt', 'gz', 'arrow', 'feather', 'ipc'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (picked.canceled) return;
  for (const path of picked.filePaths) {
    // The renderer follows along through the job and datasets.changed events.
    const ctx = { signal: new AbortController().signal, progress: () => undefined };
    try {
      await engine.handlers['datasets.importPath']({ path }, ctx);
    } catch (e) {
      const w = toWireError(e);
      if (w.code === 'CANCELLED') continue;
      dialog.showErrorBox('Lathe could not import the file', `${path}\n\n${w.message}`);
    }
  }
}

function buildMenu(engine: Engine): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Open dataset…',
          accelerator: 'CmdOrCtrl+O',
          click: (_item, win) => void openDatasets(engine, win instanceof BrowserWindow ? win : BrowserWindow.getFocusedWindow() ?? undefined),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  await app.whenReady();
  harden();
  let engine: Engine;
  try {
    engine = await loadEngine();
  } catch (e) {
    let message = toWireError(e).message;
    // npm installs better-sqlite3 built for Node; Electron needs it built for its own ABI.
    if (/NODE_MODULE_VERSION|compiled against a different Node\.js version/.test(message)) {
      message +=
        '\n\nbetter-sqlite3 is built for Node, not for Electron. Rebuild it for Electron with ' +
        '"npx @electron/rebuild -o better-sqlite3" (or "npx electron-builder install-app-deps"), ' +
        'or use browser mode: "npm start -- --serve".';
    }
    dialog.showErrorBox('Lathe could not start', message);
    app.exit(1);
    return;
  }
  buildMenu(engine);
  createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(engine);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    void engine.close().finally(() => app.quit());
  });
}

void start();
