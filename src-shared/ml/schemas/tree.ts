/**
 * Hyper-parameters of the decision trees (scikit-learn 1.2's
 * DecisionTreeClassifier / DecisionTreeRegressor, defaults as there), plus
 * two of Lathe's own that choose the split search: exact (features sorted
 * once, every threshold tried, as scikit-learn) or histogram (≤ max_bins
 * quantile bins per feature, as HistGradientBoosting / LightGBM).
 *
 * Exports one schema and owner per task: TREE_CLASSIFIER_* and TREE_REGRESSOR_*
 * (TREE_SCHEMA / TREE_OWNER are the classifier's).
 */
import type { ParamSchema, ParamSpec } from '../params.ts';

/** max_features: which share of the features each split looks at. */
export function maxFeaturesSpec(def: number | string | null, extra = ''): ParamSpec {
  return {
    type: 'number_or_enum',
    default: def,
    values: ['sqrt', 'log2'],
    min: 0,
    exclusiveMin: true,
    nullable: true,
    doc:
      'Features considered at each split: None = all; a number in (0, 1] = that fraction of them ' +
      "(1 = all, as scikit-learn's 1.0); an int ≥ 2 = that many; 'sqrt' / 'log2' of the feature count." +
      extra,
  };
}

/** Parameters every tree-growing estimator shares (tree, forest, boosting). */
export const TREE_GROWTH_PARAMS: ParamSchema = {
  max_depth: {
    type: 'int',
    default: null,
    min: 1,
    nullable: true,
    doc: 'Deepest a tree may grow; None = until leaves are pure or smaller than min_samples_split.',
  },
  min_samples_split: {
    type: 'int',
    default: 2,
    min: 2,
    doc: 'A node with fewer samples than this is not split.',
  },
  min_samples_leaf: {
    type: 'int',
    default: 1,
    min: 1,
    doc: 'A split is only taken if each side keeps at least this many samples.',
  },
  min_impurity_decrease: {
    type: 'float',
    default: 0,
    min: 0,
    doc: 'A node is split only if the weighted impurity decrease (N_t / N × (impurity − weighted child impurity)) is at least this.',
  },
  random_state: {
    type: 'int',
    default: null,
    min: 0,
    nullable: true,
    doc: 'Seed of the random choices (feature order, subsets, bootstrap). None = seed 0: Lathe is always reproducible.',
  },
  split_search: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'exact', 'hist'],
    doc:
      "How splits are searched: 'exact' sorts each feature once and tries every threshold (scikit-learn's way); " +
      "'hist' bins each feature into ≤ max_bins quantile bins once and scans bin histograms (fast on big data); " +
      "'auto' = exact up to 20,000 rows, hist above. (Lathe only.)",
  },
  max_bins: {
    type: 'int',
    default: 256,
    min: 2,
    max: 256,
    doc: 'Bins per feature for the histogram split search. (Lathe only.)',
  },
};

export const TREE_CLASSIFIER_OWNER = 'DecisionTreeClassifier';
export const TREE_CLASSIFIER_SCHEMA: ParamSchema = {
  criterion: {
    type: 'enum',
    default: 'gini',
    values: ['gini', 'entropy', 'log_loss'],
    doc: "Impurity a split minimises: Gini impurity, or Shannon entropy ('entropy' and 'log_loss' are the same).",
  },
  ...TREE_GROWTH_PARAMS,
  max_features: maxFeaturesSpec(null),
};

export const TREE_REGRESSOR_OWNER = 'DecisionTreeRegressor';
export const TREE_REGRESSOR_SCHEMA: ParamSchema = {
  criterion: {
    type: 'enum',
    default: 'squared_error',
    values: ['squared_error'],
    doc: 'Impurity a split minimises: the variance of the target (mean squared error).',
  },
  ...TREE_GROWTH_PARAMS,
  max_features: maxFeaturesSpec(null),
};

export const TREE_OWNER = TREE_CLASSIFIER_OWNER;
export const TREE_SCHEMA = TREE_CLASSIFIER_SCHEMA;
