/** PCA (principal component analysis) by eigen-decomposition of the covariance, as scikit-learn's PCA. */
import type { ParamSchema } from '../params.ts';

export const PCA_OWNER = 'PCA';

export const PCA_SCHEMA: ParamSchema = {
  n_components: {
    type: 'float',
    default: null,
    min: 0,
    exclusiveMin: true,
    nullable: true,
    doc:
      'How many components to keep: an int >= 1 keeps that many; a fraction in (0, 1) keeps the fewest components whose ' +
      'explained variance reaches it; None keeps min(rows, columns).',
  },
  whiten: {
    type: 'bool',
    default: false,
    doc: 'Scale the transformed components to unit variance (divides by the square root of the explained variance).',
  },
};
