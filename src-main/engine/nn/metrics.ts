/**
 * The few scores the network's final evaluation reports on held-out rows
 * (accuracy; MSE, RMSE, MAE and R²). The full metrics (confusion matrix, F1,
 * ROC...) belong to the ML engine's eval module, fed with these predictions.
 */
import type { NnSpec } from '../../../src-shared/ml/nn.ts';

export function evaluatePredictions(
  spec: NnSpec,
  truth: ArrayLike<number>,
  predictions: ArrayLike<number>,
): Record<string, number> {
  const n = truth.length;
  if (spec.task === 'classification') {
    let hit = 0;
    for (let i = 0; i < n; i++) if (truth[i] === predictions[i]) hit++;
    return { accuracy: n ? hit / n : 0 };
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n || 1;
  let se = 0;
  let ae = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const d = truth[i]! - predictions[i]!;
    se += d * d;
    ae += Math.abs(d);
    tot += (truth[i]! - mean) ** 2;
  }
  const mse = se / (n || 1);
  return { mse, rmse: Math.sqrt(mse), mae: ae / (n || 1), r2: tot > 0 ? 1 - se / tot : 0 };
}
