/**
 * Worker task: the elbow curve and silhouette scores of the teaching view —
 * the engine's KMeans (k-means++, a few seeded runs, lowest inertia kept) for
 * k = 1..kMax on the view's 2-D points, and the mean silhouette of each
 * clustering (on a seeded sample above 5,000 points, as scikit-learn's
 * sample_size). Progress per k, with that k's numbers as the partial result.
 */
import type { ElbowResult } from '../../../../src-shared/contract/explore.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { KMeans } from '../../ml/algorithms/kmeans.ts';
import { silhouetteScore } from '../../ml/eval/metrics.ts';

export interface ElbowInput {
  points: Float64Array;
  kMax: number;
  seed: number;
}

export const SILHOUETTE_SAMPLE = 5000;

export function run(raw: unknown, ctx: TaskContext): ElbowResult {
  const { points, kMax, seed } = raw as ElbowInput;
  const n = points.length / 2;
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) {
      throw new LatheError('BAD_DATA', `Point ${Math.floor(i / 2) + 1} has a coordinate that is not a finite number; leave rows with missing values out first.`, { param: 'points' });
    }
  }
  const X = { data: points, rows: n, cols: 2 };
  const top = Math.min(kMax, n);
  const out: ElbowResult = { ks: [], inertia: [], silhouette: [], silhouetteRows: Math.min(n, SILHOUETTE_SAMPLE), rows: n };
  for (let k = 1; k <= top; k++) {
    throwIfAborted(ctx.signal, 'The elbow curve');
    const km = new KMeans({ n_clusters: k, init: 'k-means++', n_init: 4, random_state: seed });
    km.fit(X, undefined, { signal: ctx.signal });
    const inertia = km.inertia_;
    let sil: number | null = null;
    if (k >= 2 && k < n) {
      const labels = km.labels_!;
      // Silhouette is undefined when every point ends in one cluster.
      if (new Set(labels).size >= 2) sil = silhouetteScore(X, labels, { sampleSize: SILHOUETTE_SAMPLE, seed }).score;
    }
    out.ks.push(k);
    out.inertia.push(inertia);
    out.silhouette.push(sil);
    ctx.progress({ fraction: k / top, phase: 'k-means', message: `k = ${k} of ${top}`, partial: { k, inertia, silhouette: sil } });
  }
  return out;
}
