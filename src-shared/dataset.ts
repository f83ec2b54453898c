/** Domain types for datasets: schema, column kinds and roles, statistics, import results. */

export const COLUMN_KINDS = ['integer', 'float', 'boolean', 'date', 'datetime', 'categorical', 'text'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const COLUMN_ROLES = ['feature', 'target', 'ignored'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export function isNumericKind(k: ColumnKind): boolean {
  return k === 'integer' || k === 'float';
}

/** How a column's values are stored in the Arrow chunks (independent of its declared kind). */
export type StorageType = 'int32' | 'float64' | 'bool' | 'timestamp' | 'string';

export interface NumericStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** 25th, 50th and 75th percentiles. */
  q1: number;
  median: number;
  q3: number;
}

export interface CategoryCount {
  value: string;
  count: number;
}

export interface Histogram {
  /** bins+1 edges for numeric/date columns; empty for categorical ones. */
  edges: number[];
  counts: number[];
  /** For categorical/boolean/text: the labels of counts. */
  labels?: string[];
}

export interface ColumnInfo {
  name: string;
  /** Position in the stored table. */
  index: number;
  kind: ColumnKind;
  /** The kind inferred at import (kind may since have been overridden). */
  inferredKind: ColumnKind;
  storage: StorageType;
  role: ColumnRole;
  missing: number;
  distinct: number;
  /** Present for numeric, date and datetime columns (dates in epoch ms). */
  stats?: NumericStats;
  /** Most frequent values, for categorical, boolean and text columns (at most 20). */
  top?: CategoryCount[];
  histogram?: Histogram;
}

export interface ImportWarning {
  code: 'DUPLICATE_HEADER' | 'EMPTY_HEADER' | 'SKIPPED_ROWS' | 'ENCODING' | 'NO_HEADER' | 'OTHER';
  message: string;
  line?: number;
  column?: string;
}

/** A column whose early values suggested one kind until later rows contradicted it. */
export interface KindConflict {
  column: string;
  /** The kind the early rows suggested. */
  from: ColumnKind;
  /** The kind the column was widened to. */
  to: ColumnKind;
  /** How many values did not fit the early kind. */
  count: number;
  /** The first few such values with their 1-based line numbers in the file. */
  examples: { line: number; value: string }[];
}

export interface Dialect {
  delimiter: string;
  quote: string;
  decimal: '.' | ',';
  header: boolean;
  lineEnding: 'LF' | 'CRLF' | 'CR';
  encoding: 'utf-8' | 'windows-1252';
  bom: boolean;
  gzip: boolean;
  format: 'csv' | 'arrow';
}

export interface DatasetMeta {
  id: string;
  name: string;
  sourcePath: string;
  sourceSize: number;
  sha256: string;
  createdAt: string;
  rows: number;
  columns: ColumnInfo[];
  dialect?: Dialect;
  warnings: ImportWarning[];
  conflicts: KindConflict[];
  /** True for the samples Lathe ships. */
  sample: boolean;
}

export interface DatasetSummary {
  id: string;
  name: string;
  rows: number;
  columnCount: number;
  createdAt: string;
  sample: boolean;
  sourceSize: number;
}

export interface ImportOptions {
  name?: string;
  /** Skip rows whose field count differs from the header instead of failing. */
  skipBadRows?: boolean;
}

export interface ImportResult {
  dataset: DatasetMeta;
  skippedRows: number;
  seconds: number;
}

/**
 * A page of rows, as an Arrow IPC stream (binary). The renderer decodes it;
 * `columns` names what the stream holds, in order.
 */
export interface RowPage {
  offset: number;
  count: number;
  columns: string[];
  ipc: Uint8Array;
}
