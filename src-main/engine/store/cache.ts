/**
 * A least-recently-used cache of decoded chunks, bounded by bytes, so that
 * scrolling the grid back and forth decodes each chunk once.
 */
import type { Batch, ColumnData } from '../arrow/types.ts';

export function columnBytes(c: ColumnData): number {
  let n = c.nulls?.byteLength ?? 0;
  if (c.storage === 'string') {
    n += c.codes.byteLength;
    // A JS string costs its characters (2 bytes each at worst) plus a header.
    for (const s of c.dictionary) n += 32 + 2 * s.length;
  } else {
    n += c.values.byteLength;
  }
  return n;
}

export function batchBytes(b: Batch): number {
  let n = 0;
  for (const c of b.columns) n += columnBytes(c);
  return n;
}

export class ChunkCache {
  private readonly map = new Map<string, { batch: Batch; bytes: number }>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number = 256 * 2 ** 20) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  get(datasetId: string, index: number): Batch | undefined {
    const key = `${datasetId}#${index}`;
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert: a Map iterates in insertion order, so the front is the least recently used.
    this.map.delete(key);
    this.map.set(key, e);
    return e.batch;
  }

  set(datasetId: string, index: number, batch: Batch, bytes: number = batchBytes(batch)): void {
    const key = `${datasetId}#${index}`;
    const old = this.map.get(key);
    if (old) {
      this.used -= old.bytes;
      this.map.delete(key);
    }
    // A chunk larger than the whole budget is used once and not kept.
    if (bytes > this.maxBytes) return;
    this.map.set(key, { batch, bytes });
    this.used += bytes;
    for (const [k, e] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= e.bytes;
    }
  }

  /** Forget every chunk of a dataset (deleted, or a column rewritten). */
  invalidate(datasetId: string): void {
    const prefix = `${datasetId}#`;
    for (const [k, e] of this.map) {
      if (k.startsWith(prefix)) {
        this.map.delete(k);
        this.used -= e.bytes;
      }
    }
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }
}
