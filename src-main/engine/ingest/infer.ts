/**
 * Kind inference and column building for one chunk of records. A column's
 * kind only widens (empty → bool/int/float/date → string, int → float,
 * date → datetime); the whole chunk is parsed under the kind that fits all
 * of its values, restarting the chunk's column when a value forces a wider
 * kind. Across chunks the importer compares what was already written.
 */
import type { ColumnKind, KindConflict } from '../../../src-shared/dataset.ts';
import type { ColumnData } from '../arrow/types.ts';
import { NUM_FLOAT, NUM_INT32, NUM_WIDE_INT } from './csv-kernel.ts';
import type { CsvArena } from './csv-kernel.ts';
import { FIELD_RAW, unquoteBytes } from './tokenizer.ts';
import type { Tokenizer } from './tokenizer.ts';
import {
  K_BOOL,
  K_DATE,
  K_EMPTY,
  K_FLOAT,
  K_INT,
  K_STRING,
  DATE_ISO,
  chooseDateFormat,
  classify,
  dateValue,
  fastIsoDate,
  fastNumber,
  isMissing,
  scan,
  scanBool,
  scanDate,
  scanNumber,
} from './values.ts';

/** The kind a column has once value class `c` joins kind `k` (dates narrow their format mask). */
export function joinKind(k: number, dmask: number, c: number): { k: number; dmask: number } {
  if (c === K_EMPTY) return { k, dmask };
  if (k === K_EMPTY) return { k: c, dmask: c === K_DATE ? scan.dmask : -1 };
  if (k === c) {
    if (k !== K_DATE) return { k, dmask };
    const m = dmask & scan.dmask;
    return m ? { k, dmask: m } : { k: K_STRING, dmask: -1 };
  }
  if ((k === K_INT && c === K_FLOAT) || (k === K_FLOAT && c === K_INT)) return { k: K_FLOAT, dmask: -1 };
  return { k: K_STRING, dmask: -1 };
}

export function kindName(k: number, hasTime: boolean): ColumnKind {
  switch (k) {
    case K_BOOL:
      return 'boolean';
    case K_INT:
      return 'integer';
    case K_DATE:
      return hasTime ? 'datetime' : 'date';
    case K_STRING:
      return 'text';
    default:
      return 'float';
  }
}

const MAX_EXAMPLES = 5;

/** What the importer knows about one column. */
export class ColumnState {
  k = K_EMPTY;
  dmask = -1;
  hasTime = false;
  /** integers beyond int32: stored as float64, kind stays integer */
  wide = false;
  /** storage signatures of the chunks written in this pass */
  sigs = new Set<string>();
  /** the first non-empty kind a written chunk had (what early rows suggested) */
  earlyK = K_EMPTY;
  earlyMask = -1;
  earlyTime = false;
  conflict: KindConflict | null = null;

  constructor(readonly name: string) {}

  sig(): string {
    switch (this.k) {
      case K_BOOL:
        return 'bool';
      case K_INT:
        return this.wide ? 'float64' : 'int32';
      case K_DATE:
        return `ts${chooseDateFormat(this.dmask)}`;
      case K_STRING:
        return 'string';
      default:
        return 'float64';
    }
  }

  kind(): ColumnKind {
    return kindName(this.k, this.hasTime);
  }

  widen(c: number): void {
    const j = joinKind(this.k, this.dmask, c);
    this.k = j.k;
    this.dmask = j.dmask;
    if (c === K_DATE && scan.hasTime) this.hasTime = true;
  }
}

/** A column state as it crosses threads. */
export interface StateSeed {
  k: number;
  dmask: number;
  hasTime: boolean;
  wide: boolean;
  earlyK: number;
  earlyMask: number;
  earlyTime: boolean;
  sigs: string[];
}

