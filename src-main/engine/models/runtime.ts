/**
 * A model ready to predict, whichever way it arrived (the library's stored
 * form or a `.lathe` file): the fitted preprocessing pipeline, then either a
 * classical estimator or a neural network (spec + float32 weights). Networks
 * load TensorFlow.js only when one is used.
 *
 * Stored network models keep, in the library's estimator column, a state
 * `{algo: 'mlp'|'cnn', params, state: {spec, weights: [{name, shape, data: Float32Array}]}}`
 * (serialised with state.ts like every estimator state).
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { NnSpec, NnWeight } from '../../../src-shared/ml/nn.ts';
import type { FeatureKind } from '../../../src-shared/model-bundle.ts';
import type { Classifier, Estimator, EstimatorState, Matrix } from '../ml/estimator.ts';
import { Pipeline, type PipelineState } from '../ml/preprocess/pipeline.ts';
import type { FeatureTable } from '../ml/preprocess/table.ts';
import { estimatorFromJSON } from '../ml/registry.ts';

export type Payload = { kind: 'estimator'; state: EstimatorState } | { kind: 'network'; spec: NnSpec; weights: NnWeight[] };

export interface ModelSource {
  algo: string;
  task: string;
  classes: string[];
  features: { name: string; kind: FeatureKind }[];
  pipeline: PipelineState;
  payload: Payload;
}

export interface Predictions {
  /**
   * Class codes (classification), cluster numbers (clustering), 0/1
   * (anomaly: 1 = anomaly), values (regression), or the component scores,
   * rows × components row-major (decomposition).
   */
  predictions: Int32Array | Float64Array;
  /** rows × classes (classifiers that give probabilities). */
  proba?: Float64Array;
  /**
   * Further output columns, one value per row: distance_<k> to each cluster
   * centre (k-means), log_density (anomaly), pc1..pcN (PCA).
   */
  columns?: { name: string; values: Float64Array }[];
}

/** Split a rows × k row-major matrix into named columns. */
function columnsOf(m: Float64Array, rows: number, name: (c: number) => string): { name: string; values: Float64Array }[] {
  const k = rows > 0 ? m.length / rows : 0;
  return Array.from({ length: k }, (_, c) => ({ name: name(c), values: Float64Array.from({ length: rows }, (_, i) => m[i * k + c]!) }));
}

/** The outputs of unsupervised estimators beyond predict (see Predictions.columns). */
function extraColumns(task: string, est: Estimator, X: Matrix, predictions: Int32Array | Float64Array): Predictions['columns'] {
  if (task === 'clustering' && typeof (est as { transform?: unknown }).transform === 'function') {
    return columnsOf((est as unknown as { transform(X: Matrix): Float64Array }).transform(X), X.rows, (c) => `distance_${c}`);
  }
  if (task === 'anomaly' && typeof (est as { scoreSamples?: unknown }).scoreSamples === 'function') {
    return [{ name: 'log_density', values: (est as unknown as { scoreSamples(X: Matrix): Float64Array }).scoreSamples(X) }];
  }
  if (task === 'decomposition') return columnsOf(Float64Array.from(predictions), X.rows, (c) => `pc${c + 1}`);
  return undefined;
}

/** Whether an estimator state is a network's (see the file comment). */
export function networkOfState(s: EstimatorState): { spec: NnSpec; weights: NnWeight[] } | null {
  const st = s.state as { spec?: unknown; weights?: unknown };
  if (!st.spec || typeof st.spec !== 'object' || !Array.isArray(st.weights)) return null;
  const weights = st.weights.map((w: unknown, i: number): NnWeight => {
    const o = w as Partial<NnWeight> | null;
    if (!o || !(o.data instanceof Float32Array) || !Array.isArray(o.shape)) {
      throw new LatheError('BAD_MODEL_FILE', `The network's weight ${i} is not {name, shape, data: float32}.`, { index: i });
    }
    return { name: String(o.name ?? `w${i}`), shape: o.shape.map(Number), data: o.data };
  });
  return { spec: st.spec as NnSpec, weights };
}

export function payloadOfState(s: EstimatorState): Payload {
  const net = networkOfState(s);
  return net ? { kind: 'network', ...net } : { kind: 'estimator', state: s };
}

export class ModelRuntime {
  readonly pipeline: Pipeline;
  readonly estimator: Estimator | null;
  private network: { model: unknown; spec: NnSpec } | null = null;

  private constructor(readonly source: ModelSource) {
    this.pipeline = Pipeline.fromJSON(source.pipeline);
    this.estimator = source.payload.kind === 'estimator' ? estimatorFromJSON(source.payload.state) : null;
  }

  /** Builds (and so validates) the pipeline and the estimator. */
  static async load(source: ModelSource): Promise<ModelRuntime> {
    const r = new ModelRuntime(source);
    if (source.payload.kind === 'network') {
      const { restoreNetwork } = await import('../nn/model.ts');
      r.network = { model: restoreNetwork(source.payload.spec, source.payload.weights), spec: source.payload.spec };
    }
    return r;
  }

  get isClassifier(): boolean {
    return this.source.task === 'classification';
  }

  /** The estimator's matrix from raw feature columns (FEATURES_MISSING when one is absent). */
  transform(t: FeatureTable): Matrix {
    return this.pipeline.transform(t);
  }

  async predictMatrix(X: Matrix): Promise<Predictions> {
    if (this.network) {
      const { predictNetwork } = await import('../nn/model.ts');
      const r = predictNetwork(this.network.model as Parameters<typeof predictNetwork>[0], this.network.spec, X);
      return { predictions: r.predictions, ...(r.probabilities ? { proba: Float64Array.from(r.probabilities) } : {}) };
    }
    const est = this.estimator!;
    const predictions = est.predict(X);
    let proba: Float64Array | undefined;
    if (this.isClassifier && typeof (est as Partial<Classifier>).predictProba === 'function') {
      try {
        proba = (est as Classifier).predictProba(X);
      } catch (e) {
        // An SVC fitted without probability estimates has labels only.
        if (!(e instanceof LatheError) || e.code !== 'BAD_REQUEST') throw e;
      }
    }
    const columns = extraColumns(this.source.task, est, X, predictions);
    return { predictions, ...(proba ? { proba } : {}), ...(columns ? { columns } : {}) };
  }

  async predict(t: FeatureTable): Promise<Predictions> {
    return this.predictMatrix(this.transform(t));
  }

  dispose(): void {
    const m = this.network?.model as { dispose?: () => void } | undefined;
    m?.dispose?.();
    this.network = null;
  }
}
