/**
 * What a numeric column's statistics can learn while its chunks arrive, so
 * that the importer's final statistics are one streamed pass instead of
 * several passes over the whole column: count, min, max and sum (in arrival
 * order, the order the final pass would add them), a count per quartile
 * bucket (linear buckets over a range guessed from the first values, with
 * an underflow and an overflow bucket), and the exact distinct count by
 * bitmap (values with at most 6 decimals, or whole days for dates, in a
 * bounded range).
 *
 * Every part may give up (a constant first chunk, a value with more
 * decimals, a range too wide, the memory budget): the caller then computes
 * that part at the end as before. Results never depend on which way a part
 * was computed: counts are exact and order statistics are values.
 */

import { RunningKernel } from './csv-kernel.ts';

/** Quartile buckets between the underflow and overflow ones. */
export const RUNNING_BUCKETS = 4096;
/** A column's distinct bitmap holds at most this many bytes (2^24 keys, as the end-of-import bitmap, and some room). */
const MAX_BYTES = (1 << 24) / 8 + 4096;
/** Bytes all distinct bitmaps and hash sets of this thread may hold together. */
const BITMAP_BUDGET = 12 << 20;
/** Values the decimal scale is judged on (as the end-of-import count). */
const PROBE = 256;
const DAY_MS = 86400000;
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6];
/** The cap of exact distinct counts (stats.ts DISTINCT_CAP). */
export const DISTINCT_CAP = 100_000;

let bitmapBytes = 0;

/** Exact distinct count of values mapped one to one onto integer keys, in a growable bitmap; a hash set when they do not fit. */
class DistinctBits {
  failed = false;
  count = 0;
  /** DISTINCT_CAP values or more seen: count is at least the cap and no longer tracked */
  private saturated = false;
  /** after the bitmap gave up: the values so far, then every later one */
  private hash: DistinctHash | null = null;
  /** 0: decimal scale `s` (k = round(x·s), kept when k / s === x), 1: whole days */
  private mode: 0 | 1;
  private s = 1;
  private pending: Float64Array | null;
  private npending = 0;
  private k0 = 0;
  private bits: Uint8Array | null = null;

  constructor(days: boolean) {
    this.mode = days ? 1 : 0;
    this.pending = days ? null : new Float64Array(PROBE);
  }

  add(a: Float64Array, from: number, to: number): void {
    if (this.failed || this.saturated) return;
    this.addValues(a, from, to);
    // the importer reports min(count, DISTINCT_CAP): past the cap, later values change nothing
    if (!this.failed && !this.pending && (this.hash ? this.hash.count : this.count) >= DISTINCT_CAP) {
      this.count = Math.max(this.count, this.hash ? this.hash.count : 0);
      this.saturated = true;
      this.release();
    }
  }

  private addValues(a: Float64Array, from: number, to: number): void {
    if (this.hash) {
      this.hash.add(a, from, to);
      if (this.hash.abandoned) this.fail();
      return;
    }
    let i = from;
    if (this.pending) {
      const p = this.pending;
      while (i < to && this.npending < PROBE) p[this.npending++] = a[i++]!;
      if (this.npending < PROBE) return;
      this.decide();
      if (this.failed) return;
    }
    if (this.mode === 1) {
      for (; i < to; i++) {
        const x = a[i]!;
        const k = x / DAY_MS;
        if (!Number.isInteger(k) || k * DAY_MS !== x || !this.set(k)) return this.toHash(a, i, to);
      }
      return;
    }
    const s = this.s;
    for (; i < to; i++) {
      const x = a[i]!;
      const k = Math.round(x * s);
      if (k / s !== x || !this.set(k)) return this.toHash(a, i, to);
    }
  }

