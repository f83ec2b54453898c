/**
 * The engine: the store, the job system and the handlers of every contract
 * method, with events fanned out to every connected client. The shells
 * (Electron, browser-mode server, CLI) each create one and serve its
 * handlers over their carrier.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, Events } from '../../src-shared/contract/index.ts';
import type { Handlers } from '../../src-shared/rpc/core.ts';
import { JobSystem, type JobSystemOptions } from './jobs/pool.ts';
import { createHandlers } from './service/handlers.ts';
import { seedSamples, type SeedResult } from './service/samples.ts';
import { Store } from './store/store.ts';

export interface EngineOptions {
  dataDir: string;
  shell: 'electron' | 'browser' | 'cli' | 'test';
  /** Import the shipped samples on the first run (default true). */
  seedSamples?: boolean;
  /** Where the samples are (default <repo>/datasets). */
  samplesDir?: string;
  /** Worker threads for jobs (default: the core count). */
  workers?: number;
  /** Rows per stored Arrow chunk for imports (default 65,536; tests use small chunks to cross boundaries). */
  chunkRows?: number;
  /** Extra job-system options (heap limit per worker, cancel grace). */
  jobOptions?: Omit<JobSystemOptions, 'size' | 'onChange'>;
}

export interface Engine {
  /** Every method in the contract. */
  handlers: Handlers;
  /** Events for every connected client (job updates, datasets.changed). Returns an unsubscribe function. */
  subscribe(cb: (topic: EventName, data: unknown) => void): () => void;
  /** A fresh temporary file under <dataDir>/uploads for a browser-mode upload; datasets.importUpload imports and deletes it. */
  newUpload(): { id: string; path: string };
  /** Terminate workers (running jobs end as cancelled), close the database. */
  close(): Promise<void>;
  readonly dataDir: string;
  /** For services added later (training, models): the store and the job system. */
  readonly store: Store;
  readonly jobs: JobSystem;
  /** Settles when the first-run sample import has finished (at once when there is nothing to do). */
  readonly seeding: Promise<SeedResult>;
}

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(here('../../package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const dataDir = opts.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const uploadsDir = join(dataDir, 'uploads');
  mkdirSync(uploadsDir, { recursive: true });
  // Uploads left by an earlier run can never be imported (their ids died with it). Only old
  // ones: a second Lathe on the same folder (the CLI beside the app) may be receiving one now.
  const stale = Date.now() - 60 * 60_000;
  for (const f of readdirSync(uploadsDir)) {
    const p = join(uploadsDir, f);
    try {
      if (statSync(p).mtimeMs < stale) rmSync(p, { force: true, recursive: true });
    } catch {
      // Gone already.
    }
  }

  const store = new Store(dataDir);
  const listeners = new Set<(topic: EventName, data: unknown) => void>();
  const emit = <E extends EventName>(topic: E, data: Events[E]): void => {
    for (const cb of [...listeners]) {
      try {
        cb(topic, data);
      } catch {
        // One client's failing listener must not starve the others.
      }
    }
  };
  const jobs = new JobSystem({ ...opts.jobOptions, size: opts.workers, onChange: (info) => emit('job', info) });
  const handlers = createHandlers({
    store,
    jobs,
    emit,
    uploadsDir,
    chunkRows: opts.chunkRows,
    info: { version: readVersion(), shell: opts.shell, dataDir, canOpenPaths: opts.shell !== 'browser' },
  });

  const seeding: Promise<SeedResult> =
    opts.seedSamples === false
      ? Promise.resolve({ imported: [], failed: [], skipped: true })
      : seedSamples(store, jobs, opts.samplesDir ?? here('../../datasets'), (id) => emit('datasets.changed', { ids: [id] })).catch(
          (e: unknown) => ({ imported: [], failed: [{ file: '', code: 'INTERNAL', message: String(e) }], skipped: false }),
        );

  let closing: Promise<void> | undefined;
  return {
    handlers,
    dataDir,
    store,
    jobs,
    seeding,
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    newUpload() {
      const id = randomUUID();
      return { id, path: join(uploadsDir, id) };
    },
    close() {
      closing ??= (async () => {
        await jobs.close();
        await seeding;
        store.close();
        listeners.clear();
      })();
      return closing;
    },
  };
}
