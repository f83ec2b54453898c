import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src-main/engine/ml/algorithms/tree.ts';
import { columnEdges, binColumns } from '../../src-main/engine/ml/algorithms/binning.ts';
import { sortPairs } from '../../src-main/engine/ml/algorithms/tree-core.ts';
import { deserializeState, serializeState } from '../../src-main/engine/ml/state.ts';
import { loadXY, fixedSplit, takeRows, take } from '../helpers/data.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

/** XOR-like 2-feature set: only a depth-2 tree separates it. */
function xor(n: number): { X: Matrix; y: Int32Array } {
  const data = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = ((i * 7919) % 1000) / 1000;
    const b = ((i * 104729) % 997) / 997;
    data[i * 2] = a;
    data[i * 2 + 1] = b;
    y[i] = (a > 0.5) !== (b > 0.5) ? 1 : 0;
  }
  return { X: { data, rows: n, cols: 2 }, y };
}

test('a tree learns XOR exactly, with both split searches', () => {
  const { X, y } = xor(400);
  for (const split_search of ['exact', 'hist']) {
    const m = new DecisionTreeClassifier({ split_search, random_state: 1 }).fit(X, y);
    assert.equal(m.score(X, y), 1);
    assert.equal(m.splitSearch, split_search);
    const imp = m.featureImportances_;
    assert.ok(Math.abs(imp[0]! + imp[1]! - 1) < 1e-12);
  }
});

test('max_depth, min_samples_leaf and min_impurity_decrease limit the tree', () => {
  const { X, y } = loadXY('breast_cancer.csv', 'target');
  const full = new DecisionTreeClassifier().fit(X, y);
  const stump = new DecisionTreeClassifier({ max_depth: 1 }).fit(X, y);
  assert.equal(stump.nodeCount, 3);
  assert.equal(stump.depth, 1);
  const leafy = new DecisionTreeClassifier({ min_samples_leaf: 20 }).fit(X, y);
  assert.ok(leafy.nodeCount < full.nodeCount);
  const pruned = new DecisionTreeClassifier({ min_impurity_decrease: 0.01 }).fit(X, y);
  assert.ok(pruned.nodeCount < full.nodeCount);
  // leaves of min_samples_leaf=20 hold at least 20 rows: probabilities are multiples of 1/count
  const P = leafy.predictProba(X);
  for (let i = 0; i < X.rows; i++) assert.ok(Math.abs(P[i * 2]! + P[i * 2 + 1]! - 1) < 1e-12);
});

test('entropy and gini both fit; max_features subsets depend on the seed only', () => {
  const { X, y } = loadXY('wine.csv', 'target');
  const e = new DecisionTreeClassifier({ criterion: 'entropy' }).fit(X, y);
  assert.equal(e.score(X, y), 1);
  const a = new DecisionTreeClassifier({ max_features: 'sqrt', random_state: 3 }).fit(X, y);
  const b = new DecisionTreeClassifier({ max_features: 'sqrt', random_state: 3 }).fit(X, y);
  assert.deepEqual(a.predictProba(X), b.predictProba(X));
  assert.deepEqual(a.toJSON().state.feature, b.toJSON().state.feature);
});

test('regressor: exact fit of training data, R² on held-out diabetes rows', () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const m = new DecisionTreeRegressor({ max_depth: 4, random_state: 0 }).fit(takeRows(D.X, train), take(D.yNum, train));
  const r2 = m.score(takeRows(D.X, te), take(D.yNum, te));
  assert.ok(r2 > 0.15 && r2 < 0.6, `R² ${r2}`);
  const full = new DecisionTreeRegressor().fit(D.X, D.yNum);
  assert.ok(full.score(D.X, D.yNum) > 0.999);
});

test('hist search on a big noisy set is close to exact', () => {
  const n = 30000;
  const data = new Float64Array(n * 3);
  const y = new Int32Array(n);
  let s = 7;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const a = rnd();
    const b = rnd();
    data[i * 3] = a;
    data[i * 3 + 1] = b;
    data[i * 3 + 2] = rnd();
    y[i] = a + 0.5 * b + 0.2 * (rnd() - 0.5) > 0.8 ? 1 : 0;
  }
  const X = { data, rows: n, cols: 3 };
  const h = new DecisionTreeClassifier({ max_depth: 6 }).fit(X, y);
  assert.equal(h.splitSearch, 'hist'); // auto above 20k rows
  const ex = new DecisionTreeClassifier({ max_depth: 6, split_search: 'exact' }).fit(X, y);
  assert.ok(Math.abs(h.score(X, y) - ex.score(X, y)) < 0.01);
});

