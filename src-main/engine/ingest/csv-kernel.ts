/**
 * The CSV importer's WebAssembly kernels (csv-kernel.wat) and the memory
 * they work in. One CsvArena per pass over a file holds, in one
 * WebAssembly.Memory sized once (it never grows, so views stay valid): the
 * read buffer, the tokenizer's field arrays, one output array per column
 * and a string column's dictionary table. The tokenizer (tokenizer.ts) and
 * the column builders (infer.ts: numbers, ISO dates, strings) call the
 * kernels while their byte buffer, field arrays and output array are views
 * of this memory, and stay in JavaScript otherwise (a grown read buffer, the
 * pipeline's deferred columns); those kernels only do the common case and
 * hand everything else back, so the results are the JavaScript code's.
 * RunningKernel and FinalKernel (one small memory per thread) do a numeric
 * column's running statistics and final pass operation for operation as
 * running-stats.ts and stats.ts do.
 *
 * LATHE_CSV_WASM=0 in the environment (read when a thread loads this
 * module, so the pipeline's worker follows its parent) or CSV_KERNEL.on =
 * false turns them off, for comparisons.
 */
import type { ArrayPool } from './infer.ts';
import { WASM_BASE64 } from './csv-kernel-wasm.ts';

type ScanFn = (
  buf: number, pos: number, end: number, delim: number, quote: number,
  ncols: number, room: number, starts: number, ends: number, flags: number, nrec: number,
) => number;
type DictFn = (
  buf: number, starts: number, ends: number, flags: number, ncols: number, j: number, from: number, n: number,
  codes: number, force: number, table: number, mask: number, hashes: number, addrs: number, lens: number, keys: number,
) => number;
type DateFn = (buf: number, starts: number, ends: number, flags: number, ncols: number, j: number, from: number, n: number, out: number) => number;
type NumFn = (
  buf: number, starts: number, ends: number, flags: number, ncols: number, j: number,
  from: number, n: number, out: number, dec: number, mode: number,
) => number;

/** Results (0-63) and the powers of ten (64-191) the kernels read; the first arena byte after them. */
const RESERVED = 256;
/** Readable bytes after the read buffer: the scanner loads 16 at a time. */
const PAD = 16;

/** What num() writes: float64 values, int32 integers, float64 integers. */
export const NUM_FLOAT = 0;
export const NUM_INT32 = 1;
export const NUM_WIDE_INT = 2;

/** Whether passes use the kernels (tests and benchmarks compare both ways). */
export const CSV_KERNEL = { on: process.env.LATHE_CSV_WASM !== '0' };

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (!CSV_KERNEL.on) return null;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    } catch {
      // no WebAssembly SIMD here: the JavaScript paths do everything
      compiled = null;
    }
  }
  return compiled;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

export class CsvArena {
  readonly memory: WebAssembly.Memory;
  /** the read buffer */
  readonly buf: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly flags: Uint8Array;
  /** per column: a float64 and an int32 view of the same bytes (a chunk's column is one or the other) */
  readonly pool: ArrayPool[];
  private readonly scanFn: ScanFn;
  private readonly numFn: NumFn;
  private readonly dictFn: DictFn;
  private readonly dateFn: DateFn;
  private readonly i32: Int32Array;
  /** dict()'s hash table (code + 1 per slot) and its entries: hash, field address, length, key words */
  private readonly table: Int32Array;
  private readonly dAddrs: Int32Array;
  private readonly dLens: Int32Array;
  private readonly dHashes: number;
  private readonly dKeys: number;

