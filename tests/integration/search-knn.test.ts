/**
 * ml.search through the engine: knn k = 1, 3, 5 × weights on iris with
 * 5-fold CV picks the best mean score, reports every candidate (mean ± std,
 * as ml.compare computes them on the same folds), saves the winner in the
 * library; random mode draws n_iter distinct candidates; bad grids and
 * cancellation have their codes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Progress } from '../../src-shared/jobs.ts';
import { DATA, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-search-');
let h: Harness;
let wine = '';

before(async () => {
  h = await startEngine(tmp.dir);
  wine = (await h.client.call('datasets.importPath', { path: join(DATA, 'wine.csv') })).dataset.id;
});
after(async () => {
  await h.close();
  tmp.remove();
});

test('grid search over knn k=1,3,5 × weights keeps the best CV score and saves it', async () => {
  const progress: Progress[] = [];
  const r = await h.client.call(
    'ml.search',
    { datasetId: wine, target: 'target', algo: 'knn', grid: { k: [1, 3, 5], weights: ['uniform', 'distance'] }, folds: 5, seed: 0 },
    { onProgress: (p) => progress.push(p) },
  );
  assert.equal(r.metric, 'accuracy');
  assert.equal(r.candidates.length, 6);
  assert.deepEqual(
    r.candidates.map((c) => [c.params.n_neighbors, c.params.weights]),
    [[1, 'uniform'], [1, 'distance'], [3, 'uniform'], [3, 'distance'], [5, 'uniform'], [5, 'distance']],
  );
  const best = Math.max(...r.candidates.map((c) => c.mean));
  assert.equal(r.candidates[r.best]!.mean, best);
  assert.equal(r.candidates.findIndex((c) => c.mean === best), r.best, 'first best on ties');
  for (const c of r.candidates) {
    assert.equal(c.folds.length, 5);
    assert.ok(c.mean > 0.85 && c.std >= 0, JSON.stringify(c));
  }
  // Per-candidate progress with the scores as they finish.
  // (throttled: each message carries every candidate finished so far)
  const partials = progress.map((p) => p.partial as { of?: number; done?: { mean: number }[] } | undefined).filter((p) => p?.done !== undefined);
  assert.ok(partials.length >= 1);
  for (let i = 1; i < partials.length; i++) assert.ok(partials[i]!.done!.length >= partials[i - 1]!.done!.length);
  assert.deepEqual(partials.at(-1)!.done!.map((c) => c.mean), r.candidates.map((c) => c.mean));
  assert.equal(partials.at(-1)!.of, 6);
  // The same folds as ml.compare with the same protocol: same scores.
  const cmp = await h.client.call('ml.compare', {
    datasetId: wine,
    target: 'target',
    learners: [{ algo: 'knn', params: r.candidates[r.best]!.params }],
    protocol: { kind: 'cv', folds: 5, seed: 0 },
  });
  assert.ok(Math.abs(cmp.learners[0]!.metrics.accuracy!.mean - best) < 1e-12);
  // The winner is in the library with its CV metrics.
  const m = r.model;
  assert.equal(m.algo, 'knn');
  assert.equal(m.params.n_neighbors, r.candidates[r.best]!.params.n_neighbors);
  assert.equal(m.params.weights, r.candidates[r.best]!.params.weights);
  assert.equal(m.metrics.accuracy, best);
  assert.match(m.name, /^knn \(best of 6\) on wine/);
  assert.ok((await h.client.call('models.list', undefined)).some((x) => x.id === m.id));
  const pred = await h.client.call('models.predict', { id: m.id, datasetId: wine });
  assert.equal(pred.rows, 178);
});

test('random search draws n_iter distinct candidates with the seed', async () => {
  const req = { datasetId: wine, target: 'target', algo: 'tree' as const, grid: { max_depth: ['2', '3', '4', '5', 'None'], min_samples_leaf: [1, 2, 4] }, mode: 'random' as const, nIter: 4, seed: 3, folds: 3 };
  const a = await h.client.call('ml.search', req);
  const b = await h.client.call('ml.search', req);
  assert.equal(a.candidates.length, 4);
  assert.equal(new Set(a.candidates.map((c) => JSON.stringify(c.params))).size, 4);
  assert.deepEqual(a.candidates.map((c) => c.params), b.candidates.map((c) => c.params));
  assert.ok(a.candidates.some((c) => c.params.max_depth === null || typeof c.params.max_depth === 'number'));
});

test('bad grids and cancellation', async () => {
  let e = await rejectsWith(h.client.call('ml.search', { datasetId: wine, target: 'target', algo: 'knn', grid: { kk: [1] } }), 'INVALID_PARAM');
  assert.match(e.message, /no parameter 'kk'.*n_neighbors/);
  e = await rejectsWith(h.client.call('ml.search', { datasetId: wine, target: 'target', algo: 'knn', grid: { n_neighbors: [0, 3] } }), 'INVALID_PARAM');
  assert.match(e.message, /The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range \[1, inf\)\. Got 0 instead\./);
  await rejectsWith(h.client.call('ml.search', { datasetId: wine, target: 'nope', algo: 'knn', grid: { k: [1] } }), 'UNKNOWN_COLUMN');
  const ac = new AbortController();
  const t0 = Date.now();
  const p = h.client.call('ml.search', { datasetId: wine, target: 'target', algo: 'forest', grid: { n_estimators: [200, 300, 400] }, folds: 5 }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 300);
  await rejectsWith(p, 'CANCELLED');
  assert.ok(Date.now() - t0 < 5000);
});
