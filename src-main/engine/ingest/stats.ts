/**
 * Column statistics, fed one chunk at a time, and kind conversion for a
 * person's kind override.
 *
 * Numeric, date and datetime columns keep their non-missing values (int32
 * or float64, 4–8 bytes a row) until the end, then sort once: min, max,
 * quartiles (linear interpolation, as pandas), exact distinct count and the
 * histogram come from the sorted copy; mean and std (ddof = 1, as pandas)
 * from two passes over it. String columns keep a count per distinct value,
 * exact up to DISTINCT_CAP distinct values per column (beyond that new
 * values are no longer counted and `distinct` is a lower bound).
 *
 * To keep the importer's memory bounded, an accumulator given a spill
 * folder writes the values of a long column to a temporary file once it
 * holds SPILL_AT of them, and reads them back (one column at a time) when the
 * statistics are computed: that is the "second look" quartiles need.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { LatheError } from '../../../src-shared/errors.ts';
import type { CategoryCount, ColumnKind, Histogram, NumericStats, StorageType } from '../../../src-shared/dataset.ts';
import type { ColumnData } from '../arrow/types.ts';
import { FinalKernel } from './csv-kernel.ts';
import { DISTINCT_CAP, DistinctHash, RUNNING_BUCKETS, RunningNumeric, bucketOf } from './running-stats.ts';
import type { RunningState } from './running-stats.ts';
import { DATE_DMY, DATE_ISO, DATE_MDY, DATE_YMD, chooseDateFormat, dateValue, scan, scanBool, scanDate, scanNumber } from './values.ts';

export { DISTINCT_CAP };
export const TOP_N = 20;
export const HISTOGRAM_BINS = 30;
/** values held in memory per column before an accumulator with a spill folder writes them out */
export const SPILL_AT = 65536;
let spillSeq = 0;
let scratch: Float64Array | null = null;
let spillConv: Float64Array | null = null;
/** values a streamed final pass reads from a spill file at a time */
const BLOCK = 65536;
let block: Float64Array | null = null;

/** How many numeric results came from the running statistics' streamed pass (for tests). */
export const statsCounters = { streamed: 0 };

/** Drops the scratch array spilled columns are read back into (the importer calls it when done). */
export function releaseStatsScratch(): void {
  scratch = null;
  spillConv = null;
  block = null;
  qScratch = null;
}

/** An accumulator's contents as they cross threads: numbers live in spill files. */
export interface AccState {
  storage: StorageType | null;
  missing: number;
  /** float64 spill files and how many values each holds */
  files: { path: string; count: number }[];
  counts: [string, number][];
  trues: number;
  falses: number;
}

export interface ColumnStats {
  missing: number;
  distinct: number;
  stats?: NumericStats;
  top?: CategoryCount[];
  histogram?: Histogram;
}

/** Accumulates one column's statistics over its chunks. */
/** A numeric StatsAccumulator's final statistics to compute, as they cross threads (see exportFinal). */
export interface FinalState {
  storage: StorageType;
  missing: number;
  tail: Float64Array<ArrayBuffer>;
  spilled: number;
  spillPath: string | null;
  running: RunningState;
}

export class StatsAccumulator {
  missing = 0;
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private n = 0;
  private counts = new Map<string, number>();
  private trues = 0;
  private falses = 0;
  private storage: StorageType | null = null;
  private spillPath: string | null = null;
  private spillFd = -1;
  /** values written to the spill file (always as float64) */
  private spilled = 0;
  /** spill files adopted from other accumulators (another thread's) */
  private extra: { path: string; count: number }[] = [];
  private extraCount = 0;
  /**
   * An importer's accumulator (one with a spill folder) keeps what it can
   * of a numeric column's statistics as chunks arrive (running-stats.ts),
   * so that result() is one streamed pass; off once another accumulator's
   * values were merged in.
   */
  private running: RunningNumeric | null = null;
  private runningOff = false;

  /** `spillDir`: a folder for a temporary file when the column is long (the importer's own). */
  /** `spillAt`: values held before they are written out (1: after every chunk). */
  constructor(
    private readonly spillDir?: string,
    private readonly spillAt = SPILL_AT,
  ) {}

  add(c: ColumnData): void {
    this.addChunk(c);
    if (this.spillDir && this.n >= this.spillAt) this.spill();
  }

  private spill(): void {
    if (this.spillFd < 0) {
      this.spillPath = join(this.spillDir!, `col-${process.pid}-${threadId}-${spillSeq++}.f64`);
      this.spillFd = openSync(this.spillPath, 'w+');
    }
    // int32 values go out as float64 through one shared array (no garbage per chunk)
    let vals: Float64Array = this.f64.subarray(0, this.n);
    if (this.storage === 'int32') {
      if (!spillConv || spillConv.length < this.n) spillConv = new Float64Array(Math.max(this.n, SPILL_AT));
      vals = spillConv.subarray(0, this.n);
      vals.set(this.i32.subarray(0, this.n));
    }
    writeSync(this.spillFd, new Uint8Array(vals.buffer, vals.byteOffset, this.n * 8));
    this.spilled += this.n;
    this.n = 0;
  }

