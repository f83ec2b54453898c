/**
 * Worker task: import one file into the store as ONE write transaction on
 * the worker's own connection. The dataset row is inserted first (chunks
 * reference it), chunks stream in as the importer writes them, the row is
 * completed at the end, then COMMIT. Cancel, failure or a killed worker
 * leave nothing: the transaction never commits.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { DatasetMeta, ImportOptions } from '../../../../src-shared/dataset.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import { importFile, type ChunkSink } from '../../ingest/import.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { beginImmediate, openDb } from '../../store/db.ts';
import * as q from '../../store/datasets.ts';

export interface ImportTaskInput {
  dbFile: string;
  path: string;
  /** What the person knows the file as (the upload's file name; else the path). */
  sourceName?: string;
  options: ImportOptions;
  sample?: boolean;
  /** Rows per stored chunk (default: the importer's 65,536). */
  chunkRows?: number;
}

export interface ImportTaskResult {
  dataset: DatasetMeta;
  skippedRows: number;
  seconds: number;
}

/** "iris.csv" → "iris", "mnist_10k.csv.gz" → "mnist_10k", "data.tar.gz.csv" → "data.tar.gz". */
export function datasetNameFor(file: string): string {
  let name = basename(file.replace(/\\/g, '/'));
  name = name.replace(/\.(gz|gzip)$/i, '');
  name = name.replace(/\.(csv|tsv|txt|tab|dat|arrow|feather|ipc)$/i, '');
  name = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, q.MAX_NAME_LENGTH).trim();
  return name || 'dataset';
}

export async function run(raw: unknown, ctx: TaskContext): Promise<ImportTaskResult> {
  const input = raw as ImportTaskInput;
  const t0 = performance.now();
  const db = openDb(input.dbFile);
  try {
    await beginImmediate(db, {
      signal: ctx.signal,
      onWait: () => ctx.progress({ fraction: null, phase: 'waiting', message: 'Waiting for another import to finish' }),
    });
    try {
      const id = randomUUID();
      const baseName = input.options.name !== undefined ? q.validateName(input.options.name) : q.validateName(datasetNameFor(input.sourceName ?? input.path));
      const createdAt = new Date().toISOString();
      const row: q.NewDataset = {
        id,
        // Unique among committed datasets; we hold the write lock, so no one can take it before we commit.
        name: q.uniqueName(db, baseName),
        sourcePath: input.sourceName ?? input.path,
        sourceSize: 0,
        sha256: '',
        createdAt,
        rows: 0,
        columns: [],
        warnings: [],
        conflicts: [],
        sample: input.sample ?? false,
        skippedRows: 0,
      };
      q.insertDataset(db, row);
      let index = 0;
      let rowStart = 0;
      const sink: ChunkSink = {
        write(rows: number, ipc: Uint8Array) {
          q.insertChunk(db, id, { index, rowStart, rowCount: rows }, ipc);
          index++;
          rowStart += rows;
        },
        reset() {
          q.deleteChunks(db, id);
          index = 0;
          rowStart = 0;
        },
      };
      const out = await importFile(input.path, input.options, sink, { signal: ctx.signal, onProgress: (p) => ctx.progress(p), chunkRows: input.chunkRows });
      throwIfAborted(ctx.signal, 'The import');
      if (rowStart !== out.rows) {
        throw new LatheError('INTERNAL', `The importer reported ${out.rows} rows but wrote ${rowStart}.`, { file: input.path });
      }
      q.completeDataset(db, {
        ...row,
        sourceSize: out.size,
        sha256: out.sha256,
        rows: out.rows,
        columns: out.columns,
        dialect: out.dialect,
        warnings: out.warnings,
        conflicts: out.conflicts,
        skippedRows: out.skippedRows,
      });
      db.exec('COMMIT');
      const dataset = q.getDataset(db, id);
      return { dataset, skippedRows: out.skippedRows, seconds: (performance.now() - t0) / 1000 };
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}
