/**
 * Worker task: fit one learner for the model library. With a protocol the
 * learner is first evaluated on it (held-out metrics), then refitted on all
 * rows; without one the metrics are on the training rows (and say so). The
 * answer carries everything the library stores: the fitted pipeline and
 * estimator state, class labels, feature names and kinds, metrics and the
 * dataset's fingerprint (sha256 + schema).
 */
import type { MetricSummary, TrainDetails, TrainRequest } from '../../../../src-shared/contract/ml.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { Task } from '../../../../src-shared/ml/catalog.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import type { Classifier, Estimator, FitOptions } from '../../ml/estimator.ts';
import { classificationMetrics, regressionMetrics } from '../../ml/eval/evaluate.ts';
import { defaultPipeline, type Pipeline } from '../../ml/preprocess/pipeline.ts';
import { createEstimator } from '../../ml/registry.ts';
import { stateToString } from '../../ml/state.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { tableFingerprint } from '../../models/fingerprint.ts';
import type { ColumnFingerprint } from '../../../../src-shared/model-bundle.ts';
import { FoldMatrices, SCALE_SENSITIVE, evaluateLearner, evaluatedRows, foldsOf, loadPrepared } from './learners.ts';
import { UNSUPERVISED_TASK, trainUnsupervised } from './train-unsupervised.ts';

export interface TrainInput {
  dbFile: string;
  request: TrainRequest;
}

export interface TrainOutput {
  algo: TrainRequest['algo'];
  task: Task;
  params: Params;
  datasetId: string;
  datasetName: string;
  datasetSha256: string;
  datasetSchema: { name: string; kind: string }[];
  /** null for unsupervised models trained without a label column. */
  target: string | null;
  features: string[];
  featureKinds: ('numeric' | 'categorical')[];
  classes: string[];
  /** Pipeline.toJSON() */
  pipeline: unknown;
  /** stateToString(estimator.toJSON()) */
  estimator: string;
  metrics: Record<string, MetricSummary>;
  /** 'cv' / 'holdout' when evaluated on held-out rows, 'training' when on the rows it was fitted on. */
  evaluatedOn: 'cv' | 'holdout' | 'training';
  fitSeconds: number;
  predictSeconds: number;
  warnings: string[];
  rows: number;
  /** Per-feature distributions of the training rows, for the drift check at predict. */
  fingerprint: ColumnFingerprint[];
  /** The estimator's own outputs (OLS summary, importances, coefficients, clusters, components). */
  details?: TrainDetails;
}

export async function run(raw: unknown, ctx: TaskContext): Promise<TrainOutput> {
  const { dbFile, request: req } = raw as TrainInput;
  const unsupervised = UNSUPERVISED_TASK[req.algo];
  if (unsupervised) return trainUnsupervised(dbFile, req, unsupervised, ctx);
  if (req.task !== undefined && req.task !== 'classification' && req.task !== 'regression') {
    throw new LatheError('NOT_IMPLEMENTED', `Training into the library does ${req.task} not yet; choose classification or regression.`, { param: 'task' });
  }
  ctx.progress({ fraction: 0, phase: 'read' });
  const { meta, data } = loadPrepared(dbFile, req.datasetId, req.target, req.features, req.task);
  const task = data.task;
  // Bad parameters fail here, before any work.
  const params = createEstimator(req.algo, task, req.params ?? {}).params;
  const scaled = SCALE_SENSITIVE.has(req.algo);
  const warnings: string[] = [];
  let metrics: Record<string, MetricSummary> = {};
  let evaluatedOn: TrainOutput['evaluatedOn'] = 'training';
  const evalShare = req.protocol ? 0.6 : 0;

  if (req.protocol) {
    const folds = foldsOf(req.protocol, data);
    const ev = await evaluateLearner({ algo: req.algo, params }, data, new FoldMatrices(data, folds), evaluatedRows(folds), {
      signal: ctx.signal,
      onProgress: (f) => ctx.progress({ fraction: evalShare * f, phase: 'evaluate' }),
    });
    if (ev.result.error) throw LatheError.fromWire(ev.result.error);
    metrics = ev.result.metrics;
    evaluatedOn = req.protocol.kind;
    warnings.push(...(ev.result.warnings ?? []));
  }

  throwIfAborted(ctx.signal, 'The training');
  ctx.progress({ fraction: evalShare, phase: 'fit', message: 'Fitting on all rows' });
  const pipeline = defaultPipeline(data.table, { impute: 'mean', scale: scaled ? 'standard' : null });
  const X = pipeline.fitTransform(data.table);
  const est = createEstimator(req.algo, task, params);
  const t0 = performance.now();
  // featureNames: linear regression names the terms of its OLS summary with them.
  const fitOpts: FitOptions & { featureNames: string[] } = {
    signal: ctx.signal,
    onProgress: (f) => ctx.progress({ fraction: evalShare + (1 - evalShare) * 0.95 * f, phase: 'fit' }),
    featureNames: [...pipeline.featureNamesOut],
  };
  await est.fit(X, data.y, fitOpts);
  const t1 = performance.now();
  const pred = est.predict(X);
  const proba = task === 'classification' && typeof (est as Partial<Classifier>).predictProba === 'function' ? (est as Classifier).predictProba(X) : undefined;
  const t2 = performance.now();
  if (!req.protocol) {
    const m =
      task === 'classification'
        ? classificationMetrics(data.y as Int32Array, pred as Int32Array, proba && proba.length === X.rows * data.classes.length ? proba : undefined, data.classes.length)
        : regressionMetrics(data.y as Float64Array, Float64Array.from(pred));
    for (const [k, v] of Object.entries(m)) metrics[k] = { mean: v, std: 0, folds: [v] };
    warnings.push('The metrics are on the rows the model was fitted on (no protocol was given), so they are optimistic.');
  }
  for (const w of (est as { convergence?: { warnings?: { message: string }[] } }).convergence?.warnings ?? []) if (!warnings.includes(w.message)) warnings.push(w.message);
  const details = supervisedDetails(est, pipeline, data.classes);
  ctx.progress({ fraction: 1, phase: 'done' });
  return {
    algo: req.algo,
    task,
    params,
    datasetId: meta.id,
    datasetName: meta.name,
    datasetSha256: meta.sha256,
    datasetSchema: meta.columns.map((c) => ({ name: c.name, kind: c.kind })),
    target: data.target,
    features: data.table.columns.map((c) => c.name),
    featureKinds: data.table.columns.map((c) => c.kind),
    classes: data.classes,
    pipeline: pipeline.toJSON(),
    estimator: stateToString(est.toJSON()),
    metrics,
    evaluatedOn,
    fitSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
    warnings,
    rows: data.table.rows,
    fingerprint: tableFingerprint(data.table),
    ...(details ? { details } : {}),
  };
}