export function seedOf(st: ColumnState): StateSeed {
  return { k: st.k, dmask: st.dmask, hasTime: st.hasTime, wide: st.wide, earlyK: st.earlyK, earlyMask: st.earlyMask, earlyTime: st.earlyTime, sigs: [...st.sigs] };
}

export function stateFrom(name: string, s: StateSeed, keepSigs: boolean): ColumnState {
  const st = new ColumnState(name);
  st.k = s.k;
  st.dmask = s.dmask;
  st.hasTime = s.hasTime;
  st.wide = s.wide;
  st.earlyK = s.earlyK;
  st.earlyMask = s.earlyMask;
  st.earlyTime = s.earlyTime;
  if (keepSigs) for (const g of s.sigs) st.sigs.add(g);
  return st;
}

/** What a chunk's column builder needs besides the state. */
export interface ChunkContext {
  buf: Uint8Array;
  tok: Tokenizer;
  n: number;
  dec: number;
  /** decodes buf[s, e) to a string in the file's encoding */
  str: (b: Uint8Array, s: number, e: number) => string;
  /**
   * Reusable output arrays per column (the importer encodes and copies each
   * chunk before building the next, so the arrays can be recycled and the
   * garbage per chunk stays small). Absent: fresh arrays.
   */
  pool?: ArrayPool[];
}

export interface ArrayPool {
  f64?: Float64Array;
  i32?: Int32Array;
  u8?: Uint8Array;
}

function f64Of(ctx: ChunkContext, j: number): Float64Array {
  const p = ctx.pool?.[j];
  if (!p) return new Float64Array(ctx.n);
  if (!p.f64 || p.f64.length < ctx.n) p.f64 = new Float64Array(ctx.tok.capacity);
  return p.f64.subarray(0, ctx.n);
}

function i32Of(ctx: ChunkContext, j: number): Int32Array {
  const p = ctx.pool?.[j];
  if (!p) return new Int32Array(ctx.n);
  if (!p.i32 || p.i32.length < ctx.n) p.i32 = new Int32Array(ctx.tok.capacity);
  return p.i32.subarray(0, ctx.n).fill(0);
}

function u8Of(ctx: ChunkContext, j: number): Uint8Array {
  const p = ctx.pool?.[j];
  if (!p) return new Uint8Array(ctx.n);
  if (!p.u8 || p.u8.length < ctx.n) p.u8 = new Uint8Array(ctx.tok.capacity);
  return p.u8.subarray(0, ctx.n).fill(0);
}

/** The arena when its number kernel can parse this chunk's fields into out. */
function kernelFor(ctx: ChunkContext, out: ArrayBufferView): CsvArena | null {
  const a = ctx.tok.kernelFor(ctx.buf);
  return a?.holds(out) ? a : null;
}

function fieldBytes(ctx: ChunkContext, idx: number): [Uint8Array, number, number] {
  const s = ctx.tok.starts[idx]!;
  const e = ctx.tok.ends[idx]!;
  if (ctx.tok.flags[idx] === FIELD_RAW) {
    const u = unquoteBytes(ctx.buf, s, e, ctx.tok.quote);
    return [u, 0, u.length];
  }
  return [ctx.buf, s, e];
}

/** Builds column j of the chunk, widening `st` as the values require. */
export function buildColumn(ctx: ChunkContext, j: number, st: ColumnState): ColumnData {
  for (;;) {
    const r = tryBuild(ctx, j, st);
    if (r) return r;
  }
}

