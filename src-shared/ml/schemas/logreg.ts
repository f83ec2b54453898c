/**
 * Hyper-parameters of logistic regression (scikit-learn 1.2's
 * LogisticRegression with the lbfgs solver, defaults as there). Only the
 * L2 penalty (or none) is offered: lbfgs supports nothing else.
 */
import type { ParamSchema } from '../params.ts';

export const LOGREG_OWNER = 'LogisticRegression';

export const LOGREG_SCHEMA: ParamSchema = {
  penalty: {
    type: 'enum',
    default: 'l2',
    values: ['l2', 'none'],
    doc: "'l2': minimise C × (sum of log-losses) + ½‖w‖² (the intercept is not penalised); 'none': no penalty.",
  },
  C: {
    type: 'float',
    default: 1,
    min: 0,
    exclusiveMin: true,
    doc: 'Inverse of regularisation strength: smaller values regularise more.',
  },
  fit_intercept: {
    type: 'bool',
    default: true,
    doc: 'Fit a (non-penalised) intercept per class.',
  },
  tol: {
    type: 'float',
    default: 1e-4,
    min: 0,
    doc: 'Stop when the largest gradient component (projected) falls to this.',
  },
  max_iter: {
    type: 'int',
    default: 100,
    min: 0,
    doc: 'Most L-BFGS iterations. If reached first the model is kept with a not-converged warning (scale the features or raise this).',
  },
  multi_class: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'multinomial', 'ovr'],
    doc: "'auto': multinomial (softmax) for more than two classes, one coefficient vector for two; 'ovr': one binary model per class.",
  },
  class_weight: {
    type: 'enum',
    default: 'none',
    values: ['none', 'balanced'],
    doc: "'balanced': weight each row by n_samples / (n_classes × its class count), so rare classes count as much as common ones.",
  },
};
