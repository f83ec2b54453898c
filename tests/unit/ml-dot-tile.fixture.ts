/** Helpers for ml-dot-tile.test.ts; markChunk/failChunk run in pool workers. */
export { mulberry32 as mulberry } from '../fixtures/random.ts';

export function markChunk(a: { out: Int32Array }, c: number): void {
  // slow enough that a started helper takes some chunks
  const until = Date.now() + 2;
  while (Date.now() < until);
  Atomics.add(a.out, c, 1);
}

export function failChunk(_: { out: Int32Array }, c: number): void {
  throw new Error(`helper fails on chunk ${c}`);
}
