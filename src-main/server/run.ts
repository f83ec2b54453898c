/**
 * Browser mode from start to stop: resolve the data folder, open the engine,
 * serve it, print the URL, and close everything when the signal fires
 * (SIGINT/SIGTERM in main.ts and `lathe serve`).
 */
import { LatheError } from '../../src-shared/errors.ts';
import { openBrowser } from './open-browser.ts';
import { DEFAULT_STATIC_DIR, startServer } from './server.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface BrowserModeOptions {
  dataDir: string;
  port?: number;
  /** Open the URL in the default browser. */
  open?: boolean;
  staticDir?: string;
  /** Import the shipped samples on the first run (default true). */
  seedSamples?: boolean;
  /** Why browser mode was chosen (npm start without Electron), said before the URL. */
  reason?: string;
  log: (line: string) => void;
  /** Stops the server when aborted. */
  signal: AbortSignal;
}

export function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) > 65535) {
    throw new LatheError('INVALID_PARAM', `--port must be a whole number from 0 to 65535 (0 takes a free port). Got "${v}" instead.`, { param: 'port' });
  }
  return Number(v);
}

export async function runBrowserMode(opts: BrowserModeOptions): Promise<void> {
  const { createEngine } = await import('../engine/engine.ts');
  const engine = await createEngine({ dataDir: opts.dataDir, shell: 'browser', seedSamples: opts.seedSamples ?? true });
  let server;
  try {
    server = await startServer({ engine, port: opts.port ?? 0, ...(opts.staticDir ? { staticDir: opts.staticDir } : {}) });
  } catch (e) {
    await engine.close();
    throw e;
  }
  const opened = opts.open ? openBrowser(server.url) : false;
  const where = `serving Lathe at ${server.url} — ${opened ? 'opening it in your browser' : 'open it in a browser'}`;
  opts.log(opts.reason ? `${opts.reason}; ${where}` : `Lathe: ${where}`);
  opts.log(`Data folder: ${opts.dataDir}. Press Ctrl+C to stop.`);
  const index = join(opts.staticDir ?? DEFAULT_STATIC_DIR, 'index.html');
  if (!existsSync(index)) opts.log(`Warning: the renderer is not built (${index} is missing): run "npx electron-vite build", or use "npm start", which builds it.`);
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  await engine.close();
  opts.log('Lathe stopped.');
}