  /** The bitmap gives up at a[i]: its values move to a hash set, which takes a[i, to) and what follows. */
  private toHash(a: Float64Array, i: number, to: number): void {
    const h = new DistinctHash(true);
    const bits = this.bits;
    if (bits) {
      const one = new Float64Array(1);
      for (let byte = 0; byte < bits.length; byte++) {
        const v = bits[byte]!;
        if (v === 0) continue;
        for (let b = 0; b < 8; b++) {
          if ((v & (1 << b)) === 0) continue;
          const k = this.k0 + byte * 8 + b;
          // the value itself: k / s and k · DAY_MS were checked to give it back exactly
          one[0] = this.mode === 1 ? k * DAY_MS : k / this.s;
          h.add(one, 0, 1);
        }
      }
    }
    this.release();
    this.hash = h;
    h.add(a, i, to);
    if (h.abandoned) this.fail();
  }

  /** The scale the probed values need; then they join the bitmap. */
  private decide(): void {
    const p = this.pending!;
    const n = this.npending;
    this.pending = null;
    let d = 0;
    for (let i = 0; i < n && d <= 6; i++) {
      const x = p[i]!;
      while (d <= 6 && Math.round(x * POW10[d]!) / POW10[d]! !== x) d++;
    }
    if (d > 6) return this.toHash(p, 0, n);
    this.s = POW10[d]!;
    this.add(p, 0, n);
  }

  /** The count (a hash set's is capped at DISTINCT_CAP), or -1 when it has to be counted from the values. */
  result(): number {
    if (this.saturated) return this.count;
    if (this.pending) this.decide();
    if (this.failed) return -1;
    return this.hash ? this.hash.count : this.count;
  }

  private set(k: number): boolean {
    let bits = this.bits;
    let idx = k - this.k0;
    if (!bits || !(idx >= 0 && idx < bits.length * 8)) {
      if (!this.grow(k)) return false;
      bits = this.bits!;
      idx = k - this.k0;
    }
    const byte = idx >>> 3;
    const m = 1 << (idx & 7);
    const v = bits[byte]!;
    if ((v & m) === 0) {
      bits[byte] = v | m;
      this.count++;
    }
    return true;
  }

  private grow(k: number): boolean {
    // keys stay well inside the exact integers, so every offset below is exact
    if (!(Math.abs(k) <= 2 ** 52)) return false;
    const old = this.bits;
    if (!old) {
      if (bitmapBytes + 4096 > BITMAP_BUDGET) return false;
      this.bits = new Uint8Array(4096);
      bitmapBytes += 4096;
      this.k0 = k - 16384;
      return true;
    }
    const hiOld = this.k0 + old.length * 8;
    // whole bytes more below k0 (the old bits then copy byte for byte) or above the end
    const needBelow = k < this.k0 ? Math.ceil((this.k0 - k) / 8) : 0;
    const needAbove = k >= hiOld ? Math.ceil((k + 1 - hiOld) / 8) : 0;
    const base = needBelow + old.length + needAbove;
    if (base > MAX_BYTES) return false;
    // room to spare on the growing side: the bitmap at least doubles while it may
    const slack = Math.min(old.length, MAX_BYTES - base);
    const below = needBelow > 0 ? needBelow + slack : 0;
    const len = base + slack;
    if (bitmapBytes - old.length + len > BITMAP_BUDGET) return false;
    const next = new Uint8Array(len);
    next.set(old, below);
    bitmapBytes += len - old.length;
    this.bits = next;
    this.k0 -= below * 8;
    return true;
  }

  private fail(): void {
    this.failed = true;
    this.pending = null;
    this.release();
  }

  release(): void {
    if (this.bits) bitmapBytes -= this.bits.length;
    this.bits = null;
    this.hash?.release();
    this.hash = null;
  }
}

/** A RunningNumeric as it crosses threads (structured clone). */
export interface RunningState {
  n: number;
  min: number;
  max: number;
  sum: number;
  counts: Int32Array | null;
  unbucketed: number;
  lo: number;
  scale: number;
  distinct: number;
}

