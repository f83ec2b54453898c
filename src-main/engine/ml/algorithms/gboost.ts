/**
 * Gradient boosting, as scikit-learn's GradientBoostingClassifier and
 * GradientBoostingRegressor.
 *
 * - Classifier: log-loss. Two classes: one tree per stage on the binomial
 *   deviance's negative gradient y − σ(F), initial F = log-odds of the prior.
 *   More classes: one tree per class per stage on y_k − softmax_k(F), initial
 *   F_k = log prior_k. Leaves get scikit-learn's Newton step:
 *   Σr / Σ p(1−p) (times (K−1)/K for K > 2 classes).
 * - Regressor: squared error; each tree fits the residuals, F starts at the mean.
 * - subsample < 1 fits each stage on a random subset (without replacement).
 *
 * Trees are regression trees on the residuals (squared error; Friedman's MSE
 * picks the same splits), exact or histogram split search as the trees
 * (split_search, 'auto' = hist above 20,000 rows). Data is prepared once.
 */
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import {
  GBOOST_CLASSIFIER_OWNER,
  GBOOST_CLASSIFIER_SCHEMA,
  GBOOST_REGRESSOR_OWNER,
  GBOOST_REGRESSOR_SCHEMA,
} from '../../../../src-shared/ml/schemas/gboost.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix, Regressor } from '../estimator.ts';
import { Random } from '../random.ts';
import { stateArray, stateNumber } from '../state.ts';
import { applyTree, chooseSearch, growTree, packTrees, prepare, treeImportances, type PackedTrees, type SplitSearch, type TreeArrays } from './tree-core.ts';
import { argmaxRows, checkMaxFeatures, growConfig, packedFromState, packedState, seedOf } from './tree.ts';

/** F[i * K + (t % K)] += value of tree t's leaf, for every tree. */
function addTrees(p: PackedTrees, K: number, X: Float64Array, rows: number, cols: number, F: Float64Array): void {
  const { offsets, feature, threshold, left, right, value } = p;
  for (let t = 0; t < p.nTrees; t++) {
    const o = offsets[t]!;
    const k = t % K;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      let node = o;
      let f = feature[node]!;
      while (f >= 0) {
        node = o + (X[base + f]! <= threshold[node]! ? left[node]! : right[node]!);
        f = feature[node]!;
      }
      F[i * K + k] = F[i * K + k]! + value[node]!;
    }
  }
}

abstract class BaseBoost {
  readonly algo = 'gboost';
  readonly params: Params;
  protected model: PackedTrees | null = null;
  /** Initial raw score per output column. */
  protected init: Float64Array = new Float64Array(0);
  /** Output columns of the raw score (1, or the class count for > 2 classes). */
  protected K = 1;
  nFeaturesIn = 0;
  splitSearch: SplitSearch = 'exact';
  featureImportances_: Float64Array = new Float64Array(0);
  /** Training loss after each stage (deviance or mean squared error). */
  trainLoss: Float64Array = new Float64Array(0);

  constructor(
    protected readonly owner: string,
    schema: typeof GBOOST_CLASSIFIER_SCHEMA,
    params: Params,
  ) {
    this.params = validateParams(owner, schema, params);
    checkMaxFeatures(owner, this.params);
  }

  get fitted(): boolean {
    return this.model !== null;
  }

