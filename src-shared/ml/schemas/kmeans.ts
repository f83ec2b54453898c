/**
 * KMeans (Lloyd's algorithm), as scikit-learn's KMeans. Given initial
 * centroids are passed at fit time (`fit(X, undefined, { initialCentroids })`),
 * not as a parameter; then one run is made whatever n_init says.
 */
import type { ParamSchema } from '../params.ts';

export const KMEANS_OWNER = 'KMeans';

export const KMEANS_SCHEMA: ParamSchema = {
  n_clusters: { type: 'int', default: 8, min: 1, doc: 'The number of clusters (and centroids) to find.' },
  init: {
    type: 'enum',
    default: 'k-means++',
    values: ['k-means++', 'random', 'random_partition', 'farthest_point'],
    doc:
      "How the first centroids are chosen: 'k-means++' (scikit-learn's greedy k-means++, 2+log(k) candidates per step), " +
      "'random' (k distinct rows), 'random_partition' (each row gets a random cluster; centroids are their means), " +
      "'farthest_point' (a random row, then repeatedly the row farthest from every chosen centroid).",
  },
  n_init: {
    type: 'int',
    default: 10,
    min: 1,
    doc: 'How many times k-means runs with different initial centroids; the run with the lowest inertia is kept.',
  },
  max_iter: { type: 'int', default: 300, min: 1, doc: 'Maximum number of Lloyd iterations in one run.' },
  tol: {
    type: 'float',
    default: 1e-4,
    min: 0,
    doc: 'Convergence tolerance: a run stops when the squared centroid shift is at most tol times the mean variance of the features.',
  },
  random_state: {
    type: 'int',
    default: 0,
    min: 0,
    doc: 'Seed of the initialisation (scikit-learn defaults to None; Lathe defaults to 0 so runs repeat exactly).',
  },
};
