/**
 * scikit-learn's random streams, reproduced so a tree grown by Lathe with
 * random_state = s visits its features in the same order as scikit-learn's
 * DecisionTreeClassifier(random_state=s), and so breaks ties between equally
 * good splits the same way.
 *
 * - numpy's legacy RandomState(seed): MT19937 seeded with init_genrand.
 * - scikit-learn seeds a tree's splitter with
 *   RandomState(seed).randint(0, RAND_R_MAX), RAND_R_MAX = 2^31 − 1
 *   (numpy draws 32 bits and masks them to 31 bits, rejecting RAND_R_MAX).
 * - the splitter then draws with its own xorshift, `our_rand_r`
 *   (sklearn/tree/_utils.pxd): seed ^= seed << 13; seed ^= seed >> 17;
 *   seed ^= seed << 5 (32-bit), returned modulo 2^31; `rand_int(low, high)`
 *   is low + our_rand_r() % (high − low).
 */

const N = 624;
const M = 397;
const RAND_R_MAX = 0x7fffffff;

/** numpy.random.RandomState(seed)'s 32-bit generator (MT19937, legacy seeding). */
export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`MT19937 seed must be an integer in [0, 2^32 - 1], got ${seed}.`);
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0; // 1812433253 · prev + i, modulo 2^32
    }
    this.mti = N;
  }

  nextU32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** RandomState.randint(0, high) for 1 ≤ high ≤ 2^32 (numpy's masked rejection on 32-bit draws). */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1 || high > 0x100000000) throw new RangeError(`randint needs a bound in [1, 2^32], got ${high}.`);
    const rng = high - 1;
    if (rng === 0) return 0;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextU32() & mask) >>> 0;
    while (v > rng);
    return v;
  }
}

/** The seed scikit-learn's splitter starts from for an integer random_state. */
export function sklearnSplitterSeed(randomState: number): number {
  return new MT19937(randomState >>> 0).randint(RAND_R_MAX);
}

/** scikit-learn's `our_rand_r` stream (tree splitters). */
export class RandR {
  private seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  /** our_rand_r: the next value in [0, 2^31). */
  next(): number {
    let s = this.seed;
    if (s === 0) s = 1; // DEFAULT_SEED
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    this.seed = s;
    return s % (RAND_R_MAX + 1);
  }

  /** rand_int(low, high): an integer in [low, high). */
  int(low: number, high: number): number {
    return low + (this.next() % (high - low));
  }
}
