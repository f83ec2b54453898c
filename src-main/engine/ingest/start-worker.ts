/**
 * Starts one of the importer's worker threads (pipe-worker, parse-worker)
 * next to this module: the bundled `.mjs`/`.js` beside a bundle, or, when
 * the engine runs from its TypeScript source (tsx: the CLI, browser mode,
 * Electron), a bundle of the worker's sources made once with esbuild and
 * cached; null when this build has none (the importer then stays on its
 * own thread).
 *
 * Why the cache: under tsx a worker loads each module through tsx's loader,
 * ~200 ms before the parse worker can read its first byte, on every import
 * (a bundled worker says hello after ~30 ms). esbuild is tsx's own
 * dependency. The bundle is reused while every source file in it is byte
 * for byte what it was built from (a hash of them is kept beside it), so an
 * edited source never runs stale; any failure falls back to tsx.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { spawnWorker, workerExecArgv } from '../jobs/spawn.ts';

/** A small young generation: a parse worker's garbage is short-lived, and memory is bounded by budget. */
const LIMITS = { maxYoungGenerationSizeMb: 4 };

type Base = 'pipe-worker' | 'parse-worker';

export function startIngestWorker(base: Base, name: string): Worker | null {
  const here = import.meta.url;
  if (/\.(c|m)?ts$/.test(here)) {
    const bundle = cachedBundle(base);
    if (bundle) {
      // without the parent's tsx flags: the bundle is plain JavaScript
      try {
        return new Worker(bundle, { name, resourceLimits: LIMITS, execArgv: workerExecArgv() });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
        return new Worker(bundle, { name, resourceLimits: LIMITS, execArgv: [] });
      }
    }
    return spawnWorker(new URL(`./${base}.ts`, here), { name, resourceLimits: LIMITS });
  }
  const ext = here.slice(here.lastIndexOf('.'));
  const url = new URL(`./${base}${ext}`, here);
  if (!existsSync(fileURLToPath(url))) return null;
  return new Worker(url, { name, resourceLimits: LIMITS });
}

interface BundleMeta {
  entry: string;
  /** the bundle's source files, absolute */
  inputs: string[];
  /** sha256 of their contents, in that order */
  hash: string;
}

interface EsbuildLike {
  buildSync(o: Record<string, unknown>): { outputFiles?: { text: string }[]; metafile?: { inputs: Record<string, unknown> } };
}

/** Where the bundles live: the project's node_modules/.cache (packages resolve from there). */
export function workerCacheDir(): string {
  return fileURLToPath(new URL('../../../node_modules/.cache/lathe-workers/', import.meta.url));
}

function hashOf(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

/** The worker's cached bundle (built now when missing or stale), or null when it cannot be had. */
export function cachedBundle(base: Base): URL | null {
  try {
    const entry = fileURLToPath(new URL(`./${base}.ts`, import.meta.url));
    const dir = workerCacheDir();
    const out = join(dir, `${base}.mjs`);
    const metaFile = join(dir, `${base}.json`);
    if (existsSync(out) && existsSync(metaFile)) {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as BundleMeta;
      if (meta.entry === entry && meta.inputs.every((f) => existsSync(f)) && meta.hash === hashOf(meta.inputs)) return pathToFileURL(out);
    }
    const esbuild = createRequire(import.meta.url)('esbuild') as EsbuildLike;
    const root = resolve(dir, '..', '..', '..');
    const r = esbuild.buildSync({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const text = r.outputFiles?.[0]?.text;
    if (!text || !r.metafile) return null;
    const inputs = Object.keys(r.metafile.inputs).map((p) => resolve(root, p));
    const meta: BundleMeta = { entry, inputs, hash: hashOf(inputs) };
    mkdirSync(dir, { recursive: true });
    // written beside and renamed: a process starting the same worker meanwhile sees the old pair or the new one
    const tag = `${process.pid}-${Date.now()}`;
    writeFileSync(`${out}.${tag}`, `// Built by start-worker.ts from ${base}.ts: a cache, not a source.\n${text}`);
    writeFileSync(`${metaFile}.${tag}`, JSON.stringify(meta));
    renameSync(`${out}.${tag}`, out);
    renameSync(`${metaFile}.${tag}`, metaFile);
    return pathToFileURL(out);
  } catch {
    return null;
  }
}
