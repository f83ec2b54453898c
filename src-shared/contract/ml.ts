/**
 * Machine-learning methods: the comparison board, training into the model
 * library, decision boundaries, correlations, run history.
 */
import type { WireError } from '../errors.ts';
import type { AlgoName, Task } from '../ml/catalog.ts';
import type { Protocol } from '../ml/metrics.ts';
import type { Params } from '../ml/params.ts';
import type { NetworkTrainOptions, NetworkTrainReport } from './nn.ts';

/**
 * How learners are evaluated (hold-out with a test fraction, or k-fold CV,
 * optionally repeated; stratified for classification unless stratify is
 * false). The same split or folds serve every learner.
 */
export type { Protocol };

export interface LearnerSpec {
  algo: AlgoName;
  params?: Params;
}

export interface MetricSummary {
  mean: number;
  std: number;
  /** One value per fold (holdout: the one value). */
  folds: number[];
}

export interface RocCurve {
  /** The positive class (binary) or the one-vs-rest class. */
  label: string;
  fpr: number[];
  tpr: number[];
  auc: number;
}

export interface LearnerResult {
  algo: AlgoName;
  display: string;
  params: Params;
  /** Metric name → mean ± std over folds, e.g. accuracy, f1_macro, r2. */
  metrics: Record<string, MetricSummary>;
  /** Totals over folds, seconds. */
  fitSeconds: number;
  predictSeconds: number;
  /** Classification: counts, rows = true class, columns = predicted class (summed over folds). */
  confusion?: number[][];
  roc?: RocCurve[];
  /**
   * Out-of-fold predictions: for each evaluated row (dataset row id in `rowIds`
   * of the run), the predicted class code or value. Repeated CV keeps the first repeat.
   */
  predictions?: Int32Array | Float64Array;
  /** Regression: residuals (actual − predicted), aligned with predictions. */
  residuals?: Float64Array;
  /** Set when this learner failed; the others still report. */
  error?: WireError;
  warnings?: string[];
}

/** The corrected resampled t-test (Nadeau & Bengio) between two learners on the same folds. */
export interface PairTest {
  a: AlgoName;
  b: AlgoName;
  metric: string;
  meanDifference: number;
  t: number;
  p: number;
  /** Plain language, e.g. "Random forest is not distinguishable from k-nearest neighbours at 5% (p = 0.41)". */
  verdict: string;
}

export interface CompareRequest {
  datasetId: string;
  target: string;
  /** Default: every column whose role is feature. */
  features?: string[];
  /** Default: the five classifiers (knn, gnb, logreg, tree, forest) or, for a numeric target, linreg, ridge, knn, tree, forest. */
  learners?: LearnerSpec[];
  protocol: Protocol;
  /** Default: decided from the target column. */
  task?: 'classification' | 'regression';
}

export interface CompareResult {
  runId: string;
  datasetId: string;
  datasetName: string;
  target: string;
  features: string[];
  task: 'classification' | 'regression';
  protocol: Protocol;
  /** Class labels (classification), index = class code. */
  classes?: string[];
  /** Dataset row ids (0-based) of the evaluated rows, aligned with each learner's predictions. */
  rowIds: Int32Array;
  /** True target of each evaluated row: class codes or values. */
  actual: Int32Array | Float64Array;
  learners: LearnerResult[];
  tests: PairTest[];
  /** Rows left out because the target (or a feature, where the learner cannot impute) was missing. */
  droppedRows: number;
  createdAt: string;
  /** How the task was decided ("integer target with 3 distinct values → classification"). */
  taskReason?: string;
  /** Notes on the run as a whole (e.g. no t-tests for a single hold-out split). */
  warnings?: string[];
}

export interface BoundaryRequest {
  datasetId: string;
  target: string;
  x: string;
  y: string;
  learners?: LearnerSpec[];
  /** Cells per side of the prediction grid (default 80). */
  resolution?: number;
}

export interface BoundaryPanel {
  algo: AlgoName;
  display: string;
  /** resolution × resolution predicted class codes, row-major from (xMin, yMin). */
  grid: Int32Array;
  /** Probability of the predicted class per cell (confidence shading), when the learner has one. */
  confidence?: Float32Array;
  /** Training accuracy on the two features. */
  accuracy: number;
  error?: WireError;
}

export interface BoundaryResult {
  x: string;
  y: string;
  classes: string[];
  resolution: number;
  xRange: [number, number];
  yRange: [number, number];
  /** The points: x, y, class code. */
  px: Float64Array;
  py: Float64Array;
  pc: Int32Array;
  panels: BoundaryPanel[];
}

