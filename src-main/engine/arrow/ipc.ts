/**
 * The one module that imports apache-arrow. Everything else in Lathe sees
 * columns as typed arrays (types.ts), so the library under this file can
 * change without touching the importer, the store or the estimators.
 *
 * Storage mapping: float64 → Float64, int32 → Int32, bool → Bool,
 * timestamp → Timestamp(ms, 'UTC'), string → Dictionary<Utf8, Int32>.
 * Missing values are validity bitmaps; in the data buffers themselves floats
 * and timestamps hold NaN / 0 and dictionary codes hold -1 at nulls, so a
 * decoded chunk can be used with no pass over `nulls`.
 */
import type { RecordBatch, TimeUnit, Utf8 } from 'apache-arrow';
import { createRequire } from 'node:module';
import type { Data, DataType, Vector } from 'apache-arrow';
import { open } from 'node:fs/promises';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Batch, ColumnData } from './types.ts';

const TWO32 = 4294967296;

/**
 * apache-arrow, loaded on first use (about 0.1 s): the CSV importer and its
 * workers only write (ipc-write.ts) and never pay for it.
 */
let lib: typeof import('apache-arrow') | null = null;
function arrow(): typeof import('apache-arrow') {
  return (lib ??= createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow'));
}

// ---------------------------------------------------------------- encode

function validityBitmap(nulls: Uint8Array | undefined, n: number): { bitmap?: Uint8Array; nullCount: number } {
  if (!nulls) return { nullCount: 0 };
  let nullCount = 0;
  const bitmap = new Uint8Array(((n + 63) >> 6) << 3);
  for (let i = 0; i < n; i++) {
    if (nulls[i]) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nullCount ? { bitmap, nullCount } : { nullCount: 0 };
}

function utf8Vector(strings: readonly string[]): Vector<Utf8> {
  const { Utf8, makeData, makeVector } = arrow();
  let total = 0;
  for (const s of strings) total += Buffer.byteLength(s, 'utf8');
  const data = Buffer.allocUnsafe(total);
  const offsets = new Int32Array(strings.length + 1);
  let off = 0;
  for (let i = 0; i < strings.length; i++) {
    off += data.write(strings[i]!, off, 'utf8');
    offsets[i + 1] = off;
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, total);
  return makeVector(makeData({ type: new Utf8(), length: strings.length, valueOffsets: offsets, data: bytes }));
}

function columnToData(c: ColumnData, n: number): Data {
  const { Bool, Dictionary, Float64, Int32, TimestampMillisecond, Utf8, makeData } = arrow();
  const { bitmap, nullCount } = validityBitmap(c.nulls, n);
  const base = { length: n, nullCount, ...(bitmap ? { nullBitmap: bitmap } : {}) };
  switch (c.storage) {
    case 'float64':
      return makeData({ type: new Float64(), data: c.values.subarray(0, n), ...base });
    case 'int32':
      return makeData({ type: new Int32(), data: c.values.subarray(0, n), ...base });
    case 'bool': {
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      const v = c.values;
      for (let i = 0; i < n; i++) if (v[i]) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), data: bits, ...base });
    }
    case 'timestamp': {
      const words = new Int32Array(n * 2);
      const v = c.values;
      for (let i = 0; i < n; i++) {
        const ms = v[i]!;
        if (ms !== ms) continue; // NaN at nulls → 0
        const hi = Math.floor(ms / TWO32);
        words[2 * i] = ms - hi * TWO32;
        words[2 * i + 1] = hi;
      }
      return makeData({ type: new TimestampMillisecond('UTC'), data: new BigInt64Array(words.buffer, 0, n), ...base });
    }
    case 'string':
      return makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        data: c.codes.subarray(0, n),
        dictionary: utf8Vector(c.dictionary),
        ...base,
      });
  }
}

function arrowType(c: ColumnData): DataType {
  const { Bool, Dictionary, Float64, Int32, TimestampMillisecond, Utf8 } = arrow();
  switch (c.storage) {
    case 'float64':
      return new Float64();
    case 'int32':
      return new Int32();
    case 'bool':
      return new Bool();
    case 'timestamp':
      return new TimestampMillisecond('UTC');
    case 'string':
      return new Dictionary(new Utf8(), new Int32());
  }
}

