/**
 * The job system: a pool of task workers (one job per worker at a time),
 * a queue when they are all busy, progress, cancellation with a deadline,
 * and crash isolation: a worker that throws outside its job, exits, or runs
 * out of memory fails that one job and is replaced.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { LatheError, toWireError, type WireError } from '../../../src-shared/errors.ts';
import type { JobInfo, JobKind, Progress } from '../../../src-shared/jobs.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { newCancelFlag, raiseCancelFlag } from './cancel-flag.ts';
import { spawnWorker } from './spawn.ts';

export const TASK_WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? '../workers/task.worker.ts' : './task.worker.js',
  import.meta.url,
);

export interface JobSystemOptions {
  /** Number of workers (default: the core count). */
  size?: number;
  /** The worker script (default: workers/task.worker.ts). */
  workerUrl?: URL;
  resourceLimits?: ResourceLimits;
  /**
   * How long a cancelled job may take to stop before its worker is terminated
   * (default 500 ms). Tasks see the cancel at their next signal check through
   * a shared flag, so a cooperative task stops in milliseconds; the deadline
   * is for code that does not check, and keeps every cancel under a second.
   */
  cancelGraceMs?: number;
  /** How many finished jobs jobs.list keeps (default 50). */
  keepFinished?: number;
  /** Every change of a job (state or progress). */
  onChange?: (info: JobInfo) => void;
}

export interface JobSpec {
  kind: JobKind;
  title: string;
  /** Task name in the worker registry. */
  task: string;
  /** A module URL to load the task from instead of the registry. */
  module?: string;
  input: unknown;
}

export interface StartOptions {
  /** Aborting it cancels the job (the RPC call's signal). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface Job {
  info: JobInfo;
  spec: JobSpec;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: Progress) => void;
  cancelRequested: boolean;
  /** Raised on cancel; the worker's signal reads it (jobs/cancel-flag.ts). */
  cancelFlag: Int32Array;
  slot?: Slot;
  detach?: () => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  /** Set when we terminate it on purpose (cancel deadline, close). */
  retiring: boolean;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

/** After terminate() on a cancel deadline, how long the answer waits for the worker to be gone (its locks released). */
const TERMINATE_WAIT_MS = 200;

/** Default heap limit for a worker: half the machine's memory, between 512 MiB and 8 GiB. */
export function defaultResourceLimits(): ResourceLimits {
  const mb = Math.floor(totalmem() / 2 / 2 ** 20);
  return { maxOldGenerationSizeMb: Math.max(512, Math.min(8192, mb)) };
}

export class JobSystem {
  readonly size: number;
  private readonly workerUrl: URL;
  private readonly resourceLimits: ResourceLimits;
  private readonly cancelGraceMs: number;
  private readonly keepFinished: number;
  private readonly onChange?: (info: JobInfo) => void;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly jobs = new Map<string, Job>();
  private closed = false;

  constructor(opts: JobSystemOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    this.workerUrl = opts.workerUrl ?? TASK_WORKER_URL;
    this.resourceLimits = opts.resourceLimits ?? defaultResourceLimits();
    this.cancelGraceMs = opts.cancelGraceMs ?? 500;
    this.keepFinished = opts.keepFinished ?? 50;
    this.onChange = opts.onChange;
  }

  /** Queue a job; `done` settles with the task's result or a LatheError (CANCELLED when cancelled). */
  start<R = unknown>(spec: JobSpec, opts: StartOptions = {}): { id: string; info: JobInfo; done: Promise<R> } {
    if (this.closed) throw new LatheError('CANCELLED', 'The engine is shutting down; the job was not started.');
    const id = randomUUID();
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that starts a job and never awaits it must not crash the process with an unhandled rejection.
    done.catch(() => {});
    const job: Job = {
      info: { id, kind: spec.kind, title: spec.title, state: 'queued', progress: { fraction: 0, phase: 'queued' }, startedAt: new Date().toISOString() },
      spec,
      resolve,
      reject,
      onProgress: opts.onProgress,
      cancelRequested: false,
      cancelFlag: newCancelFlag(),
    };
    this.jobs.set(id, job);
    if (opts.signal) {
      const onAbort = (): void => void this.cancel(id);
      if (opts.signal.aborted) queueMicrotask(onAbort);
      else {
        opts.signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => opts.signal?.removeEventListener('abort', onAbort);
      }
    }
    this.queue.push(job);
    this.changed(job);
    this.pump();
    return { id, info: { ...job.info }, done: done as Promise<R> };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => structuredClone(j.info));
  }