/** The running part of a numeric column's statistics (see the module comment). */
export class RunningNumeric {
  n = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  /** per bucket: [under, 0 … RUNNING_BUCKETS-1, over]; null until a chunk with two distinct finite values */
  counts: Int32Array | null = null;
  /** values before the buckets were placed (they are not in `counts`) */
  private unbucketed = 0;
  lo = 0;
  scale = 0;
  private readonly distinct: DistinctBits;

  constructor(days: boolean) {
    this.distinct = new DistinctBits(days);
  }

  /** Whether every value is in the buckets. */
  get bucketed(): boolean {
    return this.counts !== null && this.unbucketed === 0;
  }

  /** Adds a[from, to): non-missing values in column order. */
  add(a: Float64Array, from: number, to: number): void {
    if (to <= from) return;
    if (!this.counts && this.unbucketed === 0) this.place(a, from, to);
    const acc = ACC;
    acc[0] = this.sum;
    acc[1] = this.min;
    acc[2] = this.max;
    const counts = this.counts;
    if (counts && this.unbucketed === 0) {
      const k = RunningKernel.get(counts.length);
      if (k) k.add(a, from, to, counts, this.lo, this.scale, acc);
      else addBucketed(a, from, to, counts, this.lo, this.scale, acc);
    } else {
      this.unbucketed += to - from;
      addBucketed(a, from, to, NO_BUCKETS, 0, 0, acc);
    }
    this.sum = acc[0]!;
    this.min = acc[1]!;
    this.max = acc[2]!;
    this.n += to - from;
    this.distinct.add(a, from, to);
  }

  /** Buckets over the first chunk's range with an eighth of it spare on each side. */
  private place(a: Float64Array, from: number, to: number): void {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = from; i < to; i++) {
      const x = a[i]!;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    if (!(mx > mn) || !Number.isFinite(mx - mn)) return;
    const pad = (mx - mn) / 8;
    const lo = mn - pad;
    const scale = RUNNING_BUCKETS / (mx + pad - lo);
    if (!Number.isFinite(lo) || !(scale > 0) || !Number.isFinite(scale)) return;
    this.lo = lo;
    this.scale = scale;
    this.counts = new Int32Array(RUNNING_BUCKETS + 2);
  }

  /** Exact distinct count below DISTINCT_CAP (at least DISTINCT_CAP past it), or -1 when it has to be counted from the values. */
  distinctCount(): number {
    return this.fixedDistinct ?? this.distinct.result();
  }

  /** set by fromState: the distinct count computed where the values were added */
  private fixedDistinct: number | null = null;

  /** What the final statistics need of this, to finish them on another thread (see fromState). */
  state(): RunningState {
    return { n: this.n, min: this.min, max: this.max, sum: this.sum, counts: this.counts, unbucketed: this.unbucketed, lo: this.lo, scale: this.scale, distinct: this.distinctCount() };
  }

  /** A running part that serves the final statistics only (nothing more can be added to it). */
  static fromState(s: RunningState): RunningNumeric {
    const r = new RunningNumeric(true);
    r.n = s.n;
    r.min = s.min;
    r.max = s.max;
    r.sum = s.sum;
    r.counts = s.counts;
    r.unbucketed = s.unbucketed;
    r.lo = s.lo;
    r.scale = s.scale;
    r.fixedDistinct = s.distinct;
    return r;
  }

  release(): void {
    this.distinct.release();
    this.counts = null;
  }
}

/**
 * The running loops live outside the class, with their sums in a float64
 * array: small monomorphic functions reach optimised code within the first
 * chunks of an import, where the same loop as a method ran at 12 ns a value
 * for the first ~20 columns' worth (4 once warm).
 */
const ACC = new Float64Array(3);

