/**
 * End-to-end harness: builds the renderer when it is missing or older than
 * its sources, starts an engine on a temporary data dir behind the real
 * browser-mode server, and drives Chromium (playwright-core) against it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SHARED_DATASETS } from './data.ts';
import { startServer, type RunningServer, type ServedEngine } from '../../src-main/server/server.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_OUT = join(ROOT, 'out', 'renderer');
export { SHARED_DATASETS };
/**
 * Screenshots for the README go to docs/screenshots when LATHE_SCREENSHOTS=1
 * (`LATHE_SCREENSHOTS=1 npm run test:e2e`); otherwise to test-results/, so a
 * plain `npm test` leaves the checkout clean.
 */
export const SCREENSHOTS = process.env.LATHE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'test-results', 'screenshots');

/** A real dataset file: the shared copy when present, else the app's own samples. */
export function datasetPath(name: string): string {
  const shared = join(SHARED_DATASETS, name);
  if (existsSync(shared)) return shared;
  return join(ROOT, 'datasets', name);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** The renderer's sources: its own folder and the shared contract it bundles. */
function sourcesMtime(): number {
  return Math.max(newestMtime(join(ROOT, 'src-renderer')), newestMtime(join(ROOT, 'src-shared')));
}

let built: Promise<void> | undefined;

/**
 * Build out/renderer with Vite (the renderer part of electron.vite.config.ts)
 * when it is missing or stale. Built into a temporary folder and swapped in,
 * so a concurrent reader never sees half a build.
 */
export function ensureRendererBuilt(): Promise<void> {
  built ??= (async () => {
    const index = join(RENDERER_OUT, 'index.html');
    if (existsSync(index) && statSync(index).mtimeMs >= sourcesMtime()) return;
    const { build } = await import('vite');
    const { svelte } = await import('@sveltejs/vite-plugin-svelte');
    const tmpOut = join(ROOT, 'out', `.renderer-${process.pid}`);
    await build({
      configFile: false,
      root: join(ROOT, 'src-renderer'),
      base: './',
      logLevel: 'warn',
      plugins: [svelte()],
      build: {
        outDir: tmpOut,
        emptyOutDir: true,
        rollupOptions: { input: { index: join(ROOT, 'src-renderer', 'index.html') } },
      },
    });
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    const old = join(ROOT, 'out', `.renderer-old-${process.pid}`);
    if (existsSync(RENDERER_OUT)) renameSync(RENDERER_OUT, old);
    renameSync(tmpOut, RENDERER_OUT);
    rmSync(old, { recursive: true, force: true });
  })();
  return built;
}

export interface TestEngine extends ServedEngine {
  close(): Promise<void> | void;
}

export interface E2E {
  page: Page;
  context: BrowserContext;
  server: RunningServer;
  engine: TestEngine;
  dataDir: string;
  /** The server's origin, without the token. */
  origin: string;
  close(): Promise<void>;
}

export async function defaultEngine(dataDir: string): Promise<TestEngine> {
  const { createEngine } = await import('../../src-main/engine/engine.ts');
  return createEngine({ dataDir, shell: 'browser', seedSamples: false });
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Engine + server + Chromium, with the app loaded through the token URL. */
export async function startE2E(opts: { makeEngine?: (dataDir: string) => Promise<TestEngine>; width?: number; height?: number } = {}): Promise<E2E> {
  await ensureRendererBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'lathe-e2e-data-'));
  const profile = await mkdtemp(join(tmpdir(), 'lathe-e2e-chromium-'));
  const cleanup: (() => Promise<unknown> | unknown)[] = [() => rm(dataDir, { recursive: true, force: true }), () => rm(profile, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const fn of cleanup.splice(0).reverse()) {
      try {
        await fn();
      } catch {
        // keep tearing down the rest
      }
    }
  };
  try {
    const engine = await (opts.makeEngine ?? defaultEngine)(dataDir);
    cleanup.push(() => engine.close());
    const server = await startServer({ engine, port: 0, staticDir: RENDERER_OUT });
    cleanup.push(() => server.close());
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.LATHE_CHROMIUM || '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: opts.width ?? 1360, height: opts.height ?? 820 },
      deviceScaleFactor: 1,
    });
    cleanup.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="app-info"]:has-text("browser mode")', { timeout: 15_000 });
    return { page, context, server, engine, dataDir, origin: `http://127.0.0.1:${server.port}`, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Drop a file on the window the way a person does: a `drop` event carrying a
 * DataTransfer with a File made from the file's bytes. The bytes reach the
 * page through an intercepted same-origin request (fast even for 18 MB);
 * `repeatBody` appends the lines after the header that many more times, to
 * make a large file out of a real one without sending it all.
 */
export async function dropFile(page: Page, path: string, opts: { name?: string; repeatBody?: number } = {}): Promise<void> {
  await dropBytes(page, await readFile(path), opts.name ?? basename(path), opts.repeatBody ?? 0);
}

let dropSeq = 0;

export async function dropBytes(page: Page, bytes: Uint8Array, name: string, repeatBody = 0): Promise<void> {
  const url = `/__e2e_drop/${++dropSeq}`;
  await page.route(`**${url}`, (route) => route.fulfill({ status: 200, body: Buffer.from(bytes), contentType: 'application/octet-stream' }));
  try {
    await page.evaluate(
      async ({ url, name, repeatBody }) => {
        const buf = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const parts: BlobPart[] = [buf];
        if (repeatBody > 0) {
          const body = buf.subarray(buf.indexOf(10) + 1);
          for (let i = 0; i < repeatBody; i++) parts.push(body);
        }
        const dt = new DataTransfer();
        dt.items.add(new File(parts, name, { type: 'text/csv' }));
        const target = document.querySelector('main') ?? document.body;
        for (const type of ['dragenter', 'dragover', 'drop']) {
          target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
      },
      { url, name, repeatBody },
    );
  } finally {
    await page.unroute(`**${url}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Whether Chromium can be launched here (scripts/test.mjs sets LATHE_NO_CHROMIUM when it is missing). */
export function chromiumMissing(): string | null {
  if (process.env.LATHE_NO_CHROMIUM) return 'Chromium is not installed';
  const exe = process.env.LATHE_CHROMIUM || '/usr/bin/chromium';
  return existsSync(exe) ? null : `no Chromium at ${exe}`;
}
