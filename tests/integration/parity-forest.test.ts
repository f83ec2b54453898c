/**
 * Random forests against scikit-learn 1.2 on the same splits, 100 trees:
 * held-out accuracy within 2 points on the five classification sets (mean
 * over five seeds where the test part has < 100 rows: there one row is more
 * than 2 points, so a single seed's luck decides), and the
 * regressor's R² on diabetes within 0.05.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier, RandomForestRegressor } from '../../src-main/engine/ml/algorithms/forest.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

test('forest accuracy within 2 points of scikit-learn on the five classification sets', async () => {
  const cases = CLASSIFICATION_SETS.map((s) => {
    const D = loadXY(s.file, s.target);
    const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
    const seeds = te.length < 100 ? [0, 1, 2, 3, 4] : [0];
    return { name: s.file, seeds, Xtr: takeRows(D.X, train), Xte: takeRows(D.X, te), ytr: take(D.y, train), yte: take(D.y, te) };
  });
  const ref = sklearn<number[]>(
    `
from sklearn.ensemble import RandomForestClassifier
out = [float(np.mean([RandomForestClassifier(random_state=r, n_jobs=-1).fit(c['Xtr'], c['ytr']).score(c['Xte'], c['yte']) for r in c['seeds']])) for c in inp['cases']]`,
    { cases: cases.map((c) => ({ seeds: c.seeds, Xtr: rows(c.Xtr), Xte: rows(c.Xte), ytr: c.ytr, yte: c.yte })) },
  );
  for (const [i, c] of cases.entries()) {
    const t0 = performance.now();
    let acc = 0;
    let threads = 1;
    for (const random_state of c.seeds) {
      const m = await new RandomForestClassifier({ random_state }).fit(c.Xtr, c.ytr);
      acc += m.score(c.Xte, c.yte) / c.seeds.length;
      threads = m.threadsUsed;
    }
    const ms = (performance.now() - t0) / c.seeds.length;
    console.log(`forest ${c.name}: lathe ${acc.toFixed(4)} (${ms.toFixed(0)} ms per forest, ${threads} threads) sklearn ${ref[i]!.toFixed(4)} (seeds ${c.seeds.length})`);
    assert.ok(Math.abs(acc - ref[i]!) <= 0.02, `${c.name}: ${acc} vs ${ref[i]}`);
  }
});

test('forest regressor R² on diabetes within 0.05 of scikit-learn', async () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const Xtr = takeRows(D.X, train);
  const Xte = takeRows(D.X, te);
  const ytr = take(D.yNum, train);
  const yte = take(D.yNum, te);
  const ref = sklearn<number>(
    `
from sklearn.ensemble import RandomForestRegressor
out = RandomForestRegressor(random_state=0, n_jobs=-1).fit(inp['Xtr'], inp['ytr']).score(inp['Xte'], inp['yte'])`,
    { Xtr: rows(Xtr), Xte: rows(Xte), ytr, yte },
  );
  const r2 = (await new RandomForestRegressor({ random_state: 0 }).fit(Xtr, ytr)).score(Xte, yte);
  console.log(`forest regressor diabetes: lathe R² ${r2.toFixed(4)} sklearn ${ref.toFixed(4)}`);
  assert.ok(Math.abs(r2 - ref) <= 0.05, `${r2} vs ${ref}`);
});
