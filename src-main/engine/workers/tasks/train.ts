/**
 * Worker task: fit one learner for the model library. With a protocol the
 * learner is first evaluated on it (held-out metrics), then refitted on all
 * rows; without one the metrics are on the training rows (and say so). The
 * answer carries everything the library stores: the fitted pipeline and
 * estimator state, class labels, feature names and kinds, metrics and the
 * dataset's fingerprint (sha256 + schema).
 */
import type { MetricSummary, TrainRequest } from '../../../../src-shared/contract/ml.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import type { Classifier } from '../../ml/estimator.ts';
import { classificationMetrics, regressionMetrics } from '../../ml/eval/evaluate.ts';
import type { SupervisedTask } from '../../ml/prepare.ts';
import { defaultPipeline } from '../../ml/preprocess/pipeline.ts';
import { createEstimator } from '../../ml/registry.ts';
import { stateToString } from '../../ml/state.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { tableFingerprint } from '../../models/fingerprint.ts';
import type { ColumnFingerprint } from '../../../../src-shared/model-bundle.ts';
import { FoldMatrices, SCALE_SENSITIVE, evaluateLearner, evaluatedRows, foldsOf, loadPrepared } from './learners.ts';

export interface TrainInput {
  dbFile: string;
  request: TrainRequest;
}

export interface TrainOutput {
  algo: TrainRequest['algo'];
  task: SupervisedTask;
  params: Params;
  datasetId: string;
  datasetName: string;
  datasetSha256: string;
  datasetSchema: { name: string; kind: string }[];
  target: string;
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
}

export async function run(raw: unknown, ctx: TaskContext): Promise<TrainOutput> {
  const { dbFile, request: req } = raw as TrainInput;
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
  await est.fit(X, data.y, {
    signal: ctx.signal,
    onProgress: (f) => ctx.progress({ fraction: evalShare + (1 - evalShare) * 0.95 * f, phase: 'fit' }),
  });
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
  };
}
