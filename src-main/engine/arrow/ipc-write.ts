/**
 * Arrow IPC stream writer for Lathe's column storage, with no dependency:
 * one schema message, one dictionary batch per string column, one record
 * batch, the end-of-stream marker. The importer's hot path uses it (in its
 * parse worker, where loading apache-arrow would cost ~0.1 s of start-up),
 * and it writes each chunk straight into one buffer, which the caller may
 * supply (and reuse), instead of concatenating the library's message parts.
 *
 * The stream is what apache-arrow's RecordBatchStreamWriter produces for the
 * same batch (ipc.ts decodes either): metadata version V5, little-endian,
 * buffers 8-byte aligned, validity bitmaps only where a column has nulls,
 * timestamps as int64 milliseconds 'UTC', strings as Dictionary<Utf8, Int32>.
 *
 * The FlatBuffers metadata is laid out front to back: a table's vtable just
 * before it, then the table, then the objects it points to (every offset
 * points forward, as the format requires), each aligned to its largest
 * scalar.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { Batch, ColumnData } from './types.ts';

// ---------------------------------------------------------------- a tiny FlatBuffers writer

type Slot =
  | null
  | { k: 'u8' | 'bool'; v: number }
  | { k: 'i16'; v: number }
  | { k: 'i32'; v: number }
  | { k: 'i64'; v: number }
  /** an offset to an object written after this table by `w` (which returns where it starts) */
  | { k: 'ref'; w: () => number };

const SIZE = { u8: 1, bool: 1, i16: 2, i32: 4, ref: 4, i64: 8 } as const;

class Fb {
  buf = new Uint8Array(1024);
  dv = new DataView(this.buf.buffer);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  align(n: number, shift = 0): void {
    this.room(n + 8);
    while ((this.pos + shift) % n !== 0) this.buf[this.pos++] = 0;
  }

