/**
 * The final evaluation's scores on held-out rows, from the ML engine's
 * metrics module (the same numbers the comparison table shows for the
 * classical models): accuracy, balanced accuracy, precision/recall/F1,
 * log loss and ROC AUC for classifiers; R², MAE and RMSE for regressors.
 */
import type { NnSpec } from '../../../src-shared/ml/nn.ts';
import { classificationMetrics, regressionMetrics } from '../ml/eval/evaluate.ts';

export function evaluatePredictions(
  spec: NnSpec,
  truth: ArrayLike<number>,
  predictions: Int32Array | Float64Array,
  probabilities?: Float32Array,
): Record<string, number> {
  const m =
    spec.task === 'classification'
      ? classificationMetrics(Int32Array.from(truth), Int32Array.from(predictions), probabilities ? Float64Array.from(probabilities) : undefined, spec.outputs ?? 2)
      : regressionMetrics(Float64Array.from(truth), Float64Array.from(predictions));
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
  return out;
}
