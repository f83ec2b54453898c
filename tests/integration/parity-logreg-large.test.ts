/**
 * LogisticRegression vs scikit-learn 1.2 on data large enough that Lathe
 * splits every objective evaluation with a helper thread (binary 30,000 × 20
 * and 60,000 × 8 with balanced class weights and C = 0.1; multinomial
 * 6,000 × 24 × 6 classes): same iterations, coefficients and predictions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogisticRegression } from '../../src-main/engine/ml/algorithms/logreg.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';
import type { Params } from '../../src-shared/ml/params.ts';
import { sklearn } from '../helpers/sklearn.ts';

function synth(n: number, d: number, seed: number, positiveShare: number): { X: Matrix; y: Int32Array } {
  let s = seed >>> 0;
  const r = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const beta = Array.from({ length: d }, () => r() * 2 - 1);
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = (r() + r() + r() - 1.5) * 2;
      data[i * d + j] = v;
      z += v * beta[j]!;
    }
    y[i] = z + (r() - 0.5) * 2 > positiveShare ? 1 : 0;
  }
  return { X: { data, rows: n, cols: d }, y };
}

function synthMulti(n: number, d: number, K: number, seed: number): { X: Matrix; y: Int32Array } {
  const { X } = synth(n, d, seed, 0);
  let s = (seed * 7919) >>> 0;
  const r = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const B = Array.from({ length: K * d }, () => r() * 2 - 1);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = (r() - 0.5) * 3;
      for (let j = 0; j < d; j++) z += X.data[i * d + j]! * B[k * d + j]!;
      if (z > bestZ) {
        bestZ = z;
        best = k;
      }
    }
    y[i] = best;
  }
  return { X, y };
}

describe('LogisticRegression parity with scikit-learn on large sets (helper thread)', () => {
  const cases: { name: string; X: Matrix; y: Int32Array; params: Params; py: string }[] = [
    { name: '30000x20', ...synth(30_000, 20, 3, 0), params: {}, py: 'LogisticRegression()' },
    { name: '60000x8 balanced C=0.1', ...synth(60_000, 8, 9, 1.2), params: { class_weight: 'balanced', C: 0.1 }, py: "LogisticRegression(class_weight='balanced', C=0.1)" },
    { name: '6000x24 6 classes', ...synthMulti(6_000, 24, 6, 5), params: {}, py: 'LogisticRegression()' },
  ];
  const ref = sklearn<{ coef: number[]; intercept: number[]; pred: number[]; nIter: number }[]>(
    `
from sklearn.linear_model import LogisticRegression
out = []
for c in inp['cases']:
    X = np.array(c['X']).reshape(-1, c['d'])
    m = eval(c['py']).fit(X, np.array(c['y']))
    out.append({'coef': m.coef_.ravel().tolist(), 'intercept': m.intercept_.tolist(), 'pred': m.predict(X).tolist(), 'nIter': int(m.n_iter_[0])})
`,
    { cases: cases.map((c) => ({ X: c.X.data, d: c.X.cols, y: c.y, py: c.py })) },
  );

  cases.forEach((c, ci) => {
    it(`${c.name}: same iterations, coefficients and predictions`, () => {
      const r = ref[ci]!;
      const m = new LogisticRegression(c.params).fit(c.X, c.y);
      const { coef, intercept } = m.coefficients;
      let maxC = 0;
      let scale = 0;
      r.intercept.forEach((v, k) => {
        maxC = Math.max(maxC, Math.abs(v - intercept[k]!));
        scale = Math.max(scale, Math.abs(v));
      });
      r.coef.forEach((v, j) => {
        maxC = Math.max(maxC, Math.abs(v - coef[j]!));
        scale = Math.max(scale, Math.abs(v));
      });
      const p = m.predict(c.X);
      let agree = 0;
      for (let i = 0; i < p.length; i++) if (p[i] === r.pred[i]) agree++;
      console.log(`LogReg ${c.name}: iterations ${m.convergence.nIter} vs ${r.nIter}, max |Δcoef| ${maxC.toExponential(1)} (largest ${scale.toFixed(2)}), agreement ${((100 * agree) / p.length).toFixed(3)}%`);
      assert.equal(m.convergence.nIter, r.nIter);
      assert.ok(maxC <= 1e-4 * Math.max(1, scale), 'coefficients within 1e-4 relative');
      assert.ok(agree / p.length >= 0.999);
    });
  });
});
