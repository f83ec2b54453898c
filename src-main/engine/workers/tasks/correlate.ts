/**
 * Worker task: the correlation matrix of a stored dataset. Columns are read
 * chunk by chunk from one read snapshot, then every pair gets the measure
 * its kinds call for (stats/correlation.ts).
 */
import type { CorrelationResult } from '../../../../src-shared/contract/ml.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { correlationMatrix, type NumericMethod } from '../../stats/correlation.ts';
import { gatherColumns, pickColumns } from '../../stats/gather.ts';
import { DatasetReader } from '../../store/reader.ts';

export interface CorrelateInput {
  dbFile: string;
  datasetId: string;
  method: NumericMethod;
  columns?: string[];
}

export function run(raw: unknown, ctx: TaskContext): CorrelationResult & { skipped: string[] } {
  const input = raw as CorrelateInput;
  const reader = new DatasetReader(input.dbFile);
  try {
    const { cols, skipped } = reader.db.transaction(() => {
      const meta = reader.meta(input.datasetId);
      const picked = pickColumns(meta, input.columns);
      ctx.progress({ fraction: 0, phase: 'read', rows: meta.rows });
      const cols = gatherColumns(reader.db, meta, picked.columns, {
        signal: ctx.signal,
        onChunk: (f) => ctx.progress({ fraction: 0.3 * f, phase: 'read' }),
      });
      return { cols, skipped: picked.skipped };
    })();
    const m = correlationMatrix(cols, {
      method: input.method,
      signal: ctx.signal,
      onProgress: (f) => ctx.progress({ fraction: 0.3 + 0.7 * f, phase: 'correlate' }),
    });
    ctx.progress({ fraction: 1, phase: 'done' });
    return { ...m, skipped };
  } finally {
    reader.close();
  }
}
