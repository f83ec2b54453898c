/**
 * Comparing two models on the same folds: the corrected resampled t-test of
 * Nadeau & Bengio (2003). Plain paired t-tests over CV folds are far too
 * confident because the training sets overlap; the correction inflates the
 * variance by n_test / n_train:
 *   t = mean(d) / sqrt((1/k + n_test/n_train) · var(d)),  k − 1 df.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { TTestResult } from '../../../../src-shared/ml/metrics.ts';
import { studentTTwoSided } from './distributions.ts';

export interface TTestOptions {
  nTrain: number;
  nTest: number;
  alpha?: number;
  /** false for errors and losses (RMSE, log loss): smaller is better */
  higherIsBetter?: boolean;
  nameA?: string;
  nameB?: string;
}

export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.01) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}

export function correctedResampledTTest(scoresA: ArrayLike<number>, scoresB: ArrayLike<number>, opts: TTestOptions): TTestResult {
  const k = scoresA.length;
  if (scoresB.length !== k) throw new LatheError('BAD_DATA', `The two models have ${k} and ${scoresB.length} fold scores; compare them on the same folds.`, {});
  if (k < 2) throw new LatheError('BAD_DATA', 'The t-test needs at least 2 folds (use cross-validation, not a single hold-out split).', {});
  if (!(opts.nTrain > 0) || !(opts.nTest > 0)) throw new LatheError('INVALID_PARAM', 'nTrain and nTest must be positive row counts.', {});
  const alpha = opts.alpha ?? 0.05;
  const nameA = opts.nameA ?? 'A';
  const nameB = opts.nameB ?? 'B';
  const d = Array.from({ length: k }, (_, i) => scoresA[i]! - scoresB[i]!);
  const mean = d.reduce((a, b) => a + b, 0) / k;
  const variance = d.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1);
  const df = k - 1;
  let t: number;
  let p: number;
  if (variance === 0) {
    t = mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
    p = mean === 0 ? 1 : 0;
  } else {
    t = mean / Math.sqrt((1 / k + opts.nTest / opts.nTrain) * variance);
    p = studentTTwoSided(t, df);
  }
  const aBetter = (opts.higherIsBetter ?? true) ? mean > 0 : mean < 0;
  const better = p < alpha && mean !== 0 ? (aBetter ? 'A' : 'B') : null;
  const pct = `${+(alpha * 100).toFixed(2)}%`;
  const verdict =
    better === 'A'
      ? `${nameA} is better than ${nameB} at ${pct} (${formatP(p)})`
      : better === 'B'
        ? `${nameB} is better than ${nameA} at ${pct} (${formatP(p)})`
        : `${nameB} is not distinguishable from ${nameA} at ${pct} (${formatP(p)})`;
  return { meanDiff: mean, t, df, p, alpha, better, verdict };
}
