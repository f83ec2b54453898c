/**
 * Tiny worker tasks for the job-system tests, loaded by module URL
 * (JobSystem.start({ module })). One `run` with an `action` switch.
 */
import { LatheError, throwIfAborted } from '../../src-shared/errors.ts';
import type { TaskContext } from '../../src-main/engine/jobs/protocol.ts';

type Input =
  | { action: 'echo'; value: unknown }
  | { action: 'sleep'; ms: number; steps?: number }
  | { action: 'fail' }
  | { action: 'throw-outside' }
  | { action: 'exit'; code: number }
  | { action: 'oom' }
  | { action: 'ignore-cancel'; ms: number }
  | { action: 'busy-check'; ms: number }
  | { action: 'thread-id' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function run(raw: unknown, ctx: TaskContext): Promise<unknown> {
  const input = raw as Input;
  switch (input.action) {
    case 'echo':
      return input.value;
    case 'sleep': {
      const steps = input.steps ?? 10;
      for (let i = 0; i < steps; i++) {
        throwIfAborted(ctx.signal, 'The sleep task');
        ctx.progress({ fraction: i / steps, phase: 'sleep', message: `step ${i + 1} of ${steps}` });
        await sleep(input.ms / steps);
      }
      ctx.progress({ fraction: 1, phase: 'sleep' });
      return { slept: input.ms };
    }
    case 'fail':
      throw new LatheError('BAD_DATA', 'The fixture failed on purpose.', { param: 'action' });
    case 'throw-outside':
      setTimeout(() => {
        throw new Error('boom outside the job');
      }, 5);
      return new Promise(() => {});
    case 'exit':
      process.exit(input.code);
      break;
    case 'oom': {
      const hoard: unknown[] = [];
      for (;;) hoard.push({ a: [1, 2, 3, 4, 5, 6, 7, 8], s: `x${hoard.length}` });
    }
    case 'ignore-cancel': {
      const end = Date.now() + input.ms;
      while (Date.now() < end) {
        // a tight loop that never looks at the signal
      }
      return 'finished';
    }
    case 'busy-check': {
      // synchronous work that checks its signal but never yields: only the
      // shared cancel flag can reach it (the cancel message is not delivered)
      const end = Date.now() + input.ms;
      let spins = 0;
      while (Date.now() < end) {
        if (++spins % 1000 === 0) throwIfAborted(ctx.signal, 'The busy task');
      }
      return 'finished';
    }
    case 'thread-id': {
      const { threadId } = await import('node:worker_threads');
      await sleep(50);
      return threadId;
    }
  }
  throw new LatheError('BAD_REQUEST', 'Unknown fixture action.');
}
