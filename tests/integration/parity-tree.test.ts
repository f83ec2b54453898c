/**
 * Decision trees against scikit-learn 1.2 on the same splits: held-out
 * accuracy averaged over twenty seeds within 2 points on iris, wine,
 * breast_cancer, digits and penguins (single trees differ only in how ties
 * between equally good splits are broken, so one seed is noisy); the
 * regressor's R² on diabetes within 0.05.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src-main/engine/ml/algorithms/tree.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
const SEEDS = Array.from({ length: 20 }, (_, i) => i);

test('tree accuracy within 2 points of scikit-learn on the five classification sets', () => {
  const cases = CLASSIFICATION_SETS.map((s) => {
    const D = loadXY(s.file, s.target);
    const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
    return { name: s.file, Xtr: takeRows(D.X, train), Xte: takeRows(D.X, te), ytr: take(D.y, train), yte: take(D.y, te) };
  });
  const ref = sklearn<number[]>(
    `
from sklearn.tree import DecisionTreeClassifier
out = []
for c in inp['cases']:
    s = [DecisionTreeClassifier(random_state=r).fit(c['Xtr'], c['ytr']).score(c['Xte'], c['yte']) for r in inp['seeds']]
    out.append(float(np.mean(s)))`,
    { seeds: SEEDS, cases: cases.map((c) => ({ Xtr: rows(c.Xtr), Xte: rows(c.Xte), ytr: c.ytr, yte: c.yte })) },
  );
  cases.forEach((c, i) => {
    let acc = 0;
    for (const r of SEEDS) acc += new DecisionTreeClassifier({ random_state: r }).fit(c.Xtr, c.ytr).score(c.Xte, c.yte) / SEEDS.length;
    console.log(`tree ${c.name}: lathe ${acc.toFixed(4)} sklearn ${ref[i]!.toFixed(4)}`);
    assert.ok(Math.abs(acc - ref[i]!) <= 0.02, `${c.name}: ${acc} vs ${ref[i]}`);
  });
});

test('tree regressor R² on diabetes within 0.05 of scikit-learn (depth 4; unlimited with leaves of 10)', () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const Xtr = takeRows(D.X, train);
  const Xte = takeRows(D.X, te);
  const ytr = take(D.yNum, train);
  const yte = take(D.yNum, te);
  const ref = sklearn<number[]>(
    `
from sklearn.tree import DecisionTreeRegressor
out = [float(np.mean([DecisionTreeRegressor(max_depth=d, min_samples_leaf=l, random_state=r).fit(inp['Xtr'], inp['ytr']).score(inp['Xte'], inp['yte']) for r in inp['seeds']])) for d, l in [(4, 1), (None, 10)]]`,
    { Xtr: rows(Xtr), Xte: rows(Xte), ytr, yte, seeds: SEEDS },
  );
  [
    { max_depth: 4, min_samples_leaf: 1 },
    { max_depth: null, min_samples_leaf: 10 },
  ].forEach((p, i) => {
    let r2 = 0;
    for (const r of SEEDS) r2 += new DecisionTreeRegressor({ ...p, random_state: r }).fit(Xtr, ytr).score(Xte, yte) / SEEDS.length;
    console.log(`tree regressor diabetes ${JSON.stringify(p)}: lathe R² ${r2.toFixed(4)} sklearn ${ref[i]!.toFixed(4)}`);
    assert.ok(Math.abs(r2 - ref[i]!) <= 0.05, `${r2} vs ${ref[i]}`);
  });
});
