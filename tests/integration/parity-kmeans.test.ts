/**
 * KMeans against scikit-learn 1.2 (algorithm='lloyd') from the same initial
 * centroids: inertia within 1% (in practice equal), same iteration count and
 * labels; and with each library's own k-means++ the inertia stays close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KMeans } from '../../src-main/engine/ml/algorithms/kmeans.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

test('k-means matches scikit-learn from the same initial centroids on the five classification sets', () => {
  const cases = CLASSIFICATION_SETS.flatMap((s) => [3, 8].map((k) => ({ ...s, k })));
  const inputs = cases.map((c) => {
    const d = loadXY(c.file, c.target);
    const init = takeRows(d.X, fixedSplit(d.X.rows, c.k / d.X.rows, 11).test);
    return { X: d.X, init, k: c.k, name: `${c.file} k=${c.k}` };
  });
  const ref = sklearn<{ inertia: number; nIter: number; labels: number[]; plusplus: number }[]>(
    `
from sklearn.cluster import KMeans
out = []
for c in inp['cases']:
    X = np.array(c['X']); init = np.array(c['init'])
    m = KMeans(n_clusters=len(init), init=init, n_init=1, algorithm='lloyd').fit(X)
    pp = KMeans(n_clusters=len(init), init='k-means++', n_init=10, random_state=0, algorithm='lloyd').fit(X)
    out.append({'inertia': m.inertia_, 'nIter': m.n_iter_, 'labels': m.labels_, 'plusplus': pp.inertia_})
`,
    { cases: inputs.map((c) => ({ X: rows(c.X), init: rows(c.init) })) },
  );
  inputs.forEach((c, i) => {
    const r = ref[i]!;
    const m = new KMeans({ n_clusters: c.k }).fit(c.X, undefined, { initialCentroids: c.init });
    const rel = Math.abs(m.inertia_ - r.inertia) / r.inertia;
    assert.ok(rel < 0.01, `${c.name}: inertia ${m.inertia_} vs sklearn ${r.inertia}`);
    assert.ok(rel < 1e-9, `${c.name}: inertia should be equal, ${m.inertia_} vs ${r.inertia}`);
    assert.equal(m.nIter_, r.nIter, `${c.name}: n_iter`);
    let same = 0;
    for (let j = 0; j < c.X.rows; j++) if (m.labels_![j] === r.labels[j]) same++;
    assert.equal(same, c.X.rows, `${c.name}: labels`);
    // Own k-means++ (different random streams): within 2% of sklearn's best of 10.
    const pp = new KMeans({ n_clusters: c.k, random_state: 0 }).fit(c.X);
    assert.ok(pp.inertia_ <= r.plusplus * 1.02, `${c.name}: k-means++ inertia ${pp.inertia_} vs sklearn ${r.plusplus}`);
  });
});
