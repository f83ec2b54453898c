/**
 * Worker task: a person's kind override for one column. Every chunk is
 * re-validated with convertColumn and, where the storage or values change,
 * re-encoded; the column's statistics are recomputed; all in one write
 * transaction (a BAD_KIND on chunk 5 leaves chunks 0-4 untouched).
 */
import { COLUMN_KINDS, COLUMN_ROLES, type ColumnInfo, type ColumnKind, type ColumnRole, type DatasetMeta } from '../../../../src-shared/dataset.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import { decodeBatch, encodeBatch } from '../../arrow/ipc.ts';
import type { ColumnData } from '../../arrow/types.ts';
import { computeColumnStats, convertColumn } from '../../ingest/stats.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { withColumn } from '../../store/batch-ops.ts';
import { beginImmediate, openDb } from '../../store/db.ts';
import * as q from '../../store/datasets.ts';

export interface SetKindInput {
  dbFile: string;
  id: string;
  column: string;
  kind: ColumnKind;
  role?: ColumnRole;
}

export async function run(raw: unknown, ctx: TaskContext): Promise<DatasetMeta> {
  const input = raw as SetKindInput;
  if (!(COLUMN_KINDS as readonly string[]).includes(input.kind)) {
    throw new LatheError('BAD_REQUEST', `kind must be one of ${COLUMN_KINDS.join(', ')}; got ${JSON.stringify(input.kind)}.`, { param: 'kind' });
  }
  if (input.role !== undefined && !(COLUMN_ROLES as readonly string[]).includes(input.role)) {
    throw new LatheError('BAD_REQUEST', `role must be one of ${COLUMN_ROLES.join(', ')}; got ${JSON.stringify(input.role)}.`, { param: 'role' });
  }
  const db = openDb(input.dbFile);
  try {
    await beginImmediate(db, { signal: ctx.signal, onWait: () => ctx.progress({ fraction: null, phase: 'waiting', message: 'Waiting for another write to finish' }) });
    try {
      const meta = q.getDataset(db, input.id);
      const col = meta.columns.find((c) => c.name === input.column);
      if (!col) throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${input.column}".`, { param: 'column', column: input.column });
      const refs = q.listChunks(db, meta.id);
      const originals: ColumnData[] = [];
      let converted: ColumnData[] = [];
      for (const [k, ref] of refs.entries()) {
        throwIfAborted(ctx.signal, 'The kind change');
        const b = decodeBatch(q.readChunkIpc(db, meta.id, ref.index), [col.name]);
        const data = b.columns[0] as ColumnData;
        originals.push(data);
        converted.push(convertColumn(data, input.kind, ref.rowStart + 1));
        ctx.progress({ fraction: (0.7 * (k + 1)) / refs.length, phase: 'convert', rows: ref.rowStart + ref.rowCount });
      }
      // An integer column must have one storage over all chunks: float64 when any chunk overflows int32.
      if (input.kind === 'integer' && converted.some((c) => c.storage === 'float64') && converted.some((c) => c.storage === 'int32')) {
        converted = originals.map((d, k) => convertColumn(d, 'integer', (refs[k] as q.ChunkRef).rowStart + 1, 'float64'));
      }
      const storage = converted[0]?.storage ?? col.storage;
      for (const [k, ref] of refs.entries()) {
        const before = originals[k] as ColumnData;
        const after = converted[k] as ColumnData;
        if (before === after) continue;
        const whole = decodeBatch(q.readChunkIpc(db, meta.id, ref.index));
        q.replaceChunkIpc(db, meta.id, ref.index, encodeBatch(withColumn(whole, col.name, after)));
        ctx.progress({ fraction: 0.7 + (0.25 * (k + 1)) / refs.length, phase: 'write' });
      }
      const s = computeColumnStats(input.kind, converted);
      const updated: ColumnInfo = {
        name: col.name,
        index: col.index,
        kind: input.kind,
        inferredKind: col.inferredKind,
        storage,
        role: col.role,
        missing: s.missing,
        distinct: s.distinct,
        ...(s.stats ? { stats: s.stats } : {}),
        ...(s.top ? { top: s.top } : {}),
        ...(s.histogram ? { histogram: s.histogram } : {}),
      };
      let columns = meta.columns.map((c) => (c.name === col.name ? updated : c));
      if (input.role) columns = q.applyRole(columns, col.name, input.role);
      q.setColumns(db, meta.id, columns);
      db.exec('COMMIT');
      ctx.progress({ fraction: 1, phase: 'done' });
      return q.getDataset(db, meta.id);
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}
