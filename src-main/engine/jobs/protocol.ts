/** Messages between the job pool (main thread) and a task worker. Typed unions, both ways. */
import type { WireError } from '../../../src-shared/errors.ts';
import type { Progress } from '../../../src-shared/jobs.ts';

export type ToWorker =
  /**
   * Run task `task` (a name in the worker's registry, or loaded from `module`,
   * a file URL). `cancelFlag` (jobs/cancel-flag.ts) is raised by the pool on
   * cancel, so the task's signal trips even while it runs synchronous code.
   */
  | { t: 'run'; jobId: string; task: string; module?: string; input: unknown; cancelFlag?: Int32Array }
  | { t: 'cancel'; jobId: string };

export type FromWorker =
  | { t: 'progress'; jobId: string; progress: Progress }
  | { t: 'done'; jobId: string; result: unknown }
  | { t: 'error'; jobId: string; error: WireError };

/** What a task gets besides its input. */
export interface TaskContext {
  jobId: string;
  signal: AbortSignal;
  /** Report progress; the worker throttles what it forwards (about 10 a second, finals always). */
  progress(p: Progress): void;
}

/** A task module: registered by name in workers/registry.ts, or passed as a module URL. */
export interface TaskModule {
  run(input: unknown, ctx: TaskContext): unknown;
}
