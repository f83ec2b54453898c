/**
 * Hyper-parameters of Gaussian naive Bayes (scikit-learn 1.2's GaussianNB,
 * defaults as there).
 */
import type { ParamSchema } from '../params.ts';

export const GNB_OWNER = 'GaussianNB';

export const GNB_SCHEMA: ParamSchema = {
  priors: {
    type: 'float_list',
    default: null,
    min: 0,
    max: 1,
    nullable: true,
    doc: 'Prior probability of each class (in class-code order, summing to 1). None = the class frequencies in the training data.',
  },
  var_smoothing: {
    type: 'float',
    default: 1e-9,
    min: 0,
    doc: 'Share of the largest feature variance added to every variance, for numerical stability.',
  },
};
