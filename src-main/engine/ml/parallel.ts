/**
 * A small worker_threads pool for data-parallel ML work (forest trees, blocks
 * of distance computations...). A task names a module (its URL) and one of its
 * exported functions; the worker imports the module once and calls
 * `fn(args, ctx)`. Big inputs travel in SharedArrayBuffers (read in place by
 * every worker); typed-array results come back transferred, not copied.
 *
 * - Determinism is the caller's: give each task its own seed (e.g. derived
 *   from random_state and the tree index) and combine results in task order;
 *   `map` returns results in the order of the specs, whatever worker ran them.
 * - Cancellation: an aborted signal drops queued tasks and raises a shared
 *   flag that running tasks poll through `ctx.cancelled()`; the call rejects
 *   with CANCELLED.
 * - A worker that crashes fails its task (WORKER_CRASHED) and is replaced.
 * - Idle workers are unref'd, so a pool never keeps a process alive.
 *
 * Workers run TypeScript through tsx when this module itself runs from `.ts`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LatheError, toWireError, type WireError } from '../../../src-shared/errors.ts';

export interface TaskContext {
  /** True once the caller has cancelled; poll it between units of work. */
  cancelled(): boolean;
  /** Send a message to the caller's onMessage (progress, partial results). */
  post(msg: unknown): void;
}

export type TaskFn<A = unknown, R = unknown> = (args: A, ctx: TaskContext) => R | Promise<R>;

export interface TaskSpec {
  /** URL (file: or absolute path) of the module exporting fn. */
  module: string;
  fn: string;
  args: unknown;
  /** ArrayBuffers to move (not copy) to the worker. */
  transfer?: ArrayBuffer[];
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Messages a task sends with ctx.post. */
  onMessage?: (msg: unknown, taskIndex: number) => void;
}

type FromWorker =
  | { id: number; type: 'done'; result: unknown }
  | { id: number; type: 'error'; error: WireError }
  | { id: number; type: 'message'; msg: unknown };

interface Job {
  id: number;
  index: number;
  spec: TaskSpec;
  flag: Int32Array;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onMessage?: (msg: unknown, taskIndex: number) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const fromTs = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromTs ? './workers/ml-worker.ts' : './workers/ml-worker.js', import.meta.url);

/**
 * Start a worker. From TypeScript, `--import tsx` in execArgv does not reach
 * worker threads on Node 20 (its loader hooks stay on the main thread), so
 * the worker is a tiny bootstrap that registers tsx's ESM hooks in itself,
 * then imports the real worker module.
 */
function startWorker(): Worker {
  if (!fromTs) return new Worker(WORKER_URL);
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true });
}

