/**
 * Worker task: train a network ('mlp' or 'cnn') for the model library, with
 * live progress for the charts (every report carries the epoch history so
 * far, since reports are throttled on the way).
 *
 * - hold-out protocol: the network is trained on the training rows, scored
 *   on the held-out rows, and that network is stored (no second training);
 * - k-fold protocol: each fold's network is scored (the same evaluation as
 *   the comparison board), then one network is trained on all rows;
 * - no protocol: trained on all rows, scored on them (optimistic; said so).
 *
 * Preprocessing is the pipeline's imputation and one-hot encoding; scaling is
 * the network's own (saved in its spec), so a drawn digit goes through
 * exactly what the training rows went through.
 */
import type { MetricSummary, TrainRequest } from '../../../../src-shared/contract/ml.ts';
import type { NetworkTrainPartial, NetworkTrainReport } from '../../../../src-shared/contract/nn.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { NnEpochLog, NnProgress } from '../../../../src-shared/ml/nn.ts';
import { isNetworkAlgo } from '../../../../src-shared/ml/schemas/nn.ts';
import type { Matrix } from '../../ml/estimator.ts';
import { classificationMetrics, regressionMetrics } from '../../ml/eval/evaluate.ts';
import { confusionMatrix } from '../../ml/eval/metrics.ts';
import type { PreparedData } from '../../ml/prepare.ts';
import { defaultPipeline, type Pipeline } from '../../ml/preprocess/pipeline.ts';
import { takeTableRows } from '../../ml/preprocess/table.ts';
import { stateToString } from '../../ml/state.ts';
import { tableFingerprint } from '../../models/fingerprint.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { NeuralNetwork } from '../../nn/estimator.ts';
import { FoldMatrices, evaluateLearner, evaluatedRows, foldsOf, loadPrepared } from './learners.ts';
import type { TrainOutput } from './train.ts';

export interface TrainNetworkInput {
  dbFile: string;
  request: TrainRequest;
}

export type TrainNetworkOutput = TrainOutput & {
  network: NetworkTrainReport;
  /** The backend that trained the stored network (its report is in `network`). */
  backend: string;
};

