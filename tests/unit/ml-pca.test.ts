/** PCA: behaviour on a known rotation, component selection, whitening, errors, save/load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PCA } from '../../src-main/engine/ml/algorithms/pca.ts';
import { stateFromString, stateToString } from '../../src-main/engine/ml/state.ts';
import { loadXY } from '../helpers/data.ts';
import { LatheError } from '../../src-shared/errors.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof LatheError ? e.code : String(e);
  }
  return 'none';
};

test('points on a line: one component carries all the variance, along the line', () => {
  const X: Matrix = { data: Float64Array.from({ length: 20 }, (_, k) => (k % 2 ? 2 : 1) * (Math.floor(k / 2) - 4)), rows: 10, cols: 2 };
  const m = new PCA().fit(X);
  assert.ok(Math.abs(m.explainedVarianceRatio_[0]! - 1) < 1e-12);
  assert.ok(Math.abs(Math.abs(m.components_[0]!) - 1 / Math.sqrt(5)) < 1e-12);
  assert.ok(Math.abs(Math.abs(m.components_[1]!) - 2 / Math.sqrt(5)) < 1e-12);
});

test('component selection, whitening, inverse transform and save/load on wine', () => {
  const w = loadXY('wine.csv', 'target');
  const k = new PCA({ n_components: 0.99 }).fit(w.X);
  let cum = 0;
  for (let i = 0; i < k.nComponents_; i++) cum += k.explainedVarianceRatio_[i]!;
  assert.ok(cum > 0.99 && cum - k.explainedVarianceRatio_[k.nComponents_ - 1]! <= 0.99);
  const wh = new PCA({ n_components: 3, whiten: true }).fit(w.X);
  const z = wh.transform(w.X);
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let i = 0; i < w.X.rows; i++) s += z[i * 3 + c]! ** 2;
    assert.ok(Math.abs(s / (w.X.rows - 1) - 1) < 1e-9, 'whitened components have unit variance');
  }
  const back = wh.inverseTransform({ data: z, rows: w.X.rows, cols: 3 });
  const plain = new PCA({ n_components: 3 }).fit(w.X);
  const back2 = plain.inverseTransform({ data: plain.transform(w.X), rows: w.X.rows, cols: 3 });
  for (let i = 0; i < back.length; i++) assert.ok(Math.abs(back[i]! - back2[i]!) < 1e-8 * Math.max(1, Math.abs(back2[i]!)));
  const loaded = PCA.fromJSON(stateFromString(stateToString(wh.toJSON())));
  assert.deepEqual(Array.from(loaded.transform(w.X)), Array.from(z));
  assert.deepEqual(Array.from(wh.predict(w.X)), Array.from(z));
});

test('errors: bad n_components, too many components, NaN, not fitted, wrong width', () => {
  assert.equal(code(() => new PCA({ n_components: 0 })), 'INVALID_PARAM');
  assert.equal(code(() => new PCA({ n_components: 2.5 })), 'INVALID_PARAM');
  const X: Matrix = { data: Float64Array.of(1, 2, 3, 4, 5, 7), rows: 3, cols: 2 };
  assert.equal(code(() => new PCA({ n_components: 3 }).fit(X)), 'BAD_DATA');
  assert.equal(code(() => new PCA().fit({ data: Float64Array.of(1, NaN), rows: 1, cols: 2 })), 'BAD_DATA');
  assert.equal(code(() => new PCA().transform(X)), 'NOT_FITTED');
  const m = new PCA({ n_components: 1 }).fit(X);
  assert.equal(code(() => m.transform({ data: Float64Array.of(1, 2, 3), rows: 1, cols: 3 })), 'BAD_DATA');
  assert.equal(code(() => m.inverseTransform({ data: Float64Array.of(1, 2), rows: 1, cols: 2 })), 'BAD_DATA');
  const ac = new AbortController();
  ac.abort();
  assert.equal(code(() => new PCA().fit(X, undefined, { signal: ac.signal })), 'CANCELLED');
});
