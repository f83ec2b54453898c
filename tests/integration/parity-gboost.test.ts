/**
 * Gradient boosting against scikit-learn 1.2 on the same splits: held-out
 * accuracy within 2 points on the five classification sets (digits with 20
 * stages to keep the test short: ten trees per stage), final training
 * deviance close, and the regressor's R² on diabetes within 0.05.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../src-main/engine/ml/algorithms/gboost.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

test('boosting accuracy within 2 points of scikit-learn on the five classification sets', async () => {
  const cases = CLASSIFICATION_SETS.map((s) => {
    const D = loadXY(s.file, s.target);
    const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
    const n_estimators = s.file === 'digits.csv' ? 20 : 100;
    return { name: s.file, n_estimators, Xtr: takeRows(D.X, train), Xte: takeRows(D.X, te), ytr: take(D.y, train), yte: take(D.y, te) };
  });
  const ref = sklearn<Array<{ acc: number; loss: number }>>(
    `
from sklearn.ensemble import GradientBoostingClassifier
out = []
for c in inp['cases']:
    m = GradientBoostingClassifier(n_estimators=c['n'], random_state=0).fit(c['Xtr'], c['ytr'])
    out.append({'acc': m.score(c['Xte'], c['yte']), 'loss': float(m.train_score_[-1])})`,
    { cases: cases.map((c) => ({ n: c.n_estimators, Xtr: rows(c.Xtr), Xte: rows(c.Xte), ytr: c.ytr, yte: c.yte })) },
  );
  for (const [i, c] of cases.entries()) {
    const m = await new GradientBoostingClassifier({ n_estimators: c.n_estimators, random_state: 0 }).fit(c.Xtr, c.ytr);
    const acc = m.score(c.Xte, c.yte);
    const loss = m.trainLoss[c.n_estimators - 1]!;
    const r = ref[i]!;
    console.log(`gboost ${c.name}: lathe ${acc.toFixed(4)} (deviance ${loss.toExponential(3)}) sklearn ${r.acc.toFixed(4)} (deviance ${r.loss.toExponential(3)})`);
    assert.ok(Math.abs(acc - r.acc) <= 0.02, `${c.name}: ${acc} vs ${r.acc}`);
    assert.ok(loss <= r.loss * 1.5 + 1e-6, `${c.name}: deviance ${loss} vs ${r.loss}`);
  }
});

test('boosting regressor R² on diabetes within 0.05 of scikit-learn', async () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const Xtr = takeRows(D.X, train);
  const Xte = takeRows(D.X, te);
  const ytr = take(D.yNum, train);
  const yte = take(D.yNum, te);
  const ref = sklearn<number>(
    `
from sklearn.ensemble import GradientBoostingRegressor
out = GradientBoostingRegressor(random_state=0).fit(inp['Xtr'], inp['ytr']).score(inp['Xte'], inp['yte'])`,
    { Xtr: rows(Xtr), Xte: rows(Xte), ytr, yte },
  );
  const r2 = (await new GradientBoostingRegressor({ random_state: 0 }).fit(Xtr, ytr)).score(Xte, yte);
  console.log(`gboost regressor diabetes: lathe R² ${r2.toFixed(4)} sklearn ${ref.toFixed(4)}`);
  assert.ok(Math.abs(r2 - ref) <= 0.05, `${r2} vs ${ref}`);
});
