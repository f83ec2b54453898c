/**
 * Read-only access to stored datasets for worker tasks (training,
 * comparison...): the worker's own read-only connection, chunks decoded
 * straight into typed arrays with no parse step, all from one snapshot
 * (a kind change committing meanwhile is not seen half-way).
 */
import type { DatasetMeta } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { concatBatches, decodeBatch } from '../arrow/ipc.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import { emptyBatch } from './batch-ops.ts';
import { openDb, type Db } from './db.ts';
import * as q from './datasets.ts';

export interface StoredChunk {
  rowStart: number;
  batch: Batch;
}

export class DatasetReader {
  readonly db: Db;

  constructor(dbFile: string) {
    this.db = openDb(dbFile, { readonly: true });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  meta(id: string): DatasetMeta {
    return q.getDataset(this.db, id);
  }

  /** Every chunk of the dataset with the named columns (default all), in row order, from one snapshot. */
  chunks(id: string, columns?: string[]): { meta: DatasetMeta; chunks: StoredChunk[] } {
    return this.db.transaction(() => {
      const meta = q.getDataset(this.db, id);
      if (columns) {
        for (const c of columns) {
          if (!meta.columns.some((x) => x.name === c)) {
            throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${c}".`, { column: c, id });
          }
        }
      }
      const chunks = q.listChunks(this.db, id).map((ref) => ({ rowStart: ref.rowStart, batch: decodeBatch(q.readChunkIpc(this.db, id, ref.index), columns) }));
      return { meta, chunks };
    })();
  }

  /** The named columns over all rows, each as one contiguous column. */
  table(id: string, columns?: string[]): { meta: DatasetMeta; batch: Batch } {
    const { meta, chunks } = this.chunks(id, columns);
    const wanted = columns ? meta.columns.filter((c) => columns.includes(c.name)) : meta.columns;
    const batch = chunks.length ? concatBatches(chunks.map((c) => c.batch)) : emptyBatch(wanted);
    return { meta, batch };
  }

  column(id: string, name: string): ColumnData {
    const { batch } = this.table(id, [name]);
    return batch.columns[0] as ColumnData;
  }
}