/** Sum, min and max (in ACC) and the bucket counts of a[from, to), in order. */
function addBucketed(a: Float64Array, from: number, to: number, counts: Int32Array, lo: number, scale: number, acc: Float64Array): void {
  let sum = acc[0]!;
  let min = acc[1]!;
  let max = acc[2]!;
  for (let i = from; i < to; i++) {
    const x = a[i]!;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    const t = (x - lo) * scale;
    counts[t < 0 ? 0 : t < RUNNING_BUCKETS ? 1 + (t | 0) : RUNNING_BUCKETS + 1]!++;
  }
  acc[0] = sum;
  acc[1] = min;
  acc[2] = max;
}

/** Counts nobody reads: addBucketed's sums without buckets (scale 0 puts every value in bucket 1). */
const NO_BUCKETS = new Int32Array(RUNNING_BUCKETS + 2);

/** The bucket of x: 0 below the range, RUNNING_BUCKETS + 1 above it; monotone in x (as in RunningNumeric.add). */
export function bucketOf(x: number, lo: number, scale: number): number {
  const t = (x - lo) * scale;
  return t < 0 ? 0 : t < RUNNING_BUCKETS ? 1 + (t | 0) : RUNNING_BUCKETS + 1;
}

/** Exact distinct count of any doubles (-0 and 0 as one) in a hash set, up to DISTINCT_CAP. */
export class DistinctHash {
  count = 0;
  /** a budgeted set that would pass the budget gives up (and frees its table) */
  abandoned = false;
  private size = 1024;
  private table: Float64Array;
  private readonly f = new Float64Array(1);
  private readonly w = new Int32Array(this.f.buffer);

  /** `budgeted`: the table counts against this thread's budget for running statistics. */
  constructor(private readonly budgeted = false) {
    if (budgeted) bitmapBytes += 8 * 1024;
    this.table = new Float64Array(1024).fill(NaN);
  }

  release(): void {
    if (this.budgeted && this.table.length > 1) bitmapBytes -= 8 * this.table.length;
    this.size = 1;
    this.table = new Float64Array(1);
  }

  /** Adds a[from, to); false once DISTINCT_CAP is reached (count is then DISTINCT_CAP and stays). */
  add(a: Float64Array, from = 0, to = a.length): boolean {
    if (this.count >= DISTINCT_CAP || this.abandoned) return false;
    const f = this.f;
    const w = this.w;
    let size = this.size;
    let table = this.table;
    let count = this.count;
    let open = true;
    for (let i = from; i < to; i++) {
      const x = a[i]! === 0 ? 0 : a[i]!; // -0 and 0 are one value
      f[0] = x;
      let slot = mix(w[0]!, w[1]!) & (size - 1);
      for (;;) {
        const t = table[slot]!;
        if (t !== t || t === x) break;
        slot = (slot + 1) & (size - 1);
      }
      if (table[slot] === x) continue;
      table[slot] = x;
      count++;
      if (count >= DISTINCT_CAP) {
        open = false;
        break;
      }
      if (count * 2 > size) {
        if (this.budgeted) {
          if (bitmapBytes + 8 * size > BITMAP_BUDGET) {
            this.abandoned = true;
            open = false;
            break;
          }
          bitmapBytes += 8 * size;
        }
        const old = table;
        size *= 2;
        table = new Float64Array(size).fill(NaN);
        for (let k = 0; k < old.length; k++) {
          const y = old[k]!;
          if (y !== y) continue;
          f[0] = y;
          let s2 = mix(w[0]!, w[1]!) & (size - 1);
          while (table[s2] === table[s2]) s2 = (s2 + 1) & (size - 1);
          table[s2] = y;
        }
      }
    }
    this.count = count;
    this.size = size;
    this.table = table;
    // a full set is no longer needed: only its count
    if (!open) this.release();
    return open;
  }
}

function mix(lo: number, hi: number): number {
  // murmur3's finaliser over both words of the double
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Bytes the running distinct counts of this thread hold now (for tests: 0 once every accumulator is done). */
export function runningStatsBytes(): number {
  return bitmapBytes;
}
