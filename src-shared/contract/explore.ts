/**
 * Exploring a dataset with charts: whole columns as typed arrays for scatter
 * plots (binary over every carrier), the "informative projections" ranking
 * and the k-means elbow/silhouette curve of the teaching view (both jobs).
 */

export interface ColumnsRequest {
  id: string;
  /** Columns to read, in this order (numeric, date, categorical or boolean; text is refused). */
  columns: string[];
  /** Keep at most this many rows (a seeded, order-preserving sample); default all. */
  maxRows?: number;
  seed?: number;
}

export interface ColumnsResult {
  columns: string[];
  /**
   * One array per column, aligned by row. Numbers as they are (dates as epoch
   * ms); categorical and boolean columns as level codes into `levels`. NaN = missing.
   */
  values: Float64Array[];
  /** Per column: its level names when it is categorical or boolean, else null. */
  levels: (string[] | null)[];
  /** Rows of the dataset. */
  totalRows: number;
  /** Dataset row ids (0-based) of the returned rows when sampled; absent when every row is returned in order. */
  rowIds?: Int32Array;
}

export interface ProjectionsRequest {
  id: string;
  /** The class column the pairs should separate. */
  classColumn: string;
  /** Numeric feature columns to pair (default: every numeric non-ignored column except the class). */
  columns?: string[];
  /** Neighbours of the k-NN classifier (default 3). */
  k?: number;
  /** Cross-validation folds (default 5). */
  folds?: number;
  seed?: number;
  /** Rows sampled (stratified by nothing, seeded) when the dataset has more (default 2000). */
  maxRows?: number;
}

export interface ProjectionScore {
  x: string;
  y: string;
  /** Mean k-NN accuracy over the folds on the standardised 2-D projection. */
  accuracy: number;
  std: number;
  /** Rows with both features and the class present. */
  rows: number;
}

export interface ProjectionsResult {
  classColumn: string;
  classes: string[];
  /** Best first. */
  pairs: ProjectionScore[];
  k: number;
  folds: number;
  /** Rows used (after sampling) and rows in the dataset. */
  rowsUsed: number;
  totalRows: number;
  sampled: boolean;
  /** Accuracy of always answering the most frequent class, for reference. */
  baseline: number;
}

export interface ElbowRequest {
  /** x0, y0, x1, y1, … (the teaching view's points). */
  points: Float64Array;
  /** Largest k (default 10). */
  kMax?: number;
  seed?: number;
}

export interface ElbowResult {
  ks: number[];
  /** Lowest inertia over the runs, per k. */
  inertia: number[];
  /** Mean silhouette per k (null for k = 1, where it is undefined). */
  silhouette: (number | null)[];
  /** Silhouette computed on a seeded sample of this many rows (when smaller than the points). */
  silhouetteRows: number;
  rows: number;
}

export interface ExploreMethods {
  'explore.columns': { params: ColumnsRequest; result: ColumnsResult };
  /** A job: every pair of numeric features ranked by k-NN accuracy on the class. Progress per pair. */
  'explore.projections': { params: ProjectionsRequest; result: ProjectionsResult };
  /** A job: k-means inertia and silhouette for k = 1..kMax. Progress per k. */
  'explore.elbow': { params: ElbowRequest; result: ElbowResult };
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExploreEvents {}
