/**
 * Hyper-parameters of k-nearest neighbours (scikit-learn 1.2's
 * KNeighborsClassifier / KNeighborsRegressor, defaults as there).
 *
 * Exports one schema and owner per task: KNN_CLASSIFIER_* and KNN_REGRESSOR_*
 * (KNN_SCHEMA / KNN_OWNER are the classifier's).
 */
import type { ParamSchema } from '../params.ts';

const KNN_PARAMS: ParamSchema = {
  n_neighbors: {
    type: 'int',
    default: 5,
    min: 1,
    doc: 'Number of neighbours that vote (classification) or are averaged (regression). At most the number of training rows.',
  },
  weights: {
    type: 'enum',
    default: 'uniform',
    values: ['uniform', 'distance'],
    doc: "'uniform': every neighbour counts the same; 'distance': neighbours count by 1 / distance (an exact match takes all the weight).",
  },
  algorithm: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'brute', 'kd_tree'],
    doc: "Neighbour search: 'brute' computes blocked distance matrices (best for many features); 'kd_tree' for few features (≤ 15); 'auto' picks. Same neighbours either way.",
  },
  leaf_size: {
    type: 'int',
    default: 30,
    min: 1,
    doc: 'Rows per KD-tree leaf: affects speed only, not results.',
  },
  metric: {
    type: 'enum',
    default: 'minkowski',
    values: ['minkowski', 'euclidean', 'manhattan'],
    doc: "Distance: 'minkowski' with power p (p = 2 is euclidean, p = 1 manhattan), or 'euclidean' / 'manhattan' directly.",
  },
  p: {
    type: 'float',
    default: 2,
    min: 1,
    doc: "Power of the Minkowski metric (used when metric = 'minkowski'): 1 = manhattan, 2 = euclidean.",
  },
};

export const KNN_CLASSIFIER_OWNER = 'KNeighborsClassifier';
export const KNN_CLASSIFIER_SCHEMA: ParamSchema = { ...KNN_PARAMS };

export const KNN_REGRESSOR_OWNER = 'KNeighborsRegressor';
export const KNN_REGRESSOR_SCHEMA: ParamSchema = { ...KNN_PARAMS };

export const KNN_OWNER = KNN_CLASSIFIER_OWNER;
export const KNN_SCHEMA = KNN_CLASSIFIER_SCHEMA;
