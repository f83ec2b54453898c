/**
 * Decision trees (CART), as scikit-learn's DecisionTreeClassifier and
 * DecisionTreeRegressor. The split search is exact (presorted features) up to
 * 20,000 rows and histogram-binned above (param split_search; the fitted
 * model reports which in `splitSearch`). See tree-core.ts.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import {
  TREE_CLASSIFIER_OWNER,
  TREE_CLASSIFIER_SCHEMA,
  TREE_REGRESSOR_OWNER,
  TREE_REGRESSOR_SCHEMA,
} from '../../../../src-shared/ml/schemas/tree.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix, Regressor } from '../estimator.ts';
import { Random } from '../random.ts';
import { sklearnSplitterSeed } from '../sk-random.ts';
import { stateArray, stateNumber } from '../state.ts';
import {
  accumulateTrees,
  checkPacked,
  chooseSearch,
  growTree,
  packTrees,
  prepare,
  resolveMaxFeatures,
  treeImportances,
  type Criterion,
  type GrowConfig,
  type PackedTrees,
  type SplitSearch,
} from './tree-core.ts';

/** Growth settings from validated params (shared by tree, forest, boosting). */
export function growConfig(params: Params, criterion: Criterion, nClasses: number, d: number): GrowConfig {
  const maxDepth = params.max_depth;
  return {
    criterion,
    nClasses,
    maxDepth: typeof maxDepth === 'number' ? maxDepth : 0x7fffffff,
    minSamplesSplit: params.min_samples_split as number,
    minSamplesLeaf: params.min_samples_leaf as number,
    minImpurityDecrease: params.min_impurity_decrease as number,
    maxFeatures: resolveMaxFeatures(params.max_features, d),
  };
}

/** max_features beyond the schema's reach: a number above 1 must be a whole count. */
export function checkMaxFeatures(owner: string, params: Params): void {
  const v = params.max_features;
  if (typeof v === 'number' && v > 1 && !Number.isInteger(v)) {
    throw new LatheError(
      'INVALID_PARAM',
      `The 'max_features' parameter of ${owner} must be a str among {'sqrt', 'log2'}, a float in the range (0.0, 1.0], an int in the range [2, inf) or None. Got ${v} instead.`,
      { param: 'max_features', value: v },
    );
  }
}

export function seedOf(params: Params): number {
  const s = params.random_state;
  return typeof s === 'number' ? s : 0;
}

export function criterionOf(params: Params): Criterion {
  const c = params.criterion;
  return c === 'entropy' || c === 'log_loss' ? 'entropy' : c === 'gini' ? 'gini' : 'mse';
}

export function packedState(p: PackedTrees): Record<string, unknown> {
  return { nTrees: p.nTrees, nOut: p.nOut, offsets: p.offsets, feature: p.feature, threshold: p.threshold, left: p.left, right: p.right, value: p.value };
}

export function packedFromState(st: Record<string, unknown>, owner: string, nFeatures: number): PackedTrees {
  const p: PackedTrees = {
    nTrees: stateNumber(st, 'nTrees', owner),
    nOut: stateNumber(st, 'nOut', owner),
    offsets: stateArray(st, 'offsets', 'Int32Array', owner),
    feature: stateArray(st, 'feature', 'Int32Array', owner),
    threshold: stateArray(st, 'threshold', 'Float64Array', owner),
    left: stateArray(st, 'left', 'Int32Array', owner),
    right: stateArray(st, 'right', 'Int32Array', owner),
    value: stateArray(st, 'value', 'Float64Array', owner),
  };
  checkPacked(p, nFeatures, owner);
  return p;
}

abstract class BaseTree {
  readonly algo = 'tree';
  readonly params: Params;
  protected tree: PackedTrees | null = null;
  /** Weighted samples and impurity per node (for inspection; kept in the state). */
  nodeWeight: Float64Array | null = null;
  nodeImpurity: Float64Array | null = null;
  nFeaturesIn = 0;
  /** Which split search the fit used. */
  splitSearch: SplitSearch = 'exact';
  featureImportances_: Float64Array = new Float64Array(0);

  constructor(
    protected readonly owner: string,
    schema: typeof TREE_CLASSIFIER_SCHEMA,
    params: Params,
  ) {
    this.params = validateParams(owner, schema, params);
    checkMaxFeatures(owner, this.params);
  }

  get fitted(): boolean {
    return this.tree !== null;
  }

  /** Number of nodes and depth of the fitted tree. */
  get nodeCount(): number {
    return this.tree ? this.tree.offsets[1]! : 0;
  }

  get depth(): number {
    const t = this.tree;
    if (!t) return 0;
    const depth = new Int32Array(t.offsets[1]!);
    let max = 0;
    for (let i = 0; i < depth.length; i++) {
      if (t.feature[i]! >= 0) {
        depth[t.left[i]!] = depth[i]! + 1;
        depth[t.right[i]!] = depth[i]! + 1;
      }
      if (depth[i]! > max) max = depth[i]!;
    }
    return max;
  }

