import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../src-main/engine/ml/algorithms/gboost.ts';
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

test('binomial: training deviance falls every stage; probabilities in (0,1); predict = proba > 0.5', async () => {
  const { X, y } = loadXY('breast_cancer.csv', 'target');
  const m = await new GradientBoostingClassifier({ n_estimators: 30 }).fit(X, y);
  for (let i = 1; i < 30; i++) assert.ok(m.trainLoss[i]! < m.trainLoss[i - 1]!);
  const P = m.predictProba(X);
  const pred = m.predict(X);
  for (let i = 0; i < X.rows; i++) {
    assert.ok(P[i * 2 + 1]! > 0 && P[i * 2 + 1]! < 1);
    assert.equal(pred[i], P[i * 2 + 1]! > 0.5 ? 1 : 0);
  }
  assert.ok(m.score(X, y) > 0.97);
});

test('multinomial with subsample: seeded, accurate on held-out iris', async () => {
  const D = loadXY('iris.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.3, 1);
  const Xtr = takeRows(D.X, train);
  const ytr = take(D.y, train);
  const a = await new GradientBoostingClassifier({ subsample: 0.7, random_state: 3, n_estimators: 40 }).fit(Xtr, ytr);
  const b = await new GradientBoostingClassifier({ subsample: 0.7, random_state: 3, n_estimators: 40 }).fit(Xtr, ytr);
  assert.deepEqual(a.predictProba(D.X), b.predictProba(D.X));
  assert.ok(a.score(takeRows(D.X, te), take(D.y, te)) >= 0.9);
  const P = a.predictProba(D.X);
  for (let i = 0; i < D.X.rows; i++) assert.ok(Math.abs(P[i * 3]! + P[i * 3 + 1]! + P[i * 3 + 2]! - 1) < 1e-12);
  const back = GradientBoostingClassifier.fromJSON(deserializeState(JSON.parse(JSON.stringify(serializeState(a.toJSON())))));
  assert.deepEqual(back.predictProba(D.X), P);
});

test('regressor: squared error on diabetes, learning_rate shrinks each step', async () => {
  const D = loadXY('diabetes.csv', 'target');
  const m = await new GradientBoostingRegressor({ n_estimators: 50 }).fit(D.X, D.yNum);
  const slow = await new GradientBoostingRegressor({ n_estimators: 50, learning_rate: 0.01 }).fit(D.X, D.yNum);
  assert.ok(m.trainLoss[49]! < slow.trainLoss[49]!);
  assert.ok(m.score(D.X, D.yNum) > 0.6);
  assert.deepEqual(GradientBoostingRegressor.fromJSON(m.toJSON()).predict(D.X), m.predict(D.X));
});

test('errors and cancellation', async () => {
  assert.equal(await codeOf(() => new GradientBoostingClassifier({ subsample: 0 })), 'INVALID_PARAM');
  assert.equal(await codeOf(() => new GradientBoostingClassifier({ loss: 'exponential' })), 'INVALID_PARAM');
  const { X, y } = loadXY('iris.csv', 'target');
  assert.equal(await codeOf(() => new GradientBoostingClassifier().predictProba(X)), 'NOT_FITTED');
  assert.equal(await codeOf(() => new GradientBoostingClassifier().fit(X, new Int32Array(X.rows))), 'BAD_DATA');
  const ac = new AbortController();
  const p = new GradientBoostingClassifier({ n_estimators: 2000 }).fit(X, y, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  assert.equal(await codeOf(() => p), 'CANCELLED');
});