function tryBuild(ctx: ChunkContext, j: number, st: ColumnState): ColumnData | null {
  const { tok, n, dec } = ctx;
  const ncols = tok.ncols;
  const starts = tok.starts;
  const ends = tok.ends;
  const flags = tok.flags;
  const buf = ctx.buf;
  let nulls: Uint8Array | undefined;
  switch (st.k) {
    case K_EMPTY: {
      for (let i = 0; i < n; i++) {
        const [b, s, e] = fieldBytes(ctx, i * ncols + j);
        if (isMissing(b, s, e)) continue;
        st.widen(classify(b, s, e, dec));
        return null;
      }
      return { storage: 'float64', values: new Float64Array(n).fill(NaN), nulls: new Uint8Array(n).fill(1) };
    }
    case K_INT: {
      if (st.wide) {
        const out = f64Of(ctx, j);
        const kern = kernelFor(ctx, out);
        for (let i = 0; i < n; i++) {
          if (kern) {
            i = kern.num(buf, ncols, j, i, n, out, dec, NUM_WIDE_INT);
            if (i >= n) break;
          }
          const idx = i * ncols + j;
          let b = buf;
          let s = starts[idx]!;
          let e = ends[idx]!;
          if (flags[idx] === FIELD_RAW) [b, s, e] = fieldBytes(ctx, idx);
          let v = fastNumber(b, s, e, dec);
          if (scan.cls === 0) v = scanNumber(b, s, e, dec);
          if (scan.cls === 1) {
            out[i] = v;
            continue;
          }
          if (isMissing(b, s, e)) {
            nulls ??= new Uint8Array(n);
            nulls[i] = 1;
            out[i] = NaN;
            continue;
          }
          st.widen(classify(b, s, e, dec));
          return null;
        }
        return nulls ? { storage: 'float64', values: out, nulls } : { storage: 'float64', values: out };
      }
      const out = i32Of(ctx, j);
      const kern = kernelFor(ctx, out);
      for (let i = 0; i < n; i++) {
        if (kern) {
          i = kern.num(buf, ncols, j, i, n, out, dec, NUM_INT32);
          if (i >= n) break;
        }
        const idx = i * ncols + j;
        let b = buf;
        let s = starts[idx]!;
        let e = ends[idx]!;
        if (flags[idx] === FIELD_RAW) [b, s, e] = fieldBytes(ctx, idx);
        let v = fastNumber(b, s, e, dec);
        if (scan.cls === 0) v = scanNumber(b, s, e, dec);
        if (scan.cls === 1) {
          if (v > 2147483647 || v < -2147483648) {
            st.wide = true;
            return null;
          }
          out[i] = v;
          continue;
        }
        if (isMissing(b, s, e)) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
          continue;
        }
        st.widen(classify(b, s, e, dec));
        return null;
      }
      return nulls ? { storage: 'int32', values: out, nulls } : { storage: 'int32', values: out };
    }
    case K_FLOAT: {
      const out = f64Of(ctx, j);
      const kern = kernelFor(ctx, out);
      for (let i = 0; i < n; i++) {
        if (kern) {
          i = kern.num(buf, ncols, j, i, n, out, dec, NUM_FLOAT);
          if (i >= n) break;
        }
        const idx = i * ncols + j;
        let b = buf;
        let s = starts[idx]!;
        let e = ends[idx]!;
        if (flags[idx] === FIELD_RAW) [b, s, e] = fieldBytes(ctx, idx);
        let v = fastNumber(b, s, e, dec);
        if (scan.cls === 0) v = scanNumber(b, s, e, dec);
        if (scan.cls !== 0) {
          out[i] = v;
          continue;
        }
        if (isMissing(b, s, e)) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
          out[i] = NaN;
          continue;
        }
        st.widen(classify(b, s, e, dec));
        return null;
      }
      return nulls ? { storage: 'float64', values: out, nulls } : { storage: 'float64', values: out };
    }
    case K_BOOL: {
      const out = u8Of(ctx, j);
      for (let i = 0; i < n; i++) {
        const [b, s, e] = fieldBytes(ctx, i * ncols + j);
        const v = scanBool(b, s, e);
        if (v >= 0) {
          out[i] = v;
          continue;
        }
        if (isMissing(b, s, e)) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
          continue;
        }
        st.widen(classify(b, s, e, dec));
        return null;
      }
      return nulls ? { storage: 'bool', values: out, nulls } : { storage: 'bool', values: out };
    }
    case K_DATE: {
      const out = f64Of(ctx, j);
      const fmt = chooseDateFormat(st.dmask);
      // a column of plain ISO dates so far: such a field cannot change its kind or format
      const iso = st.dmask === DATE_ISO;
      const kern = iso ? kernelFor(ctx, out) : null;
      for (let i = 0; i < n; i++) {
        if (kern) {
          i = kern.isoDates(buf, ncols, j, i, n, out);
          if (i >= n) break;
        }
        const idx = i * ncols + j;
        if (iso && flags[idx] !== FIELD_RAW) {
          const t = fastIsoDate(buf, starts[idx]!, ends[idx]!);
          if (t === t) {
            out[i] = t;
            continue;
          }
        }
        const [b, s, e] = fieldBytes(ctx, idx);
        scanDate(b, s, e);
        if (scan.dmask) {
          const m = st.dmask & scan.dmask;
          if (m !== st.dmask) {
            const had = st.hasTime;
            st.widen(K_DATE);
            st.hasTime = had || scan.hasTime;
            if (st.k !== K_DATE || chooseDateFormat(st.dmask) !== fmt) return null;
          }
          if (scan.hasTime) st.hasTime = true;
          out[i] = dateValue(fmt);
          continue;
        }
        if (isMissing(b, s, e)) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
          out[i] = NaN;
          continue;
        }
        st.widen(classify(b, s, e, dec));
        return null;
      }
      return nulls ? { storage: 'timestamp', values: out, nulls } : { storage: 'timestamp', values: out };
    }
    default: {
      const codes = i32Of(ctx, j);
      const kern = kernelFor(ctx, codes);
      if (kern) {
        const built = codeStrings(ctx, j, kern, codes);
        if (built) return built;
        // a raw field: the dictionary below starts again (its unquoted bytes are not in the buffer)
        codes.fill(0);
      }
      const dict = new ByteDictionary(ctx.str);
      for (let i = 0; i < n; i++) {
        const idx = i * ncols + j;
        let b = buf;
        let s = starts[idx]!;
        let e = ends[idx]!;
        if (flags[idx] === FIELD_RAW) [b, s, e] = fieldBytes(ctx, idx);
        if (e - s <= 4 && isMissing(b, s, e)) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
          codes[i] = -1;
          continue;
        }
        codes[i] = dict.code(b, s, e);
      }
      const dictionary = dict.strings;
      return nulls ? { storage: 'string', codes, dictionary, nulls } : { storage: 'string', codes, dictionary };
    }
  }
}

