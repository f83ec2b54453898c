/**
 * Gradient boosting (scikit-learn 1.2's GradientBoostingClassifier /
 * GradientBoostingRegressor, defaults as there): log-loss with one
 * regression tree per class per stage (one per stage for two classes) and
 * Newton-step leaf values; squared error for regression.
 *
 * Exports GBOOST_CLASSIFIER_* and GBOOST_REGRESSOR_* (GBOOST_SCHEMA /
 * GBOOST_OWNER are the classifier's).
 */
import type { ParamSchema } from '../params.ts';
import { TREE_GROWTH_PARAMS, maxFeaturesSpec } from './tree.ts';

const GBOOST_PARAMS: ParamSchema = {
  learning_rate: {
    type: 'float',
    default: 0.1,
    min: 0,
    doc: 'Shrinks the contribution of each tree; smaller needs more trees.',
  },
  n_estimators: { type: 'int', default: 100, min: 1, doc: 'The number of boosting stages.' },
  subsample: {
    type: 'float',
    default: 1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'Fraction of the rows (drawn without replacement) each stage is fitted on; < 1 gives stochastic gradient boosting.',
  },
  ...TREE_GROWTH_PARAMS,
  max_depth: { type: 'int', default: 3, min: 1, nullable: true, doc: 'Deepest each tree may grow; None = unlimited.' },
  max_features: maxFeaturesSpec(null),
};

export const GBOOST_CLASSIFIER_OWNER = 'GradientBoostingClassifier';
export const GBOOST_CLASSIFIER_SCHEMA: ParamSchema = {
  loss: {
    type: 'enum',
    default: 'log_loss',
    values: ['log_loss'],
    doc: 'The loss boosted: log-loss (binomial deviance for two classes, multinomial for more).',
  },
  ...GBOOST_PARAMS,
};

export const GBOOST_REGRESSOR_OWNER = 'GradientBoostingRegressor';
export const GBOOST_REGRESSOR_SCHEMA: ParamSchema = {
  loss: {
    type: 'enum',
    default: 'squared_error',
    values: ['squared_error'],
    doc: 'The loss boosted: squared error (each tree fits the residuals).',
  },
  ...GBOOST_PARAMS,
};

export const GBOOST_OWNER = GBOOST_CLASSIFIER_OWNER;
export const GBOOST_SCHEMA = GBOOST_CLASSIFIER_SCHEMA;
