/**
 * ROC curves and areas as scikit-learn 1.2: roc_curve with
 * drop_intermediate (collinear points dropped, a first threshold of
 * max score + 1 prepended), trapezoidal AUC, and one-vs-rest macro AUC for
 * several classes.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { RocCurve } from '../../../../src-shared/ml/metrics.ts';

/** ROC of scores for `positive` (rows whose label equals it) against the rest. */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, positive = 1, dropIntermediate = true): RocCurve {
  const n = yTrue.length;
  if (score.length !== n) throw new LatheError('BAD_DATA', `ROC: ${n} labels but ${score.length} scores.`, {});
  // descending by score; among equal scores the reverse of a stable ascending sort (as sklearn)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b).reverse();
  const tpsAll: number[] = [];
  const fpsAll: number[] = [];
  const thrAll: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (yTrue[i] === positive) tp++;
    const last = r === n - 1 || score[order[r + 1]!] !== score[i];
    if (last) {
      tpsAll.push(tp);
      fpsAll.push(r + 1 - tp);
      thrAll.push(score[i]!);
    }
  }
  let keep = tpsAll.map((_, i) => i);
  if (dropIntermediate && tpsAll.length > 2) {
    keep = keep.filter((i) => {
      if (i === 0 || i === tpsAll.length - 1) return true;
      const d2f = fpsAll[i + 1]! - 2 * fpsAll[i]! + fpsAll[i - 1]!;
      const d2t = tpsAll[i + 1]! - 2 * tpsAll[i]! + tpsAll[i - 1]!;
      return d2f !== 0 || d2t !== 0;
    });
  }
  const tps = [0, ...keep.map((i) => tpsAll[i]!)];
  const fps = [0, ...keep.map((i) => fpsAll[i]!)];
  const thresholds = [thrAll[keep[0]!]! + 1, ...keep.map((i) => thrAll[i]!)];
  const P = tps[tps.length - 1]!;
  const N = fps[fps.length - 1]!;
  if (P === 0 || N === 0) {
    throw new LatheError('BAD_DATA', `ROC needs both classes among the rows; there are ${P} positive and ${N} negative rows.`, {});
  }
  const fpr = fps.map((v) => v / N);
  const tpr = tps.map((v) => v / P);
  return { fpr, tpr, thresholds, auc: trapezoid(fpr, tpr) };
}

/** Area under a curve by the trapezoid rule (x monotonic, either direction). */
export function trapezoid(x: number[], y: number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return Math.abs(s);
}

/** Binary AUC of scores for class 1. */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, positive = 1): number {
  return rocCurve(yTrue, score, positive).auc;
}

/**
 * AUC from class probabilities (rows × nClasses): binary → the AUC of column
 * 1 for class 1; more classes → the mean over classes present in y_true of
 * the one-vs-rest AUCs (sklearn's multi_class='ovr', average='macro').
 */
export function rocAucFromProba(yTrue: ArrayLike<number>, proba: Float64Array, nClasses: number): number {
  const n = yTrue.length;
  if (proba.length !== n * nClasses) throw new LatheError('BAD_DATA', `ROC AUC: probabilities hold ${proba.length} values, expected ${n} × ${nClasses}.`, {});
  const present = new Set<number>();
  for (let i = 0; i < n; i++) present.add(yTrue[i]!);
  const col = (c: number): Float64Array => {
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = proba[i * nClasses + c]!;
    return s;
  };
  if (nClasses === 2) return rocAuc(yTrue, col(1), 1);
  const classes = [...present].sort((a, b) => a - b);
  if (classes.length < 2) throw new LatheError('BAD_DATA', 'ROC AUC needs at least two classes among the rows.', {});
  let s = 0;
  for (const c of classes) s += rocAuc(yTrue, col(c), c);
  return s / classes.length;
}
