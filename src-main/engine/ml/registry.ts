/**
 * Algorithm name + task → estimator class. The catalogue (src-shared/ml/
 * catalog.ts) says what exists and validates parameters; this maps each
 * (algo, task) to the class that implements it, builds estimators and
 * restores them from their saved state. The conformance suite iterates
 * `registeredEstimators()`, so a class added here is checked automatically.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import { CATALOG, isAlgoName, taskEntry } from '../../../src-shared/ml/catalog.ts';
import type { AlgoName, Task } from '../../../src-shared/ml/catalog.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import type { Estimator, EstimatorState } from './estimator.ts';
import { GaussianAnomalyDetector } from './algorithms/anomaly.ts';
import { GaussianNB } from './algorithms/gnb.ts';
import { GradientBoostingClassifier, GradientBoostingRegressor } from './algorithms/gboost.ts';
import { KMeans } from './algorithms/kmeans.ts';
import { KNeighborsClassifier, KNeighborsRegressor } from './algorithms/knn.ts';
import { LinearRegression } from './algorithms/linreg.ts';
import { LogisticRegression } from './algorithms/logreg.ts';
import { RandomForestClassifier, RandomForestRegressor } from './algorithms/forest.ts';
import { PCA } from './algorithms/pca.ts';
import { Ridge } from './algorithms/ridge.ts';
import { SVC } from './algorithms/svm.ts';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './algorithms/tree.ts';
import { CnnClassifier, MlpClassifier, MlpRegressor } from '../nn/estimator.ts';

export interface EstimatorClass {
  new (params?: Params): Estimator;
  fromJSON(s: EstimatorState): Estimator;
}

export interface RegistryEntry {
  algo: AlgoName;
  task: Task;
  /** scikit-learn's class name (from the catalogue) */
  owner: string;
  cls: EstimatorClass;
}

const table = new Map<string, RegistryEntry>();
const key = (algo: string, task: string): string => `${algo}:${task}`;

/** Add (or replace) the class for (algo, task); the catalogue must list the pair. */
export function registerEstimator(algo: AlgoName, task: Task, cls: EstimatorClass): void {
  const t = taskEntry(algo, task);
  table.set(key(algo, task), { algo, task, owner: t.owner, cls });
}

registerEstimator('knn', 'classification', KNeighborsClassifier);
registerEstimator('knn', 'regression', KNeighborsRegressor);
registerEstimator('gnb', 'classification', GaussianNB);
registerEstimator('logreg', 'classification', LogisticRegression);
registerEstimator('tree', 'classification', DecisionTreeClassifier);
registerEstimator('tree', 'regression', DecisionTreeRegressor);
registerEstimator('forest', 'classification', RandomForestClassifier);
registerEstimator('forest', 'regression', RandomForestRegressor);
registerEstimator('svm', 'classification', SVC);
registerEstimator('gboost', 'classification', GradientBoostingClassifier);
registerEstimator('gboost', 'regression', GradientBoostingRegressor);
registerEstimator('linreg', 'regression', LinearRegression);
registerEstimator('ridge', 'regression', Ridge);
registerEstimator('kmeans', 'clustering', KMeans);
// Networks (TensorFlow.js is loaded by their fit, not by this import).
registerEstimator('mlp', 'classification', MlpClassifier);
registerEstimator('mlp', 'regression', MlpRegressor);
registerEstimator('cnn', 'classification', CnnClassifier);
registerEstimator('anomaly', 'anomaly', GaussianAnomalyDetector);
registerEstimator('pca', 'decomposition', PCA);

/** Every registered (algo, task) in catalogue order. */
export function registeredEstimators(): RegistryEntry[] {
  const out: RegistryEntry[] = [];
  for (const e of Object.values(CATALOG)) for (const t of e.tasks) {
    const r = table.get(key(e.name, t));
    if (r) out.push(r);
  }
  return out;
}

export function isRegistered(algo: string, task: string): boolean {
  return table.has(key(algo, task));
}

function entryFor(algo: string, task: string): RegistryEntry {
  taskEntry(algo, task); // unknown algo / task → INVALID_PARAM naming the choices
  const r = table.get(key(algo, task));
  if (!r) throw new LatheError('NOT_IMPLEMENTED', `The algorithm '${algo}' for ${task} is in the catalogue but not built into this version of Lathe.`, { algo, task });
  return r;
}

/** A new, unfitted estimator; bad params throw INVALID_PARAM with the standard message. */
export function createEstimator(algo: string, task: string, params: Params = {}): Estimator {
  return new (entryFor(algo, task).cls)(params);
}

/** The task a saved state belongs to: its own `state.task`, else the algorithm's only task. */
export function taskOfState(s: EstimatorState): Task {
  if (!isAlgoName(s.algo)) {
    throw new LatheError('BAD_MODEL_FILE', `The model is for an unknown algorithm '${String(s.algo)}'.`, { algo: s.algo });
  }
  const tasks = CATALOG[s.algo].tasks;
  const t = s.state.task;
  if (typeof t === 'string' && (tasks as string[]).includes(t)) return t as Task;
  if (tasks.length === 1) return tasks[0]!;
  throw new LatheError('BAD_MODEL_FILE', `The saved '${s.algo}' model does not say its task (one of ${tasks.join(', ')}).`, { algo: s.algo });
}

/** Restore a fitted estimator from `toJSON()` output (or deserializeState of it). */
export function estimatorFromJSON(s: EstimatorState): Estimator {
  const task = taskOfState(s);
  const r = table.get(key(s.algo, task));
  if (!r) throw new LatheError('BAD_MODEL_FILE', `This version of Lathe cannot load '${s.algo}' models for ${task}.`, { algo: s.algo, task });
  return r.cls.fromJSON(s);
}
