/**
 * SVC against scikit-learn 1.2 (libsvm) on standardised features, same
 * splits: rbf and linear kernels, held-out accuracy within 2 points and the
 * same predictions on ≥ 99% of test rows on the five classification sets;
 * with probability=true the Platt probabilities stay close to libsvm's (its
 * internal CV folds are shuffled differently).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SVC } from '../../src-main/engine/ml/algorithms/svm.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

/** z-scores with the training rows' mean and (population) sd, as StandardScaler. */
function standardise(tr: Matrix, te: Matrix): [Matrix, Matrix] {
  const d = tr.cols;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < tr.rows; i++) for (let f = 0; f < d; f++) mu[f] = mu[f]! + tr.data[i * d + f]! / tr.rows;
  for (let i = 0; i < tr.rows; i++) for (let f = 0; f < d; f++) sd[f] = sd[f]! + (tr.data[i * d + f]! - mu[f]!) ** 2 / tr.rows;
  for (let f = 0; f < d; f++) sd[f] = sd[f]! > 0 ? Math.sqrt(sd[f]!) : 1;
  const z = (m: Matrix): Matrix => ({ ...m, data: m.data.map((v, i) => (v - mu[i % d]!) / sd[i % d]!) });
  return [z(tr), z(te)];
}

test('SVC matches scikit-learn on the five classification sets (rbf with probabilities, linear)', async () => {
  const cases = CLASSIFICATION_SETS.map((s) => {
    const D = loadXY(s.file, s.target);
    const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
    const [Xtr, Xte] = standardise(takeRows(D.X, train), takeRows(D.X, te));
    return { name: s.file, Xtr, Xte, ytr: take(D.y, train), yte: take(D.y, te) };
  });
  const ref = sklearn<Array<Record<string, { acc: number; pred: number[]; nsv: number; proba?: number[][] }>>>(
    `
from sklearn.svm import SVC
out = []
for c in inp['cases']:
    r = {}
    for k in ['rbf', 'linear']:
        m = SVC(kernel=k, probability=(k == 'rbf'), random_state=0).fit(c['Xtr'], c['ytr'])
        r[k] = {'acc': m.score(c['Xte'], c['yte']), 'pred': m.predict(c['Xte']), 'nsv': int(m.support_.shape[0])}
        if k == 'rbf': r[k]['proba'] = m.predict_proba(c['Xte'])
    out.append(r)`,
    { cases: cases.map((c) => ({ Xtr: rows(c.Xtr), Xte: rows(c.Xte), ytr: c.ytr, yte: c.yte })) },
  );
  for (const [i, c] of cases.entries()) {
    for (const kernel of ['rbf', 'linear']) {
      const r = ref[i]![kernel]!;
      const m = await new SVC({ kernel, probability: kernel === 'rbf', random_state: 0 }).fit(c.Xtr, c.ytr);
      const pred = m.predict(c.Xte);
      const acc = m.score(c.Xte, c.yte);
      let same = 0;
      for (let q = 0; q < pred.length; q++) if (pred[q] === r.pred[q]) same++;
      let maxDiff = 0;
      if (r.proba) {
        const P = m.predictProba(c.Xte);
        r.proba.forEach((row, q) => row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - P[q * row.length + k]!)))));
      }
      console.log(
        `svm ${kernel} ${c.name}: lathe ${acc.toFixed(4)} (${m.supportVectorCount} SVs) sklearn ${r.acc.toFixed(4)} (${r.nsv} SVs); same predictions ${(same / pred.length).toFixed(3)}` +
          (r.proba ? `; max |Δproba| ${maxDiff.toFixed(3)}` : ''),
      );
      assert.ok(Math.abs(acc - r.acc) <= 0.02, `${c.name} ${kernel}: ${acc} vs ${r.acc}`);
      assert.ok(same / pred.length >= 0.99, `${c.name} ${kernel}: same ${same}/${pred.length}`);
      assert.ok(Math.abs(m.supportVectorCount - r.nsv) <= Math.max(2, r.nsv * 0.02));
      if (r.proba) assert.ok(maxDiff < 0.15, `${c.name}: probabilities differ by ${maxDiff}`);
    }
  }
});