function toRecordBatch(batch: Batch): RecordBatch {
  const { RecordBatch, Schema, Field, Struct, makeData } = arrow();
  const n = batch.rows;
  if (batch.names.length !== batch.columns.length) {
    throw new LatheError('INTERNAL', `encodeBatch: ${batch.names.length} names for ${batch.columns.length} columns.`);
  }
  const datas = batch.columns.map((c) => columnToData(c, n));
  const fields = batch.columns.map((c, i) => new Field(batch.names[i]!, arrowType(c), true));
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: datas });
  return new RecordBatch(new Schema(fields), struct);
}

/** An Arrow IPC *file* (Feather v2) holding the batches (same schema), for export. */
export function encodeFile(batches: Batch[]): Uint8Array {
  const { RecordBatchFileWriter } = arrow();
  const writer = new RecordBatchFileWriter();
  // the file format allows one dictionary per field (no replacement between
  // batches), so batches with string columns are merged into one
  const parts = batches.some((b) => b.columns.some((c) => c.storage === 'string')) ? [concatBatches(batches)] : batches;
  for (const b of parts) writer.write(toRecordBatch(b));
  writer.finish();
  return writer.toUint8Array(true);
}

/** One Arrow IPC stream holding one record batch: ipc-write.ts, re-exported for the store. */
export { encodeBatch } from './ipc-write.ts';

// ---------------------------------------------------------------- decode

function expandNulls(d: Data, n: number): Uint8Array | undefined {
  if (!d.nullCount || !d.nullBitmap || d.nullBitmap.length === 0) return undefined;
  const bm = d.nullBitmap;
  const off = d.offset;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + off;
    if (((bm[j >> 3]! >> (j & 7)) & 1) === 0) out[i] = 1;
  }
  return out;
}

function dictionaryStrings(v: Vector | null | undefined): string[] {
  if (!v) return [];
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v.get(i);
    out[i] = s == null ? '' : String(s);
  }
  return out;
}

function unitToMs(unit: TimeUnit): number {
  const { TimeUnit } = arrow();
  switch (unit) {
    case TimeUnit.SECOND:
      return 1000;
    case TimeUnit.MILLISECOND:
      return 1;
    case TimeUnit.MICROSECOND:
      return 1e-3;
    default:
      return 1e-6;
  }
}

/** 64-bit integers (as int32 pairs) → float64, scaled. */
function int64ToFloat(values: BigInt64Array | BigUint64Array, n: number, scale: number, unsigned: boolean): Float64Array {
  const w = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = w[2 * i]! >>> 0;
    const hi = unsigned ? w[2 * i + 1]! >>> 0 : w[2 * i + 1]!;
    out[i] = (hi * TWO32 + lo) * scale;
  }
  return out;
}

/** Float values with NaN at nulls (copying only when the buffer disagrees). */
function floatWithNaN(values: Float64Array, nulls: Uint8Array | undefined): Float64Array {
  if (!nulls) return values;
  let copy: Float64Array | null = null;
  for (let i = 0; i < values.length; i++) {
    if (nulls[i] && values[i] === values[i]) {
      copy ??= values.slice();
      copy[i] = NaN;
    }
  }
  return copy ?? values;
}

