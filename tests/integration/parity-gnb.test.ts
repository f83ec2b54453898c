/** GaussianNB vs scikit-learn on the same splits of the five classification sets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianNB } from '../../src-main/engine/ml/algorithms/gnb.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

describe('GaussianNB parity with scikit-learn', () => {
  const sets = CLASSIFICATION_SETS.map((s) => {
    const { X, y } = loadXY(s.file, s.target);
    const { train, test } = fixedSplit(X.rows, 0.25, 11);
    return { name: s.file, Xtr: takeRows(X, train), ytr: take(y, train), Xte: takeRows(X, test), yte: take(y, test) };
  });
  const ref = sklearn<{ pred: number[]; proba: number[][] }[]>(
    `
from sklearn.naive_bayes import GaussianNB
out = []
for s in inp['sets']:
    d = s['d']
    m = GaussianNB().fit(np.array(s['Xtr']).reshape(-1, d), np.array(s['ytr']))
    Xte = np.array(s['Xte']).reshape(-1, d)
    out.append({'pred': m.predict(Xte).tolist(), 'proba': m.predict_proba(Xte).tolist()})
`,
    { sets: sets.map((s) => ({ d: s.Xtr.cols, Xtr: s.Xtr.data, ytr: s.ytr, Xte: s.Xte.data })) },
  );
  sets.forEach((s, si) => {
    it(`${s.name}: same predictions and probabilities`, () => {
      const m = new GaussianNB().fit(s.Xtr, s.ytr);
      const p = m.predict(s.Xte);
      const pr = m.predictProba(s.Xte);
      const r = ref[si]!;
      let agree = 0;
      let maxDiff = 0;
      for (let i = 0; i < p.length; i++) {
        if (p[i] === r.pred[i]) agree++;
        r.proba[i]!.forEach((v, c) => (maxDiff = Math.max(maxDiff, Math.abs(v - pr[i * m.nClasses + c]!))));
      }
      console.log(`GaussianNB ${s.name}: agreement ${((100 * agree) / p.length).toFixed(2)}%, max |Δproba| ${maxDiff.toExponential(1)}, accuracy ${m.score(s.Xte, s.yte).toFixed(4)}`);
      assert.ok(agree / p.length >= 0.99);
      assert.ok(maxDiff < 1e-9);
    });
  });
});