  protected grow(X: Matrix, y: Int32Array | Float64Array, criterion: Criterion, nClasses: number, opts: FitOptions): void {
    this.tree = null;
    this.nodeWeight = null;
    this.nodeImpurity = null;
    checkAborted(opts.signal, this.owner);
    const signal = opts.signal;
    const cancelled = signal ? (): boolean => signal.aborted : undefined;
    const search = chooseSearch(this.params.split_search, X.rows);
    // classification with exact search scans low-cardinality features by per-value counts (sklearn's proxies: see tree-core)
    const prep = prepare(X.data, X.rows, X.cols, search, this.params.max_bins as number, undefined, cancelled, criterion !== 'mse' && search === 'exact');
    checkAborted(opts.signal, this.owner);
    const cfg = growConfig(this.params, criterion, nClasses, X.cols);
    // exact search grows scikit-learn's tree for the same random_state (same feature order, same tie-breaks)
    if (search === 'exact') cfg.sklearnSeed = sklearnSplitterSeed(seedOf(this.params));
    const t = growTree(prep, y, null, cfg, new Random(seedOf(this.params)), search, undefined, cancelled);
    this.nodeWeight = t.weight;
    this.nodeImpurity = t.impurity;
    this.tree = packTrees([t], t.nOut);
    this.nFeaturesIn = X.cols;
    this.splitSearch = search;
    this.featureImportances_ = treeImportances(t, X.cols);
    opts.onProgress?.(1, `${t.nNodes} nodes`);
  }

  /** Leaf values per row: class proportions or the predicted value. */
  protected values(X: Matrix): Float64Array {
    if (!this.tree) throw notFitted(this.owner);
    checkPredictMatrix(X, this.nFeaturesIn, this.owner);
    const out = new Float64Array(X.rows * this.tree.nOut);
    accumulateTrees(this.tree, X.data, X.rows, X.cols, out);
    return out;
  }

  protected baseState(): Record<string, unknown> {
    if (!this.tree) throw notFitted(this.owner);
    const st: Record<string, unknown> = {
      ...packedState(this.tree),
      nFeaturesIn: this.nFeaturesIn,
      splitSearch: this.splitSearch,
      featureImportances: Float64Array.from(this.featureImportances_),
    };
    if (this.nodeWeight && this.nodeImpurity) {
      st.nodeWeight = Float64Array.from(this.nodeWeight);
      st.nodeImpurity = Float64Array.from(this.nodeImpurity);
    }
    return st;
  }

  protected restore(st: Record<string, unknown>): void {
    this.nFeaturesIn = stateNumber(st, 'nFeaturesIn', this.owner);
    this.tree = packedFromState(st, this.owner, this.nFeaturesIn);
    this.splitSearch = st.splitSearch === 'hist' ? 'hist' : 'exact';
    this.featureImportances_ = stateArray(st, 'featureImportances', 'Float64Array', this.owner);
    const nodes = this.tree.offsets[1]!;
    const w = st.nodeWeight;
    const imp = st.nodeImpurity;
    const ok = (a: unknown): a is Float64Array => a instanceof Float64Array && a.length === nodes;
    this.nodeWeight = ok(w) ? w : null;
    this.nodeImpurity = ok(imp) ? imp : null;
  }
}

export class DecisionTreeClassifier extends BaseTree implements Classifier {
  nClasses = 0;

  constructor(params: Params = {}) {
    super(TREE_CLASSIFIER_OWNER, TREE_CLASSIFIER_SCHEMA, params);
  }

  fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): this {
    checkMatrix(X, this.owner);
    const { nClasses } = checkClassTargets(y, X.rows, this.owner);
    this.grow(X, y, criterionOf(this.params), nClasses, opts);
    this.nClasses = nClasses;
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    return this.values(X);
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(this.values(X), X.rows, this.nClasses);
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'classification', nClasses: this.nClasses, ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): DecisionTreeClassifier {
    const m = new DecisionTreeClassifier(s.params);
    m.restore(s.state);
    m.nClasses = stateNumber(s.state, 'nClasses', TREE_CLASSIFIER_OWNER);
    return m;
  }
}

export class DecisionTreeRegressor extends BaseTree implements Regressor {
  constructor(params: Params = {}) {
    super(TREE_REGRESSOR_OWNER, TREE_REGRESSOR_SCHEMA, params);
  }

  fit(X: Matrix, y: Float64Array, opts: FitOptions = {}): this {
    checkMatrix(X, this.owner);
    checkRegressionTargets(y, X.rows, this.owner);
    this.grow(X, y, 'mse', 0, opts);
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.values(X);
  }

  score(X: Matrix, y: Float64Array): number {
    return r2Of(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'regression', ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): DecisionTreeRegressor {
    const m = new DecisionTreeRegressor(s.params);
    m.restore(s.state);
    return m;
  }
}

/** Index of the largest value per row (first on ties, as numpy's argmax). */
export function argmaxRows(P: Float64Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const b = i * k;
    let best = 0;
    let bv = P[b]!;
    for (let c = 1; c < k; c++) {
      const v = P[b + c]!;
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