/** Converts one Arrow Data (any common type) to Lathe's column storage. */
function dataToColumn(d: Data, name: string): ColumnData {
  const { Type, makeVector } = arrow();
  const n = d.length;
  const nulls = expandNulls(d, n);
  const t = d.type;
  const withNulls = <T extends ColumnData>(c: T): T => (nulls ? { ...c, nulls } : c);
  switch (t.typeId) {
    case Type.Float:
    case Type.Float16:
    case Type.Float32:
    case Type.Float64: {
      const raw = d.values as Float64Array | Float32Array | Uint16Array;
      let vals: Float64Array;
      if (raw instanceof Float64Array) vals = raw.subarray(d.offset, d.offset + n);
      else if (raw instanceof Float32Array) vals = Float64Array.from(raw.subarray(d.offset, d.offset + n));
      else {
        const vec = makeVector(d);
        vals = new Float64Array(n);
        for (let i = 0; i < n; i++) vals[i] = Number(vec.get(i) ?? NaN);
      }
      return withNulls({ storage: 'float64', values: floatWithNaN(vals, nulls) });
    }
    case Type.Int: {
      const raw = d.values as Int32Array | Int8Array | Int16Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;
      if (raw instanceof Int32Array) return withNulls({ storage: 'int32', values: raw.subarray(d.offset, d.offset + n) });
      if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
        const f = int64ToFloat(raw.subarray(d.offset, d.offset + n), n, 1, raw instanceof BigUint64Array);
        let fits = true;
        for (let i = 0; i < n; i++) if (!nulls?.[i] && (f[i]! > 2147483647 || f[i]! < -2147483648)) fits = false;
        if (fits) return withNulls({ storage: 'int32', values: Int32Array.from(f) });
        return withNulls({ storage: 'float64', values: floatWithNaN(f, nulls) });
      }
      const sub = raw.subarray(d.offset, d.offset + n);
      if (raw instanceof Uint32Array) {
        let fits = true;
        for (let i = 0; i < n; i++) if (sub[i]! > 2147483647) fits = false;
        if (!fits) return withNulls({ storage: 'float64', values: floatWithNaN(Float64Array.from(sub), nulls) });
      }
      return withNulls({ storage: 'int32', values: Int32Array.from(sub) });
    }
    case Type.Bool: {
      const bm = d.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = i + d.offset;
        out[i] = (bm[j >> 3]! >> (j & 7)) & 1;
      }
      return withNulls({ storage: 'bool', values: out });
    }
    case Type.Timestamp:
    case Type.Date: {
      const raw = d.values as BigInt64Array | Int32Array;
      let ms: Float64Array;
      if (raw instanceof Int32Array && t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 0) {
        // Date32: days since the epoch
        ms = new Float64Array(n);
        for (let i = 0; i < n; i++) ms[i] = raw[d.offset + i]! * 86400000;
      } else if (raw instanceof BigInt64Array) {
        const scale = t.typeId === Type.Timestamp ? unitToMs((t as unknown as { unit: TimeUnit }).unit) : 1;
        ms = int64ToFloat(raw.subarray(d.offset, d.offset + n), n, scale, false);
      } else {
        // older layouts keep 64-bit values as int32 pairs
        const w = raw as Int32Array;
        const scale = t.typeId === Type.Timestamp ? unitToMs((t as unknown as { unit: TimeUnit }).unit) : 1;
        ms = new Float64Array(n);
        for (let i = 0; i < n; i++) ms[i] = ((w[2 * (d.offset + i) + 1]! * TWO32) + (w[2 * (d.offset + i)]! >>> 0)) * scale;
      }
      if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) ms[i] = NaN;
      return withNulls({ storage: 'timestamp', values: ms });
    }
    case Type.Dictionary: {
      const idx = d.values as Int32Array | Int8Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;
      const dictionary = dictionaryStrings(d.dictionary);
      let codes: Int32Array = idx instanceof Int32Array ? idx.subarray(d.offset, d.offset + n) : Int32Array.from(idx.subarray(d.offset, d.offset + n));
      if (nulls) {
        let copied = !(idx instanceof Int32Array);
        for (let i = 0; i < n; i++) {
          if (nulls[i] && codes[i] !== -1) {
            if (!copied) {
              codes = codes.slice();
              copied = true;
            }
            codes[i] = -1;
          }
        }
      }
      return withNulls({ storage: 'string', codes, dictionary });
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View: {
      const vec = makeVector(d);
      const map = new Map<string, number>();
      const dictionary: string[] = [];
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (nulls?.[i]) {
          codes[i] = -1;
          continue;
        }
        const s = String(vec.get(i) ?? '');
        let c = map.get(s);
        if (c === undefined) {
          c = dictionary.length;
          map.set(s, c);
          dictionary.push(s);
        }
        codes[i] = c;
      }
      return withNulls({ storage: 'string', codes, dictionary });
    }
    case Type.Null: {
      const all = new Uint8Array(n).fill(1);
      return { storage: 'float64', values: new Float64Array(n).fill(NaN), nulls: all };
    }
    default:
      throw new LatheError(
        'UNSUPPORTED_FORMAT',
        `Column "${name}" has the Arrow type ${String(t)}, which Lathe does not read. Convert it to a number, boolean, date or string column first.`,
        { column: name },
      );
  }
}