  /** Reads the spilled values back, followed by those still in memory, as one float64 array. */
  private unspill(): Float64Array {
    const total = this.extraCount + this.spilled + this.n;
    // one scratch array serves every column in turn (result() is synchronous),
    // so reading columns back does not pile up garbage
    if (!scratch || scratch.length < total) scratch = new Float64Array(total);
    const out = scratch.subarray(0, total);
    const bytes = new Uint8Array(out.buffer);
    let at = 0;
    for (const f of this.extra) {
      const fd = openSync(f.path, 'r');
      try {
        readAll(fd, bytes, at * 8, f.count * 8, f.path);
      } finally {
        closeSync(fd);
      }
      at += f.count;
    }
    if (this.spilled > 0) readAll(this.spillFd, bytes, at * 8, this.spilled * 8, this.spillPath!);
    at += this.spilled;
    const tail = this.storage === 'int32' ? this.i32.subarray(0, this.n) : this.f64.subarray(0, this.n);
    out.set(tail, at);
    this.dispose();
    return out;
  }

  /**
   * Spills every value held (even a short tail) and describes the contents,
   * for another thread's accumulator to adopt with mergeState(). The spill
   * file stays on disk (in the spill folder, which the importer removes).
   */
  exportState(): AccState {
    this.stopRunning();
    const numeric = this.storage !== null && isNumericLike(this.storage);
    if (numeric && this.n > 0) this.spill();
    const files = this.spilled > 0 ? [{ path: this.spillPath!, count: this.spilled }, ...this.extra] : [...this.extra];
    if (this.spillFd >= 0) {
      closeSync(this.spillFd);
      this.spillFd = -1;
    }
    return { storage: this.storage, missing: this.missing, files, counts: [...this.counts.entries()], trues: this.trues, falses: this.falses };
  }

  /** Adds another accumulator's exported contents (same column, other rows). */
  mergeState(o: AccState): void {
    this.stopRunning();
    this.missing += o.missing;
    this.trues += o.trues;
    this.falses += o.falses;
    if (o.storage === null) return;
    if (this.storage === null) this.storage = o.storage;
    else if (this.storage !== o.storage && !(isNumericLike(this.storage) && isNumericLike(o.storage))) {
      throw new LatheError('INTERNAL', `Column statistics: merging ${o.storage} values into ${this.storage} ones.`);
    }
    if (o.storage === 'string') {
      const m = this.counts;
      for (const [v, c] of o.counts) {
        const prev = m.get(v);
        if (prev !== undefined) m.set(v, prev + c);
        else if (m.size < DISTINCT_CAP) m.set(v, c);
      }
      return;
    }
    if (o.storage === 'bool') return;
    if (o.storage !== 'int32' && this.storage === 'int32') {
      // the memory tail moves to float64 (spill files are float64 anyway)
      this.f64 = Float64Array.from(this.i32.subarray(0, this.n));
      this.i32 = new Int32Array(0);
      this.storage = o.storage;
    }
    for (const f of o.files) {
      this.extra.push(f);
      this.extraCount += f.count;
    }
  }

  private stopRunning(): void {
    this.runningOff = true;
    this.running?.release();
    this.running = null;
  }

  /** Adds values[from, to) (non-missing, in column order) to the running statistics. */
  private track(values: Float64Array | Int32Array, from: number, to: number): void {
    if (this.runningOff || !this.spillDir) return;
    this.running ??= new RunningNumeric(this.storage === 'timestamp');
    if (values instanceof Float64Array) return this.running.add(values, from, to);
    // int32 values go in as float64 (one shared array; the running code stays monomorphic)
    if (!spillConv || spillConv.length < to - from) spillConv = new Float64Array(Math.max(to - from, SPILL_AT));
    spillConv.set(values.subarray(from, to));
    this.running.add(spillConv, 0, to - from);
  }

  /** Closes and deletes the spill file, if any. */
  dispose(): void {
    this.running?.release();
    if (this.spillFd >= 0) {
      closeSync(this.spillFd);
      this.spillFd = -1;
      try {
        unlinkSync(this.spillPath!);
      } catch {
        // already gone
      }
    }
  }

