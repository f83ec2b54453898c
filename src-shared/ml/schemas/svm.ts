/**
 * Support vector classification (scikit-learn 1.2's SVC, i.e. libsvm's
 * C-SVC, defaults as there): SMO with libsvm's second-order working-set
 * selection, an LRU kernel-row cache, one-vs-one voting for more than two
 * classes, and Platt-scaled probabilities when probability=true.
 */
import type { ParamSchema } from '../params.ts';

export const SVM_OWNER = 'SVC';

export const SVM_SCHEMA: ParamSchema = {
  C: {
    type: 'float',
    default: 1,
    min: 0,
    exclusiveMin: true,
    doc: 'Penalty on margin violations: larger C fits the training data harder (less regularisation).',
  },
  kernel: {
    type: 'enum',
    default: 'rbf',
    values: ['linear', 'poly', 'rbf', 'sigmoid'],
    doc: "Kernel: 'linear' x·z, 'poly' (γ x·z + coef0)^degree, 'rbf' exp(−γ‖x−z‖²), 'sigmoid' tanh(γ x·z + coef0).",
  },
  degree: { type: 'int', default: 3, min: 0, doc: "Degree of the 'poly' kernel (ignored by the others)." },
  gamma: {
    type: 'number_or_enum',
    default: 'scale',
    values: ['scale', 'auto'],
    min: 0,
    doc: "Kernel coefficient γ for 'rbf', 'poly', 'sigmoid': 'scale' = 1 / (n_features × X.var()), 'auto' = 1 / n_features, or a value.",
  },
  coef0: { type: 'float', default: 0, doc: "Independent term of the 'poly' and 'sigmoid' kernels." },
  tol: { type: 'float', default: 1e-3, min: 0, exclusiveMin: true, doc: 'Stopping tolerance on the KKT violation (libsvm eps).' },
  cache_size: {
    type: 'float',
    default: 200,
    min: 0,
    exclusiveMin: true,
    doc: 'Size of the kernel-row cache in MB (least recently used rows are dropped).',
  },
  max_iter: { type: 'int', default: -1, min: -1, doc: 'Limit on SMO iterations per binary problem; -1 = none.' },
  probability: {
    type: 'bool',
    default: false,
    doc: 'Fit Platt sigmoids (libsvm: 5-fold internal cross-validation, seeded by random_state) so predictProba works. Slower fit.',
  },
  random_state: {
    type: 'int',
    default: null,
    min: 0,
    nullable: true,
    doc: 'Seed of the folds of the probability calibration. None = seed 0: Lathe is always reproducible.',
  },
};
