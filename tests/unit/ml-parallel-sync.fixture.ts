/** Helpers for ml-parallel-sync.test.ts; run in pool workers. */
import { isMainThread } from 'node:worker_threads';

/** out[c] = 1 when the calling thread ran chunk c, 2 when a helper did. */
export function whoRan(a: { out: Int32Array }, c: number): void {
  const until = Date.now() + 1;
  while (Date.now() < until);
  Atomics.store(a.out, c, isMainThread ? 1 : 2);
}
