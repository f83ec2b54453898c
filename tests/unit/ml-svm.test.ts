import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SVC, coupleProbabilities, sigmoidTrain, solveBinary } from '../../src-main/engine/ml/algorithms/svm.ts';
import { RowCache } from '../../src-main/engine/ml/algorithms/kernels.ts';
import { deserializeState, serializeState } from '../../src-main/engine/ml/state.ts';
import { loadXY } from '../helpers/data.ts';

const codeOf = async (f: () => unknown): Promise<string> => {
  try {
    await f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

test('a separable 1-D problem has the max-margin boundary in the middle', () => {
  // x = -2, -1 (class +1) and 1, 2 (class -1): boundary at 0, margin ±1
  const X = Float64Array.of(-2, -1, 1, 2);
  const y = Int8Array.of(1, 1, -1, -1);
  const r = solveBinary({ kernel: 'linear', gamma: 1, coef0: 0, degree: 3 }, X, 4, 1, y, { C: 100, tol: 1e-6, maxIter: 1000, cacheBytes: 1 << 20 });
  assert.ok(r.converged);
  // w = Σ coef_i x_i = -1, rho = 0; support vectors are ±1 only
  const w = Array.from(r.coef).reduce((s, c, i) => s + c * X[i]!, 0);
  assert.ok(Math.abs(w + 1) < 1e-6, `w ${w}`);
  assert.ok(Math.abs(r.rho) < 1e-6);
  assert.ok(r.coef[0] === 0 && r.coef[3] === 0);
});

test('kernels: all four fit iris; probability rows sum to 1 and agree with predict mostly', async () => {
  const { X, y } = loadXY('iris.csv', 'target');
  for (const kernel of ['linear', 'rbf', 'poly', 'sigmoid']) {
    const m = await new SVC({ kernel, gamma: kernel === 'sigmoid' ? 0.01 : 'scale' }).fit(X, y);
    assert.ok(m.score(X, y) > (kernel === 'sigmoid' ? 0.7 : 0.95), `${kernel} ${m.score(X, y)}`);
  }
  const m = await new SVC({ probability: true, random_state: 1 }).fit(X, y);
  const P = m.predictProba(X);
  const pred = m.predict(X);
  let agree = 0;
  for (let i = 0; i < X.rows; i++) {
    const row = [P[i * 3]!, P[i * 3 + 1]!, P[i * 3 + 2]!];
    assert.ok(Math.abs(row[0]! + row[1]! + row[2]! - 1) < 1e-6);
    if (row.indexOf(Math.max(...row)) === pred[i]) agree++;
  }
  assert.ok(agree / X.rows > 0.95);
  const back = SVC.fromJSON(deserializeState(JSON.parse(JSON.stringify(serializeState(m.toJSON())))));
  assert.deepEqual(back.predictProba(X), P);
  assert.deepEqual(back.predict(X), pred);
});

test('binary decision function is positive for class 1 (scikit-learn sign)', async () => {
  const { X, y } = loadXY('breast_cancer.csv', 'target');
  const m = await new SVC({ kernel: 'linear', C: 0.01 }).fit(X, y);
  const D = m.decisionFunction(X);
  const pred = m.predict(X);
  for (let i = 0; i < X.rows; i++) if (D[i] !== 0) assert.equal(pred[i], D[i]! > 0 ? 1 : 0);
});

test('Platt sigmoid and pairwise coupling', () => {
  const dec = Float64Array.of(-3, -2, -1, -0.5, 0.5, 1, 2, 3);
  const lab = Int8Array.of(-1, -1, -1, 1, -1, 1, 1, 1);
  const { A, B } = sigmoidTrain(dec, lab);
  assert.ok(A < 0 && Math.abs(B) < 0.5);
  // consistent pairwise probabilities give back the class probabilities
  const p = [0.5, 0.3, 0.2];
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) r[i * 3 + j] = p[i]! / (p[i]! + p[j]!);
  const out = new Float64Array(3);
  coupleProbabilities(3, r, out);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(out[i]! - p[i]!) < 1e-3);
});

test('row cache keeps the most recent rows within budget', () => {
  let computed = 0;
  const c = new RowCache(10, 8 * 10 * 2, (i, out) => {
    computed++;
    out.fill(i);
  });
  c.get(1);
  c.get(2);
  c.get(1);
  c.get(3); // evicts 2
  assert.equal(c.get(1)[0], 1);
  assert.equal(computed, 3);
  c.get(2);
  assert.equal(computed, 4);
});

test('errors: params, NOT_FITTED, predictProba without probability, max_iter, cancel', async () => {
  assert.equal(await codeOf(() => new SVC({ C: 0 })), 'INVALID_PARAM');
  assert.equal(await codeOf(() => new SVC({ gamma: 'x' })), 'INVALID_PARAM');
  assert.equal(await codeOf(() => new SVC({ kernel: 'cubic' })), 'INVALID_PARAM');
  const { X, y } = loadXY('iris.csv', 'target');
  assert.equal(await codeOf(() => new SVC().predict(X)), 'NOT_FITTED');
  const m = await new SVC().fit(X, y);
  assert.equal(await codeOf(() => m.predictProba(X)), 'BAD_REQUEST');
  const capped = await new SVC({ max_iter: 2 }).fit(X, y);
  assert.equal(capped.converged, false);
  const ac = new AbortController();
  ac.abort();
  assert.equal(await codeOf(() => new SVC().fit(X, y, { signal: ac.signal })), 'CANCELLED');
  const st = m.toJSON();
  (st.state.pairIndex as Int32Array)[0] = 10_000;
  assert.equal(await codeOf(() => SVC.fromJSON(st)), 'BAD_MODEL_FILE');
});
