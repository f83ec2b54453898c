/**
 * The one place the renderer touches Apache Arrow: a page of rows arrives as
 * Arrow IPC bytes and leaves as a RowBlock of plain JS values, so the library
 * under it can change without touching the grid.
 */
import { tableFromIPC } from 'apache-arrow';

export interface RowBlock {
  /** Rows in the block. */
  readonly count: number;
  /** Column names in the order of the stream. */
  readonly columns: readonly string[];
  /** The value at (row within the block, column position in `columns`); null when missing. */
  value(row: number, col: number): unknown;
  /** Column position by name, or -1. */
  indexOf(name: string): number;
}

interface Readable {
  get(i: number): unknown;
}

export function decodeRows(ipc: Uint8Array): RowBlock {
  const table = tableFromIPC(ipc);
  const columns = table.schema.fields.map((f) => f.name);
  const vectors: (Readable | null)[] = columns.map((_, i) => table.getChildAt(i) as Readable | null);
  const index = new Map(columns.map((c, i) => [c, i]));
  return {
    count: table.numRows,
    columns,
    value(row, col) {
      const v = vectors[col];
      if (!v || row < 0 || row >= table.numRows) return null;
      const x = v.get(row);
      return typeof x === 'bigint' ? Number(x) : (x ?? null);
    },
    indexOf: (name) => index.get(name) ?? -1,
  };
}
