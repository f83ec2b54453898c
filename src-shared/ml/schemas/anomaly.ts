/**
 * Gaussian anomaly detection (per-feature normal densities, as in Andrew Ng's
 * machine-learning course): p(x) = prod_j N(x_j; mu_j, sigma_j^2); a row is an
 * anomaly when p(x) < epsilon. With labels (1 = anomaly) epsilon is chosen by
 * F1 on them; without, it is the `contamination` quantile of p on the
 * training rows.
 */
import type { ParamSchema } from '../params.ts';

export const ANOMALY_OWNER = 'GaussianAnomalyDetector';

export const ANOMALY_SCHEMA: ParamSchema = {
  contamination: {
    type: 'float',
    default: 0.05,
    min: 0,
    max: 0.5,
    exclusiveMin: true,
    doc: 'Without labels: the fraction of training rows expected to be anomalies; epsilon is that quantile of their densities.',
  },
  epsilon: {
    type: 'float',
    default: null,
    min: 0,
    nullable: true,
    doc: 'A fixed density threshold (rows with p(x) below it are anomalies). None = choose it (by F1 with labels, else by contamination).',
  },
  n_thresholds: {
    type: 'int',
    default: 1000,
    min: 1,
    doc: 'With labels: how many evenly spaced thresholds between the smallest and largest density are tried (the course uses 1000).',
  },
  var_smoothing: {
    type: 'float',
    default: 1e-9,
    min: 0,
    doc: 'Portion of the largest feature variance added to every variance, so constant features do not give zero variance.',
  },
};
