/** Task functions for ml-parallel.test.ts (run inside pool workers). */
import { LatheError } from '../../src-shared/errors.ts';
import type { TaskContext } from '../../src-main/engine/ml/parallel.ts';

export function sumRange(a: { data: Float64Array; from: number; to: number }): number {
  let s = 0;
  for (let i = a.from; i < a.to; i++) s += a.data[i]!;
  return s;
}

export function squares(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * i);
}

export function fails(): never {
  throw new LatheError('BAD_DATA', 'fixture failure');
}

export async function spin(_: unknown, ctx: TaskContext): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    if (ctx.cancelled()) throw new LatheError('CANCELLED', 'spin cancelled');
    ctx.post(i);
    await new Promise((r) => setTimeout(r, 10));
  }
  return 0;
}

export function crash(): Promise<never> {
  setImmediate(() => {
    throw new Error('boom');
  });
  // never answers; the uncaught error kills the worker
  return new Promise<never>(() => {});
}
