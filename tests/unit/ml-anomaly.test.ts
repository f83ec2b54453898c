/** Gaussian anomaly detection: threshold choices, log densities, errors, save/load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianAnomalyDetector } from '../../src-main/engine/ml/algorithms/anomaly.ts';
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

test('log density of one feature is the normal log-pdf', () => {
  const X: Matrix = { data: Float64Array.of(-1, 1, -1, 1), rows: 4, cols: 1 }; // mean 0, variance 1
  const m = new GaussianAnomalyDetector({ var_smoothing: 0 }).fit(X);
  const s = m.scoreSamples({ data: Float64Array.of(0, 2), rows: 2, cols: 1 });
  assert.ok(Math.abs(s[0]! + 0.5 * Math.log(2 * Math.PI)) < 1e-14);
  assert.ok(Math.abs(s[1]! + 0.5 * Math.log(2 * Math.PI) + 2) < 1e-14);
});

test('contamination, given epsilon and F1 thresholds on breast_cancer; many features do not underflow', () => {
  const d = loadXY('breast_cancer.csv', 'target');
  const anomaly = Int32Array.from(d.y, (c) => (c === 0 ? 1 : 0));
  const u = new GaussianAnomalyDetector({ contamination: 0.2 }).fit(d.X);
  const flagged = u.predict(d.X).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(flagged - 0.2 * d.X.rows) <= 1, `flagged ${flagged}`);
  assert.ok(Number.isFinite(u.logEpsilon_), 'finite log ε');
  // 64 pixel features (constant ones rescued by var_smoothing): densities far below exp()'s range stay finite logs.
  const digits = loadXY('digits.csv', 'target');
  const ds = new GaussianAnomalyDetector().fit(digits.X).scoreSamples(digits.X);
  assert.ok(ds.every(Number.isFinite), 'finite log densities');
  assert.ok(ds.some((v) => v < -745), 'some densities underflow exp(), their logs do not');
  const f = new GaussianAnomalyDetector().fit(d.X, anomaly);
  assert.equal(f.thresholdMethod_, 'f1');
  assert.ok(f.f1_ > 0.85, `F1 ${f.f1_}`);
  assert.ok(Math.abs(f.score(d.X, anomaly) - f.f1_) < 1e-12);
  const g = new GaussianAnomalyDetector({ epsilon: Math.exp(f.logEpsilon_) }).fit(d.X, anomaly);
  assert.equal(g.thresholdMethod_, 'given');
  assert.deepEqual(Array.from(g.predict(d.X)), Array.from(f.predict(d.X)));
  const back = GaussianAnomalyDetector.fromJSON(stateFromString(stateToString(f.toJSON())));
  assert.deepEqual(Array.from(back.predict(d.X)), Array.from(f.predict(d.X)));
  const zero = GaussianAnomalyDetector.fromJSON(stateFromString(stateToString(new GaussianAnomalyDetector({ epsilon: 0 }).fit(d.X).toJSON())));
  assert.equal(zero.predict(d.X).reduce((a, b) => a + b, 0), 0);
});

test('errors: labels, constant features, not fitted, params', () => {
  const X: Matrix = { data: Float64Array.of(1, 5, 2, 5, 3, 5), rows: 3, cols: 2 };
  assert.equal(code(() => new GaussianAnomalyDetector({ var_smoothing: 0 }).fit(X)), 'BAD_DATA'); // column 1 is constant
  assert.equal(code(() => new GaussianAnomalyDetector().fit(X)), 'none'); // smoothing rescues it
  assert.equal(code(() => new GaussianAnomalyDetector().fit(X, Int32Array.of(0, 2, 0))), 'BAD_DATA');
  assert.equal(code(() => new GaussianAnomalyDetector().fit(X, Int32Array.of(1, 1, 1))), 'BAD_DATA');
  assert.equal(code(() => new GaussianAnomalyDetector().fit(X, Int32Array.of(0, 1))), 'BAD_DATA');
  assert.equal(code(() => new GaussianAnomalyDetector().predict(X)), 'NOT_FITTED');
  assert.throws(() => new GaussianAnomalyDetector({ contamination: 0.7 }), /The 'contamination' parameter of GaussianAnomalyDetector must be a float in the range \(0, 0.5\]\. Got 0.7 instead\./);
  const ac = new AbortController();
  ac.abort();
  assert.equal(code(() => new GaussianAnomalyDetector().fit(X, undefined, { signal: ac.signal })), 'CANCELLED');
});
