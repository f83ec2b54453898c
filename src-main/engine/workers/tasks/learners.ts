/**
 * What the comparison, training and boundary tasks share: reading the
 * prepared data of a stored dataset, the folds of a protocol, preprocessing
 * fitted per fold on the training rows only (impute → scale where the
 * learner needs it → one-hot), and the evaluation of one learner over the
 * folds with every metric, timings, out-of-fold predictions, confusion
 * matrix, ROC curves and residuals.
 */
import type { LearnerResult, LearnerSpec, MetricSummary, Protocol, RocCurve } from '../../../../src-shared/contract/ml.ts';
import { LatheError, isCancelled, throwIfAborted, toWireError } from '../../../../src-shared/errors.ts';
import { CATALOG, type AlgoName } from '../../../../src-shared/ml/catalog.ts';
import type { MetricName } from '../../../../src-shared/ml/metrics.ts';
import type { Classifier, Estimator, Matrix } from '../../ml/estimator.ts';
import { classificationMetrics, regressionMetrics, summarise } from '../../ml/eval/evaluate.ts';
import { confusionMatrix, residuals as residualsOf } from '../../ml/eval/metrics.ts';
import { rocCurve } from '../../ml/eval/roc.ts';
import { repeatedKFold, trainTestSplit, type Fold } from '../../ml/eval/split.ts';
import { prepare, type PreparedData, type SupervisedTask } from '../../ml/prepare.ts';
import { defaultPipeline, type Pipeline } from '../../ml/preprocess/pipeline.ts';
import { takeTableRows } from '../../ml/preprocess/table.ts';
import { createEstimator } from '../../ml/registry.ts';
import { DatasetReader } from '../../store/reader.ts';
import type { DatasetMeta } from '../../../../src-shared/dataset.ts';

/** Learners whose distances or penalties depend on feature scale: their features are standardised. */
export const SCALE_SENSITIVE: ReadonlySet<string> = new Set(['knn', 'logreg', 'svm', 'mlp', 'kmeans', 'pca']);

export const DEFAULT_CLASSIFIERS: AlgoName[] = ['knn', 'gnb', 'logreg', 'tree', 'forest'];
export const DEFAULT_REGRESSORS: AlgoName[] = ['linreg', 'ridge', 'knn', 'tree', 'forest'];

export function defaultLearners(task: SupervisedTask): LearnerSpec[] {
  return (task === 'classification' ? DEFAULT_CLASSIFIERS : DEFAULT_REGRESSORS).map((algo) => ({ algo }));
}

export function displayOf(algo: string): string {
  return (CATALOG as Record<string, { display: string } | undefined>)[algo]?.display ?? algo;
}

export interface Loaded {
  meta: DatasetMeta;
  data: PreparedData;
}

/** Read the target and feature columns of a dataset (one snapshot) and prepare X/y. */
export function loadPrepared(dbFile: string, datasetId: string, target: string | undefined, features: string[] | undefined, task?: SupervisedTask): Loaded {
  if (target === undefined || target === '') {
    throw new LatheError('BAD_REQUEST', `Training a ${task ?? 'supervised'} model needs a target column (the column to predict).`, { param: 'target' });
  }
  const reader = new DatasetReader(dbFile);
  try {
    const meta = reader.meta(datasetId);
    const names = features ?? meta.columns.filter((c) => c.role === 'feature' && c.name !== target).map((c) => c.name);
    const wanted = [...new Set([target, ...names])];
    const { meta: snap, chunks } = reader.chunks(datasetId, wanted);
    const data = prepare({ columns: snap.columns, batches: chunks.map((c) => c.batch), target, features: names.filter((f) => f !== target), task });
    return { meta: snap, data };
  } finally {
    reader.close();
  }
}

/** The name of the stand-in target loadFeatures gives prepare (no dataset column can be called this). */
const NO_TARGET = '\u0000rows';

/**
 * Read only feature columns (no target: clustering, anomaly detection and
 * decomposition without labels), every row kept. Default features: every
 * column whose role is feature, except `exclude`. The rows go through the
 * same prepare step as supervised training, with a one-value stand-in
 * target, so kinds, codes and refusals are the same.
 */