  u16(v: number): void {
    this.room(2);
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  i64(v: number): void {
    this.room(8);
    this.dv.setInt32(this.pos, v | 0, true);
    this.dv.setInt32(this.pos + 4, Math.floor(v / 4294967296), true);
    this.pos += 8;
  }

  /** Patches the offset field at `at` to point at `target`. */
  patch(at: number, target: number): void {
    this.dv.setUint32(at, target - at, true);
  }

  /** Writes a table (its vtable first) and then what its references point to; returns the table's start. */
  table(slots: Slot[]): number {
    // inline layout: soffset, then 8-byte, 4-byte, 2-byte, 1-byte fields
    const order = slots
      .map((s, i) => ({ s, i }))
      .filter((x): x is { s: Exclude<Slot, null>; i: number } => x.s !== null)
      .sort((a, b) => SIZE[b.s.k] - SIZE[a.s.k]);
    const has8 = order.some((x) => SIZE[x.s.k] === 8);
    const offs = new Array<number>(slots.length).fill(0);
    let at = 4;
    for (const x of order) {
      const sz = SIZE[x.s.k];
      while (at % sz !== 0) at++;
      offs[x.i] = at;
      at += sz;
    }
    const inline = at;
    // vtable: its size, the table's size, one offset per slot
    this.align(2);
    const vt = this.pos;
    this.u16(4 + 2 * slots.length);
    this.u16(inline);
    for (const o of offs) this.u16(o);
    this.align(has8 ? 8 : 4);
    const start = this.pos;
    this.room(inline);
    this.buf.fill(0, start, start + inline);
    this.dv.setInt32(start, start - vt, true);
    const refs: { at: number; w: () => number }[] = [];
    for (const x of order) {
      const p = start + offs[x.i]!;
      const s = x.s;
      switch (s.k) {
        case 'u8':
        case 'bool':
          this.buf[p] = s.v;
          break;
        case 'i16':
          this.dv.setInt16(p, s.v, true);
          break;
        case 'i32':
          this.dv.setInt32(p, s.v, true);
          break;
        case 'i64':
          this.dv.setInt32(p, s.v | 0, true);
          this.dv.setInt32(p + 4, Math.floor(s.v / 4294967296), true);
          break;
        case 'ref':
          refs.push({ at: p, w: s.w });
      }
    }
    this.pos = start + inline;
    for (const r of refs) this.patch(r.at, r.w());
    return start;
  }

  string(s: string): number {
    const bytes = Buffer.from(s, 'utf8');
    this.align(4);
    const start = this.pos;
    this.u32(bytes.length);
    this.room(bytes.length + 1);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    this.buf[this.pos++] = 0;
    return start;
  }

  /** A vector of tables, each written by one of `ws`. */
  tables(ws: (() => number)[]): number {
    this.align(4);
    const start = this.pos;
    this.u32(ws.length);
    const at = this.pos;
    for (let i = 0; i < ws.length; i++) this.u32(0);
    ws.forEach((w, i) => this.patch(at + 4 * i, w()));
    return start;
  }

  /** A vector of structs of two int64 each (FieldNode, Buffer). */
  pairs(xs: number[]): number {
    this.align(8, 4);
    const start = this.pos;
    this.u32(xs.length / 2);
    for (const x of xs) this.i64(x);
    return start;
  }
}

const ref = (w: () => number): Slot => ({ k: 'ref', w });

// ---------------------------------------------------------------- Arrow metadata

const V5 = 4;
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY = 2;
const HEADER_RECORD_BATCH = 3;
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const TYPE_UTF8 = 5;
const TYPE_BOOL = 6;
const TYPE_TIMESTAMP = 10;

function typeOf(fb: Fb, c: ColumnData): [number, () => number] {
  switch (c.storage) {
    case 'float64':
      return [TYPE_FLOAT, () => fb.table([{ k: 'i16', v: 2 }])]; // DOUBLE
    case 'int32':
      return [TYPE_INT, () => fb.table([{ k: 'i32', v: 32 }, { k: 'bool', v: 1 }])];
    case 'bool':
      return [TYPE_BOOL, () => fb.table([])];
    case 'timestamp':
      return [TYPE_TIMESTAMP, () => fb.table([{ k: 'i16', v: 1 }, ref(() => fb.string('UTC'))])]; // MILLISECOND
    case 'string':
      return [TYPE_UTF8, () => fb.table([])];
  }
}

function schemaMessage(fb: Fb, batch: Batch): void {
  const field = (j: number) => (): number => {
    const c = batch.columns[j]!;
    const [tt, tw] = typeOf(fb, c);
    const dict: Slot =
      c.storage === 'string'
        ? ref(() => fb.table([{ k: 'i64', v: j }, ref(() => fb.table([{ k: 'i32', v: 32 }, { k: 'bool', v: 1 }])), { k: 'bool', v: 0 }, null]))
        : null;
    return fb.table([ref(() => fb.string(batch.names[j]!)), { k: 'bool', v: 1 }, { k: 'u8', v: tt }, ref(tw), dict, ref(() => fb.tables([])), null]);
  };
  const schema = (): number => fb.table([null, ref(() => fb.tables(batch.columns.map((_, j) => field(j)))), null, null]);
  message(fb, HEADER_SCHEMA, schema, 0);
}

function recordBatch(fb: Fb, length: number, nodes: number[], buffers: number[]): () => number {
  return () => fb.table([{ k: 'i64', v: length }, ref(() => fb.pairs(nodes)), ref(() => fb.pairs(buffers)), null, null]);
}

function message(fb: Fb, headerType: number, header: () => number, bodyLength: number): void {
  fb.reset();
  fb.u32(0); // root offset
  fb.patch(0, fb.table([{ k: 'i16', v: V5 }, { k: 'u8', v: headerType }, ref(header), { k: 'i64', v: bodyLength }, null]));
}

// ---------------------------------------------------------------- bodies

const pad8 = (n: number): number => (n + 7) & ~7;

/** One buffer of a message body: `n` bytes, written into out at `at` by `fill`. */
interface Part {
  n: number;
  fill: (out: Uint8Array, at: number) => void;
}

function bytesPart(u: ArrayBufferView, n: number): Part {
  return { n, fill: (out, at) => out.set(new Uint8Array(u.buffer, u.byteOffset, n), at) };
}

function validity(nulls: Uint8Array | undefined, n: number): { part: Part; nullCount: number } {
  let nullCount = 0;
  if (nulls) for (let i = 0; i < n; i++) nullCount += nulls[i]! ? 1 : 0;
  if (!nullCount) return { part: { n: 0, fill: () => undefined }, nullCount };
  return {
    nullCount,
    part: {
      n: (n + 7) >> 3,
      fill: (out, at) => {
        const bytes = (n + 7) >> 3;
        out.fill(0, at, at + bytes);
        for (let i = 0; i < n; i++) if (!nulls![i]) out[at + (i >> 3)]! |= 1 << (i & 7);
      },
    },
  };
}

function columnParts(c: ColumnData, n: number): { parts: Part[]; nullCount: number } {
  const v = validity(c.nulls, n);
  switch (c.storage) {
    case 'float64':
      return { nullCount: v.nullCount, parts: [v.part, bytesPart(c.values, 8 * n)] };
    case 'int32':
      return { nullCount: v.nullCount, parts: [v.part, bytesPart(c.values, 4 * n)] };
    case 'string':
      return { nullCount: v.nullCount, parts: [v.part, bytesPart(c.codes, 4 * n)] };
    case 'bool': {
      const vals = c.values;
      const bits: Part = {
        n: (n + 7) >> 3,
        fill: (out, at) => {
          out.fill(0, at, at + ((n + 7) >> 3));
          for (let i = 0; i < n; i++) if (vals[i]) out[at + (i >> 3)]! |= 1 << (i & 7);
        },
      };
      return { nullCount: v.nullCount, parts: [v.part, bits] };
    }
    case 'timestamp': {
      const vals = c.values;
      const words: Part = {
        n: 8 * n,
        fill: (out, at) => {
          // `at` is 8-aligned in an 8-aligned buffer
          const w = new Int32Array(out.buffer, out.byteOffset + at, 2 * n);
          for (let i = 0; i < n; i++) {
            const ms = vals[i]!;
            if (ms !== ms) {
              w[2 * i] = 0; // NaN at nulls → 0
              w[2 * i + 1] = 0;
              continue;
            }
            const hi = Math.floor(ms / 4294967296);
            w[2 * i] = ms - hi * 4294967296;
            w[2 * i + 1] = hi;
          }
        },
      };
      return { nullCount: v.nullCount, parts: [v.part, words] };
    }
  }
}

function dictionaryParts(strings: readonly string[]): Part[] {
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    total += Buffer.byteLength(strings[i]!, 'utf8');
    offsets[i + 1] = total;
  }
  const data: Part = {
    n: total,
    fill: (out, at) => {
      const b = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      for (let i = 0; i < strings.length; i++) b.write(strings[i]!, at + offsets[i]!, 'utf8');
    },
  };
  return [{ n: 0, fill: () => undefined }, bytesPart(offsets, 4 * (strings.length + 1)), data];
}

