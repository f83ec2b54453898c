/**
 * Random forests, as scikit-learn's RandomForestClassifier and
 * RandomForestRegressor: bootstrap samples (as integer weights), a random
 * feature subset per split, probabilities and predictions averaged over trees.
 *
 * Trees grow on the worker pool (parallel.ts): the prepared data (column-major
 * X plus presorted indices or uint8 bin codes) sits in SharedArrayBuffers,
 * each task grows a contiguous range of trees, and tree i is seeded from
 * (random_state, i) only, so the forest is identical whatever the number of
 * threads. Small forests grow on the calling thread (same trees).
 *
 * With exact split search the forest draws its randomness as scikit-learn
 * does (sk-random.ts): tree i's seed is the i-th RandomState(random_state)
 * .randint(2^31 − 1), its bootstrap is RandomState(seed).randint(0, n, n)
 * and its splitter stream starts from the same seed, so for the same
 * random_state it grows scikit-learn's trees.
 */
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import {
  FOREST_CLASSIFIER_OWNER,
  FOREST_CLASSIFIER_SCHEMA,
  FOREST_REGRESSOR_OWNER,
  FOREST_REGRESSOR_SCHEMA,
} from '../../../../src-shared/ml/schemas/forest.ts';
import { LatheError } from '../../../../src-shared/errors.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix, Regressor } from '../estimator.ts';
import { chunks, sharedPool, threadCount, type TaskContext, type TaskSpec } from '../parallel.ts';
import { Random, deriveSeed } from '../random.ts';
import { MT19937, sklearnSplitterSeed } from '../sk-random.ts';
import { stateArray, stateNumber } from '../state.ts';
import {
  HEAP_ALLOC,
  SHARED_ALLOC,
  accumulateTrees,
  chooseSearch,
  growTree,
  packTrees,
  prepare,
  treeImportances,
  type GrowConfig,
  type PackedTrees,
  type Prepared,
  type SplitSearch,
  type TreeArrays,
} from './tree-core.ts';
import { argmaxRows, checkMaxFeatures, criterionOf, growConfig, packedFromState, packedState, seedOf } from './tree.ts';

export interface GrowTreesArgs {
  prep: Prepared;
  y: Int32Array | Float64Array;
  cfg: GrowConfig;
  mode: SplitSearch;
  seed: number;
  bootstrap: boolean;
  /** scikit-learn's per-tree seeds (exact search): bootstrap and splitter streams as scikit-learn draws them. */
  treeSeeds?: number[];
  /** trees from..to-1 */
  from: number;
  to: number;
}

export interface GrowTreesResult {
  trees: TreeArrays[];
}

/** Grow trees from..to-1 of a forest (runs in a worker or in-thread). */
export function growForestTrees(a: GrowTreesArgs, ctx: TaskContext): GrowTreesResult {
  const n = a.prep.n;
  const trees: TreeArrays[] = [];
  const w = a.bootstrap ? new Float64Array(n) : null;
  for (let t = a.from; t < a.to; t++) {
    if (ctx.cancelled()) throw new LatheError('CANCELLED', 'Growing the forest was cancelled.');
    const rng = new Random(deriveSeed(a.seed, t));
    const skSeed = a.treeSeeds?.[t];
    if (w) {
      w.fill(0);
      const mt = skSeed !== undefined ? new MT19937(skSeed) : null;
      for (let i = 0; i < n; i++) {
        const r = mt ? mt.randint(n) : rng.int(n);
        w[r] = w[r]! + 1;
      }
    }
    const cfg = skSeed !== undefined ? { ...a.cfg, sklearnSeed: sklearnSplitterSeed(skSeed) } : a.cfg;
    trees.push(growTree(a.prep, a.y, w, cfg, rng, a.mode, undefined, () => ctx.cancelled()));
    ctx.post(1);
  }
  return { trees };
}

/** Rows × trees below which the forest grows on the calling thread. */
const PARALLEL_MIN_WORK = 100_000;

abstract class BaseForest {
  readonly algo = 'forest';
  readonly params: Params;
  protected forest: PackedTrees | null = null;
  nFeaturesIn = 0;
  splitSearch: SplitSearch = 'exact';
  featureImportances_: Float64Array = new Float64Array(0);
  /** Threads the last fit used (1 = the calling thread). */
  threadsUsed = 1;

  constructor(
    protected readonly owner: string,
    schema: typeof FOREST_CLASSIFIER_SCHEMA,
    params: Params,
  ) {
    this.params = validateParams(owner, schema, params);
    checkMaxFeatures(owner, this.params);
  }

  get fitted(): boolean {
    return this.forest !== null;
  }

