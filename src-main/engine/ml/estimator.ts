/**
 * The one estimator interface (scikit-learn's conventions, see STYLE.md):
 * constructors hold parameters and no logic; fit validates, resets and
 * returns the estimator; predict before fit throws NOT_FITTED; score is one
 * number, higher is better; toJSON/fromJSON carry the whole fitted state.
 *
 * Data is a dense row-major matrix in one Float64Array (n rows × d columns):
 * blocked, cache-friendly loops and zero-copy transfer to workers. Class
 * labels are encoded as 0..k-1 (Int32Array); the label names live with the
 * pipeline/model bundle, not in the estimator.
 */
import type { Params } from '../../../src-shared/ml/params.ts';

export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface FitOptions {
  signal?: AbortSignal;
  /** fraction in 0..1; message optional; partial = anything worth showing live. */
  onProgress?: (fraction: number, message?: string, partial?: unknown) => void;
}

/** What toJSON gives: plain JSON plus typed arrays (kept binary in bundles). */
export interface EstimatorState {
  algo: string;
  params: Params;
  /** Fitted state. Typed arrays allowed (they travel/serialise as binary). */
  state: Record<string, unknown>;
}

export interface Estimator {
  readonly algo: string;
  readonly params: Params;
  readonly fitted: boolean;
  fit(X: Matrix, y?: Float64Array | Int32Array, opts?: FitOptions): this | Promise<this>;
  predict(X: Matrix): Float64Array | Int32Array;
  score(X: Matrix, y?: Float64Array | Int32Array): number;
  toJSON(): EstimatorState;
}

export interface Classifier extends Estimator {
  readonly nClasses: number;
  fit(X: Matrix, y: Int32Array, opts?: FitOptions): this | Promise<this>;
  predict(X: Matrix): Int32Array;
  /** n × nClasses row-major probabilities. */
  predictProba(X: Matrix): Float64Array;
}

export interface Regressor extends Estimator {
  fit(X: Matrix, y: Float64Array, opts?: FitOptions): this | Promise<this>;
  predict(X: Matrix): Float64Array;
}