// ---------------------------------------------------------------- messages

interface Msg {
  meta: Uint8Array;
  parts: Part[];
  body: number;
}

function layout(parts: Part[]): { buffers: number[]; body: number } {
  const buffers: number[] = [];
  let off = 0;
  for (const p of parts) {
    buffers.push(off, p.n);
    off += pad8(p.n);
  }
  return { buffers, body: off };
}

function finishMessage(fb: Fb, parts: Part[], body: number): Msg {
  return { meta: fb.buf.slice(0, fb.pos), parts, body };
}

const fbShared = new Fb();

/** The last schema message encoded (its meta bytes are only read, never changed). */
const lastSchema: { key: string; msg: Msg | null } = { key: '', msg: null };

function schemaKey(batch: Batch): string {
  let k = '';
  // length-prefixed names: no two batches share a key unless they share the schema
  for (let j = 0; j < batch.columns.length; j++) k += `${batch.columns[j]!.storage}:${batch.names[j]!.length}:${batch.names[j]!}`;
  return k;
}

/** Where a column's buffers lie in an encoded stream (byte offsets; validity -1 when it has no nulls). */
export interface ColumnLayout {
  validity: number;
  data: number;
}

/**
 * One Arrow IPC stream holding one record batch. `alloc`, when given,
 * supplies the output (it must return at least `bytes` bytes, 8-aligned in
 * its buffer); the result is the first `bytes` of it.
 */
