/**
 * Metrics as scikit-learn 1.2 computes them (same label sets, zero_division
 * = 0, log-loss clipping, natural-log entropies), on class codes and typed
 * arrays. Checked against sklearn to 1e-9 in tests/integration/parity-metrics.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { ClassReport } from '../../../../src-shared/ml/metrics.ts';
import { Random } from '../random.ts';
import type { Matrix } from '../estimator.ts';

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new LatheError('BAD_DATA', `${what}: ${a.length} true values but ${b.length} predictions; they must match.`, {});
  if (a.length === 0) throw new LatheError('BAD_DATA', `${what}: no rows to score.`, {});
}

/** Sorted distinct values of one or more label arrays (sklearn's unique_labels). */
export function uniqueLabels(...ys: ArrayLike<number>[]): number[] {
  const s = new Set<number>();
  for (const y of ys) for (let i = 0; i < y.length; i++) s.add(y[i]!);
  return [...s].sort((a, b) => a - b);
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLength(yTrue, yPred, 'accuracy');
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** Confusion matrix over `labels` (default: the union of true and predicted): rows = true, columns = predicted. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels = uniqueLabels(yTrue, yPred)): { labels: number[]; matrix: number[][] } {
  sameLength(yTrue, yPred, 'confusion matrix');
  const pos = new Map(labels.map((l, i) => [l, i]));
  const L = labels.length;
  const m = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = pos.get(yTrue[i]!);
    const b = pos.get(yPred[i]!);
    if (a !== undefined && b !== undefined) m[a]![b]!++;
  }
  return { labels, matrix: m };
}

/** Mean per-class recall over the classes present in y_true (sklearn's balanced_accuracy_score). */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { matrix } = confusionMatrix(yTrue, yPred);
  let s = 0;
  let c = 0;
  for (let i = 0; i < matrix.length; i++) {
    const row = matrix[i]!.reduce((a, b) => a + b, 0);
    if (row > 0) {
      s += matrix[i]![i]! / row;
      c++;
    }
  }
  return s / c;
}

/** Precision, recall, F1 and support per class plus macro and weighted averages (zero_division = 0). */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels = uniqueLabels(yTrue, yPred)): ClassReport {
  const { matrix } = confusionMatrix(yTrue, yPred, labels);
  const L = labels.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  for (let i = 0; i < L; i++) {
    const tp = matrix[i]![i]!;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < L; j++) {
      predicted += matrix[j]![i]!;
      actual += matrix[i]![j]!;
    }
    const p = predicted > 0 ? tp / predicted : 0;
    const r = actual > 0 ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    // sklearn 1.2: F = 2·tp / (2·tp + fp + fn) written as (1+β²)PR/(β²P+R); 0 when P + R = 0
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actual);
  }
  const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
  const total = support.reduce((a, b) => a + b, 0);
  const wmean = (a: number[]): number => (total > 0 ? a.reduce((x, v, i) => x + v * support[i]!, 0) / total : 0);
  return {
    labels,
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: wmean(precision), recall: wmean(recall), f1: wmean(f1) },
  };
}

/**
 * Mean negative log-likelihood of the true classes, probabilities clipped to
 * [eps, 1 − eps] and rows renormalised (sklearn 1.2's log_loss; eps defaults
 * to machine epsilon, 2.2e-16, as there: "auto"). `proba` is rows × nClasses, column c = class code c.
 */
export function logLoss(yTrue: ArrayLike<number>, proba: Float64Array, nClasses: number, eps = Number.EPSILON): number {
  const n = yTrue.length;
  if (proba.length !== n * nClasses) {
    throw new LatheError('BAD_DATA', `log loss: probabilities hold ${proba.length} values, expected ${n} rows × ${nClasses} classes.`, {});
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < nClasses; c++) rowSum += Math.min(Math.max(proba[i * nClasses + c]!, eps), 1 - eps);
    const c = yTrue[i]!;
    if (c < 0 || c >= nClasses) throw new LatheError('BAD_DATA', `log loss: class code ${c} at row ${i} is outside 0..${nClasses - 1}.`, { row: i });
    const p = Math.min(Math.max(proba[i * nClasses + c]!, eps), 1 - eps) / rowSum;
    s -= Math.log(p);
  }
  return s / n;
}

// ---------------------------------------------------------------- regression

export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLength(yTrue, yPred, 'R²');
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i]! - yPred[i]!;
    const t = yTrue[i]! - mean;
    ssr += r * r;
    sst += t * t;
  }
  // sklearn (force_finite): a constant target scores 1 when predicted exactly, else 0
  if (sst === 0) return ssr === 0 ? 1 : 0;
  return 1 - ssr / sst;
}

export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLength(yTrue, yPred, 'MAE');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i]! - yPred[i]!);
  return s / yTrue.length;
}

export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLength(yTrue, yPred, 'MSE');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i]! - yPred[i]!) ** 2;
  return s / yTrue.length;
}

export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