  private constructor(mod: WebAssembly.Module, readBytes: number, rowsCap: number, ncols: number) {
    const inst = new WebAssembly.Instance(mod, {});
    const ex = inst.exports as { memory: WebAssembly.Memory; scan: ScanFn; num: NumFn; dict: DictFn; isodate: DateFn };
    this.memory = ex.memory;
    this.scanFn = ex.scan;
    this.numFn = ex.num;
    this.dictFn = ex.dict;
    this.dateFn = ex.isodate;
    const fields = rowsCap * ncols;
    const bufAt = RESERVED;
    const startsAt = align(bufAt + readBytes + PAD, 16);
    const endsAt = align(startsAt + 4 * fields, 16);
    const flagsAt = align(endsAt + 4 * fields, 16);
    const poolAt = align(flagsAt + fields, 16);
    // a string column's dictionary: at most one entry per row, a table at most half full
    let slots = 16;
    while (slots < 2 * rowsCap) slots *= 2;
    const tableAt = align(poolAt + ncols * rowsCap * 8, 16);
    const hashesAt = tableAt + 4 * slots;
    const addrsAt = hashesAt + 4 * rowsCap;
    const lensAt = addrsAt + 4 * rowsCap;
    const keysAt = align(lensAt + 4 * rowsCap, 16);
    const total = keysAt + 16 * rowsCap;
    const pages = Math.ceil(total / 65536);
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > have) this.memory.grow(pages - have);
    // views only after the last grow (growing detaches the old ones)
    const mem = this.memory.buffer;
    const pow = new Float64Array(mem, 64, 16);
    for (let k = 0; k < 16; k++) pow[k] = Number(`1e${k}`);
    this.i32 = new Int32Array(mem, 0, 16);
    this.buf = Buffer.from(mem, bufAt, readBytes);
    this.starts = new Int32Array(mem, startsAt, fields);
    this.ends = new Int32Array(mem, endsAt, fields);
    this.flags = new Uint8Array(mem, flagsAt, fields);
    this.table = new Int32Array(mem, tableAt, slots);
    this.dHashes = hashesAt;
    this.dAddrs = new Int32Array(mem, addrsAt, rowsCap);
    this.dLens = new Int32Array(mem, lensAt, rowsCap);
    this.dKeys = keysAt;
    this.pool = [];
    for (let j = 0; j < ncols; j++) {
      const at = poolAt + j * rowsCap * 8;
      this.pool.push({ f64: new Float64Array(mem, at, rowsCap), i32: new Int32Array(mem, at, rowsCap) });
    }
  }

  /**
   * An arena for a pass with this read buffer size, chunk size and column
   * count; null when the kernels cannot run here or the arena would not fit
   * in 32-bit addresses (the JavaScript paths then do everything).
   */
  static create(readBytes: number, rowsCap: number, ncols: number): CsvArena | null {
    const mod = kernelModule();
    if (!mod) return null;
    if (RESERVED + readBytes + PAD + rowsCap * ncols * 17 + rowsCap * 40 + 256 > 2 ** 31) return null;
    try {
      return new CsvArena(mod, readBytes, rowsCap, ncols);
    } catch {
      return null;
    }
  }

  /** Whether every array is a view of this arena's memory (a grown read buffer is not). */
  holds(...arrays: ArrayBufferView[]): boolean {
    const mem = this.memory.buffer;
    for (const a of arrays) if (a.buffer !== mem) return false;
    return true;
  }

  /**
   * Scans plain records of buf[pos, end) into the field arrays from record
   * `nrec` on, at most `room` of them (see csv-kernel.wat). Returns the
   * records taken; stopAt() is where it stopped.
   */
  scan(buf: Uint8Array, pos: number, end: number, delim: number, quote: number, ncols: number, room: number, nrec: number): number {
    return this.scanFn(buf.byteOffset, pos, end, delim, quote, ncols, room, this.starts.byteOffset, this.ends.byteOffset, this.flags.byteOffset, nrec);
  }

  /** The offset where the last scan stopped: the start of the first record not taken. */
  stopAt(): number {
    return this.i32[0]!;
  }

  /** Starts coding a string column of a chunk: an empty dictionary. */
  dictBegin(): void {
    this.table.fill(0);
    this.i32[1] = 0;
  }

  /**
   * Codes column j of records [from, n) into `codes` by their bytes, new
   * values taking the next code (see csv-kernel.wat dict); record `force`
   * is coded without the missing-marker check. Returns the first record not
   * coded (n when all were).
   */
  dict(buf: Uint8Array, ncols: number, j: number, from: number, n: number, codes: Int32Array, force: number): number {
    return this.dictFn(
      buf.byteOffset, this.starts.byteOffset, this.ends.byteOffset, this.flags.byteOffset, ncols, j, from, n,
      codes.byteOffset, force, this.table.byteOffset, this.table.length - 1, this.dHashes, this.dAddrs.byteOffset, this.dLens.byteOffset, this.dKeys,
    );
  }

  /** Codes handed out since dictBegin(). */
  dictCount(): number {
    return this.i32[1]!;
  }

  /** Where code c's first field lies in buf: [start, end). */
  dictField(buf: Uint8Array, c: number): [number, number] {
    const s = this.dAddrs[c]! - buf.byteOffset;
    return [s, s + this.dLens[c]!];
  }

  /** Column j of records [from, n) as ISO dates (epoch milliseconds) into out, as fastIsoDate; returns the first record not taken. */
  isoDates(buf: Uint8Array, ncols: number, j: number, from: number, n: number, out: Float64Array): number {
    return this.dateFn(buf.byteOffset, this.starts.byteOffset, this.ends.byteOffset, this.flags.byteOffset, ncols, j, from, n, out.byteOffset);
  }

  /** Parses column j of records [from, n) into out (NUM_* mode); returns the first record not parsed. */
  num(buf: Uint8Array, ncols: number, j: number, from: number, n: number, out: Float64Array | Int32Array, dec: number, mode: number): number {
    return this.numFn(buf.byteOffset, this.starts.byteOffset, this.ends.byteOffset, this.flags.byteOffset, ncols, j, from, n, out.byteOffset, dec, mode);
  }
}