/**
 * A string column with the kernel's dictionary (csv-kernel.wat dict): the
 * same codes in the same order as ByteDictionary; a field that could be a
 * missing marker comes back here (missing, or coded with `force`); null at
 * a raw field (quoted with doubled quotes), which the caller then codes
 * from the start with ByteDictionary.
 */
function codeStrings(ctx: ChunkContext, j: number, kern: CsvArena, codes: Int32Array): ColumnData | null {
  const { tok, n, buf } = ctx;
  const ncols = tok.ncols;
  const strings: string[] = [];
  let nulls: Uint8Array | undefined;
  kern.dictBegin();
  let force = -1;
  for (let i = 0; ; ) {
    i = kern.dict(buf, ncols, j, i, n, codes, force);
    force = -1;
    for (let c = strings.length, end = kern.dictCount(); c < end; c++) {
      const [s, e] = kern.dictField(buf, c);
      strings.push(ctx.str(buf, s, e));
    }
    if (i >= n) break;
    const idx = i * ncols + j;
    if (tok.flags[idx] === FIELD_RAW) return null;
    const s = tok.starts[idx]!;
    const e = tok.ends[idx]!;
    if (e - s <= 4 && isMissing(buf, s, e)) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
      codes[i] = -1;
      i++;
      continue;
    }
    force = i;
  }
  return nulls ? { storage: 'string', codes, dictionary: strings, nulls } : { storage: 'string', codes, dictionary: strings };
}