export function loadFeatures(dbFile: string, datasetId: string, features: string[] | undefined, exclude?: string): Loaded {
  const reader = new DatasetReader(dbFile);
  try {
    const meta = reader.meta(datasetId);
    const names = (features ?? meta.columns.filter((c) => c.role === 'feature').map((c) => c.name)).filter((f) => f !== exclude);
    const { meta: snap, chunks } = reader.chunks(datasetId, [...new Set(names)]);
    const batches = chunks.map((c) => ({
      names: [...c.batch.names, NO_TARGET],
      columns: [...c.batch.columns, { storage: 'string' as const, codes: new Int32Array(c.batch.rows), dictionary: ['row'] }],
      rows: c.batch.rows,
    }));
    const stand: DatasetMeta['columns'][number] = {
      name: NO_TARGET,
      index: snap.columns.length,
      kind: 'categorical',
      inferredKind: 'categorical',
      storage: 'string',
      role: 'ignored',
      missing: 0,
      distinct: 1,
    };
    const data = prepare({ columns: [...snap.columns, stand], batches, target: NO_TARGET, features: names, task: 'classification' });
    return { meta: snap, data };
  } finally {
    reader.close();
  }
}

/** The folds of a protocol over the prepared rows; the same folds serve every learner. */
export function foldsOf(protocol: Protocol, data: PreparedData): Fold[] {
  const n = data.table.rows;
  const y = data.task === 'classification' ? data.y : undefined;
  const stratify = (protocol.stratify ?? true) && y !== undefined;
  if (protocol.kind === 'holdout') return [trainTestSplit(n, { testSize: protocol.testSize, seed: protocol.seed, y, stratify })];
  if (protocol.folds > n) {
    throw new LatheError('BAD_DATA', `${protocol.folds}-fold cross-validation needs at least ${protocol.folds} rows; the data has ${n}. Use fewer folds.`, { param: 'folds' });
  }
  return repeatedKFold({ n, folds: protocol.folds, repeats: protocol.repeats ?? 1, seed: protocol.seed, y, stratify });
}

interface Prepared {
  Xtr: Matrix;
  Xte: Matrix;
  pipeline: Pipeline;
}

/**
 * Per fold and per preprocessing variant (scaled or not), the train and test
 * matrices, made when first asked for and kept for the next learner.
 */
export class FoldMatrices {
  private readonly cache = new Map<string, Prepared>();
  constructor(
    readonly data: PreparedData,
    readonly folds: Fold[],
  ) {}

  get(f: number, scaled: boolean): Prepared {
    const key = `${f}:${scaled ? 's' : 'r'}`;
    let p = this.cache.get(key);
    if (!p) {
      const fold = this.folds[f]!;
      const train = takeTableRows(this.data.table, fold.train);
      const pipeline = defaultPipeline(train, { impute: 'mean', scale: scaled ? 'standard' : null });
      const Xtr = pipeline.fitTransform(train);
      const Xte = pipeline.transform(takeTableRows(this.data.table, fold.test));
      p = { Xtr, Xte, pipeline };
      this.cache.set(key, p);
    }
    return p;
  }
}