function recordBatchToBatch(rb: RecordBatch, columns?: string[]): Batch {
  const fields = rb.schema.fields;
  const want = columns ?? fields.map((f) => f.name);
  const out: Batch = { names: [], columns: [], rows: rb.numRows };
  for (const name of want) {
    const i = fields.findIndex((f) => f.name === name);
    if (i < 0) throw new LatheError('UNKNOWN_COLUMN', `The chunk has no column "${name}". Columns: ${fields.map((f) => f.name).join(', ')}.`, { column: name });
    const child = rb.data.children[i]!;
    out.names.push(name);
    out.columns.push(dataToColumn(child, name));
  }
  return out;
}

/**
 * Decodes an Arrow IPC stream (or file) to Lathe's typed columns, zero-copy
 * for float64/int32/dictionary codes when the bytes are aligned.
 * `columns` picks (and orders) the columns to decode.
 */
export function decodeBatch(ipc: Uint8Array, columns?: string[]): Batch {
  const { tableFromIPC } = arrow();
  let table;
  try {
    table = tableFromIPC(ipc);
  } catch (e) {
    throw new LatheError('BAD_DATA', `The stored chunk is not a valid Arrow IPC stream: ${(e as Error).message}`);
  }
  if (table.schema.fields.length === 0 && ipc.length > 0) {
    throw new LatheError('BAD_DATA', `The stored chunk (${ipc.length} bytes) is not a valid Arrow IPC stream: it has no schema.`);
  }
  const batches = table.batches.map((rb) => recordBatchToBatch(rb, columns));
  if (batches.length === 1) return batches[0]!;
  if (batches.length === 0) {
    const names = columns ?? table.schema.fields.map((f) => f.name);
    return {
      names,
      rows: 0,
      columns: names.map((nm) => {
        const f = table.schema.fields.find((x) => x.name === nm);
        return emptyColumnFor(f?.type);
      }),
    };
  }
  return concatBatches(batches);
}

function emptyColumnFor(t: DataType | undefined): ColumnData {
  const { Type } = arrow();
  switch (t?.typeId) {
    case Type.Int:
      return { storage: 'int32', values: new Int32Array(0) };
    case Type.Bool:
      return { storage: 'bool', values: new Uint8Array(0) };
    case Type.Timestamp:
    case Type.Date:
      return { storage: 'timestamp', values: new Float64Array(0) };
    case Type.Dictionary:
    case Type.Utf8:
    case Type.LargeUtf8:
      return { storage: 'string', codes: new Int32Array(0), dictionary: [] };
    default:
      return { storage: 'float64', values: new Float64Array(0) };
  }
}

// ---------------------------------------------------------------- slice / concat

function sliceColumn(c: ColumnData, s: number, e: number): ColumnData {
  const nulls = c.nulls ? { nulls: c.nulls.subarray(s, e) } : {};
  switch (c.storage) {
    case 'string':
      return { storage: 'string', codes: c.codes.subarray(s, e), dictionary: c.dictionary, ...nulls };
    case 'float64':
      return { storage: 'float64', values: c.values.subarray(s, e), ...nulls };
    case 'int32':
      return { storage: 'int32', values: c.values.subarray(s, e), ...nulls };
    case 'bool':
      return { storage: 'bool', values: c.values.subarray(s, e), ...nulls };
    case 'timestamp':
      return { storage: 'timestamp', values: c.values.subarray(s, e), ...nulls };
  }
}