  get(id: string): JobInfo | undefined {
    const j = this.jobs.get(id);
    return j ? structuredClone(j.info) : undefined;
  }

  /** Running workers (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.size;
  }

  /**
   * Cancel a queued or running job. Returns false when the job has already
   * ended. A running job is asked to stop; if it has not within the grace
   * period its worker is terminated (and replaced).
   */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) throw new LatheError('NOT_FOUND', `There is no job with id "${id}".`, { id, param: 'jobId' });
    if (job.info.state !== 'queued' && job.info.state !== 'running') return false;
    if (job.info.state === 'queued') {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
      this.finish(job, 'cancelled', undefined, { code: 'CANCELLED', message: `${job.info.title} was cancelled before it started.` });
      return true;
    }
    if (job.cancelRequested) return true;
    job.cancelRequested = true;
    // The flag first: a task in synchronous code sees it at its next signal
    // check; the message wakes a task that is waiting (I/O, a pool, a timer).
    raiseCancelFlag(job.cancelFlag);
    const slot = job.slot;
    if (slot) {
      this.post(slot, { t: 'cancel', jobId: id });
      slot.cancelTimer = setTimeout(() => {
        if (slot.job !== job) return;
        // The task did not stop in time (a long step with no signal check, a
        // blocking native call): stop its worker the hard way, and answer once
        // the worker is gone (so its locks are free) or shortly after.
        const answer = (): void =>
          this.finish(job, 'cancelled', undefined, { code: 'CANCELLED', message: `${job.info.title} was cancelled (its worker was stopped).` });
        const wait = setTimeout(answer, TERMINATE_WAIT_MS);
        void this.retire(slot)
          .catch(() => 0)
          .then(() => {
            clearTimeout(wait);
            answer();
          });
      }, this.cancelGraceMs);
    }
    return true;
  }

  /**
   * Stop the worker running a job at once, as a crash would (diagnostics and
   * the tests that prove a killed import leaves nothing behind): the job
   * fails with WORKER_CRASHED and the worker is replaced.
   */
  kill(id: string): boolean {
    const job = this.jobs.get(id);
    const slot = job?.slot;
    if (!job || !slot || job.info.state !== 'running') return false;
    void slot.worker.terminate();
    return true;
  }

  /** Terminate every worker; queued and running jobs end as cancelled. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      this.finish(job, 'cancelled', undefined, { code: 'CANCELLED', message: 'The engine shut down before the job started.' });
    }
    const ending: Promise<unknown>[] = [];
    for (const slot of [...this.slots]) {
      if (slot.job) raiseCancelFlag(slot.job.cancelFlag);
      if (slot.job) this.finish(slot.job, 'cancelled', undefined, { code: 'CANCELLED', message: 'The engine shut down while the job was running.' });
      ending.push(this.retire(slot));
    }
    await Promise.allSettled(ending);
  }

  // ---- internals ----

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => !s.job && !s.retiring);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift() as Job;
      this.assign(slot, job);
    }
  }

  private spawn(): Slot {
    const worker = spawnWorker(this.workerUrl, { resourceLimits: this.resourceLimits, name: 'lathe-task' });
    const slot: Slot = { worker, retiring: false };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (m: FromWorker) => this.receive(slot, m));
    worker.on('error', (e: Error) => this.crashed(slot, e));
    worker.on('exit', (code) => this.exited(slot, code));
    return slot;
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    // A busy worker keeps the process alive; an idle one does not (the CLI can exit).
    slot.worker.ref();
    job.info.state = 'running';
    job.info.progress = { fraction: 0, phase: 'starting' };
    this.changed(job);
    this.post(slot, { t: 'run', jobId: job.info.id, task: job.spec.task, module: job.spec.module, input: job.spec.input, cancelFlag: job.cancelFlag });
  }

  private post(slot: Slot, m: ToWorker): void {
    try {
      slot.worker.postMessage(m);
    } catch (e) {
      // The input could not be cloned: that is the caller's error, not a crash.
      if (m.t === 'run' && slot.job) {
        this.finish(slot.job, 'failed', undefined, toWireError(new LatheError('BAD_REQUEST', `The job's input cannot be sent to a worker: ${(e as Error).message}`)));
        this.release(slot);
      }
    }
  }

  private receive(slot: Slot, m: FromWorker): void {
    const job = slot.job;
    if (!job || job.info.id !== m.jobId) return;
    if (m.t === 'progress') {
      if (job.info.state !== 'running') return;
      job.info.progress = m.progress;
      job.onProgress?.(m.progress);
      this.changed(job);
      return;
    }
    if (m.t === 'done') this.finish(job, 'done', m.result);
    else if (m.error.code === 'CANCELLED') this.finish(job, 'cancelled', undefined, m.error);
    else this.finish(job, 'failed', undefined, m.error);
    this.release(slot);
  }

  private crashed(slot: Slot, e: Error): void {
    const job = slot.job;
    const code = (e as { code?: string }).code;
    if (job && !slot.retiring) {
      const error: WireError =
        code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? {
              code: 'OUT_OF_MEMORY',
              message: `${job.info.title} ran out of memory (the worker's limit is ${this.resourceLimits.maxOldGenerationSizeMb ?? '?'} MiB of heap). Try a smaller dataset or fewer columns.`,
              details: { limitMb: this.resourceLimits.maxOldGenerationSizeMb },
            }
          : { code: 'WORKER_CRASHED', message: `${job.info.title} failed: its worker crashed (${e.message}).`, details: { cause: e.message } };
      this.finish(job, 'failed', undefined, error);
    }
    this.drop(slot);
  }

  private exited(slot: Slot, code: number): void {
    const job = slot.job;
    if (job && !slot.retiring) {
      this.finish(job, 'failed', undefined, {
        code: 'WORKER_CRASHED',
        message: `${job.info.title} failed: its worker exited unexpectedly (exit code ${code}).`,
        details: { exitCode: code },
      });
    }
    this.drop(slot);
  }

  /** The worker is gone: forget it and let the queue start a replacement. */
  private drop(slot: Slot): void {
    if (slot.cancelTimer) clearTimeout(slot.cancelTimer);
    slot.job = undefined;
    if (this.slots.delete(slot)) queueMicrotask(() => this.pump());
  }

  private retire(slot: Slot): Promise<number> {
    slot.retiring = true;
    if (slot.cancelTimer) clearTimeout(slot.cancelTimer);
    slot.job = undefined;
    this.slots.delete(slot);
    const ended = slot.worker.terminate();
    queueMicrotask(() => this.pump());
    return ended;
  }

  private release(slot: Slot): void {
    if (slot.cancelTimer) clearTimeout(slot.cancelTimer);
    slot.cancelTimer = undefined;
    slot.job = undefined;
    if (!slot.retiring) slot.worker.unref();
    this.pump();
  }

  private finish(job: Job, state: 'done' | 'failed' | 'cancelled', result?: unknown, error?: WireError): void {
    if (job.info.state === 'done' || job.info.state === 'failed' || job.info.state === 'cancelled') return;
    job.info.state = state;
    job.info.endedAt = new Date().toISOString();
    if (state === 'done') job.info.progress = { ...job.info.progress, fraction: 1, phase: 'done' };
    if (error) job.info.error = { code: error.code, message: error.message };
    job.detach?.();
    job.slot = undefined;
    this.changed(job);
    if (state === 'done') job.resolve(result);
    else job.reject(LatheError.fromWire(error ?? { code: 'INTERNAL', message: 'The job ended without a result.' }));
    this.trim();
  }

  private trim(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.state !== 'queued' && j.info.state !== 'running');
    for (let i = 0; i < finished.length - this.keepFinished; i++) this.jobs.delete((finished[i] as Job).info.id);
  }

  private changed(job: Job): void {
    if (this.onChange) {
      try {
        this.onChange(structuredClone(job.info));
      } catch {
        // A listener's failure must not break the job system.
      }
    }
  }
}
