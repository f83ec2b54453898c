/**
 * Columns for the correlation matrix, read chunk by chunk (one decoded chunk
 * in memory at a time besides the output): numeric, integer, date and
 * datetime columns as Float64Array (dates as epoch ms, NaN = missing);
 * categorical and boolean columns as codes into one label list built across
 * chunks (each chunk has its own dictionary). Text columns are left out.
 */
import type { ColumnInfo, DatasetMeta } from '../../../src-shared/dataset.ts';
import { LatheError, throwIfAborted } from '../../../src-shared/errors.ts';
import { decodeBatch } from '../arrow/ipc.ts';
import type { ColumnData } from '../arrow/types.ts';
import * as q from '../store/datasets.ts';
import type { Db } from '../store/db.ts';
import type { CorrColumn } from './correlation.ts';

export function isCorrelatable(c: ColumnInfo): boolean {
  return c.kind !== 'text';
}

export function isCategorical(c: ColumnInfo): boolean {
  return c.kind === 'categorical' || c.kind === 'boolean';
}

/** The columns to correlate: the named ones (checked), else every non-text column whose role is not 'ignored'. */
export function pickColumns(meta: DatasetMeta, names?: string[]): { columns: ColumnInfo[]; skipped: string[] } {
  if (names && names.length) {
    const out: ColumnInfo[] = [];
    const skipped: string[] = [];
    for (const n of names) {
      const c = meta.columns.find((x) => x.name === n);
      if (!c) {
        throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${n}". Its columns are ${meta.columns.map((x) => `"${x.name}"`).join(', ')}.`, {
          param: 'columns',
          column: n,
        });
      }
      if (isCorrelatable(c)) out.push(c);
      else skipped.push(c.name);
    }
    return { columns: out, skipped };
  }
  const columns = meta.columns.filter((c) => c.role !== 'ignored' && isCorrelatable(c));
  const skipped = meta.columns.filter((c) => c.role !== 'ignored' && !isCorrelatable(c)).map((c) => c.name);
  return { columns, skipped };
}

interface Acc {
  info: ColumnInfo;
  values?: Float64Array;
  codes?: Int32Array;
  labels?: Map<string, number>;
}

function labelOf(c: ColumnData, i: number): string | null {
  if (c.nulls?.[i] === 1) return null;
  switch (c.storage) {
    case 'string': {
      const k = c.codes[i]!;
      return k < 0 ? null : (c.dictionary[k] ?? null);
    }
    case 'bool':
      return c.values[i] ? 'true' : 'false';
    default: {
      const v = c.values[i]!;
      return Number.isNaN(v) ? null : String(v);
    }
  }
}

function numberAt(c: ColumnData, i: number): number {
  if (c.nulls?.[i] === 1) return NaN;
  switch (c.storage) {
    case 'string': {
      const k = c.codes[i]!;
      const s = k < 0 ? undefined : c.dictionary[k];
      const v = s === undefined || s.trim() === '' ? NaN : Number(s);
      return Number.isFinite(v) ? v : NaN;
    }
    default:
      return c.values[i]!;
  }
}

/** Read the columns of a dataset from the store, one chunk at a time. */
export function gatherColumns(
  db: Db,
  meta: DatasetMeta,
  columns: ColumnInfo[],
  opts: { signal?: AbortSignal; onChunk?: (fraction: number) => void } = {},
): CorrColumn[] {
  const n = meta.rows;
  const accs: Acc[] = columns.map((info) =>
    isCategorical(info) ? { info, codes: new Int32Array(n).fill(-1), labels: new Map() } : { info, values: new Float64Array(n).fill(NaN) },
  );
  const names = columns.map((c) => c.name);
  const refs = q.listChunks(db, meta.id);
  for (const [k, ref] of refs.entries()) {
    throwIfAborted(opts.signal, 'The correlation');
    const b = decodeBatch(q.readChunkIpc(db, meta.id, ref.index), names);
    accs.forEach((a) => {
      const col = b.columns[b.names.indexOf(a.info.name)];
      if (!col) throw new LatheError('INTERNAL', `Chunk ${ref.index} of "${meta.name}" lacks column "${a.info.name}".`, { column: a.info.name });
      const base = ref.rowStart;
      if (a.values) {
        const out = a.values;
        if ((col.storage === 'float64' || col.storage === 'timestamp') && !col.nulls) out.set(col.values, base);
        else for (let i = 0; i < b.rows; i++) out[base + i] = numberAt(col, i);
      } else {
        const out = a.codes!;
        const labels = a.labels!;
        if (col.storage === 'string') {
          // Map the chunk's dictionary once, then the codes.
          const map = col.dictionary.map((s) => {
            let g = labels.get(s);
            if (g === undefined) labels.set(s, (g = labels.size));
            return g;
          });
          for (let i = 0; i < b.rows; i++) {
            const c = col.codes[i]!;
            out[base + i] = c < 0 || col.nulls?.[i] === 1 ? -1 : map[c]!;
          }
        } else {
          for (let i = 0; i < b.rows; i++) {
            const l = labelOf(col, i);
            if (l === null) continue;
            let g = labels.get(l);
            if (g === undefined) labels.set(l, (g = labels.size));
            out[base + i] = g;
          }
        }
      }
    });
    opts.onChunk?.((k + 1) / refs.length);
  }
  return accs.map((a): CorrColumn => {
    if (a.values) return { name: a.info.name, type: 'numeric', values: a.values };
    return { name: a.info.name, type: 'categorical', codes: a.codes!, levels: [...a.labels!.keys()] };
  });
}