function takeY<T extends Int32Array | Float64Array>(y: T, idx: ArrayLike<number>): T {
  const out = new (y.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

function pipelineFor(data: PreparedData, rows?: Int32Array): { pipeline: Pipeline; X: Matrix; table: PreparedData['table'] } {
  const table = rows ? takeTableRows(data.table, rows) : data.table;
  const pipeline = defaultPipeline(table, { impute: 'mean', scale: null });
  return { pipeline, X: pipeline.fitTransform(table), table };
}

function scores(data: PreparedData, truth: Int32Array | Float64Array, est: NeuralNetwork, X: Matrix): { metrics: Record<string, MetricSummary>; confusion?: number[][] } {
  const pred = est.predict(X);
  const metrics: Record<string, MetricSummary> = {};
  let confusion: number[][] | undefined;
  const m =
    data.task === 'classification'
      ? classificationMetrics(truth as Int32Array, pred, est.nClasses === data.classes.length ? est.predictProba(X) : undefined, data.classes.length)
      : regressionMetrics(truth as Float64Array, Float64Array.from(pred));
  for (const [k, v] of Object.entries(m)) metrics[k] = { mean: v, std: 0, folds: [v] };
  if (data.task === 'classification') {
    confusion = confusionMatrix(truth, pred, Array.from({ length: data.classes.length }, (_, i) => i)).matrix;
  }
  return { metrics, ...(confusion ? { confusion } : {}) };
}

export async function run(raw: unknown, ctx: TaskContext): Promise<TrainNetworkOutput> {
  const { dbFile, request: req } = raw as TrainNetworkInput;
  if (!isNetworkAlgo(req.algo)) throw new LatheError('BAD_REQUEST', `The train-network task trains 'mlp' or 'cnn', not '${req.algo}'.`, { param: 'algo' });
  const algo = req.algo;
  ctx.progress({ fraction: 0, phase: 'read', message: 'Reading the rows' });
  if (req.task !== undefined && req.task !== 'classification' && req.task !== 'regression') {
    throw new LatheError('INVALID_PARAM', `Networks do classification or regression, not ${req.task}.`, { param: 'task' });
  }
  const { meta, data } = loadPrepared(dbFile, req.datasetId, req.target, req.features, req.task);
  const task = data.task;
  const layout = req.network?.layout;
  // Bad parameters or layers fail here, before any work.
  const params = new NeuralNetwork(algo, task, req.params ?? {}, layout).params;
  throwIfAborted(ctx.signal, 'The training');
  const warnings: string[] = [];

  const epochsSoFar: NnEpochLog[] = [];
  let lastPartial: NetworkTrainPartial | undefined;
  const report = (stage: NetworkTrainPartial['stage'], from: number, share: number, extra: { fold?: number; folds?: number } = {}) => (p: NnProgress): void => {
    if (p.kind === 'epoch') {
      const { kind: _k, epochs: _e, fraction: _f, ...log } = p;
      epochsSoFar.push(log);
    }
    const partial: NetworkTrainPartial = { kind: 'network', event: p, epochs: epochsSoFar.slice(), stage, ...extra };
    lastPartial = partial;
    const where = extra.folds ? `fold ${extra.fold! + 1}/${extra.folds}, ` : '';
    const msg =
      p.kind === 'epoch'
        ? `${where}epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}${p.valLoss !== undefined ? `, validation loss ${p.valLoss.toFixed(4)}` : ''}`
        : `${where}epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}: loss ${p.loss.toFixed(4)}`;
    ctx.progress({ fraction: from + share * p.fraction, phase: 'training', message: msg, partial });
  };

  let metrics: Record<string, MetricSummary> = {};
  let confusion: number[][] | undefined;
  let evaluatedOn: NetworkTrainReport['evaluatedOn'] = 'training';
  let est: NeuralNetwork;
  let pipeline: Pipeline;
  let trainRows = data.table.rows;
  let fitSeconds = 0;
  let predictSeconds = 0;

  const fitOne = async (X: Matrix, y: Int32Array | Float64Array, onP: (p: NnProgress) => void): Promise<NeuralNetwork> => {
    epochsSoFar.length = 0;
    const e = new NeuralNetwork(algo, task, params, layout);
    const t0 = performance.now();
    await e.fit(X, y, { signal: ctx.signal, onNetworkProgress: onP });
    fitSeconds += (performance.now() - t0) / 1000;
    return e;
  };

  if (req.protocol?.kind === 'holdout') {
    const fold = foldsOf(req.protocol, data)[0]!;
    const tr = pipelineFor(data, fold.train);
    pipeline = tr.pipeline;
    trainRows = fold.train.length;
    est = await fitOne(tr.X, takeY(data.y, fold.train), report('final', 0, 0.97));
    const t1 = performance.now();
    const Xte = pipeline.transform(takeTableRows(data.table, fold.test));
    const s = scores(data, takeY(data.y, fold.test), est, Xte);
    predictSeconds = (performance.now() - t1) / 1000;
    metrics = s.metrics;
    confusion = s.confusion;
    evaluatedOn = 'holdout';
  } else {
    const evalShare = req.protocol ? 0.6 : 0;
    if (req.protocol) {
      const folds = foldsOf(req.protocol, data);
      const fm = new FoldMatrices(data, folds);
      const ev = await evaluateLearner({ algo, params }, data, fm, evaluatedRows(folds), {
        signal: ctx.signal,
        onProgress: (f) => ctx.progress({ fraction: evalShare * f, phase: 'evaluate', message: `Cross-validation: ${Math.round(f * 100)} %` }),
      });
      if (ev.result.error) throw LatheError.fromWire(ev.result.error);
      metrics = ev.result.metrics;
      confusion = ev.result.confusion;
      predictSeconds = ev.result.predictSeconds;
      evaluatedOn = 'cv';
      warnings.push(...(ev.result.warnings ?? []));
    }
    throwIfAborted(ctx.signal, 'The training');
    const all = pipelineFor(data);
    pipeline = all.pipeline;
    est = await fitOne(all.X, data.y, report('final', evalShare, (1 - evalShare) * 0.97));
    if (!req.protocol) {
      const t1 = performance.now();
      const s = scores(data, data.y, est, all.X);
      predictSeconds = (performance.now() - t1) / 1000;
      metrics = s.metrics;
      confusion = s.confusion;
      warnings.push('The metrics are on the rows the network was trained on (no protocol was given), so they are optimistic.');
    }
  }

  const net = est.state!;
  // The final report carries the whole history: reports in between may have been throttled away.
  ctx.progress({ fraction: 1, phase: 'done', ...(lastPartial ? { partial: { ...lastPartial, epochs: epochsSoFar.slice() } } : {}) });
  const network: NetworkTrainReport = {
    backend: net.backend!,
    history: est.history!,
    summary: net.summary!,
    spec: net.spec,
    evaluatedOn,
    trainRows,
    ...(confusion ? { confusion } : {}),
  };
  return {
    algo,
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
    fitSeconds,
    predictSeconds,
    warnings,
    rows: data.table.rows,
    fingerprint: tableFingerprint(data.table),
    network,
    backend: net.backend!.used,
  };
}