  private addChunk(c: ColumnData): void {
    if (this.storage && this.storage !== c.storage && !(isNumStorage(this.storage) && isNumStorage(c.storage))) {
      throw new LatheError('INTERNAL', `Column statistics: a chunk stored as ${c.storage} after chunks stored as ${this.storage}.`);
    }
    const nulls = c.nulls;
    switch (c.storage) {
      case 'string': {
        this.storage = 'string';
        const local = new Int32Array(c.dictionary.length);
        const codes = c.codes;
        for (let i = 0; i < codes.length; i++) {
          const k = codes[i]!;
          if (k < 0 || nulls?.[i]) this.missing++;
          else local[k]!++;
        }
        const m = this.counts;
        for (let k = 0; k < local.length; k++) {
          const cnt = local[k]!;
          if (!cnt) continue;
          const v = c.dictionary[k]!;
          const prev = m.get(v);
          if (prev !== undefined) m.set(v, prev + cnt);
          else if (m.size < DISTINCT_CAP) m.set(v, cnt);
        }
        return;
      }
      case 'bool': {
        this.storage = 'bool';
        const v = c.values;
        for (let i = 0; i < v.length; i++) {
          if (nulls?.[i]) this.missing++;
          else if (v[i]) this.trues++;
          else this.falses++;
        }
        return;
      }
      case 'int32': {
        if (!this.storage) this.storage = 'int32';
        if (this.storage !== 'int32') return this.addFloat(Float64Array.from(c.values), nulls);
        const v = c.values;
        this.reserve(v.length);
        const n0 = this.n;
        const n = nulls ? keepPresentInts(v, nulls, this.i32, n0) : (this.i32.set(v, n0), n0 + v.length);
        this.missing += v.length - (n - n0);
        this.n = n;
        this.track(this.i32, n0, n);
        return;
      }
      default: {
        if (this.storage === 'int32' && this.spilled > 0) {
          // spilled values are float64 already; keep only the memory tail in int32 → float64
          this.f64 = Float64Array.from(this.i32.subarray(0, this.n));
          this.i32 = new Int32Array(0);
        } else if (this.storage === 'int32') {
          // a float chunk after int32 ones: move what we hold to float64
          this.f64 = Float64Array.from(this.i32.subarray(0, this.n));
          this.i32 = new Int32Array(0);
        }
        this.storage = c.storage;
        this.addFloat(c.values, nulls);
      }
    }
  }

  private addFloat(v: Float64Array, nulls: Uint8Array | undefined): void {
    this.reserve(v.length);
    const n0 = this.n;
    const n = nulls ? keepPresent(v, nulls, this.f64, n0) : keepNumbers(v, this.f64, n0);
    this.missing += v.length - (n - n0);
    this.n = n;
    this.track(this.f64, n0, n);
  }

  private reserve(more: number): void {
    const need = this.n + more;
    if (this.storage === 'int32') {
      if (this.i32.length >= need) return;
      const next = new Int32Array(Math.max(need, this.i32.length * 2, 1024));
      next.set(this.i32.subarray(0, this.n));
      this.i32 = next;
    } else {
      if (this.f64.length >= need) return;
      const next = new Float64Array(Math.max(need, this.f64.length * 2, 1024));
      next.set(this.f64.subarray(0, this.n));
      this.f64 = next;
    }
  }

  result(kind: ColumnKind): ColumnStats {
    const out = (() => {
      if (this.storage === 'string') return this.stringResult();
      if (this.storage === 'bool') return this.boolResult();
      return this.numericResult(kind);
    })();
    // release the values
    this.f64 = new Float64Array(0);
    this.i32 = new Int32Array(0);
    return out;
  }

  private stringResult(): ColumnStats {
    const entries = [...this.counts.entries()];
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const top = entries.slice(0, TOP_N).map(([value, count]) => ({ value, count }));
    return {
      missing: this.missing,
      distinct: this.counts.size,
      top,
      histogram: { edges: [], counts: top.map((t) => t.count), labels: top.map((t) => t.value) },
    };
  }

  private boolResult(): ColumnStats {
    const top = [
      { value: 'true', count: this.trues },
      { value: 'false', count: this.falses },
    ]
      .filter((t) => t.count > 0)
      .sort((a, b) => b.count - a.count);
    return {
      missing: this.missing,
      distinct: top.length,
      top,
      histogram: { edges: [], counts: top.map((t) => t.count), labels: top.map((t) => t.value) },
    };
  }

  /**
   * Calls fn on the column's values in order, a block at a time (spilled
   * ones read back into one scratch array, then those in memory as
   * float64); stops early when fn returns false. Only without merged files.
   */
  private forEachBlock(fn: (a: Float64Array) => boolean): void {
    block ??= new Float64Array(BLOCK);
    const bytes = new Uint8Array(block.buffer);
    for (let off = 0; off < this.spilled; off += BLOCK) {
      const cnt = Math.min(BLOCK, this.spilled - off);
      readAt(this.spillFd, bytes, cnt * 8, off * 8, this.spillPath!);
      if (!fn(block.subarray(0, cnt))) return;
    }
    if (this.n === 0) return;
    if (this.storage === 'int32') {
      for (let off = 0; off < this.n; off += BLOCK) {
        const cnt = Math.min(BLOCK, this.n - off);
        const b = block.subarray(0, cnt);
        for (let i = 0; i < cnt; i++) b[i] = this.i32[off + i]!;
        if (!fn(b)) return;
      }
    } else fn(this.f64.subarray(0, this.n));
  }

