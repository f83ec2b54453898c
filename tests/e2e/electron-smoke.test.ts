/**
 * The desktop shell, where an Electron binary exists: launch the built app
 * with playwright-core's _electron, check the window shows the app, that the
 * preload exposes only window.lathe (send, onMessage, pathForFile) and no
 * Node, and that a call over the bridge reaches the engine. Skipped, saying
 * why, where the binary is missing (it is downloaded at npm install, which
 * fails without network).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where the electron package put its binary, without require('electron') (which would try to download it). */
function electronBinary(): { path?: string; reason?: string } {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { reason: "Electron's binary is not installed (node_modules/electron/path.txt is missing: the download failed or was skipped)" };
  const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { reason: `Electron's binary is not installed (${bin} is missing)` };
}

const electron = electronBinary();
if (!electron.path) console.log(`# electron smoke test skipped: ${electron.reason}`);

test('electron: the window shows Lathe and the bridge reaches the engine', { skip: electron.path ? false : electron.reason, timeout: 120_000 }, async () => {
  if (!existsSync(join(root, 'out', 'main', 'index.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
    assert.equal(r.status, 0, 'electron-vite build failed');
  }
  const { _electron } = await import('playwright-core');
  const dataDir = mkdtempSync(join(tmpdir(), 'lathe-electron-'));
  // Chromium refuses to run as root with its OS sandbox; the renderer stays sandboxed by Electron.
  const extra = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : [];
  const env = { ...process.env } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await _electron.launch({ executablePath: electron.path!, args: [...extra, root, '--data-dir', dataDir], env, cwd: root });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    assert.match(await win.title(), /Lathe/);
    // The app rendered something into its root.
    await win.waitForFunction(() => (document.body?.innerText ?? '').trim().length > 0, undefined, { timeout: 30_000 });

    const bridge = await win.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const lathe = w.lathe as Record<string, unknown> | undefined;
      return {
        keys: lathe ? Object.keys(lathe).sort() : [],
        require: typeof w.require,
        process: typeof w.process,
        ipcRenderer: typeof (w as { ipcRenderer?: unknown }).ipcRenderer,
      };
    });
    assert.deepEqual(bridge.keys, ['onMessage', 'pathForFile', 'send']);
    assert.equal(bridge.require, 'undefined');
    assert.equal(bridge.process, 'undefined');
    assert.equal(bridge.ipcRenderer, 'undefined');

    const info = await win.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          type Msg = { t: string; id?: number; result?: unknown; error?: unknown };
          const lathe = (window as unknown as { lathe: { send(m: unknown): void; onMessage(cb: (m: Msg) => void): () => void } }).lathe;
          const id = 987654;
          const off = lathe.onMessage((m) => {
            if (m.id !== id) return;
            off();
            if (m.t === 'reply') resolve(m.result);
            else reject(new Error(JSON.stringify(m.error)));
          });
          lathe.send({ t: 'call', id, method: 'app.info', params: null });
        }),
    );
    assert.equal((info as { shell: string }).shell, 'electron');
    assert.equal((info as { dataDir: string }).dataDir, dataDir);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
