/**
 * Networks as estimators: 'mlp' and 'cnn' behind the same interface as every
 * classical learner (fit / predict / predictProba / score / toJSON), so the
 * comparison board, ml.train and model files treat them alike. Training runs
 * fitNetwork in the current thread (the caller is already a worker).
 *
 * TensorFlow.js takes seconds to load, so this module does not import it:
 * `fit` loads it, and `ready()` (or loadNetworkRuntime) must be awaited
 * before predicting with a network restored by fromJSON in a fresh thread.
 *
 * Saved state (what the model library and `.lathe` files keep):
 * `{algo, params, state: {task, spec, weights: [{name, shape, data: Float32Array}], summary?, history?, backend?}}`
 * where spec is the resolved NnSpec (inputs, outputs, fitted scaling).
 */
import { LatheError, throwIfAborted } from '../../../src-shared/errors.ts';
import { validateAlgoParams } from '../../../src-shared/ml/catalog.ts';
import type { NnBackendReport, NnHistory, NnProgress, NnSpec, NnSummary, NnTask, NnWeight } from '../../../src-shared/ml/nn.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import { networkPlan, pixelDivisor, type NetworkAlgo, type NetworkLayout } from '../../../src-shared/ml/schemas/nn.ts';
import { CNN_CLASSIFIER_OWNER, MLP_CLASSIFIER_OWNER, MLP_REGRESSOR_OWNER } from '../../../src-shared/ml/schemas/nn.ts';
import { checkClassTargets, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted } from '../ml/check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix } from '../ml/estimator.ts';

type FitModule = typeof import('./fit.ts');
type ModelModule = typeof import('./model.ts');
type BackendModule = typeof import('./backend.ts');
export interface NetworkRuntime {
  fit: FitModule;
  model: ModelModule;
  backend: BackendModule;
}

let runtime: NetworkRuntime | null = null;

/** Load TensorFlow.js and the network modules once per thread. */
export async function loadNetworkRuntime(): Promise<NetworkRuntime> {
  if (!runtime) {
    const [fit, model, backend] = await Promise.all([import('./fit.ts'), import('./model.ts'), import('./backend.ts')]);
    runtime = { fit, model, backend };
  }
  return runtime;
}

function loaded(): NetworkRuntime {
  if (!runtime) {
    throw new LatheError('INTERNAL', 'The network runtime is not loaded in this thread: await estimator.ready() (or loadNetworkRuntime()) before predicting with a restored network.');
  }
  return runtime;
}

/** What a trained network keeps besides its parameters. */
export interface NetworkState {
  task: NnTask;
  spec: NnSpec;
  weights: NnWeight[];
  summary?: NnSummary;
  /** Per-epoch losses (timings left out so the same seed gives the same state). */
  history?: NnHistory;
  backend?: NnBackendReport;
}

export interface NetworkFitOptions extends FitOptions {
  /** Every network progress event (batch and epoch), for live charts. */
  onNetworkProgress?: (p: NnProgress) => void;
  /** Milliseconds between batch progress events. */
  progressEveryMs?: number;
}

function ownerOf(algo: NetworkAlgo, task: NnTask): string {
  if (algo === 'cnn') return CNN_CLASSIFIER_OWNER;
  return task === 'classification' ? MLP_CLASSIFIER_OWNER : MLP_REGRESSOR_OWNER;
}

function maxAbs(d: Float64Array): number {
  let m = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]!);
    if (v > m) m = v;
  }
  return m;
}

export class NeuralNetwork implements Classifier {
  readonly params: Params;
  readonly owner: string;
  private net: NetworkState | null = null;
  /** Seconds of the last fit (not part of the state). */
  fitSeconds = 0;
  /** The last fit's history with timings (the state keeps it without). */
  history: NnHistory | null = null;

  constructor(
    readonly algo: NetworkAlgo,
    readonly task: NnTask,
    params: Params = {},
    /** A free layer list from the network builder (replaces the layer parameters). */
    readonly layout?: NetworkLayout,
  ) {
    this.owner = ownerOf(algo, task);
    this.params = validateAlgoParams(algo, task, params);
    // Catch a bad combination (image_width without image_height...) at construction.
    networkPlan(algo, task, this.params, layout);
  }

  get fitted(): boolean {
    return this.net !== null;
  }

  get nClasses(): number {
    return this.task === 'classification' ? (this.net?.spec.outputs ?? 0) : 0;
  }

  get state(): NetworkState | null {
    return this.net;
  }

  /** Load TensorFlow.js in this thread (needed before predict on a restored network). */
  async ready(): Promise<this> {
    const rt = await loadNetworkRuntime();
    // The best backend present here (the one it was trained on may be missing on this machine).
    await rt.backend.initBackend('auto');
    return this;
  }

