/**
 * k-nearest neighbours, as scikit-learn 1.2's KNeighborsClassifier and
 * KNeighborsRegressor: fit keeps the training rows; predict finds each row's
 * k nearest (ties in distance → smaller training index) and votes (classes:
 * ties → smaller class code) or averages (regression), uniformly or by
 * 1/distance (exact matches take all the weight, as sklearn).
 *
 * Search: 'brute' (blocked distance matrices) or 'kd_tree'; 'auto' takes the
 * KD-tree for ≤ 15 features and enough rows, where it prunes well.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams } from '../../../../src-shared/ml/params.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import { KNN_CLASSIFIER_OWNER, KNN_CLASSIFIER_SCHEMA, KNN_REGRESSOR_OWNER, KNN_REGRESSOR_SCHEMA } from '../../../../src-shared/ml/schemas/knn.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix, Regressor } from '../estimator.ts';
import { stateArray, stateNumber } from '../state.ts';
import { bruteKnn, KdTree, packRows, warmHelpers } from './knn-search.ts';
import type { MetricKind, Neighbours, PackedRows, SearchOptions } from './knn-search.ts';

interface Index {
  X: Matrix;
  /** training rows packed for the euclidean brute-force kernel */
  packed: PackedRows | null;
  tree: KdTree | null;
  metric: MetricKind;
  p: number;
  /** which search predict uses */
  method: 'brute' | 'kd_tree';
}

function metricOf(params: Params): { metric: MetricKind; p: number } {
  const m = params.metric as string;
  if (m === 'euclidean') return { metric: 'euclidean', p: 2 };
  if (m === 'manhattan') return { metric: 'manhattan', p: 1 };
  const p = params.p as number;
  if (p === 2) return { metric: 'euclidean', p: 2 };
  if (p === 1) return { metric: 'manhattan', p: 1 };
  return { metric: 'minkowski', p };
}

function buildIndex(params: Params, X: Matrix): Index {
  const { metric, p } = metricOf(params);
  const algo = params.algorithm as string;
  const method = algo === 'brute' ? 'brute' : algo === 'kd_tree' ? 'kd_tree' : X.cols <= 15 && X.rows >= 64 ? 'kd_tree' : 'brute';
  const packed = method === 'brute' && metric === 'euclidean' ? packRows(X) : null;
  if (packed) warmHelpers(packed);
  return {
    X,
    packed,
    tree: method === 'kd_tree' ? new KdTree(X, params.leaf_size as number) : null,
    metric,
    p,
    method,
  };
}

function search(ix: Index, Q: Matrix, k: number, opts?: SearchOptions): Neighbours {
  return ix.tree ? ix.tree.query(Q, k, ix.metric, ix.p, opts) : bruteKnn(ix.X, ix.packed, Q, k, ix.metric, ix.p, opts);
}

function copyMatrix(X: Matrix): Matrix {
  return { data: Float64Array.from(X.data), rows: X.rows, cols: X.cols };
}

function checkK(k: number, rows: number, owner: string): void {
  if (k > rows) {
    throw new LatheError(
      'BAD_DATA',
      `${owner}: n_neighbors = ${k} but there are only ${rows} training rows; n_neighbors must be at most the number of training rows. Lower n_neighbors or give more rows.`,
      { param: 'n_neighbors', value: k, rows },
    );
  }
}

/** sklearn's _get_weights('distance'): 1/d, or for rows with an exact match 1 for the matches and 0 elsewhere. */
function distanceWeights(dist: Float64Array, o: number, k: number, w: Float64Array): void {
  let zero = false;
  for (let j = 0; j < k; j++) if (dist[o + j] === 0) zero = true;
  for (let j = 0; j < k; j++) w[j] = zero ? (dist[o + j] === 0 ? 1 : 0) : 1 / dist[o + j]!;
}

abstract class KNeighborsBase {
  readonly params: Params;
  protected ix: Index | null = null;

  constructor(
    protected readonly owner: string,
    schema: Parameters<typeof validateParams>[1],
    params: Params,
  ) {
    this.params = validateParams(owner, schema, params);
  }

  get fitted(): boolean {
    return this.ix !== null;
  }

  /** Which search predict uses ('brute' or 'kd_tree'), once fitted. */
  get searchMethod(): 'brute' | 'kd_tree' | null {
    return this.ix?.method ?? null;
  }

  /** The k nearest training rows of each row of X (k defaults to n_neighbors). */
  kneighbors(X: Matrix, k = this.params.n_neighbors as number, opts: SearchOptions = {}): Neighbours {
    const ix = this.need();
    checkPredictMatrix(X, ix.X.cols, this.owner);
    checkK(k, ix.X.rows, this.owner);
    return search(ix, X, k, opts);
  }

  protected fitIndex(X: Matrix, opts: FitOptions): void {
    checkAborted(opts.signal, this.owner);
    checkK(this.params.n_neighbors as number, X.rows, this.owner);
    this.ix = buildIndex(this.params, copyMatrix(X));
    opts.onProgress?.(1, this.ix.method === 'kd_tree' ? 'KD-tree built' : 'training rows stored');
  }

  protected need(): Index {
    if (!this.ix) throw notFitted(this.owner);
    return this.ix;
  }
}

