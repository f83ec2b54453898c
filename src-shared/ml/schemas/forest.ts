/**
 * Random forests (scikit-learn 1.2's RandomForestClassifier /
 * RandomForestRegressor, defaults as there). Trees are grown in parallel on
 * worker threads (n_jobs); each tree's seed derives from random_state and its
 * index only, so the forest is the same whatever the number of workers.
 *
 * Exports FOREST_CLASSIFIER_* and FOREST_REGRESSOR_* (FOREST_SCHEMA /
 * FOREST_OWNER are the classifier's).
 */
import type { ParamSchema } from '../params.ts';
import { TREE_GROWTH_PARAMS, maxFeaturesSpec } from './tree.ts';

const FOREST_PARAMS: ParamSchema = {
  n_estimators: { type: 'int', default: 100, min: 1, doc: 'The number of trees in the forest.' },
  bootstrap: {
    type: 'bool',
    default: true,
    doc: 'Grow each tree on a bootstrap sample (n rows drawn with replacement); false = every tree sees all rows.',
  },
  ...TREE_GROWTH_PARAMS,
  n_jobs: {
    type: 'int',
    default: -1,
    min: -1,
    doc: 'Worker threads that grow trees: -1 = one per CPU core, 0 or 1 = none (all on the calling thread). The result does not depend on it.',
  },
};

export const FOREST_CLASSIFIER_OWNER = 'RandomForestClassifier';
export const FOREST_CLASSIFIER_SCHEMA: ParamSchema = {
  criterion: {
    type: 'enum',
    default: 'gini',
    values: ['gini', 'entropy', 'log_loss'],
    doc: "Impurity each split minimises: Gini impurity, or Shannon entropy ('entropy' and 'log_loss' are the same).",
  },
  ...FOREST_PARAMS,
  max_features: maxFeaturesSpec('sqrt'),
};

export const FOREST_REGRESSOR_OWNER = 'RandomForestRegressor';
export const FOREST_REGRESSOR_SCHEMA: ParamSchema = {
  criterion: {
    type: 'enum',
    default: 'squared_error',
    values: ['squared_error'],
    doc: 'Impurity each split minimises: the variance of the target (mean squared error).',
  },
  ...FOREST_PARAMS,
  max_features: maxFeaturesSpec(1, " Regression's default 1 (all features) is scikit-learn 1.2's."),
};

export const FOREST_OWNER = FOREST_CLASSIFIER_OWNER;
export const FOREST_SCHEMA = FOREST_CLASSIFIER_SCHEMA;