function takeY<T extends Int32Array | Float64Array>(y: T, idx: Int32Array): T {
  const out = new (y.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

function hasProba(e: Estimator): e is Classifier {
  return typeof (e as Partial<Classifier>).predictProba === 'function';
}

/** The evaluated rows: the test rows of the first repeat, ascending (prepared-row indices). */
export function evaluatedRows(folds: Fold[]): Int32Array {
  const rows: number[] = [];
  for (const f of folds) if (f.repeat === 0) for (const r of f.test) rows.push(r);
  return Int32Array.from(rows).sort();
}

export interface LearnerEvaluation {
  result: LearnerResult;
  /** Primary-metric value per fold (accuracy / r2), for the pairwise tests. */
  primary: number[];
}

export interface EvaluateLearnerOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

function scaleWarning(algo: string): string {
  return `Numeric features were standardised (mean 0, variance 1, fitted on each training fold only) because ${displayOf(algo)} is sensitive to feature scale.`;
}

/**
 * Evaluate one learner over the folds. A LatheError other than CANCELLED
 * (bad parameters, BAD_DATA from the estimator...) is reported in the
 * result's `error`; cancellation propagates.
 */
export async function evaluateLearner(spec: LearnerSpec, data: PreparedData, fm: FoldMatrices, evalRows: Int32Array, opts: EvaluateLearnerOptions = {}): Promise<LearnerEvaluation> {
  const task = data.task;
  const classification = task === 'classification';
  const nClasses = data.classes.length;
  const folds = fm.folds;
  const scaled = SCALE_SENSITIVE.has(spec.algo);
  const result: LearnerResult = { algo: spec.algo, display: displayOf(spec.algo), params: { ...(spec.params ?? {}) }, metrics: {}, fitSeconds: 0, predictSeconds: 0 };
  const warnings = new Set<string>();
  if (scaled) warnings.add(scaleWarning(spec.algo));
  const perFold: Partial<Record<MetricName, number>>[] = [];
  // Out-of-fold predictions of the first repeat, by prepared row.
  const position = new Map<number, number>();
  evalRows.forEach((r, i) => position.set(r, i));
  const predictions = classification ? new Int32Array(evalRows.length).fill(-1) : new Float64Array(evalRows.length).fill(NaN);
  const proba = classification ? new Float64Array(evalRows.length * nClasses).fill(NaN) : undefined;
  let probaComplete = classification;
  try {
    // Built once up front so bad parameters fail before any fitting.
    result.params = createEstimator(spec.algo, task, spec.params ?? {}).params;
    for (let f = 0; f < folds.length; f++) {
      throwIfAborted(opts.signal, 'The comparison');
      const fold = folds[f]!;
      const { Xtr, Xte } = fm.get(f, scaled);
      const ytr = takeY(data.y, fold.train);
      const yte = takeY(data.y, fold.test);
      const est = createEstimator(spec.algo, task, spec.params ?? {});
      const t0 = performance.now();
      await est.fit(Xtr, ytr, { signal: opts.signal, onProgress: (fr) => opts.onProgress?.((f + fr) / folds.length) });
      const t1 = performance.now();
      const pred = est.predict(Xte);
      let p: Float64Array | undefined;
      if (classification && hasProba(est)) {
        try {
          p = est.predictProba(Xte);
          if (p.length !== Xte.rows * nClasses) p = undefined; // a class absent from this training fold
        } catch (e) {
          if (isCancelled(e)) throw e;
          p = undefined; // e.g. an SVC fitted without probability estimates
        }
      }
      const t2 = performance.now();
      result.fitSeconds += (t1 - t0) / 1000;
      result.predictSeconds += (t2 - t1) / 1000;
      perFold.push(
        classification ? classificationMetrics(yte as Int32Array, pred as Int32Array, p, nClasses) : regressionMetrics(yte as Float64Array, Float64Array.from(pred)),
      );
      for (const w of (est as { convergence?: { warnings?: { message: string }[] } }).convergence?.warnings ?? []) warnings.add(w.message);
      if (fold.repeat === 0) {
        for (let i = 0; i < fold.test.length; i++) {
          const at = position.get(fold.test[i]!)!;
          predictions[at] = pred[i]!;
          if (proba && p) for (let c = 0; c < nClasses; c++) proba[at * nClasses + c] = p[i * nClasses + c]!;
        }
        if (!p) probaComplete = false;
      }
      opts.onProgress?.((f + 1) / folds.length);
    }
  } catch (e) {
    if (isCancelled(e)) throw e;
    const w = toWireError(e);
    if (w.code === 'INTERNAL' || w.code === 'OUT_OF_MEMORY') throw e;
    result.error = w;
    if (warnings.size) result.warnings = [...warnings];
    return { result, primary: [] };
  }

  const names = new Set<MetricName>();
  for (const m of perFold) for (const k of Object.keys(m) as MetricName[]) names.add(k);
  for (const k of names) {
    const values = perFold.map((m) => m[k] ?? NaN);
    const s = summarise(values);
    result.metrics[k] = { mean: s.mean, std: s.std, folds: values } satisfies MetricSummary;
  }
  result.predictions = predictions;
  const yEval = takeY(data.y, evalRows);
  if (classification) {
    const labels = Array.from({ length: nClasses }, (_, i) => i);
    result.confusion = confusionMatrix(yEval, predictions, labels).matrix;
    if (proba && probaComplete) result.roc = rocCurves(yEval as Int32Array, proba, data.classes);
  } else {
    result.residuals = residualsOf(yEval, predictions);
  }
  if (warnings.size) result.warnings = [...warnings];
  const primary = classification ? 'accuracy' : 'r2';
  return { result, primary: perFold.map((m) => m[primary] ?? NaN) };
}

/** Binary: one curve for the second class; more classes: one-vs-rest per class present. */
export function rocCurves(y: Int32Array, proba: Float64Array, classes: string[]): RocCurve[] {
  const k = classes.length;
  const out: RocCurve[] = [];
  const positives = k === 2 ? [1] : classes.map((_, i) => i);
  for (const c of positives) {
    const s = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) s[i] = proba[i * k + c]!;
    try {
      const r = rocCurve(y, s, c);
      out.push({ label: classes[c]!, fpr: r.fpr, tpr: r.tpr, auc: r.auc });
    } catch {
      // The class is absent from the evaluated rows (or is all of them): no curve.
    }
  }
  return out;
}
