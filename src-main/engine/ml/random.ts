/**
 * A small seeded PRNG for everything random in the ML engine (splits, folds,
 * bootstraps, initialisations). mulberry32: 32-bit state, fast, good enough
 * for sampling; every random thing in Lathe takes an int seed so a run can be
 * repeated exactly. Not for cryptography.
 */

export class Random {
  private state: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    // Mix the seed so that nearby seeds (0, 1, 2...) start far apart.
    this.state = hashSeed(seed);
  }

  /** 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`Random.int needs a positive integer bound, got ${n}.`);
    if (n <= 0x100000000) {
      // Rejection sampling on 32 bits.
      const limit = Math.floor(0x100000000 / n) * n;
      let x: number;
      do x = this.nextU32();
      while (x >= limit);
      return x % n;
    }
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method; caches the second draw). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + sd * s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** One element picked uniformly, or by the given (unnormalised, non-negative) weights. */
  choice<T>(items: ArrayLike<T>, weights?: ArrayLike<number>): T {
    if (items.length === 0) throw new RangeError('Random.choice needs a non-empty array.');
    if (!weights) return items[this.int(items.length)]!;
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let r = this.uniform() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** k distinct indices from 0..n-1 (partial Fisher-Yates), in draw order. */
  sample(n: number, k: number): Int32Array {
    if (k > n) throw new RangeError(`Random.sample cannot draw ${k} distinct items from ${n}.`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p.slice(0, k);
  }

  /** A derived seed for a child stream (e.g. tree i of a forest, repeat r of CV). */
  fork(): Random {
    return new Random(this.nextU32());
  }
}

/** A well-mixed 32-bit state from any integer seed (splitmix-style finaliser). */
export function hashSeed(seed: number): number {
  let z = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seed derived deterministically from a base seed and an index (tree i, fold r...). */
export function deriveSeed(base: number, index: number): number {
  return hashSeed((hashSeed(base) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

export function createRandom(seed = 0): Random {
  return new Random(seed);
}
