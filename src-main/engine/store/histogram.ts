/**
 * Histograms straight from the stored chunks: equal-width bins for numbers
 * and dates, counts per category for categorical, boolean and text columns,
 * optionally split by the classes of another column.
 */
import type { ColumnInfo } from '../../../src-shared/dataset.ts';
import type { HistogramResult } from '../../../src-shared/contract/datasets.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { ColumnData } from '../arrow/types.ts';

export const MAX_BINS = 500;
export const MAX_CLASSES = 50;

export interface HistogramInput {
  column: ColumnInfo;
  /** The column's data, chunk by chunk. */
  chunks: readonly ColumnData[];
  bins?: number;
  by?: { column: ColumnInfo; chunks: readonly ColumnData[] };
}

function isCategorical(c: ColumnInfo): boolean {
  return c.kind === 'categorical' || c.kind === 'boolean' || c.kind === 'text' || c.storage === 'string' || c.storage === 'bool';
}

/** The value of row i as a category label, or undefined when missing. */
function labelAt(c: ColumnData, i: number): string | undefined {
  if (c.nulls?.[i]) return undefined;
  switch (c.storage) {
    case 'string': {
      const code = c.codes[i] as number;
      return code < 0 ? undefined : c.dictionary[code];
    }
    case 'bool':
      return c.values[i] ? 'true' : 'false';
    case 'timestamp': {
      const v = c.values[i] as number;
      return Number.isNaN(v) ? undefined : new Date(v).toISOString();
    }
    default: {
      const v = c.values[i] as number;
      return Number.isNaN(v) ? undefined : String(v);
    }
  }
}

function numberAt(c: ColumnData, i: number): number {
  if (c.nulls?.[i] || c.storage === 'string') return NaN;
  return c.values[i] as number;
}

/** Class index of every row of the `by` column (-1 for missing), and the class labels. */
function classesOf(by: NonNullable<HistogramInput['by']>): { labels: string[]; perChunk: Int32Array[] } {
  const ids = new Map<string, number>();
  const labels: string[] = [];
  let missing = -1;
  const perChunk = by.chunks.map((c) => {
    const n = c.storage === 'string' ? c.codes.length : c.values.length;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const l = labelAt(c, i);
      if (l === undefined) {
        if (missing < 0) {
          missing = labels.length;
          labels.push('(missing)');
        }
        out[i] = missing;
        continue;
      }
      let id = ids.get(l);
      if (id === undefined) {
        id = labels.length;
        if (id >= MAX_CLASSES) {
          throw new LatheError(
            'INVALID_PARAM',
            `The column "${by.column.name}" has more than ${MAX_CLASSES} distinct values, too many to split a histogram by. Choose a categorical column with fewer classes.`,
            { param: 'by', column: by.column.name },
          );
        }
        ids.set(l, id);
        labels.push(l);
      }
      out[i] = id;
    }
    return out;
  });
  return { labels, perChunk };
}

export function computeHistogram(input: HistogramInput): HistogramResult {
  const { column } = input;
  if (input.bins !== undefined && (!Number.isInteger(input.bins) || input.bins < 1 || input.bins > MAX_BINS)) {
    throw new LatheError('BAD_REQUEST', `bins must be a whole number from 1 to ${MAX_BINS}; got ${String(input.bins)}.`, { param: 'bins' });
  }
  const by = input.by ? classesOf(input.by) : undefined;
  const lengths = input.chunks.map((c) => (c.storage === 'string' ? c.codes.length : c.values.length));

  if (isCategorical(column)) {
    const counts = new Map<string, number>();
    const byCounts = new Map<string, number[]>();
    input.chunks.forEach((c, k) => {
      const cls = by?.perChunk[k];
      for (let i = 0; i < (lengths[k] as number); i++) {
        const l = labelAt(c, i);
        if (l === undefined) continue;
        counts.set(l, (counts.get(l) ?? 0) + 1);
        if (by && cls) {
          let row = byCounts.get(l);
          if (!row) byCounts.set(l, (row = new Array<number>(by.labels.length).fill(0)));
          row[cls[i] as number]!++;
        }
      }
    });
    let entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (column.storage === 'bool') entries = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const limit = input.bins ?? 50;
    const shown = entries.slice(0, limit);
    const rest = entries.slice(limit);
    const labels = shown.map((e) => e[0]);
    const totals = shown.map((e) => e[1]);
    if (rest.length > 0) {
      labels.push(`Other (${rest.length} values)`);
      totals.push(rest.reduce((a, e) => a + e[1], 0));
    }
    const result: HistogramResult = { edges: [], counts: totals, labels };
    if (by) {
      const matrix = by.labels.map((_, ci) => {
        const row = shown.map((e) => byCounts.get(e[0])?.[ci] ?? 0);
        if (rest.length > 0) row.push(rest.reduce((a, e) => a + (byCounts.get(e[0])?.[ci] ?? 0), 0));
        return row;
      });
      result.by = { column: input.by!.column.name, classes: by.labels, counts: matrix };
    }
    return result;
  }

  // Numbers and dates (epoch ms): equal-width bins over [min, max].
  let min = Infinity;
  let max = -Infinity;
  input.chunks.forEach((c, k) => {
    for (let i = 0; i < (lengths[k] as number); i++) {
      const v = numberAt(c, i);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  if (min === Infinity) {
    const result: HistogramResult = { edges: [], counts: [] };
    if (by && input.by) result.by = { column: input.by.column.name, classes: by.labels, counts: by.labels.map(() => []) };
    return result;
  }
  let bins = input.bins ?? 30;
  let lo = min;
  let width: number;
  if (column.kind === 'integer' && max - min + 1 <= bins) {
    // Few distinct integers: one bar per value, centred on it.
    bins = max - min + 1;
    lo = min - 0.5;
    width = 1;
  } else if (max === min) {
    bins = 1;
    lo = min - 0.5;
    width = 1;
  } else {
    width = (max - min) / bins;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  edges[bins] = column.kind === 'integer' && width === 1 ? max + 0.5 : Math.max(max, edges[bins] as number);
  const counts = new Array<number>(bins).fill(0);
  const matrix = by ? by.labels.map(() => new Array<number>(bins).fill(0)) : undefined;
  input.chunks.forEach((c, k) => {
    const cls = by?.perChunk[k];
    for (let i = 0; i < (lengths[k] as number); i++) {
      const v = numberAt(c, i);
      if (Number.isNaN(v)) continue;
      let b = Math.floor((v - lo) / width);
      if (b >= bins) b = bins - 1;
      if (b < 0) b = 0;
      counts[b]!++;
      if (matrix && cls) matrix[cls[i] as number]![b]!++;
    }
  });
  const result: HistogramResult = { edges, counts };
  if (by && matrix && input.by) result.by = { column: input.by.column.name, classes: by.labels, counts: matrix };
  return result;
}
