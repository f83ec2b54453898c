/**
 * Metric names and evaluation result types shared by the engine, the CLI and
 * the renderer. The engine computes them (src-main/engine/ml/eval); these are
 * the words and shapes everyone else reads.
 */

export const CLASSIFICATION_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
  'roc_auc',
  'log_loss',
] as const;
export const REGRESSION_METRICS = ['r2', 'mae', 'rmse'] as const;
export const CLUSTERING_METRICS = ['inertia', 'silhouette', 'homogeneity', 'completeness', 'v_measure'] as const;

export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];
export type ClusteringMetric = (typeof CLUSTERING_METRICS)[number];
export type MetricName = ClassificationMetric | RegressionMetric | ClusteringMetric;

export interface MetricInfo {
  name: MetricName;
  display: string;
  /** true when a larger value is a better model */
  higherIsBetter: boolean;
  doc: string;
}

export const METRICS: Readonly<Record<MetricName, MetricInfo>> = {
  accuracy: { name: 'accuracy', display: 'Accuracy', higherIsBetter: true, doc: 'Share of rows whose class is predicted right.' },
  balanced_accuracy: {
    name: 'balanced_accuracy',
    display: 'Balanced accuracy',
    higherIsBetter: true,
    doc: 'Mean of the per-class recalls: accuracy that every class counts in equally.',
  },
  precision_macro: { name: 'precision_macro', display: 'Precision (macro)', higherIsBetter: true, doc: 'Unweighted mean over classes of TP / (TP + FP); 0 where a class is never predicted.' },
  recall_macro: { name: 'recall_macro', display: 'Recall (macro)', higherIsBetter: true, doc: 'Unweighted mean over classes of TP / (TP + FN).' },
  f1_macro: { name: 'f1_macro', display: 'F1 (macro)', higherIsBetter: true, doc: 'Unweighted mean over classes of the harmonic mean of precision and recall.' },
  precision_weighted: { name: 'precision_weighted', display: 'Precision (weighted)', higherIsBetter: true, doc: 'Per-class precision averaged with the class sizes as weights.' },
  recall_weighted: { name: 'recall_weighted', display: 'Recall (weighted)', higherIsBetter: true, doc: 'Per-class recall averaged with the class sizes as weights (equals accuracy).' },
  f1_weighted: { name: 'f1_weighted', display: 'F1 (weighted)', higherIsBetter: true, doc: 'Per-class F1 averaged with the class sizes as weights.' },
  roc_auc: {
    name: 'roc_auc',
    display: 'ROC AUC',
    higherIsBetter: true,
    doc: 'Area under the ROC curve: binary, or for more classes the mean of one-vs-rest areas (macro). Needs probabilities.',
  },
  log_loss: { name: 'log_loss', display: 'Log loss', higherIsBetter: false, doc: 'Mean negative log-probability of the true class (probabilities clipped to [eps, 1 − eps]).' },
  r2: { name: 'r2', display: 'R²', higherIsBetter: true, doc: 'Share of the target variance explained: 1 − SS_res / SS_tot.' },
  mae: { name: 'mae', display: 'MAE', higherIsBetter: false, doc: 'Mean absolute error.' },
  rmse: { name: 'rmse', display: 'RMSE', higherIsBetter: false, doc: 'Root of the mean squared error, in the units of the target.' },
  inertia: { name: 'inertia', display: 'Inertia', higherIsBetter: false, doc: 'Sum of squared distances of rows to their cluster centre.' },
  silhouette: {
    name: 'silhouette',
    display: 'Silhouette',
    higherIsBetter: true,
    doc: 'Mean of (b − a) / max(a, b): a = mean distance within the own cluster, b = to the nearest other cluster. Euclidean; on a seeded sample for large data.',
  },
  homogeneity: { name: 'homogeneity', display: 'Homogeneity', higherIsBetter: true, doc: 'Each cluster holds rows of one class only (1 = perfectly).' },
  completeness: { name: 'completeness', display: 'Completeness', higherIsBetter: true, doc: 'All rows of a class fall in one cluster (1 = perfectly).' },
  v_measure: { name: 'v_measure', display: 'V-measure', higherIsBetter: true, doc: 'Harmonic mean of homogeneity and completeness.' },
};

/** Per-class precision, recall, F1 and support, plus averages (zero_division = 0, as scikit-learn). */
export interface ClassReport {
  /** class codes the rows describe (those present in the true or predicted labels) */
  labels: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
  auc: number;
}

/** How rows are split into training and test rows. */
export type Protocol =
  | { kind: 'holdout'; testSize: number; seed: number; stratify?: boolean }
  | { kind: 'cv'; folds: number; repeats?: number; seed: number; stratify?: boolean };

export interface Summary {
  mean: number;
  /** population standard deviation over folds (numpy's default, ddof = 0) */
  std: number;
  values: number[];
}

export interface FoldResult {
  repeat: number;
  fold: number;
  nTrain: number;
  nTest: number;
  fitMs: number;
  predictMs: number;
  metrics: Partial<Record<MetricName, number>>;
  /** warnings the fitted model reported (e.g. not converged) */
  warnings?: string[];
}

/** Predictions for rows that were not used to fit the model that predicted them. */
export interface OutOfFold {
  repeat: number;
  /** row indices into the evaluated data */
  rows: Int32Array;
  /** class codes (classification) or values (regression), aligned with rows */
  predicted: Int32Array | Float64Array;
  /** rows × nClasses probabilities when the model gives them */
  proba?: Float64Array;
}

export interface EvaluationResult {
  task: 'classification' | 'regression';
  protocol: Protocol;
  nRows: number;
  nClasses?: number;
  folds: FoldResult[];
  summary: Partial<Record<MetricName, Summary>>;
  fitMs: Summary;
  predictMs: Summary;
  /** one entry per repeat (holdout: one) */
  outOfFold: OutOfFold[];
  /** from the first repeat's out-of-fold predictions */
  confusion?: { labels: number[]; matrix: number[][] };
  report?: ClassReport;
  /** binary: one curve (positive class 1); more classes: one-vs-rest per class */
  roc?: { positive: number; curve: RocCurve }[];
  /** regression: y − ŷ for the first repeat's rows */
  residuals?: Float64Array;
}

export interface TTestResult {
  /** mean of the per-fold differences A − B */
  meanDiff: number;
  t: number;
  df: number;
  p: number;
  alpha: number;
  /** 'A' / 'B' when one is better at alpha, else null */
  better: 'A' | 'B' | null;
  verdict: string;
}
