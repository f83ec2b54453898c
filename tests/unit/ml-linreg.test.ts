/** LinearRegression / Ridge / polynomial features / linalg: behaviour, rank deficiency, errors, save/load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearRegression } from '../../src-main/engine/ml/algorithms/linreg.ts';
import { Ridge } from '../../src-main/engine/ml/algorithms/ridge.ts';
import { polynomialNames, polynomialOutputCount, polynomialTerms, polynomialTransform } from '../../src-main/engine/ml/algorithms/polynomial.ts';
import { qrPivoted, qrSolve, symmetricEigen, toColMajor } from '../../src-main/engine/ml/linalg.ts';
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

test('exact fit recovers the coefficients; predict, score, summary on a perfect fit', () => {
  const n = 20;
  const X: Matrix = { data: new Float64Array(n * 2), rows: n, cols: 2 };
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X.data[2 * i] = i;
    X.data[2 * i + 1] = (i * i) % 7;
    y[i] = 3 + 2 * i - 0.5 * X.data[2 * i + 1]!;
  }
  const m = new LinearRegression().fit(X, y);
  assert.ok(Math.abs(m.intercept_ - 3) < 1e-10);
  assert.ok(Math.abs(m.coef_![0]! - 2) < 1e-12 && Math.abs(m.coef_![1]! + 0.5) < 1e-12);
  assert.ok(Math.abs(m.score(X, y) - 1) < 1e-12);
  assert.equal(m.summary!.dfResid, n - 3);
  assert.equal(m.summary!.coefficients[0]!.name, 'const');
});

test('rank deficiency is detected, named, and the minimum-norm solution is returned', () => {
  const d = loadXY('diabetes.csv', 'target');
  // Append a column equal to bmi + bp: collinear with two others.
  const p = d.X.cols;
  const X: Matrix = { data: new Float64Array(d.X.rows * (p + 1)), rows: d.X.rows, cols: p + 1 };
  for (let i = 0; i < d.X.rows; i++) {
    for (let j = 0; j < p; j++) X.data[i * (p + 1) + j] = d.X.data[i * p + j]!;
    X.data[i * (p + 1) + p] = d.X.data[i * p + 2]! + d.X.data[i * p + 3]!;
  }
  const names = [...d.features, 'bmi_plus_bp'];
  const m = new LinearRegression().fit(X, d.yNum, { featureNames: names });
  const s = m.summary!;
  assert.equal(s.rank, p);
  assert.equal(s.aliased.length, 1);
  assert.ok(['bmi', 'bp', 'bmi_plus_bp'].includes(s.aliased[0]!));
  assert.match(s.warnings[0]!, /rank 10 but 11 terms/);
  assert.ok(s.coefficients.every((c) => Number.isNaN(c.stdErr)));
  // Predictions equal the full-rank fit's; minimum norm spreads bmi's weight over the three columns.
  const full = new LinearRegression().fit(d.X, d.yNum);
  const a = m.predict(X);
  const b = full.predict(d.X);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6);
  const c = m.coef_!;
  // bmi·c2 + bp·c3 + (bmi + bp)·c10 = bmi·β2 + bp·β3
  assert.ok(Math.abs(c[2]! + c[p]! - full.coef_![2]!) < 1e-6 * Math.abs(full.coef_![2]!));
  assert.ok(Math.abs(c[3]! + c[p]! - full.coef_![3]!) < 1e-6 * Math.abs(full.coef_![3]!));
  assert.ok(Math.abs(c[p]!) > 1, 'weight is shared, not dropped');
});

test('linalg: QR solve of a square system and eigenvalues of a known matrix', () => {
  const A = Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 5);
  const f = qrPivoted(toColMajor(A, 3, 3), 3, 3);
  const x = qrSolve(f, Float64Array.of(1, 2, 3));
  for (let i = 0; i < 3; i++) {
    const r = A[3 * i]! * x[0]! + A[3 * i + 1]! * x[1]! + A[3 * i + 2]! * x[2]!;
    assert.ok(Math.abs(r - [1, 2, 3][i]!) < 1e-12);
  }
  const e = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  assert.ok(Math.abs(e.values[0]! - 3) < 1e-14 && Math.abs(e.values[1]! - 1) < 1e-14);
});

test('polynomial features follow scikit-learn order and names', () => {
  const t = polynomialTerms(3, 2);
  assert.deepEqual(polynomialNames(t), ['x0', 'x1', 'x2', 'x0^2', 'x0 x1', 'x0 x2', 'x1^2', 'x1 x2', 'x2^2']);
  assert.deepEqual(polynomialNames(polynomialTerms(2, 3), ['a', 'b']), ['a', 'b', 'a^2', 'a b', 'b^2', 'a^3', 'a^2 b', 'a b^2', 'b^3']);
  assert.equal(polynomialOutputCount(3, 2), 9);
  const out = polynomialTransform(t, { data: Float64Array.of(2, 3, 5), rows: 1, cols: 3 });
  assert.deepEqual(Array.from(out.data), [2, 3, 5, 4, 6, 10, 9, 15, 25]);
  assert.equal(code(() => polynomialTerms(100, 10)), 'INVALID_PARAM');
  // A degree-2 model fits a parabola exactly.
  const X: Matrix = { data: Float64Array.from({ length: 15 }, (_, i) => i - 7), rows: 15, cols: 1 };
  const y = Float64Array.from(X.data, (v) => 1 - v + 0.25 * v * v);
  const m = new LinearRegression({ degree: 2 }).fit(X, y);
  assert.ok(Math.abs(m.coef_![1]! - 0.25) < 1e-12);
  assert.deepEqual(m.featureNamesOut, ['x0', 'x0^2']);
});

test('errors: bad params, bad data, predict before fit, wrong column count', () => {
  assert.equal(code(() => new LinearRegression({ degree: 0 })), 'INVALID_PARAM');
  assert.throws(() => new Ridge({ alpha: -1 }), /The 'alpha' parameter of Ridge must be a float in the range \[0, inf\)\. Got -1 instead\./);
  assert.equal(code(() => new LinearRegression({ fit_intercept: 'yes' })), 'INVALID_PARAM');
  const X: Matrix = { data: Float64Array.of(1, 2, 3, NaN), rows: 2, cols: 2 };
  assert.equal(code(() => new LinearRegression().fit(X, Float64Array.of(1, 2))), 'BAD_DATA');
  const good: Matrix = { data: Float64Array.of(1, 2, 3, 5), rows: 2, cols: 2 };
  assert.equal(code(() => new LinearRegression().fit(good, Float64Array.of(1))), 'BAD_DATA');
  assert.equal(code(() => new LinearRegression().fit(good, Float64Array.of(1, NaN))), 'BAD_DATA');
  assert.equal(code(() => new LinearRegression().predict(good)), 'NOT_FITTED');
  assert.equal(code(() => new Ridge().toJSON()), 'NOT_FITTED');
  const m = new Ridge().fit(good, Float64Array.of(1, 2));
  assert.equal(code(() => m.predict({ data: Float64Array.of(1, 2, 3), rows: 1, cols: 3 })), 'BAD_DATA');
  const ac = new AbortController();
  ac.abort();
  assert.equal(code(() => new LinearRegression().fit(good, Float64Array.of(1, 2), { signal: ac.signal })), 'CANCELLED');
});

test('ridge: wide data (dual), alpha 0 on collinear data (lstsq fallback), save/load round trips', () => {
  const d = loadXY('digits.csv', 'target');
  const X: Matrix = { data: d.X.data.slice(0, 40 * 64), rows: 40, cols: 64 };
  const y = d.yNum.slice(0, 40);
  const r = new Ridge({ alpha: 2 }).fit(X, y);
  assert.equal(r.solver_, 'cholesky-dual');
  const r0 = new Ridge({ alpha: 0 }).fit(d.X, d.yNum); // digits has constant pixel columns
  assert.equal(r0.solver_, 'lstsq');
  const lr = new LinearRegression().fit(d.X, d.yNum);
  const a = r0.predict(d.X);
  const b = lr.predict(d.X);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-8);
  for (const m of [r, lr, new LinearRegression({ degree: 2 }).fit({ data: X.data.slice(0, 40 * 3), rows: 40, cols: 3 }, y)]) {
    const s = stateFromString(stateToString(m.toJSON()));
    const back = s.algo === 'ridge' ? Ridge.fromJSON(s) : LinearRegression.fromJSON(s);
    const Xp = m.nFeaturesIn === 3 ? { data: X.data.slice(0, 40 * 3), rows: 40, cols: 3 } : X;
    assert.deepEqual(Array.from(back.predict(Xp)), Array.from(m.predict(Xp)));
  }
});
