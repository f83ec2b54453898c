/**
 * Evaluate one learner under a protocol (hold-out or repeated k-fold): fit a
 * fresh estimator per fold on the training rows, predict the test rows, score
 * every metric of the task, time fit and predict, and keep out-of-fold
 * predictions (+ probabilities) for confusion matrices, ROC curves and the
 * list of misclassified rows. The comparison job and the CLI call this with
 * the same folds for every learner (pass `folds` to reuse them).
 */
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { EvaluationResult, FoldResult, MetricName, OutOfFold, Protocol, Summary } from '../../../../src-shared/ml/metrics.ts';
import type { Classifier, Estimator, Matrix } from '../estimator.ts';
import { accuracy, balancedAccuracy, classificationReport, confusionMatrix, logLoss, meanAbsoluteError, r2Score, residuals, rootMeanSquaredError } from './metrics.ts';
import { rocAucFromProba, rocCurve } from './roc.ts';
import { repeatedKFold, trainTestSplit } from './split.ts';
import type { Fold } from './split.ts';

export interface EvaluateOptions {
  task: 'classification' | 'regression';
  protocol: Protocol;
  /** classes (codes 0..nClasses-1); default max(y) + 1 */
  nClasses?: number;
  /** reuse these folds instead of making them from the protocol */
  folds?: Fold[];
  signal?: AbortSignal;
  onProgress?: (fraction: number, message?: string, partial?: unknown) => void;
}

/** The folds a protocol gives for n rows (stratified by y for classification unless stratify = false). */
export function makeFolds(protocol: Protocol, n: number, y?: ArrayLike<number>, task: 'classification' | 'regression' = 'classification'): Fold[] {
  const stratify = (protocol.stratify ?? true) && task === 'classification' && y !== undefined;
  if (protocol.kind === 'holdout') return [trainTestSplit(n, { testSize: protocol.testSize, seed: protocol.seed, y, stratify })];
  return repeatedKFold({ n, folds: protocol.folds, repeats: protocol.repeats ?? 1, seed: protocol.seed, y, stratify });
}

function take(X: Matrix, idx: Int32Array): Matrix {
  const d = X.cols;
  const out = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(X.data.subarray(idx[i]! * d, idx[i]! * d + d), i * d);
  return { data: out, rows: idx.length, cols: d };
}