  protected async growAll(X: Matrix, y: Int32Array | Float64Array, nClasses: number, opts: FitOptions): Promise<void> {
    this.forest = null;
    const { signal, onProgress } = opts;
    checkAborted(signal, this.owner);
    const nTrees = this.params.n_estimators as number;
    const n = X.rows;
    const threads = threadCount(this.params.n_jobs as number);
    const parallel = threads > 1 && nTrees > 1 && n * nTrees >= PARALLEL_MIN_WORK;
    const search = chooseSearch(this.params.split_search, n);
    const alloc = parallel ? SHARED_ALLOC : HEAP_ALLOC;
    // exact search draws as scikit-learn (sklearn proxies): classification scans low-cardinality features by per-value counts
    const prep = prepare(X.data, n, X.cols, search, this.params.max_bins as number, alloc, signal ? () => signal.aborted : undefined, nClasses > 0 && search === 'exact');
    let ys: Int32Array | Float64Array;
    if (parallel) {
      ys = y instanceof Int32Array ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Float64Array(new SharedArrayBuffer(n * 8));
      ys.set(y);
    } else ys = y;
    const base: Omit<GrowTreesArgs, 'from' | 'to'> = {
      prep,
      y: ys,
      cfg: growConfig(this.params, criterionOf(this.params), nClasses, X.cols),
      mode: search,
      seed: seedOf(this.params),
      bootstrap: this.params.bootstrap as boolean,
    };
    if (search === 'exact') {
      const mt = new MT19937(seedOf(this.params) >>> 0);
      base.treeSeeds = Array.from({ length: nTrees }, () => mt.randint(0x7fffffff));
    }
    let done = 0;
    const tick = (): void => {
      done++;
      onProgress?.(done / nTrees, `${done} of ${nTrees} trees`);
    };
    let trees: TreeArrays[] = [];
    if (parallel) {
      // several small tasks per thread keep both busy when trees differ in size
      const specs: TaskSpec[] = chunks(nTrees, threads * 4).map(([from, to]) => ({
        module: import.meta.url,
        fn: 'growForestTrees',
        args: { ...base, from, to },
      }));
      const res = await sharedPool().map<GrowTreesResult>(specs, { signal, onMessage: tick });
      for (const r of res) trees.push(...r.trees);
      this.threadsUsed = Math.min(threads, specs.length);
    } else {
      let last = performance.now();
      const ctx: TaskContext = { cancelled: () => signal?.aborted ?? false, post: tick };
      for (let t = 0; t < nTrees; t++) {
        trees.push(...growForestTrees({ ...base, from: t, to: t + 1 }, ctx).trees);
        // let an abort (or progress) through now and then
        if (performance.now() - last > 50) {
          await new Promise((r) => setImmediate(r));
          checkAborted(signal, this.owner);
          last = performance.now();
        }
      }
      this.threadsUsed = 1;
    }
    checkAborted(signal, this.owner);
    // importances: mean over trees with a split, normalised (as scikit-learn)
    const d = X.cols;
    const imp = new Float64Array(d);
    let used = 0;
    for (const t of trees) {
      if (t.nNodes <= 1) continue;
      const ti = treeImportances(t, d);
      for (let f = 0; f < d; f++) imp[f] = imp[f]! + ti[f]!;
      used++;
    }
    let s = 0;
    for (let f = 0; f < d; f++) s += imp[f]!;
    if (used > 0 && s > 0) for (let f = 0; f < d; f++) imp[f] = imp[f]! / s;
    const nOut = trees[0]!.nOut;
    this.forest = packTrees(trees, nOut);
    trees = [];
    this.featureImportances_ = imp;
    this.nFeaturesIn = d;
    this.splitSearch = search;
  }

  /** Mean over trees of their leaf values, rows × nOut. */
  protected meanValues(X: Matrix): Float64Array {
    const f = this.forest;
    if (!f) throw notFitted(this.owner);
    checkPredictMatrix(X, this.nFeaturesIn, this.owner);
    const out = new Float64Array(X.rows * f.nOut);
    accumulateTrees(f, X.data, X.rows, X.cols, out, 1 / f.nTrees);
    return out;
  }

  get nTrees(): number {
    return this.forest?.nTrees ?? 0;
  }

  protected baseState(): Record<string, unknown> {
    if (!this.forest) throw notFitted(this.owner);
    return {
      ...packedState(this.forest),
      nFeaturesIn: this.nFeaturesIn,
      splitSearch: this.splitSearch,
      featureImportances: Float64Array.from(this.featureImportances_),
    };
  }

  protected restore(st: Record<string, unknown>): void {
    this.nFeaturesIn = stateNumber(st, 'nFeaturesIn', this.owner);
    this.forest = packedFromState(st, this.owner, this.nFeaturesIn);
    this.splitSearch = st.splitSearch === 'hist' ? 'hist' : 'exact';
    this.featureImportances_ = stateArray(st, 'featureImportances', 'Float64Array', this.owner);
  }
}

export class RandomForestClassifier extends BaseForest implements Classifier {
  nClasses = 0;

  constructor(params: Params = {}) {
    super(FOREST_CLASSIFIER_OWNER, FOREST_CLASSIFIER_SCHEMA, params);
  }

  async fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): Promise<this> {
    checkMatrix(X, this.owner);
    const { nClasses } = checkClassTargets(y, X.rows, this.owner);
    this.nClasses = 0;
    await this.growAll(X, y, nClasses, opts);
    this.nClasses = nClasses;
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    return this.meanValues(X);
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(this.meanValues(X), X.rows, this.nClasses);
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'classification', nClasses: this.nClasses, ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): RandomForestClassifier {
    const m = new RandomForestClassifier(s.params);
    m.restore(s.state);
    m.nClasses = stateNumber(s.state, 'nClasses', FOREST_CLASSIFIER_OWNER);
    return m;
  }
}

export class RandomForestRegressor extends BaseForest implements Regressor {
  constructor(params: Params = {}) {
    super(FOREST_REGRESSOR_OWNER, FOREST_REGRESSOR_SCHEMA, params);
  }

  async fit(X: Matrix, y: Float64Array, opts: FitOptions = {}): Promise<this> {
    checkMatrix(X, this.owner);
    checkRegressionTargets(y, X.rows, this.owner);
    await this.growAll(X, y, 0, opts);
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.meanValues(X);
  }

  score(X: Matrix, y: Float64Array): number {
    return r2Of(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    return { algo: this.algo, params: { ...this.params }, state: { task: 'regression', ...this.baseState() } };
  }

  static fromJSON(s: EstimatorState): RandomForestRegressor {
    const m = new RandomForestRegressor(s.params);
    m.restore(s.state);
    return m;
  }
}
