/**
 * Operations on decoded batches that the store needs beyond arrow/ipc.ts:
 * picking columns, gathering arbitrary rows, shrinking string dictionaries
 * to what a page uses, and empty batches for a schema.
 */
import type { ColumnInfo, StorageType } from '../../../src-shared/dataset.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';

export function emptyColumn(storage: StorageType): ColumnData {
  switch (storage) {
    case 'string':
      return { storage, codes: new Int32Array(0), dictionary: [] };
    case 'int32':
      return { storage, values: new Int32Array(0) };
    case 'bool':
      return { storage, values: new Uint8Array(0) };
    case 'timestamp':
      return { storage, values: new Float64Array(0) };
    case 'float64':
      return { storage, values: new Float64Array(0) };
  }
}

export function emptyBatch(columns: readonly ColumnInfo[]): Batch {
  return { names: columns.map((c) => c.name), columns: columns.map((c) => emptyColumn(c.storage)), rows: 0 };
}

/** The named columns, in the given order (names must exist). */
export function pickColumns(b: Batch, names: readonly string[]): Batch {
  const columns = names.map((n) => {
    const i = b.names.indexOf(n);
    const c = b.columns[i];
    if (i < 0 || !c) throw new Error(`The chunk has no column "${n}".`);
    return c;
  });
  return { names: [...names], columns, rows: b.rows };
}

/**
 * Keep only the dictionary entries a string column uses (a 100-row page of
 * a chunk with 60,000 distinct strings must not carry all of them).
 */
export function compactColumn(c: ColumnData): ColumnData {
  if (c.storage !== 'string') return c;
  const remap = new Int32Array(c.dictionary.length).fill(-1);
  const dictionary: string[] = [];
  const codes = new Int32Array(c.codes.length);
  for (let i = 0; i < c.codes.length; i++) {
    const v = c.codes[i] as number;
    if (v < 0) {
      codes[i] = -1;
      continue;
    }
    let m = remap[v] as number;
    if (m < 0) {
      m = dictionary.length;
      remap[v] = m;
      dictionary.push(c.dictionary[v] as string);
    }
    codes[i] = m;
  }
  return c.nulls ? { storage: 'string', codes, dictionary, nulls: c.nulls } : { storage: 'string', codes, dictionary };
}

export function compactBatch(b: Batch): Batch {
  return { names: b.names, rows: b.rows, columns: b.columns.map(compactColumn) };
}

/**
 * Rows at arbitrary positions, in the order asked: `chunkOf[k]` is the index
 * into `sources` and `rowOf[k]` the row inside it for output row k. Every
 * source must have the same column names and storages.
 */
export function gatherRows(sources: readonly Batch[], chunkOf: Int32Array, rowOf: Int32Array, names: readonly string[]): Batch {
  const n = chunkOf.length;
  const columns = names.map((name): ColumnData => {
    const cols = sources.map((s) => s.columns[s.names.indexOf(name)] as ColumnData);
    const storage = (cols[0] as ColumnData).storage;
    const anyNulls = cols.some((c) => c.nulls);
    const nulls = anyNulls ? new Uint8Array(n) : undefined;
    if (nulls) {
      for (let k = 0; k < n; k++) nulls[k] = (cols[chunkOf[k] as number] as ColumnData).nulls?.[rowOf[k] as number] ?? 0;
    }
    const withNulls = nulls ? { nulls } : {};
    if (storage === 'string') {
      const ids = new Map<string, number>();
      const dictionary: string[] = [];
      const codes = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const c = cols[chunkOf[k] as number] as Extract<ColumnData, { storage: 'string' }>;
        const code = c.codes[rowOf[k] as number] as number;
        if (code < 0) {
          codes[k] = -1;
          continue;
        }
        const s = c.dictionary[code] as string;
        let m = ids.get(s);
        if (m === undefined) {
          m = dictionary.length;
          ids.set(s, m);
          dictionary.push(s);
        }
        codes[k] = m;
      }
      return { storage, codes, dictionary, ...withNulls };
    }
    const Ctor = storage === 'int32' ? Int32Array : storage === 'bool' ? Uint8Array : Float64Array;
    const values = new Ctor(n);
    for (let k = 0; k < n; k++) {
      const c = cols[chunkOf[k] as number] as Exclude<ColumnData, { storage: 'string' }>;
      values[k] = c.values[rowOf[k] as number] as number;
    }
    return { storage, values, ...withNulls } as ColumnData;
  });
  return { names: [...names], columns, rows: n };
}

/** Replace one column of a batch (same length), keeping the others. */
export function withColumn(b: Batch, name: string, c: ColumnData): Batch {
  return { names: b.names, rows: b.rows, columns: b.columns.map((old, i) => (b.names[i] === name ? c : old)) };
}
