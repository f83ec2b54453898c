/**
 * The generic task worker: runs one task at a time, by name (registry.ts) or
 * from a module URL, with an AbortController the pool can trip, throttled
 * progress, and the result or a typed error.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError, LatheError } from '../../../src-shared/errors.ts';
import type { Progress } from '../../../src-shared/jobs.ts';
import { linkCancelFlag } from '../jobs/cancel-flag.ts';
import type { FromWorker, TaskModule, ToWorker } from '../jobs/protocol.ts';
import { TASKS } from './registry.ts';

const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (!port) throw new Error('task.worker.ts must run in a worker thread.');

const controllers = new Map<string, AbortController>();

function send(m: FromWorker): void {
  port!.postMessage(m);
}

async function load(task: string, module: string | undefined): Promise<TaskModule> {
  if (module) return (await import(module)) as TaskModule;
  const loader = TASKS[task];
  if (!loader) throw new LatheError('NOT_IMPLEMENTED', `There is no worker task "${task}". Known tasks: ${Object.keys(TASKS).join(', ')}.`, { task });
  return loader();
}

async function run(m: Extract<ToWorker, { t: 'run' }>): Promise<void> {
  const controller = new AbortController();
  // The flag reaches a task busy in synchronous code; the cancel message only arrives when it yields.
  if (m.cancelFlag) linkCancelFlag(controller, m.cancelFlag);
  controllers.set(m.jobId, controller);
  let last = 0;
  let pending: Progress | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (pending) send({ t: 'progress', jobId: m.jobId, progress: pending });
    pending = undefined;
    last = Date.now();
  };
  const progress = (p: Progress): void => {
    pending = p;
    const wait = PROGRESS_EVERY_MS - (Date.now() - last);
    if (wait <= 0 || p.fraction === 1) {
      if (timer) clearTimeout(timer);
      flush();
    } else if (!timer) {
      // Keep the latest report and send it when the interval is up, so a
      // burst followed by a long silent step still shows where it stopped.
      timer = setTimeout(flush, wait);
    }
  };
  try {
    const mod = await load(m.task, m.module);
    if (typeof mod.run !== 'function') throw new LatheError('INTERNAL', `The worker task "${m.task}" has no run function.`, { task: m.task });
    const result = await mod.run(m.input, { jobId: m.jobId, signal: controller.signal, progress });
    if (timer) clearTimeout(timer);
    // The latest report goes out before the result, so the last progress a client sees is the final state.
    flush();
    send({ t: 'done', jobId: m.jobId, result });
  } catch (e) {
    if (timer) clearTimeout(timer);
    const err = controller.signal.aborted && !(e instanceof LatheError) ? toWireError(new LatheError('CANCELLED', 'The job was cancelled.')) : toWireError(e);
    send({ t: 'error', jobId: m.jobId, error: err });
  } finally {
    controllers.delete(m.jobId);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'run') void run(m);
  else if (m.t === 'cancel') controllers.get(m.jobId)?.abort();
});
