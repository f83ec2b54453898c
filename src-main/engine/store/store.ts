/**
 * The main thread's view of the store: one connection to <dataDir>/lathe.db
 * (workers open their own), decoded-chunk cache, row pages for the grid,
 * histograms, rename/delete/role changes. Imports and kind changes run in
 * workers (workers/tasks) and write through their own connection.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMN_ROLES, type ColumnInfo, type ColumnRole, type DatasetMeta, type DatasetSummary, type RowPage } from '../../../src-shared/dataset.ts';
import type { HistogramResult } from '../../../src-shared/contract/datasets.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { concatBatches, decodeBatch, encodeBatch, sliceBatch } from '../arrow/ipc.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import { compactBatch, emptyBatch, gatherRows, pickColumns } from './batch-ops.ts';
import { ChunkCache } from './cache.ts';
import { DB_FILE, openDb, writeTransaction, type Db } from './db.ts';
import * as q from './datasets.ts';
import { computeHistogram } from './histogram.ts';

/** Most rows one page may hold (the grid asks for a few hundred). */
export const MAX_PAGE_ROWS = 100_000;

export interface StoreOptions {
  /** Bytes of decoded chunks kept in memory (default 256 MiB). */
  cacheBytes?: number;
}

function requireString(v: unknown, param: string): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new LatheError('BAD_REQUEST', `The parameter "${param}" must be a non-empty string; got ${v === undefined ? 'nothing' : JSON.stringify(v)}.`, { param });
  }
  return v;
}

function requireCount(v: unknown, param: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new LatheError('BAD_REQUEST', `The parameter "${param}" must be a whole number from 0 to ${max}; got ${JSON.stringify(v)}.`, { param });
  }
  return v;
}

export function columnOf(meta: DatasetMeta, name: unknown, param = 'column'): ColumnInfo {
  const n = requireString(name, param);
  const c = meta.columns.find((x) => x.name === n);
  if (!c) {
    const some = meta.columns.slice(0, 12).map((x) => `"${x.name}"`).join(', ');
    throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${n}". Its columns are ${some}${meta.columns.length > 12 ? ', ...' : ''}.`, {
      param,
      column: n,
      id: meta.id,
    });
  }
  return c;
}

export class Store {
  readonly file: string;
  readonly db: Db;
  readonly cache: ChunkCache;
  private readonly refs = new Map<string, q.ChunkRef[]>();
  private reclaiming: Promise<void> = Promise.resolve();

