import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { RandomForestClassifier, RandomForestRegressor } from '../../src-main/engine/ml/algorithms/forest.ts';
import { deserializeState, serializeState } from '../../src-main/engine/ml/state.ts';
import { loadXY, fixedSplit, takeRows, take } from '../helpers/data.ts';

const codeOf = async (f: () => unknown): Promise<string> => {
  try {
    await f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

test('the forest is the same on 1 thread and on the worker pool', async () => {
  const { X, y } = loadXY('breast_cancer.csv', 'target');
  const one = await new RandomForestClassifier({ n_estimators: 300, random_state: 4, n_jobs: 1 }).fit(X, y);
  const many = await new RandomForestClassifier({ n_estimators: 300, random_state: 4, n_jobs: -1 }).fit(X, y);
  assert.equal(one.threadsUsed, 1);
  if (availableParallelism() > 1) assert.ok(many.threadsUsed > 1);
  assert.deepEqual(many.predictProba(X), one.predictProba(X));
  assert.deepEqual(many.featureImportances_, one.featureImportances_);
  const other = await new RandomForestClassifier({ n_estimators: 20, random_state: 5, n_jobs: 1 }).fit(X, y);
  assert.notDeepEqual(other.predictProba(X), one.predictProba(X));
});

test('probabilities are tree means; held-out accuracy on wine; importances sum to 1', async () => {
  const D = loadXY('wine.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const progress: number[] = [];
  const m = await new RandomForestClassifier({ n_estimators: 50, random_state: 0 }).fit(takeRows(D.X, train), take(D.y, train), {
    onProgress: (f) => progress.push(f),
  });
  assert.equal(progress.at(-1), 1);
  assert.equal(m.nTrees, 50);
  assert.ok(m.score(takeRows(D.X, te), take(D.y, te)) >= 0.93);
  const P = m.predictProba(takeRows(D.X, te));
  for (let i = 0; i < te.length; i++) assert.ok(Math.abs(P[i * 3]! + P[i * 3 + 1]! + P[i * 3 + 2]! - 1) < 1e-9);
  const s = m.featureImportances_.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(s - 1) < 1e-9);
  // bootstrap=false and max_features=None: every tree sees the same rows and features but differs only in ties
  const nb = await new RandomForestClassifier({ n_estimators: 5, bootstrap: false, max_features: null }).fit(D.X, D.y);
  assert.equal(nb.score(D.X, D.y), 1);
});

test('regressor on diabetes beats a single deep tree', async () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const m = await new RandomForestRegressor({ n_estimators: 60, random_state: 0 }).fit(takeRows(D.X, train), take(D.yNum, train));
  const r2 = m.score(takeRows(D.X, te), take(D.yNum, te));
  assert.ok(r2 > 0.3, `R² ${r2}`);
  const back = RandomForestRegressor.fromJSON(deserializeState(JSON.parse(JSON.stringify(serializeState(m.toJSON())))));
  assert.deepEqual(back.predict(D.X), m.predict(D.X));
});

test('errors and cancellation', async () => {
  assert.equal(await codeOf(() => new RandomForestClassifier({ n_estimators: 0 })), 'INVALID_PARAM');
  assert.equal(await codeOf(() => new RandomForestClassifier({ max_features: 'all' })), 'INVALID_PARAM');
  assert.equal(await codeOf(() => new RandomForestClassifier({ n_jobs: -2 })), 'INVALID_PARAM');
  const { X, y } = loadXY('iris.csv', 'target');
  assert.equal(await codeOf(() => new RandomForestClassifier().predict(X)), 'NOT_FITTED');
  assert.equal(await codeOf(() => new RandomForestRegressor().fit(X, Float64Array.from(y).fill(NaN, 3, 4))), 'BAD_DATA');
  const ac = new AbortController();
  ac.abort();
  assert.equal(await codeOf(() => new RandomForestClassifier().fit(X, y, { signal: ac.signal })), 'CANCELLED');
  // abort during a parallel fit
  const big = loadXY('digits.csv', 'target');
  const ac2 = new AbortController();
  const p = new RandomForestClassifier({ n_estimators: 400, n_jobs: -1 }).fit(big.X, big.y, { signal: ac2.signal, onProgress: () => ac2.abort() });
  assert.equal(await codeOf(() => p), 'CANCELLED');
});
