/**
 * The algorithm catalogue: every algorithm Lathe offers, the tasks it does,
 * and per task the scikit-learn class it mirrors (named in messages) and its
 * hyper-parameter schema (defaults, ranges, docs), so the renderer can build
 * forms, the CLI can coerce `--param k=v`, and the engine can validate.
 */
import { LatheError } from '../errors.ts';
import { defaultParams, validateParams } from './params.ts';
import type { ParamSchema, Params } from './params.ts';
import { KNN_CLASSIFIER_OWNER, KNN_CLASSIFIER_SCHEMA, KNN_REGRESSOR_OWNER, KNN_REGRESSOR_SCHEMA } from './schemas/knn.ts';
import { GNB_OWNER, GNB_SCHEMA } from './schemas/gnb.ts';
import { LOGREG_OWNER, LOGREG_SCHEMA } from './schemas/logreg.ts';
import { TREE_CLASSIFIER_OWNER, TREE_CLASSIFIER_SCHEMA, TREE_REGRESSOR_OWNER, TREE_REGRESSOR_SCHEMA } from './schemas/tree.ts';
import { FOREST_CLASSIFIER_OWNER, FOREST_CLASSIFIER_SCHEMA, FOREST_REGRESSOR_OWNER, FOREST_REGRESSOR_SCHEMA } from './schemas/forest.ts';
import { GBOOST_CLASSIFIER_OWNER, GBOOST_CLASSIFIER_SCHEMA, GBOOST_REGRESSOR_OWNER, GBOOST_REGRESSOR_SCHEMA } from './schemas/gboost.ts';
import { SVM_OWNER, SVM_SCHEMA } from './schemas/svm.ts';
import { LINREG_OWNER, LINREG_SCHEMA } from './schemas/linreg.ts';
import { RIDGE_OWNER, RIDGE_SCHEMA } from './schemas/ridge.ts';
import { KMEANS_OWNER, KMEANS_SCHEMA } from './schemas/kmeans.ts';
import { ANOMALY_OWNER, ANOMALY_SCHEMA } from './schemas/anomaly.ts';
import { PCA_OWNER, PCA_SCHEMA } from './schemas/pca.ts';
import { CNN_CLASSIFIER_OWNER, CNN_SCHEMA, MLP_CLASSIFIER_OWNER, MLP_REGRESSOR_OWNER, MLP_SCHEMA } from './schemas/nn.ts';

export const TASKS = ['classification', 'regression', 'clustering', 'anomaly', 'decomposition'] as const;
export type Task = (typeof TASKS)[number];

export const ALGO_NAMES = ['knn', 'gnb', 'logreg', 'tree', 'forest', 'svm', 'gboost', 'linreg', 'ridge', 'kmeans', 'anomaly', 'pca', 'mlp', 'cnn'] as const;
export type AlgoName = (typeof ALGO_NAMES)[number];

export interface TaskEntry {
  /** scikit-learn's class name (or Lathe's own where sklearn has none), used in messages. */
  owner: string;
  schema: ParamSchema;
}

export interface AlgoEntry {
  name: AlgoName;
  /** Short human name for menus and tables. */
  display: string;
  /** One line on what it is good for. */
  summary: string;
  tasks: Task[];
  byTask: Partial<Record<Task, TaskEntry>>;
}

function entry(name: AlgoName, display: string, summary: string, byTask: Partial<Record<Task, TaskEntry>>): AlgoEntry {
  return { name, display, summary, tasks: TASKS.filter((t) => byTask[t] !== undefined), byTask };
}

