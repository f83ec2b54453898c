/** Helpers for ml-dot-tile.test.ts; markChunk/failChunk run in pool workers. */
export function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function markChunk(a: { out: Int32Array }, c: number): void {
  // slow enough that a started helper takes some chunks
  const until = Date.now() + 2;
  while (Date.now() < until);
  Atomics.add(a.out, c, 1);
}

export function failChunk(_: { out: Int32Array }, c: number): void {
  throw new Error(`helper fails on chunk ${c}`);
}