  /**
   * numericResult() from the running statistics: one streamed pass for the
   * variance, the histogram and the values of the buckets that hold the
   * quartiles; null when the running part cannot serve (the caller goes the
   * long way). Same results to the bit: the same sums in the same order,
   * the same bins, the same order statistics.
   */
  private streamedResult(kind: ColumnKind): ColumnStats | null {
    const r = this.running;
    const n = this.n + this.spilled;
    if (!r || this.runningOff || this.extraCount > 0 || r.n !== n || n < 4096 || !r.bucketed) return null;
    const { min, max } = r;
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) return null;
    const counts = r.counts!;
    const nb = RUNNING_BUCKETS + 2;
    const start = new Int32Array(nb + 1);
    for (let b = 0; b < nb; b++) start[b + 1] = start[b]! + counts[b]!;
    const bucketOfRank = (rank: number): number => bucketOfRankIn(start, nb, rank);
    const ps = QUARTILES;
    const slot = new Int32Array(nb).fill(-1);
    let total = 0;
    for (const p of ps) {
      const k = Math.floor(p * (n - 1));
      for (const rank of [k, Math.min(n - 1, k + 1)]) {
        const b = bucketOfRank(rank);
        if (slot[b] !== -1) continue;
        slot[b] = total;
        total += counts[b]!;
      }
    }
    // heavy ties or a drifting range put many values in those buckets: up
    // to half the column is still less than the long way reads back
    if (total > n / 2) return null;
    if (!qScratch || qScratch.length < total) qScratch = new Float64Array(Math.max(total, 1024));
    const out = qScratch;
    const fill = new Int32Array(nb);
    const mean = r.sum / n;
    const frame = histogramFrame(min, max, kind);
    const fp: FinalPass = {
      mean,
      ss: 0,
      edges: Float64Array.from(frame.edges),
      hlo: frame.lo,
      inv: 1 / frame.w,
      hist: new Int32Array(frame.edges.length - 1),
      lo: r.lo,
      scale: r.scale,
      slot,
      fill,
      out,
    };
    const kernel = FinalKernel.get();
    if (kernel) {
      kernel.begin(fp.edges, slot, total);
      this.forEachBlock((a) => {
        fp.ss = kernel.block(a, mean, fp.hlo, fp.inv, fp.lo, fp.scale, fp.ss);
        return true;
      });
      kernel.end(fp.hist, fill, out);
    } else this.forEachBlock((a) => finalPass(a, fp));
    const ss = fp.ss;
    const hc = fp.hist;
    const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    const q = quartilesFromBuckets(out, n, start, nb, counts, slot);
    if (qScratch.length > 1 << 20) qScratch = null;
    let distinct = r.distinctCount();
    if (distinct < 0) {
      const h = new DistinctHash();
      this.forEachBlock((a) => h.add(a));
      distinct = h.count;
    }
    const stats: NumericStats = { min, max, mean, std, q1: q[0]!, median: q[1]!, q3: q[2]! };
    const histogram = { edges: frame.edges, counts: Array.from(hc) };
    this.dispose();
    statsCounters.streamed++;
    return { missing: this.missing, distinct: Math.min(distinct, DISTINCT_CAP), stats, histogram };
  }

  /**
   * A numeric column's values and running statistics, for another thread to
   * finish its result (StatsAccumulator.finishFinal) while this one finishes
   * others: the spill file (read there through its own descriptor) and the
   * values still in memory. Null for any other column. This accumulator is
   * only disposed of afterwards.
   */
  exportFinal(): FinalState | null {
    const r = this.running;
    if (!r || this.runningOff || this.extraCount > 0 || this.storage === null || !isNumericLike(this.storage)) return null;
    const tail = this.storage === 'int32' ? Float64Array.from(this.i32.subarray(0, this.n)) : this.f64.slice(0, this.n);
    return { storage: this.storage, missing: this.missing, tail, spilled: this.spilled, spillPath: this.spillPath, running: r.state() };
  }

  /** The result of an exported column (see exportFinal), on this thread; the spill file is deleted. */
  static finishFinal(s: FinalState, kind: ColumnKind): ColumnStats {
    const a = new StatsAccumulator();
    // int32 values were exported as float64: the same numbers, read the same way as spilled ones
    a.storage = s.storage === 'int32' ? 'float64' : s.storage;
    a.missing = s.missing;
    a.f64 = s.tail;
    a.n = s.tail.length;
    a.spilled = s.spilled;
    if (s.spillPath && s.spilled > 0) {
      a.spillPath = s.spillPath;
      a.spillFd = openSync(s.spillPath, 'r');
    }
    a.running = RunningNumeric.fromState(s.running);
    return a.result(kind);
  }

  private numericResult(kind: ColumnKind): ColumnStats {
    const streamed = this.streamedResult(kind);
    if (streamed) return streamed;
    const n = this.n + this.spilled + this.extraCount;
    if (n === 0) return { missing: this.missing, distinct: 0 };
    const a: Float64Array | Int32Array = this.spilled + this.extraCount > 0 ? this.unspill() : this.storage === 'int32' ? this.i32.slice(0, n) : this.f64.slice(0, n);
    this.f64 = new Float64Array(0);
    this.i32 = new Int32Array(0);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = a[i]! - mean;
      ss += d * d;
    }
    const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    const histogram = histogramOf(a, min, max, kind);
    const distinct = countDistinct(a, min, max);
    // no full sort: bucket the values, then select within the few buckets that hold the quartiles
    const q = quartiles(a, min, max);
    const stats: NumericStats = { min, max, mean, std, q1: q[0], median: q[1], q3: q[2] };
    return { missing: this.missing, distinct, stats, histogram };
  }
}

