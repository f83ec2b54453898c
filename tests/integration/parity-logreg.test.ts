/**
 * LogisticRegression vs scikit-learn 1.2 (lbfgs) on the same splits of the
 * five sets, features standardised on the training rows (both sides get the
 * same matrices), default C = 1 and max_iter = 100.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogisticRegression } from '../../src-main/engine/ml/algorithms/logreg.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

function standardise(train: Matrix, others: Matrix[]): void {
  const d = train.cols;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < train.rows; i++) m += train.data[i * d + j]!;
    m /= train.rows;
    let v = 0;
    for (let i = 0; i < train.rows; i++) v += (train.data[i * d + j]! - m) ** 2;
    const sd = Math.sqrt(v / train.rows) || 1;
    for (const M of [train, ...others]) for (let i = 0; i < M.rows; i++) M.data[i * d + j] = (M.data[i * d + j]! - m) / sd;
  }
}

describe('LogisticRegression parity with scikit-learn', () => {
  const sets = CLASSIFICATION_SETS.map((s) => {
    const { X, y } = loadXY(s.file, s.target);
    const { train, test } = fixedSplit(X.rows, 0.25, 11);
    const Xtr = takeRows(X, train);
    const Xte = takeRows(X, test);
    standardise(Xtr, [Xte]);
    return { name: s.file, Xtr, ytr: take(y, train), Xte, yte: take(y, test) };
  });
  const ref = sklearn<{ pred: number[]; proba: number[][]; coef: number[][]; nIter: number; ovr: number[] }[]>(
    `
from sklearn.linear_model import LogisticRegression
out = []
for s in inp['sets']:
    d = s['d']
    Xtr, Xte, ytr = np.array(s['Xtr']).reshape(-1, d), np.array(s['Xte']).reshape(-1, d), np.array(s['ytr'])
    m = LogisticRegression().fit(Xtr, ytr)
    o = LogisticRegression(multi_class='ovr', C=0.5).fit(Xtr, ytr)
    out.append({'pred': m.predict(Xte).tolist(), 'proba': m.predict_proba(Xte).tolist(), 'coef': m.coef_.tolist(),
                'nIter': int(m.n_iter_.max()), 'ovr': o.predict(Xte).tolist()})
`,
    { sets: sets.map((s) => ({ d: s.Xtr.cols, Xtr: s.Xtr.data, ytr: s.ytr, Xte: s.Xte.data })) },
  );

  sets.forEach((s, si) => {
    it(`${s.name}: same predictions, probabilities and coefficients`, () => {
      const r = ref[si]!;
      const m = new LogisticRegression().fit(s.Xtr, s.ytr);
      const p = m.predict(s.Xte);
      const pr = m.predictProba(s.Xte);
      let agree = 0;
      let maxP = 0;
      for (let i = 0; i < p.length; i++) {
        if (p[i] === r.pred[i]) agree++;
        r.proba[i]!.forEach((v, c) => (maxP = Math.max(maxP, Math.abs(v - pr[i * m.nClasses + c]!))));
      }
      const { coef } = m.coefficients;
      let maxC = 0;
      let scale = 0;
      r.coef.flat().forEach((v, i) => {
        maxC = Math.max(maxC, Math.abs(v - coef[i]!));
        scale = Math.max(scale, Math.abs(v));
      });
      const o = new LogisticRegression({ multi_class: 'ovr', C: 0.5 }).fit(s.Xtr, s.ytr).predict(s.Xte);
      let ovrAgree = 0;
      for (let i = 0; i < o.length; i++) if (o[i] === r.ovr[i]) ovrAgree++;
      console.log(
        `LogReg ${s.name}: agreement ${((100 * agree) / p.length).toFixed(2)}% (ovr ${((100 * ovrAgree) / o.length).toFixed(2)}%), ` +
          `iterations ${m.convergence.nIter} vs ${r.nIter}, max |Δcoef| ${maxC.toExponential(1)} (largest |coef| ${scale.toFixed(2)}), max |Δproba| ${maxP.toExponential(1)}, accuracy ${m.score(s.Xte, s.yte).toFixed(4)}`,
      );
      assert.ok(agree / p.length >= 0.99);
      assert.ok(ovrAgree / o.length >= 0.99);
      assert.ok(maxC <= 1e-4 * Math.max(1, scale), 'coefficients within 1e-4 relative');
      assert.ok(maxP < 1e-4);
    });
  });
});
