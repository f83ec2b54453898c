/**
 * The ML pool's worker: imports a task's module (cached by the module
 * system), calls the named export with (args, ctx) and posts the result back,
 * moving its typed arrays. Errors travel as wire errors { code, message }.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../../src-shared/errors.ts';
import { transferablesOf, type TaskContext, type TaskFn } from '../parallel.ts';

interface ToWorker {
  id: number;
  module: string;
  fn: string;
  args: unknown;
  flag: Int32Array;
}

/**
 * Modules by URL, imported once: a repeated import() still goes through the
 * loader's resolve step (under tsx, a round trip to its hooks thread), which
 * cost more than small tasks themselves.
 */
const modules = new Map<string, Promise<Record<string, unknown>>>();
function importOnce(url: string): Promise<Record<string, unknown>> {
  let m = modules.get(url);
  if (!m) {
    m = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, m);
    m.catch(() => modules.delete(url));
  }
  return m;
}

const port = parentPort;
if (!port) throw new Error('ml-worker.ts must run in a worker thread.');

port.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      const mod = await importOnce(m.module);
      const fn = mod[m.fn];
      if (typeof fn !== 'function') throw new Error(`${m.module} has no function ${m.fn}.`);
      const ctx: TaskContext = {
        cancelled: () => Atomics.load(m.flag, 0) !== 0,
        post: (msg) => port.postMessage({ id: m.id, type: 'message', msg }),
      };
      const result: unknown = await (fn as TaskFn)(m.args, ctx);
      port.postMessage({ id: m.id, type: 'done', result }, transferablesOf(result));
    } catch (e) {
      port.postMessage({ id: m.id, type: 'error', error: toWireError(e) });
    }
  })();
});