export class KNeighborsClassifier extends KNeighborsBase implements Classifier {
  readonly algo = 'knn';
  private y: Int32Array | null = null;
  private k = 0;

  constructor(params: Params = {}) {
    super(KNN_CLASSIFIER_OWNER, KNN_CLASSIFIER_SCHEMA, params);
  }

  get nClasses(): number {
    return this.k;
  }

  fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): this {
    this.ix = null;
    this.y = null;
    checkMatrix(X, this.owner);
    const { nClasses } = checkClassTargets(y, X.rows, this.owner);
    this.fitIndex(X, opts);
    this.y = Int32Array.from(y);
    this.k = nClasses;
    return this;
  }

  /** Per-class weight sums for each row (n × nClasses), normalised to probabilities. */
  predictProba(X: Matrix, opts: SearchOptions = {}): Float64Array {
    const nb = this.kneighbors(X, this.params.n_neighbors as number, opts);
    const K = this.k;
    const k = nb.k;
    const y = this.y!;
    const out = new Float64Array(X.rows * K);
    const w = new Float64Array(k).fill(1);
    const uniform = this.params.weights === 'uniform';
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      if (!uniform) distanceWeights(nb.distances, o, k, w);
      let s = 0;
      for (let j = 0; j < k; j++) {
        const c = y[nb.indices[o + j]!]!;
        out[i * K + c] = out[i * K + c]! + w[j]!;
        s += w[j]!;
      }
      for (let c = 0; c < K; c++) out[i * K + c] = out[i * K + c]! / s;
    }
    return out;
  }

  predict(X: Matrix, opts: SearchOptions = {}): Int32Array {
    // argmax of the class weight sums; ties → smallest class code (sklearn's mode)
    const nb = this.kneighbors(X, this.params.n_neighbors as number, opts);
    const K = this.k;
    const k = nb.k;
    const y = this.y!;
    const out = new Int32Array(X.rows);
    const votes = new Float64Array(K);
    const w = new Float64Array(k).fill(1);
    const uniform = this.params.weights === 'uniform';
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      if (!uniform) distanceWeights(nb.distances, o, k, w);
      votes.fill(0);
      for (let j = 0; j < k; j++) {
        const c = y[nb.indices[o + j]!]!;
        votes[c] = votes[c]! + w[j]!;
      }
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c]! > votes[best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    const ix = this.need();
    return {
      algo: this.algo,
      params: { ...this.params },
      state: { task: 'classification', X: ix.X.data, rows: ix.X.rows, cols: ix.X.cols, y: this.y!, nClasses: this.k },
    };
  }

  static fromJSON(s: EstimatorState): KNeighborsClassifier {
    const e = new KNeighborsClassifier(s.params);
    const st = s.state;
    const X = { data: stateArray(st, 'X', 'Float64Array', e.owner), rows: stateNumber(st, 'rows', e.owner), cols: stateNumber(st, 'cols', e.owner) };
    e.y = stateArray(st, 'y', 'Int32Array', e.owner);
    e.k = stateNumber(st, 'nClasses', e.owner);
    e.ix = buildIndex(e.params, X);
    return e;
  }
}

export class KNeighborsRegressor extends KNeighborsBase implements Regressor {
  readonly algo = 'knn';
  private y: Float64Array | null = null;

  constructor(params: Params = {}) {
    super(KNN_REGRESSOR_OWNER, KNN_REGRESSOR_SCHEMA, params);
  }

  fit(X: Matrix, y: Float64Array, opts: FitOptions = {}): this {
    this.ix = null;
    this.y = null;
    checkMatrix(X, this.owner);
    checkRegressionTargets(y, X.rows, this.owner);
    this.fitIndex(X, opts);
    this.y = Float64Array.from(y);
    return this;
  }

  predict(X: Matrix, opts: SearchOptions = {}): Float64Array {
    const nb = this.kneighbors(X, this.params.n_neighbors as number, opts);
    const k = nb.k;
    const y = this.y!;
    const out = new Float64Array(X.rows);
    const w = new Float64Array(k).fill(1);
    const uniform = this.params.weights === 'uniform';
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      if (!uniform) distanceWeights(nb.distances, o, k, w);
      let s = 0;
      let ws = 0;
      for (let j = 0; j < k; j++) {
        s += w[j]! * y[nb.indices[o + j]!]!;
        ws += w[j]!;
      }
      out[i] = s / ws;
    }
    return out;
  }

  score(X: Matrix, y: Float64Array): number {
    return r2Of(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    const ix = this.need();
    return {
      algo: this.algo,
      params: { ...this.params },
      state: { task: 'regression', X: ix.X.data, rows: ix.X.rows, cols: ix.X.cols, y: this.y! },
    };
  }

  static fromJSON(s: EstimatorState): KNeighborsRegressor {
    const e = new KNeighborsRegressor(s.params);
    const st = s.state;
    const X = { data: stateArray(st, 'X', 'Float64Array', e.owner), rows: stateNumber(st, 'rows', e.owner), cols: stateNumber(st, 'cols', e.owner) };
    e.y = stateArray(st, 'y', 'Float64Array', e.owner);
    e.ix = buildIndex(e.params, X);
    return e;
  }
}