export function residuals(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Float64Array {
  sameLength(yTrue, yPred, 'residuals');
  const out = new Float64Array(yTrue.length);
  for (let i = 0; i < out.length; i++) out[i] = yTrue[i]! - yPred[i]!;
  return out;
}

// ---------------------------------------------------------------- clustering

/** Sum of squared distances of rows to their cluster's centre (the mean of its rows unless centres are given). */
export function inertia(X: Matrix, labels: ArrayLike<number>, centers?: Float64Array): number {
  sameLength({ length: X.rows }, labels, 'inertia');
  const d = X.cols;
  let C = centers;
  if (!C) {
    const k = Math.max(...Array.from(labels)) + 1;
    C = new Float64Array(k * d);
    const cnt = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      const c = labels[i]!;
      cnt[c]!++;
      for (let j = 0; j < d; j++) C[c * d + j] = C[c * d + j]! + X.data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) if (cnt[c]! > 0) C[c * d + j] = C[c * d + j]! / cnt[c]!;
  }
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    const c = labels[i]!;
    for (let j = 0; j < d; j++) {
      const t = X.data[i * d + j]! - C[c * d + j]!;
      s += t * t;
    }
  }
  return s;
}

export interface SilhouetteOptions {
  /** score on a seeded random sample of this many rows when there are more (default 5000; null = all rows) */
  sampleSize?: number | null;
  seed?: number;
}

/**
 * Mean silhouette coefficient, euclidean (sklearn's silhouette_score).
 * Quadratic in rows, so above sampleSize rows it is computed on a seeded
 * sample (as sklearn's sample_size); `sampled` says so.
 */
export function silhouetteScore(X: Matrix, labels: ArrayLike<number>, opts: SilhouetteOptions = {}): { score: number; sampled: boolean; rows: number } {
  sameLength({ length: X.rows }, labels, 'silhouette');
  const limit = opts.sampleSize === undefined ? 5000 : opts.sampleSize;
  let idx: Int32Array;
  let sampled = false;
  if (limit !== null && X.rows > limit) {
    idx = new Random(opts.seed ?? 0).sample(X.rows, limit);
    sampled = true;
  } else idx = Int32Array.from({ length: X.rows }, (_, i) => i);
  const n = idx.length;
  const lab = Int32Array.from(idx, (i) => labels[i]!);
  const distinct = uniqueLabels(lab);
  if (distinct.length < 2 || distinct.length > n - 1) {
    throw new LatheError('BAD_DATA', `Silhouette needs between 2 and n − 1 clusters; got ${distinct.length} cluster(s) for ${n} rows.`, {});
  }
  const code = new Map(distinct.map((l, i) => [l, i]));
  const K = distinct.length;
  const lc = Int32Array.from(lab, (l) => code.get(l)!);
  const size = new Float64Array(K);
  for (let i = 0; i < n; i++) size[lc[i]!]!++;
  const d = X.cols;
  const x = X.data;
  const sums = new Float64Array(K);
  let total = 0;
  for (let a = 0; a < n; a++) {
    sums.fill(0);
    const ao = idx[a]! * d;
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const bo = idx[b]! * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = x[ao + j]! - x[bo + j]!;
        s += t * t;
      }
      const c = lc[b]!;
      sums[c] = sums[c]! + Math.sqrt(s);
    }
    const own = lc[a]!;
    if (size[own]! <= 1) continue; // s = 0 for singletons
    const ai = sums[own]! / (size[own]! - 1);
    let bi = Infinity;
    for (let c = 0; c < K; c++) if (c !== own) bi = Math.min(bi, sums[c]! / size[c]!);
    const m = Math.max(ai, bi);
    total += m > 0 ? (bi - ai) / m : 0;
  }
  return { score: total / n, sampled, rows: n };
}

function entropy(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  if (counts.size <= 1) return 0;
  const n = labels.length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * (Math.log(c) - Math.log(n));
  return h;
}

function mutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const joint = new Map<string, number>();
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = `${a[i]},${b[i]}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
    ca.set(a[i]!, (ca.get(a[i]!) ?? 0) + 1);
    cb.set(b[i]!, (cb.get(b[i]!) ?? 0) + 1);
  }
  let mi = 0;
  for (const [k, nij] of joint) {
    const [x, y] = k.split(',').map(Number) as [number, number];
    mi += (nij / n) * (Math.log(nij) + Math.log(n) - Math.log(ca.get(x)!) - Math.log(cb.get(y)!));
  }
  return Math.max(0, mi);
}

/** Homogeneity, completeness and V-measure of a clustering against true labels (β = 1). */
export function homogeneityCompletenessV(labelsTrue: ArrayLike<number>, labelsPred: ArrayLike<number>): { homogeneity: number; completeness: number; vMeasure: number } {
  sameLength(labelsTrue, labelsPred, 'homogeneity/completeness');
  const hC = entropy(labelsTrue);
  const hK = entropy(labelsPred);
  const mi = mutualInfo(labelsTrue, labelsPred);
  const homogeneity = hC ? mi / hC : 1;
  const completeness = hK ? mi / hK : 1;
  const vMeasure = homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}
