/** KNeighbors vs scikit-learn on the same splits of the five sets (and a regression set). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Params } from '../../src-shared/ml/params.ts';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../src-main/engine/ml/algorithms/knn.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

const CONFIGS: Params[] = [{}, { weights: 'distance', n_neighbors: 7 }, { metric: 'manhattan', n_neighbors: 3 }];

describe('KNeighbors parity with scikit-learn', () => {
  const sets = CLASSIFICATION_SETS.map((s) => {
    const { X, y } = loadXY(s.file, s.target);
    const { train, test } = fixedSplit(X.rows, 0.25, 11);
    return { name: s.file, Xtr: takeRows(X, train), ytr: take(y, train), Xte: takeRows(X, test) };
  });
  const dia = loadXY('diabetes.csv', 'target');
  const ds = fixedSplit(dia.X.rows, 0.25, 11);
  const reg = { Xtr: takeRows(dia.X, ds.train), ytr: take(dia.yNum, ds.train), Xte: takeRows(dia.X, ds.test) };
  const ref = sklearn<{ cls: { pred: number[][]; proba: number[] }[]; reg: number[][] }>(
    `
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
out = {'cls': [], 'reg': []}
for s in inp['sets']:
    d = s['d']
    Xtr, Xte = np.array(s['Xtr']).reshape(-1, d), np.array(s['Xte']).reshape(-1, d)
    ms = [KNeighborsClassifier(**c).fit(Xtr, np.array(s['ytr'])) for c in inp['configs']]
    out['cls'].append({'pred': [m.predict(Xte).tolist() for m in ms], 'proba': ms[0].predict_proba(Xte).ravel().tolist()})
r = inp['reg']
Xtr, Xte = np.array(r['Xtr']).reshape(-1, 10), np.array(r['Xte']).reshape(-1, 10)
out['reg'] = [KNeighborsRegressor(**c).fit(Xtr, np.array(r['ytr'])).predict(Xte).tolist() for c in inp['configs']]
`,
    {
      sets: sets.map((s) => ({ d: s.Xtr.cols, Xtr: s.Xtr.data, ytr: s.ytr, Xte: s.Xte.data })),
      configs: CONFIGS,
      reg: { Xtr: reg.Xtr.data, ytr: reg.ytr, Xte: reg.Xte.data },
    },
  );

  sets.forEach((s, si) => {
    it(`${s.name}: same predictions (brute and KD-tree, 3 settings)`, () => {
      const r = ref.cls[si]!;
      const parts: string[] = [];
      CONFIGS.forEach((c, ci) => {
        for (const algorithm of ['brute', 'kd_tree']) {
          const m = new KNeighborsClassifier({ ...c, algorithm });
          const p = m.fit(s.Xtr, s.ytr).predict(s.Xte);
          let agree = 0;
          for (let i = 0; i < p.length; i++) if (p[i] === r.pred[ci]![i]) agree++;
          parts.push(`${(100 * agree / p.length).toFixed(1)}%`);
          assert.ok(agree / p.length >= 0.99, `${JSON.stringify(c)} ${algorithm}: ${agree}/${p.length}`);
        }
      });
      const pr = new KNeighborsClassifier().fit(s.Xtr, s.ytr).predictProba(s.Xte);
      let pAgree = 0;
      for (let i = 0; i < pr.length; i++) if (Math.abs(pr[i]! - r.proba[i]!) < 1e-12) pAgree++;
      console.log(`KNN ${s.name}: agreement ${parts.join(' ')}; probabilities equal on ${((100 * pAgree) / pr.length).toFixed(2)}% of entries`);
      assert.ok(pAgree / pr.length >= 0.99);
    });
  });

  it('diabetes regression: same predictions', () => {
    CONFIGS.forEach((c, ci) => {
      const p = new KNeighborsRegressor(c).fit(reg.Xtr, reg.ytr).predict(reg.Xte);
      let agree = 0;
      for (let i = 0; i < p.length; i++) if (Math.abs(p[i]! - ref.reg[ci]![i]!) <= 1e-9 * Math.max(1, Math.abs(p[i]!))) agree++;
      console.log(`KNN regressor ${JSON.stringify(c)}: ${((100 * agree) / p.length).toFixed(2)}% equal`);
      assert.ok(agree / p.length >= 0.99);
    });
  });
});