  /**
   * The boosting loop. `gradient(F, r)` writes residuals for column k of
   * every row; `leafValue(rows)` gives a leaf's raw value (before shrinkage).
   */
  protected async boost(
    X: Matrix,
    K: number,
    init: Float64Array,
    residuals: (F: Float64Array, k: number, r: Float64Array) => void,
    newton: ((leafOf: Int32Array, inBag: Float64Array | null, r: Float64Array, k: number, tree: TreeArrays) => void) | null,
    loss: (F: Float64Array) => number,
    opts: FitOptions,
  ): Promise<void> {
    this.model = null;
    const { signal, onProgress } = opts;
    checkAborted(signal, this.owner);
    const n = X.rows;
    const d = X.cols;
    const stages = this.params.n_estimators as number;
    const lr = this.params.learning_rate as number;
    const subsample = this.params.subsample as number;
    const search = chooseSearch(this.params.split_search, n);
    const cancelled = signal ? (): boolean => signal.aborted : undefined;
    const prep = prepare(X.data, n, d, search, this.params.max_bins as number, undefined, cancelled);
    const cfg = growConfig(this.params, 'mse', 0, d);
    const rng = new Random(seedOf(this.params));
    const F = new Float64Array(n * K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) F[i * K + k] = init[k]!;
    const r = new Float64Array(n);
    const leafOf = new Int32Array(n);
    const leafAll = new Int32Array(n);
    const inBag = subsample < 1 ? new Float64Array(n) : null;
    const nBag = Math.max(1, Math.floor(subsample * n));
    const trees: TreeArrays[] = [];
    const imp = new Float64Array(d);
    const lossCurve = new Float64Array(stages);
    let last = performance.now();
    for (let m = 0; m < stages; m++) {
      if (inBag) {
        inBag.fill(0);
        const pick = rng.sample(n, nBag);
        for (let j = 0; j < nBag; j++) inBag[pick[j]!] = 1;
      }
      for (let k = 0; k < K; k++) {
        residuals(F, k, r);
        const tree = growTree(prep, r, inBag, cfg, rng, search, leafOf, cancelled);
        if (newton) newton(leafOf, inBag, r, k, tree);
        const v = tree.value;
        for (let j = 0; j < v.length; j++) v[j] = v[j]! * lr;
        const ti = treeImportances(tree, d, false);
        for (let f = 0; f < d; f++) imp[f] = imp[f]! + ti[f]!;
        // update every row's raw score (out-of-bag rows too, as scikit-learn)
        applyTree(tree, X.data, n, d, leafAll);
        for (let i = 0; i < n; i++) F[i * K + k] = F[i * K + k]! + v[leafAll[i]!]!;
        trees.push(tree);
      }
      lossCurve[m] = loss(F);
      if (performance.now() - last > 50) {
        onProgress?.((m + 1) / stages, `stage ${m + 1} of ${stages}`, { stage: m + 1, loss: lossCurve[m] });
        await new Promise((res) => setImmediate(res));
        last = performance.now();
      }
      checkAborted(signal, this.owner);
    }
    let s = 0;
    for (let f = 0; f < d; f++) s += imp[f]!;
    if (s > 0) for (let f = 0; f < d; f++) imp[f] = imp[f]! / s;
    this.featureImportances_ = imp;
    this.trainLoss = lossCurve;
    this.model = packTrees(trees, 1);
    this.init = Float64Array.from(init);
    this.K = K;
    this.nFeaturesIn = d;
    this.splitSearch = search;
    onProgress?.(1, `${stages} stages`);
  }

  /** Raw scores F (rows × K). */
  protected raw(X: Matrix): Float64Array {
    const p = this.model;
    if (!p) throw notFitted(this.owner);
    checkPredictMatrix(X, this.nFeaturesIn, this.owner);
    const K = this.K;
    const F = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) F[i * K + k] = this.init[k]!;
    addTrees(p, K, X.data, X.rows, X.cols, F);
    return F;
  }

  protected baseState(): Record<string, unknown> {
    if (!this.model) throw notFitted(this.owner);
    return {
      ...packedState(this.model),
      init: Float64Array.from(this.init),
      K: this.K,
      nFeaturesIn: this.nFeaturesIn,
      splitSearch: this.splitSearch,
      featureImportances: Float64Array.from(this.featureImportances_),
      trainLoss: Float64Array.from(this.trainLoss),
    };
  }

  protected restore(st: Record<string, unknown>): void {
    this.nFeaturesIn = stateNumber(st, 'nFeaturesIn', this.owner);
    this.model = packedFromState(st, this.owner, this.nFeaturesIn);
    this.init = stateArray(st, 'init', 'Float64Array', this.owner);
    this.K = stateNumber(st, 'K', this.owner);
    this.splitSearch = st.splitSearch === 'hist' ? 'hist' : 'exact';
    this.featureImportances_ = stateArray(st, 'featureImportances', 'Float64Array', this.owner);
    this.trainLoss = st.trainLoss instanceof Float64Array ? st.trainLoss : new Float64Array(0);
  }
}

/** Newton step per leaf: num / den over the leaf's in-bag rows; 0 when den ≈ 0. */
function newtonLeaves(tree: TreeArrays, leafOf: Int32Array, inBag: Float64Array | null, r: Float64Array, p: (i: number) => number, factor: number): void {
  const num = new Float64Array(tree.nNodes);
  const den = new Float64Array(tree.nNodes);
  for (let i = 0; i < leafOf.length; i++) {
    if (inBag && inBag[i] === 0) continue;
    const l = leafOf[i]!;
    const pi = p(i);
    num[l] = num[l]! + r[i]!;
    den[l] = den[l]! + pi * (1 - pi);
  }
  const v = tree.value;
  for (let l = 0; l < tree.nNodes; l++) {
    if (tree.feature[l]! >= 0) continue;
    const dd = den[l]!;
    v[l] = Math.abs(dd) < 1e-150 ? 0 : (factor * num[l]!) / dd;
  }
}

export class GradientBoostingClassifier extends BaseBoost implements Classifier {
  nClasses = 0;

  constructor(params: Params = {}) {
    super(GBOOST_CLASSIFIER_OWNER, GBOOST_CLASSIFIER_SCHEMA, params);
  }