interface OlsLike {
  nObs: number;
  dfModel: number;
  dfResid: number;
  rSquared: number;
  adjRSquared: number;
  fStatistic: number;
  fPValue: number;
  residualStdError: number;
  logLikelihood: number;
  aic: number;
  bic: number;
  coefficients: { name: string; coef: number; stdErr: number; t: number; pValue: number; ciLow: number; ciHigh: number }[];
  aliased: string[];
  warnings: string[];
}

/** What a fitted supervised estimator computes about itself, named with the pipeline's output columns (after one-hot). */
export function supervisedDetails(est: Estimator, pipeline: Pipeline, classes: string[]): TrainDetails | undefined {
  const names = pipeline.featureNamesOut;
  const nameOf = (j: number): string => names[j] ?? `x${j}`;
  const details: TrainDetails = {};
  const ols = (est as { summary?: OlsLike | null }).summary;
  if (est.algo === 'linreg' && ols) {
    details.ols = {
      nObs: ols.nObs,
      dfModel: ols.dfModel,
      dfResid: ols.dfResid,
      rSquared: ols.rSquared,
      adjRSquared: ols.adjRSquared,
      fStatistic: ols.fStatistic,
      fPValue: ols.fPValue,
      residualStdError: ols.residualStdError,
      logLikelihood: ols.logLikelihood,
      aic: ols.aic,
      bic: ols.bic,
      terms: ols.coefficients.map((c) => ({ name: c.name, coef: c.coef, stdErr: c.stdErr, t: c.t, p: c.pValue, ciLow: c.ciLow, ciHigh: c.ciHigh })),
      aliased: [...ols.aliased],
      warnings: [...ols.warnings],
    };
  }
  const imp = (est as { featureImportances_?: Float64Array }).featureImportances_;
  if ((est.algo === 'tree' || est.algo === 'forest' || est.algo === 'gboost') && imp && imp.length > 0) {
    details.importances = Array.from(imp, (importance, j) => ({ name: nameOf(j), importance })).sort((a, b) => b.importance - a.importance || (a.name < b.name ? -1 : 1));
  }
  if (est.algo === 'logreg') {
    const c = (est as unknown as { coefficients: { coef: Float64Array; intercept: Float64Array; rows: number; cols: number; classes: Int32Array } }).coefficients;
    const features = Array.from({ length: c.cols }, (_, j) => nameOf(j));
    const rowLabel = (r: number): string => {
      const code = c.rows === 1 ? c.classes[1] : c.classes[r];
      return code === undefined ? String(r) : (classes[code] ?? String(code));
    };
    details.coefficients = {
      features,
      rows: Array.from({ length: c.rows }, (_, r) => ({ label: rowLabel(r), intercept: c.intercept[r]!, coef: Array.from(c.coef.subarray(r * c.cols, (r + 1) * c.cols)) })),
    };
  }
  return Object.keys(details).length ? details : undefined;
}
