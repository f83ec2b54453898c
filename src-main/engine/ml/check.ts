/**
 * Input checks every estimator shares, so a bad matrix reads the same
 * wherever it is given: what is wrong, where (row, column) and what to do.
 */
import { LatheError, throwIfAborted } from '../../../src-shared/errors.ts';
import type { Matrix } from './estimator.ts';

/** X must be a non-empty, well-formed, finite matrix. */
export function checkMatrix(X: Matrix, owner: string, what = 'X'): void {
  checkMatrixShape(X, owner, what);
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / X.cols);
      const col = i % X.cols;
      throw new LatheError(
        'BAD_DATA',
        `${owner}: ${what} has ${Number.isNaN(v) ? 'a missing value (NaN)' : `an infinite value (${v})`} at row ${row}, column ${col}. Impute or drop missing values before training.`,
        { param: what, row, column: col },
      );
    }
  }
}

/**
 * checkMatrix without the pass over the values, for a caller that checks
 * them in a pass of its own (copying X anyway) and calls checkMatrix for the
 * error when one is not finite.
 */
export function checkMatrixShape(X: Matrix, owner: string, what = 'X'): void {
  if (!X || !(X.data instanceof Float64Array) || !Number.isInteger(X.rows) || !Number.isInteger(X.cols)) {
    throw new LatheError('BAD_DATA', `${owner}: ${what} must be a matrix { data: Float64Array, rows, cols }.`, { param: what });
  }
  if (X.rows < 1) throw new LatheError('BAD_DATA', `${owner}: ${what} has 0 rows; at least 1 row is needed.`, { param: what });
  if (X.cols < 1) throw new LatheError('BAD_DATA', `${owner}: ${what} has 0 feature columns; at least 1 is needed.`, { param: what });
  if (X.data.length !== X.rows * X.cols) {
    throw new LatheError('BAD_DATA', `${owner}: ${what} claims ${X.rows} × ${X.cols} values but holds ${X.data.length}.`, { param: what });
  }
}

/** X at predict time: checked as at fit, and with the fitted number of columns. */
export function checkPredictMatrix(X: Matrix, nFeatures: number, owner: string): void {
  checkMatrix(X, owner);
  if (X.cols !== nFeatures) {
    throw new LatheError('BAD_DATA', `${owner}: X has ${X.cols} features, but the model was fitted with ${nFeatures}. Give the same feature columns as at fit.`, {
      param: 'X',
      expected: nFeatures,
      got: X.cols,
    });
  }
}

/** Class codes 0..k-1, one per row, at least two classes. Returns k (max code + 1) and counts. */
export function checkClassTargets(y: unknown, rows: number, owner: string): { nClasses: number; counts: Int32Array } {
  if (!(y instanceof Int32Array)) {
    throw new LatheError('BAD_DATA', `${owner}: y must be class codes in an Int32Array (0..k-1), one per row.`, { param: 'y' });
  }
  if (y.length !== rows) {
    throw new LatheError('BAD_DATA', `${owner}: X has ${rows} rows but y has ${y.length} labels; they must match.`, { param: 'y', rows, labels: y.length });
  }
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c < 0) throw new LatheError('BAD_DATA', `${owner}: y has a negative class code (${c}) at row ${i}; class codes run 0..k-1.`, { param: 'y', row: i });
    if (c > max) max = c;
  }
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  let present = 0;
  for (let c = 0; c <= max; c++) if (counts[c]! > 0) present++;
  if (present < 2) {
    throw new LatheError(
      'BAD_DATA',
      `${owner}: the target has only one class (${max}) in the training rows; a classifier needs at least two. Check the target column or the split.`,
      { param: 'y', classes: present },
    );
  }
  return { nClasses: max + 1, counts };
}

/** A finite numeric target, one per row. */
export function checkRegressionTargets(y: unknown, rows: number, owner: string): void {
  if (!(y instanceof Float64Array)) throw new LatheError('BAD_DATA', `${owner}: y must be a Float64Array of target values, one per row.`, { param: 'y' });
  if (y.length !== rows) {
    throw new LatheError('BAD_DATA', `${owner}: X has ${rows} rows but y has ${y.length} values; they must match.`, { param: 'y', rows, labels: y.length });
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v - v !== 0) throw new LatheError('BAD_DATA', `${owner}: y has a missing or infinite value (${v}) at row ${i}. Drop rows with a missing target.`, { param: 'y', row: i });
  }
}

export function notFitted(owner: string): LatheError {
  return new LatheError('NOT_FITTED', `This ${owner} is not fitted yet. Call fit with training data first.`, { owner });
}

export function checkAborted(signal: AbortSignal | undefined, owner: string): void {
  throwIfAborted(signal, `Training ${owner}`);
}

/** Fraction of equal labels (the classifiers' score). */
export function accuracyOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** Coefficient of determination (the regressors' score), as sklearn's r2_score. */
export function r2Of(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i]! - yPred[i]!;
    const t = yTrue[i]! - mean;
    ssr += r * r;
    sst += t * t;
  }
  if (sst === 0) return ssr === 0 ? 1 : 0;
  return 1 - ssr / sst;
}
