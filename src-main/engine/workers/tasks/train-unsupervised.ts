/**
 * Training into the model library for the algorithms without a target:
 * k-means (clustering), Gaussian anomaly detection and PCA (decomposition).
 *
 * - k-means: fitted on every row. A label column, when given, is never a
 *   feature: it only scores the clusters (homogeneity, completeness,
 *   V-measure); inertia and the silhouette are reported always.
 * - anomaly: without labels ε is the contamination quantile of the training
 *   densities. With a two-valued label column (the anomaly label is the rarer
 *   value unless named), the rows are split (stratified, the protocol's seed
 *   and test share; 0.3 by default), the Gaussians are fitted on the normal
 *   rows of the first part and ε is chosen by F1 on the second (the
 *   course's cross-validation set); precision, recall and F1 are reported
 *   on those validation rows.
 * - PCA: fitted on every row; a target, when given, is left out of the
 *   features. Explained variance, its ratio and the cumulative ratio per
 *   component are reported.
 */
import type { AnomalyDetails, ComponentDetails, MetricSummary, TrainDetails, TrainRequest } from '../../../../src-shared/contract/ml.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { AlgoName } from '../../../../src-shared/ml/catalog.ts';
import type { GaussianAnomalyDetector } from '../../ml/algorithms/anomaly.ts';
import type { KMeans } from '../../ml/algorithms/kmeans.ts';
import type { PCA } from '../../ml/algorithms/pca.ts';
import type { Matrix } from '../../ml/estimator.ts';
import { homogeneityCompletenessV, silhouetteScore } from '../../ml/eval/metrics.ts';
import { trainTestSplit } from '../../ml/eval/split.ts';
import { defaultPipeline } from '../../ml/preprocess/pipeline.ts';
import { takeTableRows } from '../../ml/preprocess/table.ts';
import { createEstimator } from '../../ml/registry.ts';
import { stateToString } from '../../ml/state.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { tableFingerprint } from '../../models/fingerprint.ts';
import { SCALE_SENSITIVE, loadFeatures, loadPrepared, type Loaded } from './learners.ts';
import type { TrainOutput } from './train.ts';

export type UnsupervisedTask = 'clustering' | 'anomaly' | 'decomposition';

/** The algorithms trained here, with their one task. */
export const UNSUPERVISED_TASK: Partial<Record<AlgoName, UnsupervisedTask>> = { kmeans: 'clustering', anomaly: 'anomaly', pca: 'decomposition' };

/** Share of labelled rows on which the anomaly threshold is chosen, when the protocol does not say. */
export const ANOMALY_VALIDATION_SHARE = 0.3;

function one(v: number): MetricSummary {
  return { mean: v, std: 0, folds: [v] };
}

/** The anomaly label's class code: the one named, else the rarer of the two (the second on a tie). */
function anomalyCode(classes: string[], y: Int32Array, target: string, named?: string): number {
  if (classes.length !== 2) {
    throw new LatheError(
      'BAD_DATA',
      `Anomaly labels need exactly two values (normal / anomaly); the column '${target}' has ${classes.length} (${classes.slice(0, 6).join(', ')}${classes.length > 6 ? ', ...' : ''}). Choose a two-valued label column or train without one.`,
      { column: target, param: 'target' },
    );
  }
  if (named !== undefined) {
    const k = classes.indexOf(named);
    if (k < 0) {
      throw new LatheError('INVALID_PARAM', `anomalyLabel '${named}' is not a value of the column '${target}'; its values are ${classes.join(' and ')}.`, {
        param: 'anomalyLabel',
        value: named,
      });
    }
    return k;
  }
  let ones = 0;
  for (const v of y) ones += v;
  return ones <= y.length - ones ? 1 : 0;
}

function prf(pred: Int32Array, y: Int32Array): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (pred[i] === 1 && y[i] === 1) tp++;
    else if (pred[i] === 1) fp++;
    else if (y[i] === 1) fn++;
  }
  return { precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0 };
}