  async fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): Promise<this> {
    checkMatrix(X, this.owner);
    const { nClasses, counts } = checkClassTargets(y, X.rows, this.owner);
    const n = X.rows;
    this.nClasses = 0;
    const eps = 2.220446049250313e-16;
    if (nClasses === 2) {
      const p1 = counts[1]! / n;
      const init = Float64Array.of(Math.log(p1 / (1 - p1)));
      const prob = new Float64Array(n);
      await this.boost(
        X,
        1,
        init,
        (F, _k, r) => {
          for (let i = 0; i < n; i++) {
            const p = 1 / (1 + Math.exp(-F[i]!));
            prob[i] = p;
            r[i] = y[i]! - p;
          }
        },
        (leafOf, inBag, r, _k, tree) => newtonLeaves(tree, leafOf, inBag, r, (i) => prob[i]!, 1),
        (F) => {
          // binomial deviance (mean log-loss × 2, as scikit-learn's)
          let s = 0;
          for (let i = 0; i < n; i++) {
            const f = F[i]!;
            s += (y[i]! === 1 ? -f : 0) + Math.log1p(Math.exp(-Math.abs(f))) + Math.max(f, 0);
          }
          return (2 * s) / n;
        },
        opts,
      );
    } else {
      const K = nClasses;
      const init = new Float64Array(K);
      for (let k = 0; k < K; k++) init[k] = Math.log(Math.max(counts[k]! / n, eps));
      const P = new Float64Array(n * K);
      const softmax = (F: Float64Array): void => {
        for (let i = 0; i < n; i++) {
          const b = i * K;
          let mx = -Infinity;
          for (let k = 0; k < K; k++) if (F[b + k]! > mx) mx = F[b + k]!;
          let s = 0;
          for (let k = 0; k < K; k++) {
            const e = Math.exp(F[b + k]! - mx);
            P[b + k] = e;
            s += e;
          }
          for (let k = 0; k < K; k++) P[b + k] = P[b + k]! / s;
        }
      };
      await this.boost(
        X,
        K,
        init,
        (F, k, r) => {
          // scikit-learn computes every class's gradient from the stage-start scores
          if (k === 0) softmax(F);
          for (let i = 0; i < n; i++) r[i] = (y[i]! === k ? 1 : 0) - P[i * K + k]!;
        },
        (leafOf, inBag, r, k, tree) => newtonLeaves(tree, leafOf, inBag, r, (i) => P[i * K + k]!, (K - 1) / K),
        (F) => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            const b = i * K;
            let mx = -Infinity;
            for (let k = 0; k < K; k++) if (F[b + k]! > mx) mx = F[b + k]!;
            let z = 0;
            for (let k = 0; k < K; k++) z += Math.exp(F[b + k]! - mx);
            s += mx + Math.log(z) - F[b + y[i]!]!;
          }
          return s / n;
        },
        opts,
      );
    }
    this.nClasses = nClasses;
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const F = this.raw(X);
    const n = X.rows;
    const C = this.nClasses;
    const P = new Float64Array(n * C);
    if (this.K === 1) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-F[i]!));
        P[i * 2] = 1 - p;
        P[i * 2 + 1] = p;
      }
      return P;
    }
    for (let i = 0; i < n; i++) {
      const b = i * C;
      let mx = -Infinity;
      for (let k = 0; k < C; k++) if (F[b + k]! > mx) mx = F[b + k]!;
      let s = 0;
      for (let k = 0; k < C; k++) {
        const e = Math.exp(F[b + k]! - mx);
        P[b + k] = e;
        s += e;
      }
      for (let k = 0; k < C; k++) P[b + k] = P[b + k]! / s;
    }
    return P;
  }

  /** Raw scores: log-odds (2 classes, rows × 1) or per-class scores (rows × K). */
  decisionFunction(X: Matrix): Float64Array {
    return this.raw(X);
  }

  predict(X: Matrix): Int32Array {
    if (this.K === 1) {
      const F = this.raw(X);
      const out = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) out[i] = F[i]! > 0 ? 1 : 0;
      return out;
    }
    return argmaxRows(this.raw(X), X.rows, this.K);
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'classification', nClasses: this.nClasses, ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): GradientBoostingClassifier {
    const m = new GradientBoostingClassifier(s.params);
    m.restore(s.state);
    m.nClasses = stateNumber(s.state, 'nClasses', GBOOST_CLASSIFIER_OWNER);
    return m;
  }
}

export class GradientBoostingRegressor extends BaseBoost implements Regressor {
  constructor(params: Params = {}) {
    super(GBOOST_REGRESSOR_OWNER, GBOOST_REGRESSOR_SCHEMA, params);
  }

  async fit(X: Matrix, y: Float64Array, opts: FitOptions = {}): Promise<this> {
    checkMatrix(X, this.owner);
    checkRegressionTargets(y, X.rows, this.owner);
    const n = X.rows;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i]!;
    mean /= n;
    await this.boost(
      X,
      1,
      Float64Array.of(mean),
      (F, _k, r) => {
        for (let i = 0; i < n; i++) r[i] = y[i]! - F[i]!;
      },
      null,
      (F) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += (y[i]! - F[i]!) ** 2;
        return s / n;
      },
      opts,
    );
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.raw(X);
  }

  score(X: Matrix, y: Float64Array): number {
    return r2Of(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'regression', ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): GradientBoostingRegressor {
    const m = new GradientBoostingRegressor(s.params);
    m.restore(s.state);
    return m;
  }
}
