/**
 * Starts one of the importer's worker threads (pipe-worker, parse-worker)
 * next to this module: the TypeScript source under tsx, or the bundled
 * `.mjs`/`.js` beside the bundle; null when this build has none (the
 * importer then stays on its own thread).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { spawnWorker } from '../jobs/spawn.ts';

/** A small young generation: a parse worker's garbage is short-lived, and memory is bounded by budget. */
const LIMITS = { maxYoungGenerationSizeMb: 4 };

export function startIngestWorker(base: 'pipe-worker' | 'parse-worker', name: string): Worker | null {
  const here = import.meta.url;
  if (/\.(c|m)?ts$/.test(here)) return spawnWorker(new URL(`./${base}.ts`, here), { name, resourceLimits: LIMITS });
  const ext = here.slice(here.lastIndexOf('.'));
  const url = new URL(`./${base}${ext}`, here);
  if (!existsSync(fileURLToPath(url))) return null;
  return new Worker(url, { name, resourceLimits: LIMITS });
}