function takeY<T extends Int32Array | Float64Array>(y: T, idx: Int32Array): T {
  const out = new (y.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

export function summarise(values: number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n ? finite.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / n) : NaN;
  return { mean, std, values };
}

function hasProba(e: Estimator): e is Classifier {
  return typeof (e as Partial<Classifier>).predictProba === 'function';
}

/** Metrics of one fold's predictions. */
export function classificationMetrics(yTrue: Int32Array, yPred: Int32Array, proba: Float64Array | undefined, nClasses: number): Partial<Record<MetricName, number>> {
  const rep = classificationReport(yTrue, yPred);
  const m: Partial<Record<MetricName, number>> = {
    accuracy: accuracy(yTrue, yPred),
    balanced_accuracy: balancedAccuracy(yTrue, yPred),
    precision_macro: rep.macro.precision,
    recall_macro: rep.macro.recall,
    f1_macro: rep.macro.f1,
    precision_weighted: rep.weighted.precision,
    recall_weighted: rep.weighted.recall,
    f1_weighted: rep.weighted.f1,
  };
  if (proba) {
    m.log_loss = logLoss(yTrue, proba, nClasses);
    try {
      m.roc_auc = rocAucFromProba(yTrue, proba, nClasses);
    } catch {
      m.roc_auc = NaN; // a test fold with one class has no ROC
    }
  }
  return m;
}

export function regressionMetrics(yTrue: Float64Array, yPred: Float64Array): Partial<Record<MetricName, number>> {
  return { r2: r2Score(yTrue, yPred), mae: meanAbsoluteError(yTrue, yPred), rmse: rootMeanSquaredError(yTrue, yPred) };
}

export async function evaluate(factory: () => Estimator, X: Matrix, y: Int32Array | Float64Array, opts: EvaluateOptions): Promise<EvaluationResult> {
  if (y.length !== X.rows) throw new LatheError('BAD_DATA', `X has ${X.rows} rows but y has ${y.length} values; they must match.`, { param: 'y' });
  const task = opts.task;
  const classification = task === 'classification';
  if (classification && !(y instanceof Int32Array)) throw new LatheError('BAD_DATA', 'Classification needs class codes in an Int32Array.', { param: 'y' });
  let nClasses = opts.nClasses ?? 0;
  if (classification && !opts.nClasses) for (let i = 0; i < y.length; i++) nClasses = Math.max(nClasses, y[i]! + 1);
  const folds = opts.folds ?? makeFolds(opts.protocol, X.rows, y, task);
  const results: FoldResult[] = [];
  const oof = new Map<number, { rows: number[]; pred: number[]; proba: number[] | null }>();

  for (let f = 0; f < folds.length; f++) {
    throwIfAborted(opts.signal, 'The evaluation');
    const fold = folds[f]!;
    const Xtr = take(X, fold.train);
    const Xte = take(X, fold.test);
    const ytr = takeY(y, fold.train);
    const yte = takeY(y, fold.test);
    const est = factory();
    const base = f / folds.length;
    const t0 = performance.now();
    await est.fit(Xtr, ytr, {
      signal: opts.signal,
      onProgress: (fr, msg) => opts.onProgress?.(base + fr / folds.length, `fold ${f + 1}/${folds.length}${msg ? `: ${msg}` : ''}`),
    });
    const t1 = performance.now();
    const pred = est.predict(Xte);
    let proba: Float64Array | undefined;
    if (classification && hasProba(est)) {
      try {
        proba = est.predictProba(Xte);
        if (proba.length !== Xte.rows * nClasses) proba = undefined;
      } catch (e) {
        if (!(e instanceof LatheError) || e.code === 'CANCELLED') throw e;
        proba = undefined; // e.g. an SVC fitted without probability=true
      }
    }
    const t2 = performance.now();
    const metrics = classification
      ? classificationMetrics(yte as Int32Array, pred as Int32Array, proba, nClasses)
      : regressionMetrics(yte as Float64Array, Float64Array.from(pred));
    const warnings = (est as { convergence?: { warnings?: { message: string }[] } }).convergence?.warnings?.map((w) => w.message);
    results.push({
      repeat: fold.repeat,
      fold: fold.fold,
      nTrain: fold.train.length,
      nTest: fold.test.length,
      fitMs: t1 - t0,
      predictMs: t2 - t1,
      metrics,
      ...(warnings && warnings.length ? { warnings } : {}),
    });
    let o = oof.get(fold.repeat);
    if (!o) oof.set(fold.repeat, (o = { rows: [], pred: [], proba: proba ? [] : null }));
    for (let i = 0; i < fold.test.length; i++) {
      o.rows.push(fold.test[i]!);
      o.pred.push(pred[i]!);
    }
    if (o.proba && proba) for (let i = 0; i < proba.length; i++) o.proba.push(proba[i]!);
    else o.proba = null;
    opts.onProgress?.((f + 1) / folds.length, `fold ${f + 1}/${folds.length} done`, { fold: results[results.length - 1] });
  }

  const names = new Set<MetricName>();
  for (const r of results) for (const k of Object.keys(r.metrics) as MetricName[]) names.add(k);
  const summary: Partial<Record<MetricName, Summary>> = {};
  for (const k of names) summary[k] = summarise(results.map((r) => r.metrics[k] ?? NaN));

  const outOfFold: OutOfFold[] = [...oof.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([repeat, o]) => {
      // rows in ascending order
      const perm = o.rows.map((_, i) => i).sort((a, b) => o.rows[a]! - o.rows[b]!);
      const rows = Int32Array.from(perm, (i) => o.rows[i]!);
      const predicted = classification ? Int32Array.from(perm, (i) => o.pred[i]!) : Float64Array.from(perm, (i) => o.pred[i]!);
      const out: OutOfFold = { repeat, rows, predicted };
      if (o.proba) {
        const p = new Float64Array(rows.length * nClasses);
        perm.forEach((src, dst) => {
          for (let c = 0; c < nClasses; c++) p[dst * nClasses + c] = o.proba![src * nClasses + c]!;
        });
        out.proba = p;
      }
      return out;
    });

  const result: EvaluationResult = {
    task,
    protocol: opts.protocol,
    nRows: X.rows,
    ...(classification ? { nClasses } : {}),
    folds: results,
    summary,
    fitMs: summarise(results.map((r) => r.fitMs)),
    predictMs: summarise(results.map((r) => r.predictMs)),
    outOfFold,
  };
  const first = outOfFold[0];
  if (first) {
    const yFirst = takeY(y, first.rows);
    if (classification) {
      const labels = Array.from({ length: nClasses }, (_, i) => i);
      result.confusion = confusionMatrix(yFirst, first.predicted, labels);
      result.report = classificationReport(yFirst, first.predicted);
      if (first.proba) {
        const curves: EvaluationResult['roc'] = [];
        const positives = nClasses === 2 ? [1] : labels;
        for (const c of positives) {
          const s = new Float64Array(first.rows.length);
          for (let i = 0; i < s.length; i++) s[i] = first.proba[i * nClasses + c]!;
          try {
            curves.push({ positive: c, curve: rocCurve(yFirst, s, c) });
          } catch {
            // class absent from the evaluated rows: no curve
          }
        }
        result.roc = curves;
      }
    } else {
      result.residuals = residuals(yFirst, first.predicted);
    }
  }
  return result;
}