/**
 * A chunk's string dictionary keyed by the field's bytes: a repeated value
 * costs a hash and a byte compare, and only new values are decoded.
 */
export class ByteDictionary {
  strings: string[] = [];
  private table = new Int32Array(1024);
  private hashes = new Int32Array(256);
  private offs = new Int32Array(257);
  private pool = new Uint8Array(4096);
  private used = 0;

  constructor(private readonly decode: (b: Uint8Array, s: number, e: number) => string) {}

  code(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const table = this.table;
    const mask = table.length - 1;
    const len = e - s;
    let slot = h & mask;
    for (;;) {
      const c = table[slot]! - 1;
      if (c < 0) break;
      if (this.hashes[c] === h) {
        const ps = this.offs[c]!;
        if (this.offs[c + 1]! - ps === len) {
          const pool = this.pool;
          let k = 0;
          while (k < len && pool[ps + k] === b[s + k]) k++;
          if (k === len) return c;
        }
      }
      slot = (slot + 1) & mask;
    }
    const code = this.strings.length;
    this.strings.push(this.decode(b, s, e));
    if (code + 1 >= this.hashes.length) {
      const h2 = new Int32Array(this.hashes.length * 2);
      h2.set(this.hashes);
      this.hashes = h2;
      const o2 = new Int32Array(this.offs.length * 2);
      o2.set(this.offs);
      this.offs = o2;
    }
    this.hashes[code] = h;
    if (this.used + len > this.pool.length) {
      const p2 = new Uint8Array(Math.max(this.pool.length * 2, this.used + len));
      p2.set(this.pool.subarray(0, this.used));
      this.pool = p2;
    }
    this.pool.set(b.subarray(s, e), this.used);
    this.used += len;
    this.offs[code + 1] = this.used;
    table[slot] = code + 1;
    if ((code + 1) * 2 > table.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const t = new Int32Array(this.table.length * 2);
    const mask = t.length - 1;
    for (let c = 0; c < this.strings.length; c++) {
      let slot = this.hashes[c]! & mask;
      while (t[slot] !== 0) slot = (slot + 1) & mask;
      t[slot] = c + 1;
    }
    this.table = t;
  }
}

/**
 * After a chunk was built: notes a kind that differs from what the early
 * chunks suggested, and counts this chunk's values that contradict it.
 */
export function trackConflict(ctx: ChunkContext, j: number, st: ColumnState, written: boolean): void {
  if (!written) return;
  if (st.earlyK === K_EMPTY) {
    if (st.k !== K_EMPTY) {
      st.earlyK = st.k;
      st.earlyMask = st.dmask;
      st.earlyTime = st.hasTime;
    }
    return;
  }
  const changed = st.k !== st.earlyK || st.hasTime !== st.earlyTime;
  if (!changed && !st.conflict) return;
  if (!st.conflict) {
    st.conflict = { column: st.name, from: kindName(st.earlyK, st.earlyTime), to: st.kind(), count: 0, examples: [] };
  }
  const cf = st.conflict;
  cf.to = st.kind();
  const ncols = ctx.tok.ncols;
  for (let i = 0; i < ctx.n; i++) {
    const [b, s, e] = fieldBytes(ctx, i * ncols + j);
    if (isMissing(b, s, e)) continue;
    const c = classify(b, s, e, ctx.dec);
    let fits: boolean;
    if (st.earlyK === K_DATE) fits = c === K_DATE && (scan.dmask & st.earlyMask) !== 0 && (st.earlyTime || !scan.hasTime);
    else fits = joinKind(st.earlyK, st.earlyMask, c).k === st.earlyK;
    if (fits) continue;
    cf.count++;
    if (cf.examples.length < MAX_EXAMPLES) cf.examples.push({ line: ctx.tok.lines[i]!, value: ctx.str(b, s, e) });
  }
}
