import type {
  ColumnKind,
  ColumnRole,
  DatasetMeta,
  DatasetSummary,
  Histogram,
  ImportOptions,
  ImportResult,
  RowPage,
} from '../dataset.ts';

export interface DatasetMethods {
  'datasets.list': { params: void; result: DatasetSummary[] };
  'datasets.get': { params: { id: string }; result: DatasetMeta };
  'datasets.rename': { params: { id: string; name: string }; result: DatasetMeta };
  'datasets.delete': { params: { id: string }; result: { deleted: boolean } };
  /** Rows [offset, offset+limit) as Arrow IPC; `columns` picks and orders columns (default all). */
  'datasets.rows': {
    params: { id: string; offset: number; limit: number; columns?: string[]; rowIds?: number[] };
    result: RowPage;
  };
  /** Override a column's kind (re-validated against the data) or change its role. */
  'datasets.setColumn': {
    params: { id: string; column: string; kind?: ColumnKind; role?: ColumnRole };
    result: DatasetMeta;
  };
  'datasets.histogram': {
    params: { id: string; column: string; bins?: number; by?: string };
    result: HistogramResult;
  };
  /** Import a file the engine can read by path (Electron drop, dialog, CLI). Long: reports progress. */
  'datasets.importPath': { params: { path: string } & ImportOptions; result: ImportResult };
  /**
   * Import a file uploaded to the browser-mode server first (POST /api/upload
   * streams it to a temporary file and answers an uploadId).
   */
  'datasets.importUpload': {
    params: { uploadId: string; fileName: string } & ImportOptions;
    result: ImportResult;
  };
}

/**
 * A column's histogram. With `by` (a class column), `by.counts[c][b]` counts
 * the rows of class `by.classes[c]` in bin (or category) `b`; `counts` stays
 * the total per bin.
 */
export interface HistogramResult extends Histogram {
  by?: { column: string; classes: string[]; counts: number[][] };
}

export interface DatasetEvents {
  /** The dataset list changed (import, rename, delete). */
  'datasets.changed': { ids: string[] };
}