type FinalFn = (
  a: number, n: number, mean: number, hlo: number, inv: number, bins: number, edges: number, hist: number,
  lo: number, scale: number, slot: number, fill: number, out: number, ss: number,
) => number;

/** Values final() takes per call (a longer block goes in pieces). */
const FINAL_BLOCK = 65536;
/** A FinalKernel whose memory grew past this is dropped after its column (a new one starts small). */
const KEEP_BYTES = 4 << 20;

/**
 * The final statistics pass of numeric columns (stats.ts streamedResult) in
 * the kernel: one instance per thread, its memory grown to the largest
 * column's needs. begin() copies a column's histogram edges and quartile
 * slots in, block() runs over values in order, end() copies the counts and
 * the quartile buckets' values out: the same sums, bins and values as the
 * JavaScript pass.
 */
export class FinalKernel {
  private static one: FinalKernel | null | undefined;
  private readonly memory: WebAssembly.Memory;
  private readonly fn: FinalFn;
  private vals = new Float64Array(0);
  private hist = new Int32Array(0);
  private fill = new Int32Array(0);
  private out = new Float64Array(0);
  private edgesAt = 0;
  private slotAt = 0;
  private bins = 0;

  private constructor(mod: WebAssembly.Module) {
    const ex = new WebAssembly.Instance(mod, {}).exports as { memory: WebAssembly.Memory; final: FinalFn };
    this.memory = ex.memory;
    this.fn = ex.final;
  }

  /** This thread's kernel, or null when the kernels are off or cannot run here. */
  static get(): FinalKernel | null {
    const mod = kernelModule();
    if (!mod) return null;
    if (FinalKernel.one === undefined) {
      try {
        FinalKernel.one = new FinalKernel(mod);
      } catch {
        FinalKernel.one = null;
      }
    }
    return FinalKernel.one;
  }

  /** Starts a column: `bins` histogram bins over `edges`, quartile slots `slot`, `total` quartile-bucket values to collect. */
  begin(edges: Float64Array, slot: Int32Array, total: number): void {
    const bins = edges.length - 1;
    const valsAt = RESERVED;
    const edgesAt = valsAt + FINAL_BLOCK * 8;
    const histAt = align(edgesAt + edges.length * 8, 8);
    const slotAt = align(histAt + bins * 4, 8);
    const fillAt = align(slotAt + slot.length * 4, 8);
    const outAt = align(fillAt + slot.length * 4, 8);
    const bytes = outAt + total * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    const mem = this.memory.buffer;
    this.vals = new Float64Array(mem, valsAt, FINAL_BLOCK);
    new Float64Array(mem, edgesAt, edges.length).set(edges);
    this.hist = new Int32Array(mem, histAt, bins).fill(0);
    new Int32Array(mem, slotAt, slot.length).set(slot);
    this.fill = new Int32Array(mem, fillAt, slot.length).fill(0);
    this.out = new Float64Array(mem, outAt, total);
    this.edgesAt = edgesAt;
    this.slotAt = slotAt;
    this.bins = bins;
  }