export interface TrainRequest {
  datasetId: string;
  /**
   * The column to predict. Unsupervised algorithms: optional. k-means and
   * anomaly use it only to score (never as a feature); PCA leaves it out of
   * the features.
   */
  target?: string;
  features?: string[];
  algo: AlgoName;
  params?: Params;
  protocol?: Protocol;
  task?: Task;
  /** Name in the model library (default "<algo> on <dataset>"). */
  name?: string;
  /** Networks ('mlp', 'cnn'): a free layer list from the network builder. */
  network?: NetworkTrainOptions;
  /** Anomaly detection with a label column: the label that marks an anomaly (default: the rarer of its two values). */
  anomalyLabel?: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  algo: AlgoName;
  task: Task;
  params: Params;
  datasetId: string;
  datasetName: string;
  target: string | null;
  features: string[];
  metrics: Record<string, number>;
  createdAt: string;
  /** Backend that trained it (networks), or 'typed-arrays'. */
  backend: string;
  description?: string;
}

export interface TrainResult {
  model: ModelSummary;
  metrics: Record<string, MetricSummary>;
  fitSeconds: number;
  predictSeconds: number;
  /** Networks: backend report, per-epoch history, layer summary. */
  network?: NetworkTrainReport;
  /** The estimator's own outputs (OLS summary, importances, coefficients, clusters, components...). */
  details?: TrainDetails;
}

/** One term of the OLS summary (statsmodels' table). */
export interface OlsTerm {
  /** 'const' for the intercept, else the feature name (after one-hot). */
  name: string;
  coef: number;
  stdErr: number;
  t: number;
  p: number;
  ciLow: number;
  ciHigh: number;
}

export interface OlsDetails {
  nObs: number;
  dfModel: number;
  dfResid: number;
  rSquared: number;
  adjRSquared: number;
  fStatistic: number;
  fPValue: number;
  residualStdError: number;
  logLikelihood: number;
  aic: number;
  bic: number;
  terms: OlsTerm[];
  /** Terms that are linear combinations of others. */
  aliased: string[];
  warnings: string[];
}

export interface ClusteringDetails {
  k: number;
  inertia: number;
  silhouette: number;
  /** True when the silhouette was computed on a seeded sample of rows. */
  silhouetteSampled: boolean;
  iterations: number;
  /** Rows per cluster. */
  sizes: number[];
  /** Against the label column, when one was given. */
  labelColumn?: string;
  homogeneity?: number;
  completeness?: number;
  vMeasure?: number;
}

export interface AnomalyDetails {
  /** ε itself (may underflow to 0 with many features) and its log, which is exact. */
  epsilon: number;
  logEpsilon: number;
  /** How ε was chosen. */
  method: 'given' | 'f1' | 'contamination';
  /** Rows flagged as anomalies among all rows. */
  flagged: number;
  rows: number;
  labelColumn?: string;
  anomalyLabel?: string;
  /** On the validation rows ε was chosen on (labels given). */
  validationRows?: number;
  precision?: number;
  recall?: number;
  f1?: number;
}

export interface ComponentDetails {
  name: string;
  explainedVariance: number;
  explainedVarianceRatio: number;
  cumulativeRatio: number;
}

export interface TrainDetails {
  /** Linear regression: the OLS summary. */
  ols?: OlsDetails;
  /** Trees, forests, boosting: impurity importances per feature (after one-hot), largest first. */
  importances?: { name: string; importance: number }[];
  /** Logistic regression: one row of coefficients per class (one row, for the second class, when there are two). */
  coefficients?: { features: string[]; rows: { label: string; intercept: number; coef: number[] }[] };
  clustering?: ClusteringDetails;
  anomaly?: AnomalyDetails;
  /** PCA: explained variance per component. */
  components?: ComponentDetails[];
}

export interface CorrelationRequest {
  datasetId: string;
  method?: 'pearson' | 'spearman' | 'auto';
  columns?: string[];
}

export interface CorrelationResult {
  columns: string[];
  /** Symmetric matrix; null where a pair has too few complete rows. */
  matrix: (number | null)[][];
  /** Per cell, the measure used: pearson, spearman, cramers_v, correlation_ratio. */
  measures: string[][];
  /** A suggested order of columns (hierarchical clustering on 1 − |r|). */
  order: number[];
  /** Columns left out (text). */
  skipped?: string[];
}

export interface RunSummary {
  runId: string;
  datasetName: string;
  target: string;
  task: 'classification' | 'regression';
  learners: AlgoName[];
  best: { algo: AlgoName; metric: string; value: number } | null;
  createdAt: string;
}

export interface MlMethods {
  /** The algorithm catalogue is static data in src-shared/ml/catalog.ts; this answers which are available here. */
  'ml.compare': { params: CompareRequest; result: CompareResult };
  'ml.boundary': { params: BoundaryRequest; result: BoundaryResult };
  'ml.train': { params: TrainRequest; result: TrainResult };
  'ml.correlate': { params: CorrelationRequest; result: CorrelationResult };
  'ml.runs': { params: void; result: RunSummary[] };
  'ml.run': { params: { runId: string }; result: CompareResult };
  'models.list': { params: void; result: ModelSummary[] };
  'models.get': { params: { id: string }; result: ModelSummary };
  'models.rename': { params: { id: string; name: string; description?: string }; result: ModelSummary };
  'models.delete': { params: { id: string }; result: { deleted: boolean } };
}

export interface MlEvents {
  'models.changed': { ids: string[] };
  'runs.changed': { runIds: string[] };
}