function take(y: Int32Array, idx: Int32Array): Int32Array {
  return Int32Array.from(idx, (r) => y[r]!);
}

export async function trainUnsupervised(dbFile: string, req: TrainRequest, task: UnsupervisedTask, ctx: TaskContext): Promise<TrainOutput> {
  if (req.task !== undefined && req.task !== task) {
    throw new LatheError('INVALID_PARAM', `The algorithm '${req.algo}' does ${task}, not ${req.task}.`, { param: 'task', value: req.task });
  }
  ctx.progress({ fraction: 0, phase: 'read' });
  const target = req.target || undefined;
  // A label column scores clusters and chooses ε; PCA has no use for one but leaves it out of the features.
  const labelled = target !== undefined && task !== 'decomposition';
  const { meta, data }: Loaded = labelled ? loadPrepared(dbFile, req.datasetId, target, req.features, 'classification') : loadFeatures(dbFile, req.datasetId, req.features, target);
  const params = createEstimator(req.algo, task, req.params ?? {}).params;
  const scaled = SCALE_SENSITIVE.has(req.algo);
  const warnings: string[] = [];
  const metrics: Record<string, MetricSummary> = {};
  const details: TrainDetails = {};
  const progress = (f: number): void => ctx.progress({ fraction: 0.05 + 0.85 * f, phase: 'fit' });
  if (labelled && data.droppedMissingTarget > 0) {
    warnings.push(`${data.droppedMissingTarget} rows without a value in '${target}' were left out.`);
  }
  if (target !== undefined && task === 'decomposition') warnings.push(`'${target}' was left out of the features; PCA does not use a target.`);
  if (scaled) warnings.push(`Numeric features were standardised (mean 0, variance 1) because ${req.algo === 'pca' ? 'PCA' : 'k-means'} is sensitive to feature scale.`);

  // Anomaly detection with labels fits on one part and chooses ε on the other; everything else fits on every row.
  let fitRows: Int32Array | null = null;
  let validationRows: Int32Array | null = null;
  let y01: Int32Array | null = null;
  let anomalyLabel: string | undefined;
  if (task === 'anomaly' && labelled) {
    const code = anomalyCode(data.classes, data.y as Int32Array, target, req.anomalyLabel);
    anomalyLabel = data.classes[code]!;
    y01 = Int32Array.from(data.y as Int32Array, (v) => (v === code ? 1 : 0));
    const share = req.protocol?.kind === 'holdout' ? req.protocol.testSize : req.protocol?.kind === 'cv' ? 1 / req.protocol.folds : ANOMALY_VALIDATION_SHARE;
    const split = trainTestSplit(data.table.rows, { testSize: share, seed: req.protocol?.seed ?? 0, y: y01, stratify: true });
    fitRows = split.train;
    validationRows = split.test;
  }
  const fitTable = fitRows ? takeTableRows(data.table, fitRows) : data.table;
  const pipeline = defaultPipeline(fitTable, { impute: 'mean', scale: scaled ? 'standard' : null });
  const X = pipeline.fitTransform(fitTable);
  const est = createEstimator(req.algo, task, params);
  throwIfAborted(ctx.signal, 'The training');
  const t0 = performance.now();
  let t1 = t0;

  if (task === 'clustering') {
    const km = est as KMeans;
    await km.fit(X, undefined, { signal: ctx.signal, onProgress: progress });
    t1 = performance.now();
    const labels = km.predict(X);
    const k = km.nClusters;
    const sizes = new Array<number>(k).fill(0);
    for (const c of labels) sizes[c] = (sizes[c] ?? 0) + 1;
    const sil = k > 1 && k < X.rows ? silhouetteScore(X, labels, { seed: 0 }) : { score: NaN, sampled: false, rows: X.rows };
    metrics.inertia = one(km.inertia_);
    metrics.silhouette = one(sil.score);
    details.clustering = { k, inertia: km.inertia_, silhouette: sil.score, silhouetteSampled: sil.sampled, iterations: km.nIter_, sizes };
    if (sil.sampled) warnings.push(`The silhouette was computed on a seeded sample of ${sil.rows} of the ${X.rows} rows.`);
    if (labelled) {
      const h = homogeneityCompletenessV(data.y, labels);
      metrics.homogeneity = one(h.homogeneity);
      metrics.completeness = one(h.completeness);
      metrics.v_measure = one(h.vMeasure);
      Object.assign(details.clustering, { labelColumn: target, homogeneity: h.homogeneity, completeness: h.completeness, vMeasure: h.vMeasure });
    }
  } else if (task === 'anomaly') {
    const ad = est as GaussianAnomalyDetector;
    let Xv: Matrix | null = null;
    if (y01 && fitRows && validationRows) {
      Xv = pipeline.transform(takeTableRows(data.table, validationRows));
      await ad.fit(X, take(y01, fitRows), { signal: ctx.signal, onProgress: progress, validation: { X: Xv, y: take(y01, validationRows) } });
    } else {
      await ad.fit(X, undefined, { signal: ctx.signal, onProgress: progress });
    }
    t1 = performance.now();
    const all = fitRows ? pipeline.transform(data.table) : X;
    const flagged = ad.predict(all).reduce((s, v) => s + v, 0);
    const a: AnomalyDetails = { epsilon: ad.epsilon_, logEpsilon: ad.logEpsilon_, method: ad.thresholdMethod_, flagged, rows: all.rows };
    metrics.anomaly_rate = one(flagged / all.rows);
    metrics.log_epsilon = one(ad.logEpsilon_);
    if (y01 && Xv && validationRows) {
      const s = prf(ad.predict(Xv), take(y01, validationRows));
      Object.assign(a, { labelColumn: target, anomalyLabel, validationRows: validationRows.length, ...s });
      metrics.precision = one(s.precision);
      metrics.recall = one(s.recall);
      metrics.f1 = one(s.f1);
      warnings.push(
        `The Gaussians were fitted on the normal rows of ${fitRows!.length} rows; ε was chosen by F1 on the other ${validationRows.length} (label '${anomalyLabel}' of '${target}' = anomaly), ` +
          'and precision, recall and F1 are measured on those same rows, so they are optimistic.',
      );
    } else if (ad.thresholdMethod_ === 'contamination') {
      warnings.push(`No labels: ε is the ${params.contamination as number} quantile of the training densities (contamination), so that share of the rows is flagged.`);
    }
    details.anomaly = a;
  } else {
    const pca = est as PCA;
    await pca.fit(X, undefined, { signal: ctx.signal, onProgress: progress });
    t1 = performance.now();
    let cum = 0;
    const comps: ComponentDetails[] = Array.from(pca.explainedVariance_, (v, c) => {
      cum += pca.explainedVarianceRatio_[c]!;
      return { name: `pc${c + 1}`, explainedVariance: v, explainedVarianceRatio: pca.explainedVarianceRatio_[c]!, cumulativeRatio: cum };
    });
    details.components = comps;
    metrics.n_components = one(pca.nComponents_);
    metrics.explained_variance_ratio = one(cum);
  }
  // The time to predict every fitted row once (the library's predict does the same work).
  est.predict(X);
  const t2 = performance.now();
  if (!validationRows) warnings.push('The metrics are on the rows the model was fitted on (the protocol does not apply to an unsupervised model).');
  ctx.progress({ fraction: 1, phase: 'done' });
  return {
    algo: req.algo,
    task,
    params,
    datasetId: meta.id,
    datasetName: meta.name,
    datasetSha256: meta.sha256,
    datasetSchema: meta.columns.map((c) => ({ name: c.name, kind: c.kind })),
    target: target ?? null,
    features: data.table.columns.map((c) => c.name),
    featureKinds: data.table.columns.map((c) => c.kind),
    classes: [],
    pipeline: pipeline.toJSON(),
    estimator: stateToString(est.toJSON()),
    metrics,
    evaluatedOn: validationRows ? 'holdout' : 'training',
    fitSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
    warnings,
    rows: data.table.rows,
    fingerprint: tableFingerprint(fitTable),
    details,
  };
}