/** Rows [start, end) as views (no copy). */
export function sliceBatch(b: Batch, start: number, end: number): Batch {
  const s = Math.max(0, Math.min(b.rows, Math.floor(start)));
  const e = Math.max(s, Math.min(b.rows, Math.floor(end)));
  return { names: b.names.slice(), rows: e - s, columns: b.columns.map((c) => sliceColumn(c, s, e)) };
}

function concatNulls(cols: ColumnData[], rows: number, lengths: number[]): Uint8Array | undefined {
  if (!cols.some((c) => c.nulls)) return undefined;
  const out = new Uint8Array(rows);
  let off = 0;
  cols.forEach((c, k) => {
    if (c.nulls) out.set(c.nulls.subarray(0, lengths[k]), off);
    off += lengths[k]!;
  });
  return out;
}

/** Concatenates batches with the same columns; string dictionaries are merged. */
export function concatBatches(bs: Batch[]): Batch {
  if (bs.length === 0) return { names: [], columns: [], rows: 0 };
  if (bs.length === 1) return bs[0]!;
  const first = bs[0]!;
  const rows = bs.reduce((a, b) => a + b.rows, 0);
  const lengths = bs.map((b) => b.rows);
  const columns: ColumnData[] = first.names.map((name, j) => {
    const cols = bs.map((b) => {
      const k = b.names[j] === name ? j : b.names.indexOf(name);
      const c = b.columns[k];
      if (!c) throw new LatheError('INTERNAL', `concatBatches: a batch lacks column "${name}".`);
      return c;
    });
    const storage = cols[0]!.storage;
    if (cols.some((c) => c.storage !== storage)) {
      throw new LatheError('INTERNAL', `concatBatches: column "${name}" is stored as ${cols.map((c) => c.storage).join('/')} in different chunks.`);
    }
    const nulls = concatNulls(cols, rows, lengths);
    const withNulls = nulls ? { nulls } : {};
    if (storage === 'string') {
      const map = new Map<string, number>();
      const dictionary: string[] = [];
      const codes = new Int32Array(rows);
      let off = 0;
      cols.forEach((c, k) => {
        if (c.storage !== 'string') return;
        const remap = new Int32Array(c.dictionary.length);
        c.dictionary.forEach((s, i) => {
          let code = map.get(s);
          if (code === undefined) {
            code = dictionary.length;
            map.set(s, code);
            dictionary.push(s);
          }
          remap[i] = code;
        });
        const n = lengths[k]!;
        for (let i = 0; i < n; i++) {
          const v = c.codes[i]!;
          codes[off + i] = v < 0 ? -1 : remap[v]!;
        }
        off += n;
      });
      return { storage: 'string', codes, dictionary, ...withNulls };
    }
    const Ctor = storage === 'int32' ? Int32Array : storage === 'bool' ? Uint8Array : Float64Array;
    const values = new Ctor(rows);
    let off = 0;
    cols.forEach((c, k) => {
      if (c.storage === 'string') return;
      values.set(c.values.subarray(0, lengths[k]), off);
      off += lengths[k]!;
    });
    return { storage, values, ...withNulls } as ColumnData;
  });
  return { names: first.names.slice(), columns, rows };
}

// ---------------------------------------------------------------- Arrow files (import)

/**
 * Reads an Arrow IPC file or stream (Feather v2) batch by batch from disk,
 * without loading the whole file.
 */
export async function* readArrowFile(path: string): AsyncGenerator<Batch> {
  const { RecordBatchReader } = arrow();
  const fh = await open(path, 'r');
  try {
    let reader;
    try {
      reader = await RecordBatchReader.from(fh);
      await reader.open();
    } catch (e) {
      throw new LatheError('UNSUPPORTED_FORMAT', `${path} starts like an Arrow file but cannot be read as one: ${(e as Error).message}. Re-export it as Arrow IPC / Feather v2 or CSV.`, { file: path });
    }
    for await (const rb of reader) yield recordBatchToBatch(rb);
  } finally {
    await fh.close();
  }
}