  /** Runs the pass over a's values in order; returns ss with their squared deviations added. */
  block(a: Float64Array, mean: number, hlo: number, inv: number, lo: number, scale: number, ss: number): number {
    for (let at = 0; at < a.length; at += FINAL_BLOCK) {
      const piece = a.subarray(at, Math.min(a.length, at + FINAL_BLOCK));
      this.vals.set(piece);
      ss = this.fn(
        this.vals.byteOffset, piece.length, mean, hlo, inv, this.bins, this.edgesAt, this.hist.byteOffset,
        lo, scale, this.slotAt, this.fill.byteOffset, this.out.byteOffset, ss,
      );
    }
    return ss;
  }

  /** The column's histogram counts, quartile-bucket fill counts and values. */
  end(hist: Int32Array, fill: Int32Array, out: Float64Array): void {
    hist.set(this.hist);
    fill.set(this.fill);
    out.set(this.out);
    // a memory grown for a column with heavily tied quartile buckets is not kept for the thread's life
    if (this.memory.buffer.byteLength > KEEP_BYTES && FinalKernel.one === this) FinalKernel.one = undefined;
  }
}

type RunningFn = (a: number, n: number, counts: number, lo: number, scale: number) => void;

/** Values running() takes per call (a longer range goes in pieces). */
const RUNNING_BLOCK = 65536;

/**
 * A numeric column's running statistics (running-stats.ts addBucketed) in
 * the kernel: one instance per thread; each call copies the values and the
 * column's bucket counts in and the counts and sums out (a few microseconds
 * against the milliseconds the loop takes in JavaScript before V8 has
 * optimised it).
 */
export class RunningKernel {
  private static one: RunningKernel | null | undefined;
  private readonly fn: RunningFn;
  private readonly sums: Float64Array;
  private readonly vals: Float64Array;
  private readonly counts: Int32Array;

  private constructor(mod: WebAssembly.Module, buckets: number) {
    const ex = new WebAssembly.Instance(mod, {}).exports as { memory: WebAssembly.Memory; running: RunningFn };
    this.fn = ex.running;
    const valsAt = RESERVED;
    const countsAt = valsAt + RUNNING_BLOCK * 8;
    const bytes = countsAt + buckets * 4;
    const have = ex.memory.buffer.byteLength;
    if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
    const mem = ex.memory.buffer;
    this.sums = new Float64Array(mem, 0, 3);
    this.vals = new Float64Array(mem, valsAt, RUNNING_BLOCK);
    this.counts = new Int32Array(mem, countsAt, buckets);
  }

  /** This thread's kernel for `buckets` counts (RUNNING_BUCKETS + 2), or null when the kernels are off or cannot run here. */
  static get(buckets: number): RunningKernel | null {
    const mod = kernelModule();
    if (!mod) return null;
    if (RunningKernel.one === undefined) {
      try {
        RunningKernel.one = new RunningKernel(mod, buckets);
      } catch {
        RunningKernel.one = null;
      }
    }
    return RunningKernel.one && RunningKernel.one.counts.length === buckets ? RunningKernel.one : null;
  }

  /** Adds a[from, to) to acc (sum, min, max) and to the bucket counts, in order. */
  add(a: Float64Array, from: number, to: number, counts: Int32Array, lo: number, scale: number, acc: Float64Array): void {
    this.sums.set(acc);
    this.counts.set(counts);
    for (let at = from; at < to; at += RUNNING_BLOCK) {
      const end = Math.min(to, at + RUNNING_BLOCK);
      this.vals.set(a.subarray(at, end));
      this.fn(this.vals.byteOffset, end - at, this.counts.byteOffset, lo, scale);
    }
    counts.set(this.counts);
    acc.set(this.sums);
  }
}