/** Threads for an n_jobs-like setting: -1 (or null) = all cores, 0/1 = none. */
export function threadCount(nJobs: number | null | undefined): number {
  const cores = availableParallelism();
  if (nJobs === null || nJobs === undefined || nJobs < 0) return cores;
  return Math.max(1, Math.min(nJobs, cores));
}

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) throw new LatheError('INVALID_PARAM', `A worker pool needs at least 1 thread; got ${size}.`, { param: 'size' });
  }

  /** Run one task on some worker. */
  run<T = unknown>(spec: TaskSpec, opts: RunOptions = {}): Promise<T> {
    return this.map<T>([spec], opts).then((r) => r[0]!);
  }

  /**
   * Run every task (at most `size` at a time) and give their results in the
   * order of `specs`. The first failure cancels the others and is thrown.
   */
  map<T = unknown>(specs: readonly TaskSpec[], opts: RunOptions = {}): Promise<T[]> {
    if (this.closed) return Promise.reject(new LatheError('INTERNAL', 'The worker pool is closed.'));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new LatheError('CANCELLED', 'The parallel work was cancelled.'));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const results: T[] = new Array<T>(specs.length);
    return new Promise<T[]>((resolve, reject) => {
      let left = specs.length;
      let failed = false;
      const mine: Job[] = [];
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        Atomics.store(flag, 0, 1);
        this.queue = this.queue.filter((j) => !mine.includes(j));
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      const onAbort = (): void => fail(new LatheError('CANCELLED', 'The parallel work was cancelled.'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (left === 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve(results);
        return;
      }
      specs.forEach((spec, index) => {
        const job: Job = {
          id: this.nextId++,
          index,
          spec,
          flag,
          onMessage: opts.onMessage,
          resolve: (v) => {
            results[index] = v as T;
            if (--left === 0 && !failed) {
              signal?.removeEventListener('abort', onAbort);
              resolve(results);
            }
          },
          reject: fail,
        };
        mine.push(job);
        this.queue.push(job);
      });
      this.pump();
    });
  }

  /**
   * Start workers up to `count` (at most `size`) now, so that later work does
   * not pay their start-up (a worker that loads TypeScript through tsx takes
   * a few hundred milliseconds). Idle workers stay unref'd.
   */
  warm(count: number = this.size): void {
    if (this.closed) return;
    while (this.slots.length < Math.min(count, this.size)) this.spawn();
  }

  /**
   * Post a task to `count` workers without waiting for a free slot and
   * without a reply: for runChunksSync, whose caller blocks its thread, so
   * the pool's bookkeeping (which runs on the caller's event loop) would still
   * count a helper of the previous call as busy and queue the task until the
   * caller yields — that is, never during back-to-back synchronous calls. A
   * worker still running something takes the message when it is done (the
   * caller does not wait for it). Idle-marked workers are preferred; missing
   * ones are started (they come late on their first call).
   */
  postDetached(spec: TaskSpec, count: number): void {
    if (this.closed || count <= 0) return;
    this.warm(count);
    const order = [...this.slots.filter((s) => s.job === null), ...this.slots.filter((s) => s.job !== null)];
    for (const s of order.slice(0, count)) {
      try {
        s.worker.postMessage({ id: 0, module: spec.module, fn: spec.fn, args: spec.args, flag: DETACHED_FLAG }, spec.transfer ?? []);
      } catch {
        // cannot be sent: the caller does the work itself
      }
    }
  }

  /** Stop every worker; running tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const j of this.queue) j.reject(new LatheError('CANCELLED', 'The worker pool was closed.'));
    this.queue = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id: job.id, module: job.spec.module, fn: job.spec.fn, args: job.spec.args, flag: job.flag }, job.spec.transfer ?? []);
      } catch (e) {
        slot.job = null;
        slot.worker.unref();
        job.reject(new LatheError('BAD_REQUEST', `A parallel task's arguments cannot be sent to a worker: ${(e as Error).message}`));
      }
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, job: null };
    worker.unref();
    // An unref() before the thread is online does not hold on Node 20 (an idle, never-used worker kept the process alive): repeat it then.
    worker.once('online', () => {
      if (slot.job === null) worker.unref();
    });
    worker.on('message', (m: FromWorker) => {
      if (m.id === 0) return; // a detached task's reply (postDetached)
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      if (m.type === 'message') {
        job.onMessage?.(m.msg, job.index);
        return;
      }
      slot.job = null;
      worker.unref();
      if (m.type === 'done') job.resolve(m.result);
      else job.reject(LatheError.fromWire(m.error));
      this.pump();
    });
    const crashed = (why: string): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      const job = slot.job;
      slot.job = null;
      if (job) job.reject(new LatheError('WORKER_CRASHED', `An ML worker thread stopped unexpectedly (${why}); its task failed.`));
      if (!this.closed) this.pump();
    };
    worker.on('error', (e) => crashed(toWireError(e).message));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) crashed(`exit code ${code}`);
    });
    this.slots.push(slot);
    return slot;
  }
}

/** Cancel flag of detached tasks (never raised: their callers stop them through their own shared state). */
const DETACHED_FLAG = new Int32Array(new SharedArrayBuffer(4));

let shared: WorkerPool | null = null;

/** The process-wide pool (one thread per core), started on first use. */
export function sharedPool(): WorkerPool {
  if (!shared) shared = new WorkerPool(availableParallelism());
  return shared;
}

/** Split 0..n-1 into about `parts` contiguous chunks. */
export function chunks(n: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const k = Math.max(1, Math.min(n, parts));
  for (let i = 0; i < k; i++) {
    const a = Math.floor((i * n) / k);
    const b = Math.floor(((i + 1) * n) / k);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** Buffers of the typed arrays inside a value that can be moved (not shared, not duplicated). */
export function transferablesOf(v: unknown, out: ArrayBuffer[] = [], seen = new Set<unknown>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(v)) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && !seen.has(b) && b.byteLength === v.byteLength) {
      seen.add(b);
      out.push(b);
    }
  } else if (Array.isArray(v)) for (const x of v) transferablesOf(x, out, seen);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) transferablesOf(x, out, seen);
  return out;
}

