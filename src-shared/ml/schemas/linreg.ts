/**
 * LinearRegression (ordinary least squares). Polynomial regression is the
 * `degree` parameter: the model expands its inputs with PolynomialFeatures
 * (include_bias=False, scikit-learn's column order) before the fit, and keeps
 * doing so at predict, so a saved model needs no separate preprocessing step.
 */
import type { ParamSchema } from '../params.ts';

export const LINREG_OWNER = 'LinearRegression';

export const LINREG_SCHEMA: ParamSchema = {
  fit_intercept: {
    type: 'bool',
    default: true,
    doc: 'Whether to fit an intercept. If false, the data is expected to be centred already.',
  },
  degree: {
    type: 'int',
    default: 1,
    min: 1,
    max: 10,
    doc: 'Degree of the polynomial features built from the inputs (1 = plain linear regression; 2 adds squares and pairwise products like x0^2, x0 x1).',
  },
};