test('binning: code ≤ b ⟺ x ≤ edges[b]; few distinct values give one bin each', () => {
  const e = columnEdges(Float64Array.of(1, 1, 2, 3, 3, 3), 256);
  assert.deepEqual(Array.from(e), [1.5, 2.5]);
  const n = 1000;
  const Xc = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
  const b = binColumns(Xc, n, 1, 16);
  assert.ok(b.nBins[0]! <= 16);
  for (let i = 0; i < n; i++) {
    const c = b.codes[i]!;
    if (c > 0) assert.ok(Xc[i]! > b.edges[c - 1]!);
    if (c < b.nBins[0]! - 1) assert.ok(Xc[i]! <= b.edges[c]!);
  }
});

test('sortPairs sorts values and carries indices', () => {
  const v = Float64Array.from({ length: 500 }, (_, i) => Math.cos(i * 12.9898) * 43758.5453 % 1);
  const idx = Int32Array.from({ length: 500 }, (_, i) => i);
  const orig = Float64Array.from(v);
  sortPairs(v, idx, 0, 500);
  for (let i = 1; i < 500; i++) assert.ok(v[i - 1]! <= v[i]!);
  for (let i = 0; i < 500; i++) assert.equal(orig[idx[i]!], v[i]);
});

test('errors: bad params at construction, bad data at fit, NOT_FITTED, corrupt state', () => {
  assert.equal(code(() => new DecisionTreeClassifier({ max_depth: 0 })), 'INVALID_PARAM');
  assert.equal(code(() => new DecisionTreeClassifier({ criterion: 'mse' })), 'INVALID_PARAM');
  assert.equal(code(() => new DecisionTreeClassifier({ max_features: 2.5 })), 'INVALID_PARAM');
  assert.throws(() => new DecisionTreeClassifier({ min_samples_split: 1 }), /The 'min_samples_split' parameter of DecisionTreeClassifier must be an int in the range \[2, inf\)\. Got 1 instead\./);
  const { X, y } = xor(50);
  assert.equal(code(() => new DecisionTreeClassifier().predict(X)), 'NOT_FITTED');
  const nan = { ...X, data: Float64Array.from(X.data) };
  nan.data[7] = NaN;
  assert.equal(code(() => new DecisionTreeClassifier().fit(nan, y)), 'BAD_DATA');
  assert.equal(code(() => new DecisionTreeClassifier().fit(X, y.subarray(1))), 'BAD_DATA');
  assert.equal(code(() => new DecisionTreeClassifier().fit(X, new Int32Array(50))), 'BAD_DATA');
  const m = new DecisionTreeClassifier().fit(X, y);
  assert.equal(code(() => m.predict({ data: new Float64Array(3), rows: 1, cols: 3 })), 'BAD_DATA');
  const st = m.toJSON();
  (st.state.left as Int32Array)[0] = 999;
  assert.equal(code(() => DecisionTreeClassifier.fromJSON(st)), 'BAD_MODEL_FILE');
});

test('toJSON/fromJSON through JSON text gives identical predictions; inputs not mutated', () => {
  const { X, y } = loadXY('iris.csv', 'target');
  const before = Float64Array.from(X.data);
  const m = new DecisionTreeClassifier({ max_features: 2, random_state: 5 }).fit(X, y);
  assert.deepEqual(X.data, before);
  const back = DecisionTreeClassifier.fromJSON(deserializeState(JSON.parse(JSON.stringify(serializeState(m.toJSON())))));
  assert.deepEqual(back.predictProba(X), m.predictProba(X));
  assert.deepEqual(back.featureImportances_, m.featureImportances_);
  const r = new DecisionTreeRegressor().fit(X, Float64Array.from(y));
  assert.deepEqual(DecisionTreeRegressor.fromJSON(r.toJSON()).predict(X), r.predict(X));
});

test('an aborted signal cancels', () => {
  const { X, y } = xor(100);
  const ac = new AbortController();
  ac.abort();
  assert.equal(code(() => new DecisionTreeClassifier().fit(X, y, { signal: ac.signal })), 'CANCELLED');
});