/**
 * State of one runChunksSync call, in shared memory: [0] next chunk to claim,
 * [1] chunks done, [2] a helper failed, then one status per chunk
 * (0 free, 1 claimed, 2 done).
 */
const NEXT = 0;
const DONE = 1;
const FAILED = 2;
const HEAD = 3;

/** Claim chunks until none are left, running `work` on each (main thread and helpers alike). */
function drainChunks(state: Int32Array, n: number, work: (chunk: number) => void): void {
  for (;;) {
    const c = Atomics.add(state, NEXT, 1);
    if (c >= n) return;
    Atomics.store(state, HEAD + c, 1);
    work(c);
    if (Atomics.compareExchange(state, HEAD + c, 1, 2) === 1) {
      Atomics.add(state, DONE, 1);
      Atomics.notify(state, DONE);
    }
  }
}

interface ChunkLoopArgs {
  module: string;
  fn: string;
  args: unknown;
  state: Int32Array;
  n: number;
}

/** Chunk functions by module and name, looked up once per thread (a repeated import() still pays the loader's resolve step). */
const chunkFns = new Map<string, (args: unknown, chunk: number) => void>();

/** Pool task behind runChunksSync: a helper thread's share of the chunks. */
export async function chunkLoop(a: ChunkLoopArgs): Promise<null> {
  try {
    const key = `${a.module}#${a.fn}`;
    let fn = chunkFns.get(key);
    if (!fn) {
      const mod = (await import(a.module)) as Record<string, unknown>;
      fn = mod[a.fn] as (args: unknown, chunk: number) => void;
      if (typeof fn !== 'function') throw new LatheError('INTERNAL', `${a.module} has no function ${a.fn}.`);
      chunkFns.set(key, fn);
    }
    const work = fn;
    drainChunks(a.state, a.n, (c) => work(a.args, c));
  } catch (e) {
    Atomics.store(a.state, FAILED, 1);
    Atomics.notify(a.state, DONE);
    throw e;
  }
  return null;
}

/**
 * Synchronous data parallelism, for work that must finish inside a
 * synchronous call (predict): chunks 0..n-1 are taken from a shared counter by
 * the calling thread and by up to `helpers` pool workers, which run
 * `module`'s export `fn(args, chunk)` (args: SharedArrayBuffer-backed arrays
 * and plain values); `local(chunk)` is the same work on the calling thread.
 * The caller never waits for a worker to start: a helper that comes late
 * finds nothing left. A helper that fails, or holds a chunk for longer than
 * `stealMs`, has its unfinished chunks redone by the caller, so the call
 * always completes with the same results. The work must write disjoint
 * outputs per chunk and be deterministic.
 */
export function runChunksSync(
  spec: { module: string; fn: string; args: unknown },
  n: number,
  local: (chunk: number) => void,
  helpers: number = threadCount(-1) - 1,
  stealMs = 20_000,
): void {
  const state = new Int32Array(new SharedArrayBuffer(4 * (HEAD + Math.max(1, n))));
  const h = Math.min(helpers, n - 1);
  if (h > 0) {
    const task: TaskSpec = { module: import.meta.url, fn: 'chunkLoop', args: { ...spec, state, n } satisfies ChunkLoopArgs };
    sharedPool().postDetached(task, h);
  }
  try {
    drainChunks(state, n, local);
  } catch (e) {
    // The caller's share failed or was cancelled: leave the helpers nothing more to claim.
    Atomics.store(state, NEXT, n);
    throw e;
  }
  let seen = Atomics.load(state, DONE);
  let since = Date.now();
  while (seen < n) {
    const failed = Atomics.load(state, FAILED) !== 0;
    if (failed || Date.now() - since > stealMs) {
      // redo what a failed or stalled helper still holds
      for (let c = 0; c < n; c++) {
        if (Atomics.load(state, HEAD + c) === 2) continue;
        local(c);
        if (Atomics.exchange(state, HEAD + c, 2) !== 2) Atomics.add(state, DONE, 1);
      }
      return;
    }
    Atomics.wait(state, DONE, seen, 100);
    const now = Atomics.load(state, DONE);
    if (now !== seen) {
      seen = now;
      since = Date.now();
    }
  }
}