export const CATALOG: Readonly<Record<AlgoName, AlgoEntry>> = {
  knn: entry('knn', 'k-nearest neighbours', 'Predicts from the closest training rows; no training cost, sensitive to feature scale.', {
    classification: { owner: KNN_CLASSIFIER_OWNER, schema: KNN_CLASSIFIER_SCHEMA },
    regression: { owner: KNN_REGRESSOR_OWNER, schema: KNN_REGRESSOR_SCHEMA },
  }),
  gnb: entry('gnb', 'Gaussian naive Bayes', 'Per-class Gaussian per feature; very fast, a strong baseline.', {
    classification: { owner: GNB_OWNER, schema: GNB_SCHEMA },
  }),
  logreg: entry('logreg', 'Logistic regression', 'Linear model of class probabilities (L2, L-BFGS); interpretable coefficients.', {
    classification: { owner: LOGREG_OWNER, schema: LOGREG_SCHEMA },
  }),
  tree: entry('tree', 'Decision tree', 'Axis-aligned splits (CART); readable rules, prone to overfit.', {
    classification: { owner: TREE_CLASSIFIER_OWNER, schema: TREE_CLASSIFIER_SCHEMA },
    regression: { owner: TREE_REGRESSOR_OWNER, schema: TREE_REGRESSOR_SCHEMA },
  }),
  forest: entry('forest', 'Random forest', 'Many decorrelated trees averaged; strong default for tabular data.', {
    classification: { owner: FOREST_CLASSIFIER_OWNER, schema: FOREST_CLASSIFIER_SCHEMA },
    regression: { owner: FOREST_REGRESSOR_OWNER, schema: FOREST_REGRESSOR_SCHEMA },
  }),
  svm: entry('svm', 'Support vector machine', 'Maximum-margin classifier with kernels (SMO); scale features first.', {
    classification: { owner: SVM_OWNER, schema: SVM_SCHEMA },
  }),
  gboost: entry('gboost', 'Gradient boosting', 'Shallow trees fitted in sequence to the errors; often the most accurate.', {
    classification: { owner: GBOOST_CLASSIFIER_OWNER, schema: GBOOST_CLASSIFIER_SCHEMA },
    regression: { owner: GBOOST_REGRESSOR_OWNER, schema: GBOOST_REGRESSOR_SCHEMA },
  }),
  linreg: entry('linreg', 'Linear regression', 'Ordinary least squares with the full OLS summary (standard errors, p-values).', {
    regression: { owner: LINREG_OWNER, schema: LINREG_SCHEMA },
  }),
  ridge: entry('ridge', 'Ridge regression', 'Least squares with an L2 penalty; stable with correlated features.', {
    regression: { owner: RIDGE_OWNER, schema: RIDGE_SCHEMA },
  }),
  kmeans: entry('kmeans', 'k-means', 'Partitions rows into k clusters around centroids (Lloyd iterations).', {
    clustering: { owner: KMEANS_OWNER, schema: KMEANS_SCHEMA },
  }),
  anomaly: entry('anomaly', 'Gaussian anomaly detection', 'Flags rows with low density under per-feature Gaussians.', {
    anomaly: { owner: ANOMALY_OWNER, schema: ANOMALY_SCHEMA },
  }),
  pca: entry('pca', 'Principal component analysis', 'Projects onto the directions of largest variance.', {
    decomposition: { owner: PCA_OWNER, schema: PCA_SCHEMA },
  }),
  mlp: entry('mlp', 'Neural network (MLP)', 'Dense layers trained with TensorFlow.js (adam, sgd, rmsprop); flexible, needs scaled inputs and more time.', {
    classification: { owner: MLP_CLASSIFIER_OWNER, schema: MLP_SCHEMA },
    regression: { owner: MLP_REGRESSOR_OWNER, schema: MLP_SCHEMA },
  }),
  cnn: entry('cnn', 'Convolutional network (CNN)', 'Convolutions over image-shaped rows (784 or 64 pixel columns, or width × height); the strongest for digits.', {
    classification: { owner: CNN_CLASSIFIER_OWNER, schema: CNN_SCHEMA },
  }),
};

export function isAlgoName(x: unknown): x is AlgoName {
  return typeof x === 'string' && (ALGO_NAMES as readonly string[]).includes(x);
}

export function isTask(x: unknown): x is Task {
  return typeof x === 'string' && (TASKS as readonly string[]).includes(x);
}

/** The owner and schema of an algorithm for a task; INVALID_PARAM naming the choices otherwise. */
export function taskEntry(algo: string, task: string): TaskEntry & { algo: AlgoName; task: Task } {
  if (!isAlgoName(algo)) {
    throw new LatheError('INVALID_PARAM', `Unknown algorithm '${algo}'. Choose one of: ${ALGO_NAMES.join(', ')}.`, { param: 'algo', value: algo });
  }
  const e = CATALOG[algo];
  const t = isTask(task) ? e.byTask[task] : undefined;
  if (!t || !isTask(task)) {
    throw new LatheError('INVALID_PARAM', `The algorithm '${algo}' does not do ${task}. It does: ${e.tasks.join(', ')}.`, {
      param: 'task',
      value: task,
      algo,
    });
  }
  return { ...t, algo, task };
}

/** Algorithms that do a task, in catalogue order. */
export function algosForTask(task: Task): AlgoEntry[] {
  return ALGO_NAMES.map((n) => CATALOG[n]).filter((e) => e.byTask[task] !== undefined);
}

/** Validate params for (algo, task) with the standard message; fills defaults. */
export function validateAlgoParams(algo: string, task: string, params: Params = {}): Params {
  const t = taskEntry(algo, task);
  return validateParams(t.owner, t.schema, params);
}

export function defaultAlgoParams(algo: string, task: string): Params {
  return defaultParams(taskEntry(algo, task).schema);
}