/**
 * The values of v that are not NaN, appended to out from n; returns the new
 * end. (A small function of its own, without the null flags, gets optimised
 * within the first chunks; the loop with `nulls?.[i]` in the method ran at
 * ~17 ns a value there.)
 */
function keepNumbers(v: Float64Array, out: Float64Array, n: number): number {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === x) out[n++] = x;
  }
  return n;
}

/** The int32 values of v whose rows are not flagged in nulls, appended to out from n; returns the new end. */
function keepPresentInts(v: Int32Array, nulls: Uint8Array, out: Int32Array, n: number): number {
  for (let i = 0; i < v.length; i++) if (!nulls[i]) out[n++] = v[i]!;
  return n;
}

/** As keepNumbers, also leaving out the rows flagged in nulls. */
function keepPresent(v: Float64Array, nulls: Uint8Array, out: Float64Array, n: number): number {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === x && !nulls[i]) out[n++] = x;
  }
  return n;
}

function isNumStorage(s: StorageType): boolean {
  return s === 'int32' || s === 'float64';
}

function isNumericLike(s: StorageType): boolean {
  return s === 'int32' || s === 'float64' || s === 'timestamp';
}

function readAll(fd: number, bytes: Uint8Array, at: number, want: number, path: string): void {
  let off = 0;
  while (off < want) {
    const r = readSync(fd, bytes, at + off, Math.min(want - off, 1 << 24), off);
    if (r <= 0) throw new LatheError('INTERNAL', `Column statistics: the temporary file ${path} was cut short.`);
    off += r;
  }
}

/** What the streamed final pass of a numeric column carries from block to block. */
interface FinalPass {
  mean: number;
  /** Σ (x - mean)², added in column order */
  ss: number;
  edges: Float64Array;
  hlo: number;
  inv: number;
  hist: Int32Array;
  /** the running quartile buckets */
  lo: number;
  scale: number;
  /** where each wanted bucket's values go in `out` (-1: not wanted), and how many went */
  slot: Int32Array;
  fill: Int32Array;
  out: Float64Array;
}

/** One block of the streamed pass: the variance sum, the histogram bins (as histogramOf), the quartile buckets' values. */
function finalPass(a: Float64Array, p: FinalPass): boolean {
  const { mean, edges, hlo, inv, hist, lo, scale, slot, fill, out } = p;
  const bins = hist.length;
  let ss = p.ss;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const d = x - mean;
    ss += d * d;
    const g = (x - hlo) * inv;
    let b = g < bins ? g | 0 : bins - 1;
    while (b > 0 && x < edges[b]!) b--;
    while (b < bins - 1 && x >= edges[b + 1]!) b++;
    hist[b]!++;
    const q = bucketOf(x, lo, scale);
    const s = slot[q]!;
    if (s >= 0) out[s + fill[q]!++] = x;
  }
  p.ss = ss;
  return true;
}

function readAt(fd: number, bytes: Uint8Array, want: number, pos: number, path: string): void {
  let off = 0;
  while (off < want) {
    const r = readSync(fd, bytes, off, want - off, pos + off);
    if (r <= 0) throw new LatheError('INTERNAL', `Column statistics: the temporary file ${path} was cut short.`);
    off += r;
  }
}


const DAY_MS = 86400000;

/**
 * Exact number of distinct values up to DISTINCT_CAP (then DISTINCT_CAP: a
 * lower bound). Whole numbers or whole days (dates) in a modest range use a
 * bitmap, others a hash set of the values.
 */
function countDistinct(a: Float64Array | Int32Array, min: number, max: number): number {
  // whole numbers in a modest range, or whole days (dates as epoch ms): a bitmap
  for (const step of [1, DAY_MS]) {
    if (!Number.isInteger(min / step) || !Number.isInteger(max / step) || (max - min) / step >= 1 << 24) continue;
    let whole = true;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isInteger(a[i]! / step)) {
        whole = false;
        break;
      }
    }
    if (!whole) continue;
    const seen = new Uint8Array((max - min) / step + 1);
    let count = 0;
    for (let i = 0; i < a.length; i++) {
      const k = (a[i]! - min) / step;
      if (seen[k] === 0) {
        seen[k] = 1;
        count++;
      }
    }
    return Math.min(count, DISTINCT_CAP);
  }
  const dec = decimalDistinct(a, min, max);
  if (dec >= 0) return dec;
  const h = new DistinctHash();
  h.add(a instanceof Float64Array ? a : Float64Array.from(a));
  return h.count;
}


/**
 * Distinct count of a column whose values all have at most d decimals (the
 * usual CSV column: prices, measurements): x ↦ k = round(x·10^d) is one to
 * one on values with k / 10^d === x (that division is correctly rounded, so
 * it gives back exactly the double nearest k / 10^d), and the k of a modest
 * range count in a bitmap. -1 when no scale up to 10^6 fits every value.
 */
