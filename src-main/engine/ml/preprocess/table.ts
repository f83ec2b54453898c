/**
 * The raw feature table that preprocessing works on, before it becomes a
 * Matrix: numeric columns as floats (NaN = missing) and categorical columns
 * as codes into their own label list (−1 = missing). Labels, not codes, are
 * what a fitted step remembers, because another dataset (the rows to predict)
 * numbers its categories differently.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { Matrix } from '../estimator.ts';

export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
}

export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  codes: Int32Array;
  categories: string[];
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface FeatureTable {
  rows: number;
  columns: FeatureColumn[];
}

/** A table of numeric columns from a Matrix (names x0, x1, … unless given). */
export function tableFromMatrix(X: Matrix, names?: readonly string[]): FeatureTable {
  const columns: FeatureColumn[] = [];
  for (let j = 0; j < X.cols; j++) {
    const values = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) values[i] = X.data[i * X.cols + j]!;
    columns.push({ name: names?.[j] ?? `x${j}`, kind: 'numeric', values });
  }
  return { rows: X.rows, columns };
}

/** The row-major matrix of an all-numeric table; a categorical column left over is an error naming it. */
export function tableToMatrix(t: FeatureTable): Matrix {
  const p = t.columns.length;
  const data = new Float64Array(t.rows * p);
  t.columns.forEach((c, j) => {
    if (c.kind !== 'numeric') {
      throw new LatheError(
        'BAD_DATA',
        `Column '${c.name}' is categorical and was not encoded. Add a one-hot step to the pipeline (or drop the column).`,
        { column: c.name },
      );
    }
    const v = c.values;
    for (let i = 0; i < t.rows; i++) data[i * p + j] = v[i]!;
  });
  return { data, rows: t.rows, cols: p };
}

/** Rows of a table picked by index (e.g. the training rows of a split). */
export function takeTableRows(t: FeatureTable, idx: ArrayLike<number>): FeatureTable {
  const n = idx.length;
  return {
    rows: n,
    columns: t.columns.map((c): FeatureColumn => {
      if (c.kind === 'numeric') {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = c.values[idx[i]!]!;
        return { name: c.name, kind: 'numeric', values };
      }
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = c.codes[idx[i]!]!;
      return { name: c.name, kind: 'categorical', codes, categories: c.categories };
    }),
  };
}

/** The label of a categorical cell, or null when missing. */
export function labelAt(c: CategoricalColumn, i: number): string | null {
  const code = c.codes[i]!;
  return code >= 0 ? (c.categories[code] ?? null) : null;
}