  async fit(X: Matrix, y: Int32Array | Float64Array, opts: NetworkFitOptions = {}): Promise<this> {
    throwIfAborted(opts.signal, `Training ${this.owner}`);
    checkMatrix(X, this.owner);
    let nClasses: number | undefined;
    if (this.task === 'classification') nClasses = checkClassTargets(y, X.rows, this.owner).nClasses;
    else checkRegressionTargets(y, X.rows, this.owner);
    const plan = networkPlan(this.algo, this.task, this.params, this.layout, X.cols);
    const spec = plan.spec;
    if (plan.scaling === 'standardize') spec.scaling = { kind: 'standardize' };
    else if (plan.scaling === 'divide') spec.scaling = { kind: 'divide', by: pixelDivisor(maxAbs(X.data)) };
    const rt = await loadNetworkRuntime();
    throwIfAborted(opts.signal, `Training ${this.owner}`);
    const epochs = plan.options.epochs ?? 1;
    const trained = await rt.fit.fitNetwork(
      spec,
      { X, y, ...(nClasses !== undefined ? { nClasses } : {}) },
      plan.options,
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.progressEveryMs !== undefined ? { progressEveryMs: opts.progressEveryMs } : {}),
        onProgress: (p) => {
          opts.onNetworkProgress?.(p);
          const msg = p.kind === 'epoch' ? `epoch ${p.epoch}/${epochs}: loss ${p.loss.toFixed(4)}` : undefined;
          opts.onProgress?.(p.fraction, msg, p);
        },
      },
    );
    const history: NnHistory = { ...trained.history, epochs: trained.history.epochs.map((e) => ({ ...e, seconds: 0 })) };
    this.net = { task: this.task, spec: trained.spec, weights: trained.weights, summary: trained.summary, history, backend: trained.backend };
    this.fitSeconds = trained.seconds.fit;
    this.history = trained.history;
    return this;
  }

  private outputs(X: Matrix): { predictions: Int32Array | Float64Array; probabilities?: Float32Array } {
    if (!this.net) throw notFitted(this.owner);
    checkPredictMatrix(X, this.net.spec.inputs ?? X.cols, this.owner);
    const rt = loaded();
    const model = rt.model.restoreNetwork(this.net.spec, this.net.weights);
    try {
      return rt.model.predictNetwork(model, this.net.spec, X);
    } finally {
      model.dispose();
    }
  }

  predict(X: Matrix): Int32Array {
    // Regression predictions are Float64Array; the Classifier signature is the wider contract here.
    return this.outputs(X).predictions as Int32Array;
  }

  predictProba(X: Matrix): Float64Array {
    if (this.task !== 'classification') throw new LatheError('BAD_REQUEST', `${this.owner} predicts values, not class probabilities.`);
    const out = this.outputs(X);
    return Float64Array.from(out.probabilities!);
  }

  score(X: Matrix, y?: Float64Array | Int32Array): number {
    if (!y) throw new LatheError('BAD_DATA', `${this.owner}.score needs the true targets y.`, { param: 'y' });
    const p = this.predict(X);
    if (this.task === 'classification') {
      let ok = 0;
      for (let i = 0; i < y.length; i++) if (p[i] === y[i]) ok++;
      return ok / y.length;
    }
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += y[i]!;
    mean /= y.length;
    let se = 0;
    let tot = 0;
    for (let i = 0; i < y.length; i++) {
      se += (y[i]! - p[i]!) ** 2;
      tot += (y[i]! - mean) ** 2;
    }
    return tot > 0 ? 1 - se / tot : 0;
  }

  toJSON(): EstimatorState {
    if (!this.net) throw notFitted(this.owner);
    const n = this.net;
    const state: Record<string, unknown> = {
      task: n.task,
      spec: n.spec,
      weights: n.weights.map((w) => ({ name: w.name, shape: [...w.shape], data: w.data })),
    };
    if (n.summary) state.summary = n.summary;
    if (n.history) state.history = n.history;
    if (n.backend) state.backend = n.backend;
    if (this.layout) state.layout = this.layout;
    return { algo: this.algo, params: { ...this.params }, state };
  }

  static restore(algo: NetworkAlgo, s: EstimatorState): NeuralNetwork {
    const st = s.state as Partial<NetworkState> & { layout?: NetworkLayout };
    if (!st.spec || typeof st.spec !== 'object' || !Array.isArray(st.weights)) {
      throw new LatheError('BAD_MODEL_FILE', `The saved ${algo} network lacks its spec or weights.`, { algo });
    }
    // Files imported from elsewhere may keep only spec and weights: the spec says the task.
    const task: NnTask = (st.task ?? st.spec.task) === 'regression' ? 'regression' : 'classification';
    const weights = st.weights.map((w: unknown, i: number): NnWeight => {
      const o = w as Partial<NnWeight> | null;
      if (!o || !(o.data instanceof Float32Array) || !Array.isArray(o.shape)) {
        throw new LatheError('BAD_MODEL_FILE', `The saved network's weight ${i} is not {name, shape, data: Float32Array}.`, { index: i });
      }
      return { name: String(o.name ?? `w${i}`), shape: o.shape.map(Number), data: o.data };
    });
    const e = new NeuralNetwork(algo, task, s.params, st.layout);
    e.net = {
      task,
      spec: st.spec,
      weights,
      ...(st.summary ? { summary: st.summary } : {}),
      ...(st.history ? { history: st.history } : {}),
      ...(st.backend ? { backend: st.backend } : {}),
    };
    return e;
  }
}

export class MlpClassifier extends NeuralNetwork {
  constructor(params: Params = {}) {
    super('mlp', 'classification', params);
  }
  static fromJSON(s: EstimatorState): NeuralNetwork {
    return NeuralNetwork.restore('mlp', s);
  }
}

export class MlpRegressor extends NeuralNetwork {
  constructor(params: Params = {}) {
    super('mlp', 'regression', params);
  }
  static fromJSON(s: EstimatorState): NeuralNetwork {
    return NeuralNetwork.restore('mlp', s);
  }
}

export class CnnClassifier extends NeuralNetwork {
  constructor(params: Params = {}) {
    super('cnn', 'classification', params);
  }
  static fromJSON(s: EstimatorState): NeuralNetwork {
    return NeuralNetwork.restore('cnn', s);
  }
}