function decimalDistinct(a: Float64Array | Int32Array, min: number, max: number): number {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return -1;
  // the scale the first values need
  let d = 0;
  const probe = Math.min(a.length, 256);
  for (let i = 0; i < probe && d <= 6; i++) {
    const x = a[i]!;
    while (d <= 6 && Math.round(x * POW10[d]!) / POW10[d]! !== x) d++;
  }
  if (d > 6) return -1;
  const s = POW10[d]!;
  const kmin = Math.round(min * s);
  const span = Math.round(max * s) - kmin;
  if (!(span < 1 << 24)) return -1;
  const seen = new Uint8Array(span + 1);
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const k = Math.round(x * s);
    if (k / s !== x) return -1;
    const j = k - kmin;
    if (seen[j] === 0) {
      seen[j] = 1;
      count++;
    }
  }
  return Math.min(count, DISTINCT_CAP);
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6];

/** Puts the k-th smallest of a[lo..hi] at a[k] (and smaller ones before it). */
function select(a: Float64Array | Int32Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as the pivot
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function minOf(a: Float64Array | Int32Array, lo: number, hi: number): number {
  let m = a[lo]!;
  for (let i = lo + 1; i <= hi; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

/** Buckets the order-statistic pass of quartiles() uses. */
const QBUCKETS = 4096;
let qScratch: Float64Array | null = null;

/**
 * q1, median, q3 with linear interpolation (pandas), possibly reordering `a`.
 * Long columns: one pass counts the values per bucket of [min, max] (the
 * bucket index is monotone in the value), a second copies out the few
 * buckets that hold the wanted ranks, and quickselect runs only inside
 * those; when they hold too many values (a heavily tied column) or the
 * range is not finite, quickselect on the whole array does the work.
 */
function quartiles(a: Float64Array | Int32Array, min: number, max: number): [number, number, number] {
  const n = a.length;
  if (n >= 4096 && Number.isFinite(min) && Number.isFinite(max) && max > min) {
    const r = bucketQuartiles(a, min, max);
    if (r) return r;
  }
  return selectQuartiles(a);
}

function bucketQuartiles(a: Float64Array | Int32Array, min: number, max: number): [number, number, number] | null {
  const n = a.length;
  const scale = QBUCKETS / (max - min);
  if (!Number.isFinite(scale)) return null;
  const counts = new Int32Array(QBUCKETS + 1);
  // (x - min) * scale lies in [0, QBUCKETS]: `| 0` floors it
  for (let i = 0; i < n; i++) {
    const b = ((a[i]! - min) * scale) | 0;
    counts[b < QBUCKETS ? b : QBUCKETS - 1]!++;
  }
  // start rank of each bucket
  const start = new Int32Array(QBUCKETS + 1);
  for (let b = 0; b < QBUCKETS; b++) start[b + 1] = start[b]! + counts[b]!;
  const ranks: number[] = [];
  for (const p of QUARTILES) {
    const k = Math.floor(p * (n - 1));
    ranks.push(k, Math.min(n - 1, k + 1));
  }
  const bucketOf = (rank: number): number => bucketOfRankIn(start, QBUCKETS, rank);
  // each wanted bucket gets a slice of the scratch array
  const slot = new Int32Array(QBUCKETS).fill(-1);
  const wanted: number[] = [];
  let total = 0;
  for (const r of ranks) {
    const b = bucketOf(r);
    if (slot[b] !== -1) continue;
    slot[b] = total;
    wanted.push(b);
    total += counts[b]!;
  }
  if (total > n / 8) return null;
  if (!qScratch || qScratch.length < total) qScratch = new Float64Array(Math.max(total, 1024));
  const out = qScratch;
  const fill = new Int32Array(QBUCKETS);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const b = ((x - min) * scale) | 0;
    const s = slot[b < QBUCKETS ? b : QBUCKETS - 1]!;
    if (s < 0) continue;
    out[s + fill[b < QBUCKETS ? b : QBUCKETS - 1]!++] = x;
  }
  const q = quartilesFromBuckets(out, n, start, QBUCKETS, counts, slot);
  if (qScratch.length > 1 << 20) qScratch = null;
  return q;
}

const QUARTILES = [0.25, 0.5, 0.75] as const;

/** The bucket holding `rank`: the last b < nb with start[b] ≤ rank (start: each bucket's first rank). */
function bucketOfRankIn(start: Int32Array, nb: number, rank: number): number {
  let lo = 0;
  let hi = nb - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (start[mid]! <= rank) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Quartiles with linear interpolation (numpy's default) of n values whose
 * buckets holding the wanted ranks were copied to out[slot[b] …] (unordered
 * within a bucket): each order statistic is selected inside its bucket.
 */
function quartilesFromBuckets(out: Float64Array, n: number, start: Int32Array, nb: number, counts: ArrayLike<number>, slot: Int32Array): [number, number, number] {
  const valueAt = (rank: number): number => {
    const b = bucketOfRankIn(start, nb, rank);
    const lo = slot[b]!;
    const k = lo + rank - start[b]!;
    select(out, k, lo, lo + counts[b]! - 1);
    return out[k]!;
  };
  const q = QUARTILES.map((p) => {
    const pos = p * (n - 1);
    const k = Math.floor(pos);
    const x = valueAt(k);
    return pos === k || k + 1 >= n ? x : x + (valueAt(k + 1) - x) * (pos - k);
  });
  return [q[0]!, q[1]!, q[2]!];
}

function selectQuartiles(a: Float64Array | Int32Array): [number, number, number] {
  const n = a.length;
  const at = (p: number, lo: number, hi: number): number => {
    const pos = p * (n - 1);
    const k = Math.floor(pos);
    select(a, k, lo, hi);
    const x = a[k]!;
    if (pos === k || k + 1 >= n) return x;
    const next = minOf(a, k + 1, Math.max(k + 1, hi));
    return x + (next - x) * (pos - k);
  };
  const mk = Math.floor(0.5 * (n - 1));
  const median = at(0.5, 0, n - 1);
  // everything left of mk is ≤ a[mk], everything right is ≥ it
  const q1 = at(0.25, 0, Math.max(0, mk));
  const q3 = at(0.75, Math.min(n - 1, mk + 1), n - 1);
  return [q1, median, q3];
}

/** The p-quantile of sorted values with linear interpolation (pandas / numpy default). */
export function quantileSorted(a: ArrayLike<number>, p: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const x = a[lo]!;
  return x + (a[hi]! - x) * (pos - lo);
}

/** A histogram's edges for finite min and max (one bin per value for a narrow integer column), its left end and bin width. */
function histogramFrame(min: number, max: number, kind: ColumnKind): { edges: number[]; lo: number; w: number } {
  let edges: number[];
  let lo: number;
  let w: number;
  if (kind === 'integer' && max - min < HISTOGRAM_BINS) {
    edges = [];
    for (let v = min; v <= max + 1; v++) edges.push(v - 0.5);
    lo = min - 0.5;
    w = 1;
  } else if (max === min) {
    edges = [min - 0.5, max + 0.5];
    lo = min - 0.5;
    w = 1;
  } else {
    edges = [];
    w = (max - min) / HISTOGRAM_BINS;
    for (let k = 0; k <= HISTOGRAM_BINS; k++) edges.push(k === HISTOGRAM_BINS ? max : min + k * w);
    lo = min;
  }
  return { edges, lo, w };
}

function histogramOf(a: Float64Array | Int32Array, min: number, max: number, kind: ColumnKind): Histogram {
  const n = a.length;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { edges: [], counts: [] };
  const { edges, lo, w } = histogramFrame(min, max, kind);
  const bins = edges.length - 1;
  const counts = new Int32Array(bins);
  const e = Float64Array.from(edges);
  const inv = 1 / w;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    // a first guess (x ≥ lo, so `| 0` floors; huge quotients land past the last bin) ...
    const g = (x - lo) * inv;
    let b = g < bins ? g | 0 : bins - 1;
    // ... then the edges themselves decide (floating error at an edge)
    while (b > 0 && x < e[b]!) b--;
    while (b < bins - 1 && x >= e[b + 1]!) b++;
    counts[b]!++;
  }
  return { edges, counts: Array.from(counts) };
}

/** Statistics of one column over its chunks (e.g. after a kind override). */
export function computeColumnStats(kind: ColumnKind, chunks: Iterable<ColumnData>): ColumnStats {
  const acc = new StatsAccumulator();
  for (const c of chunks) acc.add(c);
  return acc.result(kind);
}

// ---------------------------------------------------------------- kind conversion

/** The storage a kind gets (integer may also be float64 when values pass int32). */
export function storageFor(kind: ColumnKind): StorageType {
  switch (kind) {
    case 'integer':
      return 'int32';
    case 'float':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'date':
    case 'datetime':
      return 'timestamp';
    default:
      return 'string';
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A timestamp as ISO text: the date alone when it is midnight UTC. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (ms % 86400000 === 0) return date;
  const frac = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3)}` : '';
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac}Z`;
}

function valueText(c: ColumnData, i: number): string {
  switch (c.storage) {
    case 'string':
      return c.codes[i]! < 0 ? '' : c.dictionary[c.codes[i]!]!;
    case 'bool':
      return c.values[i] ? 'true' : 'false';
    case 'timestamp':
      return formatTimestamp(c.values[i]!);
    default:
      return String(c.values[i]);
  }
}

function isNull(c: ColumnData, i: number): boolean {
  if (c.nulls?.[i]) return true;
  if (c.storage === 'string') return c.codes[i]! < 0;
  if (c.storage === 'float64' || c.storage === 'timestamp') return c.values[i] !== c.values[i];
  return false;
}

function length(c: ColumnData): number {
  return c.storage === 'string' ? c.codes.length : c.values.length;
}

const enc = new TextEncoder();

function badKind(toKind: ColumnKind, row: number, value: string, why: string): LatheError {
  return new LatheError(
    'BAD_KIND',
    `Cannot read the column as ${toKind}: data row ${row} holds "${value}", ${why}. Fix that value in the file, or keep the column's current kind (or choose text/categorical).`,
    { row, value, kind: toKind },
  );
}

/**
 * Converts a chunk's column to the storage of `toKind` (the person's kind
 * override). `firstRow` is the 1-based data row of the chunk's first row, for
 * the message naming the first value that does not convert. `storage` forces
 * the target storage (pass 'float64' for every chunk of an integer column
 * when any chunk holds values beyond int32), else the natural one.
 */
export function convertColumn(data: ColumnData, toKind: ColumnKind, firstRow: number, storage?: StorageType): ColumnData {
  const n = length(data);
  const nulls = new Uint8Array(n);
  let anyNull = false;
  for (let i = 0; i < n; i++) {
    if (isNull(data, i)) {
      nulls[i] = 1;
      anyNull = true;
    }
  }
  const withNulls = anyNull ? { nulls } : {};
  const target = storage ?? storageFor(toKind);

  if (toKind === 'categorical' || toKind === 'text') {
    if (data.storage === 'string') return data;
    const map = new Map<string, number>();
    const dictionary: string[] = [];
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (nulls[i]) {
        codes[i] = -1;
        continue;
      }
      const v = valueText(data, i);
      let k = map.get(v);
      if (k === undefined) {
        k = dictionary.length;
        map.set(v, k);
        dictionary.push(v);
      }
      codes[i] = k;
    }
    return { storage: 'string', codes, dictionary, ...withNulls };
  }

  if (toKind === 'integer' || toKind === 'float') {
    const vals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (nulls[i]) {
        vals[i] = NaN;
        continue;
      }
      let v: number;
      switch (data.storage) {
        case 'string': {
          const b = enc.encode(data.dictionary[data.codes[i]!]!);
          v = scanNumber(b, 0, b.length, 46);
          if (scan.cls === 0) {
            const c = scanNumber(b, 0, b.length, 44);
            if (scan.cls === 0) throw badKind(toKind, firstRow + i, valueText(data, i), 'which is not a number');
            v = c;
          }
          break;
        }
        case 'timestamp':
          throw badKind(toKind, firstRow + i, valueText(data, i), 'which is a date, not a number');
        default:
          v = data.values[i]!;
      }
      if (toKind === 'integer' && !Number.isInteger(v)) throw badKind(toKind, firstRow + i, valueText(data, i), 'which is not a whole number');
      vals[i] = v;
    }
    if (toKind === 'float' || target === 'float64') return { storage: 'float64', values: vals, ...withNulls };
    let fits = true;
    for (let i = 0; i < n; i++) if (!nulls[i] && (vals[i]! > 2147483647 || vals[i]! < -2147483648)) fits = false;
    if (!fits) {
      if (storage === 'int32') {
        const i = vals.findIndex((v, k) => !nulls[k] && (v > 2147483647 || v < -2147483648));
        throw badKind(toKind, firstRow + i, valueText(data, i), 'which is beyond the 32-bit integer range');
      }
      return { storage: 'float64', values: vals, ...withNulls };
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (!nulls[i]) out[i] = vals[i]!;
    return { storage: 'int32', values: out, ...withNulls };
  }

  if (toKind === 'boolean') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (nulls[i]) continue;
      let v: number;
      if (data.storage === 'string') {
        const b = enc.encode(data.dictionary[data.codes[i]!]!);
        v = scanBool(b, 0, b.length);
        if (v < 0) {
          const x = scanNumber(b, 0, b.length, 46);
          v = scan.cls === 1 && (x === 0 || x === 1) ? x : -1;
        }
      } else if (data.storage === 'bool') v = data.values[i]!;
      else if (data.storage === 'timestamp') v = -1;
      else {
        const x = data.values[i]!;
        v = x === 0 || x === 1 ? x : -1;
      }
      if (v < 0) throw badKind(toKind, firstRow + i, valueText(data, i), 'which is not true/false, yes/no, t/f, y/n or 0/1');
      out[i] = v;
    }
    return { storage: 'bool', values: out, ...withNulls };
  }

  // date / datetime
  if (data.storage === 'timestamp') return data;
  if (data.storage !== 'string') {
    const i = nulls.indexOf(0);
    throw badKind(toKind, firstRow + Math.max(0, i), i >= 0 ? valueText(data, i) : '', 'which is a number, not a date');
  }
  // one format for the whole chunk: the formats every value fits
  let mask = DATE_ISO | DATE_YMD | DATE_DMY | DATE_MDY;
  const bytes = data.dictionary.map((s) => enc.encode(s));
  for (let i = 0; i < n; i++) {
    if (nulls[i]) continue;
    const b = bytes[data.codes[i]!]!;
    scanDate(b, 0, b.length);
    if (!(scan.dmask & mask)) throw badKind(toKind, firstRow + i, valueText(data, i), 'which is not a date Lathe reads (YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY or YYYY/MM/DD, with an optional time)');
    mask &= scan.dmask;
  }
  const fmt = chooseDateFormat(mask);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (nulls[i]) {
      out[i] = NaN;
      continue;
    }
    const b = bytes[data.codes[i]!]!;
    scanDate(b, 0, b.length);
    out[i] = dateValue(fmt);
  }
  return { storage: 'timestamp', values: out, ...withNulls };
}