export function encodeBatchStream(batch: Batch, alloc?: (bytes: number) => Uint8Array, layoutOut?: ColumnLayout[]): Uint8Array {
  const n = batch.rows;
  if (batch.names.length !== batch.columns.length) {
    throw new Error(`encodeBatch: ${batch.names.length} names for ${batch.columns.length} columns.`);
  }
  const fb = fbShared;
  const msgs: Msg[] = [];
  // the schema depends only on the names and storages: chunk after chunk it is the same bytes
  const key = schemaKey(batch);
  if (key !== lastSchema.key) {
    schemaMessage(fb, batch);
    lastSchema.key = key;
    lastSchema.msg = finishMessage(fb, [], 0);
  }
  msgs.push(lastSchema.msg!);
  batch.columns.forEach((c, j) => {
    if (c.storage !== 'string') return;
    const parts = dictionaryParts(c.dictionary);
    const { buffers, body } = layout(parts);
    message(fb, HEADER_DICTIONARY, () => fb.table([{ k: 'i64', v: j }, ref(recordBatch(fb, c.dictionary.length, [c.dictionary.length, 0], buffers)), { k: 'bool', v: 0 }]), body);
    msgs.push(finishMessage(fb, parts, body));
  });
  const nodes: number[] = [];
  const parts: Part[] = [];
  for (const c of batch.columns) {
    const cp = columnParts(c, n);
    nodes.push(n, cp.nullCount);
    parts.push(...cp.parts);
  }
  const { buffers, body } = layout(parts);
  message(fb, HEADER_RECORD_BATCH, recordBatch(fb, n, nodes, buffers), body);
  msgs.push(finishMessage(fb, parts, body));

  let total = 8; // end-of-stream marker
  for (const m of msgs) total += 8 + pad8(m.meta.length) + m.body;
  const out = alloc ? alloc(total).subarray(0, total) : new Uint8Array(total);
  const dv = new DataView(out.buffer, out.byteOffset, total);
  let at = 0;
  for (const [k, m] of msgs.entries()) {
    const metaLen = pad8(m.meta.length);
    dv.setUint32(at, 0xffffffff, true);
    dv.setInt32(at + 4, metaLen, true);
    out.set(m.meta, at + 8);
    out.fill(0, at + 8 + m.meta.length, at + 8 + metaLen);
    at += 8 + metaLen;
    let off = at;
    const last = k === msgs.length - 1;
    for (const [i, p] of m.parts.entries()) {
      // the record batch's parts are two per column: validity, data
      if (last && layoutOut) {
        const c = (layoutOut[i >> 1] ??= { validity: -1, data: 0 });
        if (i & 1) c.data = off;
        else c.validity = p.n > 0 ? off : -1;
      }
      p.fill(out, off);
      out.fill(0, off + p.n, off + pad8(p.n));
      off += pad8(p.n);
    }
    at += m.body;
  }
  dv.setUint32(at, 0xffffffff, true);
  dv.setInt32(at + 4, 0, true);
  return out;
}

/**
 * One Arrow IPC stream holding one record batch, without the library (the
 * importer's path: no apache-arrow to load). `alloc` may supply the output
 * buffer (see encodeBatchStream).
 */
export function encodeBatch(batch: Batch, alloc?: (bytes: number) => Uint8Array): Uint8Array {
  if (batch.names.length !== batch.columns.length) {
    throw new LatheError('INTERNAL', `encodeBatch: ${batch.names.length} names for ${batch.columns.length} columns.`);
  }
  return encodeBatchStream(batch, alloc);
}
