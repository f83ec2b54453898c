/**
 * The data a network trains on, and its checks. No TensorFlow.js here, so
 * the main thread can check a request before it starts a worker.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { NnSpec } from '../../../src-shared/ml/nn.ts';
import type { NnMatrix } from './scaling.ts';

export interface NnFitData {
  X: NnMatrix;
  /** Class codes 0..k-1 (classification) or numbers (regression). */
  y: Int32Array | Float64Array | Float32Array;
  /** Number of classes; defaults to max(y) + 1. */
  nClasses?: number;
  /** Held-out rows to predict once trained (the final evaluation). */
  test?: { X: NnMatrix; y?: Int32Array | Float64Array | Float32Array };
}

/** Check the data's shapes and values; returns the number of outputs (classes, or 1). */
export function checkData(data: NnFitData, task: NnSpec['task']): number {
  const { X, y } = data;
  if (!X || !(X.data instanceof Float64Array || X.data instanceof Float32Array)) {
    throw new LatheError('BAD_DATA', 'The training rows must be a matrix {data: Float64Array | Float32Array, rows, cols}.', { param: 'X' });
  }
  if (!(X.rows >= 1) || !(X.cols >= 1) || X.data.length !== X.rows * X.cols) {
    throw new LatheError('BAD_DATA', `The training matrix says ${X.rows} rows × ${X.cols} columns but holds ${X.data.length} values.`, { param: 'X' });
  }
  if (y.length !== X.rows) {
    throw new LatheError('BAD_DATA', `There are ${X.rows} training rows but ${y.length} target values.`, { param: 'y' });
  }
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i]!)) {
      const row = Math.floor(i / X.cols);
      const column = i % X.cols;
      throw new LatheError('BAD_DATA', `Row ${row + 1}, column ${column + 1} of the training data is ${X.data[i]}; networks need every value present. Drop or impute missing values first.`, {
        line: row + 1,
        column: column + 1,
      });
    }
  }
  if (task === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i]!)) throw new LatheError('BAD_DATA', `Target value ${i + 1} is ${y[i]}; every row needs a numeric target.`, { line: i + 1, param: 'y' });
    }
    return 1;
  }
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new LatheError('BAD_DATA', `Target value ${i + 1} is ${v}; classification needs class codes 0, 1, 2, ... (encode the labels first).`, { line: i + 1, param: 'y' });
    }
    if (v > max) max = v;
  }
  const k = data.nClasses ?? max + 1;
  if (max >= k) throw new LatheError('BAD_DATA', `A target class code is ${max} but nClasses is ${k}.`, { param: 'y' });
  if (k < 2) throw new LatheError('BAD_DATA', 'Classification needs at least two classes; the target has one.', { param: 'y' });
  return k;
}

