/** Ridge regression (L2-penalised least squares), as scikit-learn's Ridge. */
import type { ParamSchema } from '../params.ts';

export const RIDGE_OWNER = 'Ridge';

export const RIDGE_SCHEMA: ParamSchema = {
  alpha: {
    type: 'float',
    default: 1.0,
    min: 0,
    doc: 'Strength of the L2 penalty on the coefficients (not on the intercept). 0 is ordinary least squares.',
  },
  fit_intercept: {
    type: 'bool',
    default: true,
    doc: 'Whether to fit an intercept (the data is centred before the solve and the intercept recovered after).',
  },
  degree: {
    type: 'int',
    default: 1,
    min: 1,
    max: 10,
    doc: 'Degree of the polynomial features built from the inputs (1 = plain ridge; 2 adds squares and pairwise products).',
  },
};