  constructor(readonly dataDir: string, opts: StoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, DB_FILE);
    this.db = openDb(this.file, { migrate: true });
    this.cache = new ChunkCache(opts.cacheBytes);
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }

  list(): DatasetSummary[] {
    return q.listDatasets(this.db);
  }

  get(id: unknown): DatasetMeta {
    return q.getDataset(this.db, requireString(id, 'id'));
  }

  count(): number {
    return q.countDatasets(this.db);
  }

  skippedRows(id: string): number {
    return q.skippedRowsOf(this.db, id);
  }

  async rename(id: unknown, name: unknown): Promise<DatasetMeta> {
    const key = requireString(id, 'id');
    const clean = q.validateName(name);
    await writeTransaction(this.db, () => q.renameDataset(this.db, key, clean));
    return this.get(key);
  }

  async delete(id: unknown): Promise<boolean> {
    const key = requireString(id, 'id');
    if (!q.findDataset(this.db, key)) throw q.notFound(key);
    const deleted = await writeTransaction(this.db, () => q.deleteDataset(this.db, key));
    this.invalidate(key);
    void this.reclaimSpace();
    return deleted;
  }

  /**
   * Give freed pages back to the file system (the file uses
   * auto_vacuum=INCREMENTAL) a few MiB at a time, yielding between steps so
   * a big delete never freezes the event loop. Stops quietly when another
   * connection is writing: later imports reuse the free pages anyway.
   */
  reclaimSpace(pagesPerStep = 2048): Promise<void> {
    // One pass at a time; a call during a pass runs after it (and finds what is left).
    this.reclaiming = this.reclaiming.then(() => this.vacuumSteps(pagesPerStep));
    return this.reclaiming;
  }

  private async vacuumSteps(pagesPerStep: number): Promise<void> {
    while (this.db.open && (this.db.pragma('freelist_count', { simple: true }) as number) > 0) {
      const saved = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.pragma(`incremental_vacuum(${pagesPerStep})`);
      } catch {
        return;
      } finally {
        if (this.db.open) this.db.pragma(`busy_timeout = ${saved}`);
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Set a column's role; at most one target (a new target turns the old one into a feature). */
  async setRole(id: unknown, column: unknown, role: unknown): Promise<DatasetMeta> {
    const meta = this.get(id);
    const col = columnOf(meta, column);
    if (typeof role !== 'string' || !(COLUMN_ROLES as readonly string[]).includes(role)) {
      throw new LatheError('BAD_REQUEST', `role must be one of ${COLUMN_ROLES.join(', ')}; got ${JSON.stringify(role)}.`, { param: 'role' });
    }
    await writeTransaction(this.db, () => {
      const fresh = q.getDataset(this.db, meta.id);
      const columns = q.applyRole(fresh.columns, col.name, role as ColumnRole);
      q.setColumns(this.db, meta.id, columns);
    });
    return this.get(meta.id);
  }

  /** Forget cached chunks of a dataset (after a delete or a rewrite by a worker). */
  invalidate(id: string): void {
    this.cache.invalidate(id);
    this.refs.delete(id);
  }

  chunkRefs(id: string): q.ChunkRef[] {
    let r = this.refs.get(id);
    if (!r) {
      r = q.listChunks(this.db, id);
      this.refs.set(id, r);
    }
    return r;
  }

  /** One decoded chunk (every column), from the cache when it is there. */
  chunk(id: string, ref: q.ChunkRef): Batch {
    const hit = this.cache.get(id, ref.index);
    if (hit) return hit;
    const ipc = q.readChunkIpc(this.db, id, ref.index);
    const batch = decodeBatch(ipc);
    this.cache.set(id, ref.index, batch);
    return batch;
  }

  /** A column's data, chunk by chunk. */
  columnChunks(id: string, name: string): ColumnData[] {
    return this.chunkRefs(id).map((ref) => {
      const b = this.chunk(id, ref);
      return b.columns[b.names.indexOf(name)] as ColumnData;
    });
  }

  rows(params: { id: unknown; offset: unknown; limit: unknown; columns?: unknown; rowIds?: unknown }): RowPage {
    const meta = this.get(params.id);
    const offset = requireCount(params.offset, 'offset', Number.MAX_SAFE_INTEGER);
    const limit = requireCount(params.limit, 'limit', MAX_PAGE_ROWS);
    let cols = meta.columns;
    if (params.columns !== undefined && params.columns !== null) {
      if (!Array.isArray(params.columns)) throw new LatheError('BAD_REQUEST', 'columns must be a list of column names.', { param: 'columns' });
      cols = params.columns.map((n) => columnOf(meta, n, 'columns'));
    }
    const names = cols.map((c) => c.name);
    let batch: Batch;
    if (params.rowIds !== undefined && params.rowIds !== null) {
      batch = this.gather(meta, params.rowIds, offset, limit, names, cols);
    } else {
      batch = this.range(meta, offset, limit, names, cols);
    }
    return { offset, count: batch.rows, columns: names, ipc: encodeBatch(compactBatch(batch)) };
  }

  histogram(params: { id: unknown; column: unknown; bins?: unknown; by?: unknown }): HistogramResult {
    const meta = this.get(params.id);
    const col = columnOf(meta, params.column);
    if (params.bins !== undefined && params.bins !== null && typeof params.bins !== 'number') {
      throw new LatheError('BAD_REQUEST', `bins must be a number; got ${JSON.stringify(params.bins)}.`, { param: 'bins' });
    }
    const byCol = params.by === undefined || params.by === null ? undefined : columnOf(meta, params.by, 'by');
    return computeHistogram({
      column: col,
      chunks: this.columnChunks(meta.id, col.name),
      bins: (params.bins as number | undefined) ?? undefined,
      by: byCol ? { column: byCol, chunks: this.columnChunks(meta.id, byCol.name) } : undefined,
    });
  }

  // ---- internals ----

  private range(meta: DatasetMeta, offset: number, limit: number, names: string[], cols: ColumnInfo[]): Batch {
    const start = Math.min(offset, meta.rows);
    const end = Math.min(meta.rows, offset + limit);
    if (end <= start) return emptyBatch(cols);
    const parts: Batch[] = [];
    for (const ref of this.chunkRefs(meta.id)) {
      const cs = ref.rowStart;
      const ce = ref.rowStart + ref.rowCount;
      if (ce <= start || cs >= end) continue;
      const b = pickColumns(this.chunk(meta.id, ref), names);
      parts.push(sliceBatch(b, Math.max(start, cs) - cs, Math.min(end, ce) - cs));
    }
    return parts.length ? concatBatches(parts) : emptyBatch(cols);
  }

  private gather(meta: DatasetMeta, rowIds: unknown, offset: number, limit: number, names: string[], cols: ColumnInfo[]): Batch {
    if (!Array.isArray(rowIds)) throw new LatheError('BAD_REQUEST', 'rowIds must be a list of row numbers.', { param: 'rowIds' });
    const wanted = rowIds.slice(offset, offset + limit);
    if (wanted.length === 0) return emptyBatch(cols);
    const refs = this.chunkRefs(meta.id);
    const chunkOf = new Int32Array(wanted.length);
    const rowOf = new Int32Array(wanted.length);
    const used = new Map<number, number>(); // ref position -> source index
    const sources: Batch[] = [];
    wanted.forEach((r, k) => {
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= meta.rows) {
        throw new LatheError('BAD_REQUEST', `rowIds[${offset + k}] is ${JSON.stringify(r)}; row numbers go from 0 to ${meta.rows - 1}.`, {
          param: 'rowIds',
          index: offset + k,
        });
      }
      // Binary search for the chunk holding row r.
      let lo = 0;
      let hi = refs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((refs[mid] as q.ChunkRef).rowStart <= r) lo = mid;
        else hi = mid - 1;
      }
      const ref = refs[lo] as q.ChunkRef;
      let s = used.get(lo);
      if (s === undefined) {
        s = sources.length;
        used.set(lo, s);
        sources.push(pickColumns(this.chunk(meta.id, ref), names));
      }
      chunkOf[k] = s;
      rowOf[k] = r - ref.rowStart;
    });
    return gatherRows(sources, chunkOf, rowOf, names);
  }
}
