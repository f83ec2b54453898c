/**
 * Random forests against scikit-learn 1.2 on the same splits, 100 trees.
 * With exact split search (these sets) the forest draws its seeds, bootstrap
 * samples and split features as scikit-learn does, so for random_state=0
 * every tree has scikit-learn's node count, predictions agree (they can
 * differ only where a test value sits exactly on a threshold: scikit-learn
 * rounds X to float32) and accuracy is within half a point (one test row on
 * the small sets); the regressor's R² on diabetes within 0.01.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier, RandomForestRegressor } from '../../src-main/engine/ml/algorithms/forest.ts';
import { CLASSIFICATION_SETS, fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

test('forest: the same trees as scikit-learn for the same random_state (exact search), accuracy within half a point', async () => {
  const cases = CLASSIFICATION_SETS.map((s) => {
    const D = loadXY(s.file, s.target);
    const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
    return { name: s.file, Xtr: takeRows(D.X, train), Xte: takeRows(D.X, te), ytr: take(D.y, train), yte: take(D.y, te) };
  });
  const ref = sklearn<{ nodes: number[]; pred: number[]; acc: number }[]>(
    `
from sklearn.ensemble import RandomForestClassifier
out = []
for c in inp['cases']:
    m = RandomForestClassifier(random_state=0, n_jobs=-1).fit(c['Xtr'], c['ytr'])
    out.append({'nodes': [t.tree_.node_count for t in m.estimators_], 'pred': m.predict(c['Xte']).tolist(), 'acc': m.score(c['Xte'], c['yte'])})`,
    { cases: cases.map((c) => ({ Xtr: rows(c.Xtr), Xte: rows(c.Xte), ytr: c.ytr, yte: c.yte })) },
  );
  for (const [i, c] of cases.entries()) {
    const sk = ref[i]!;
    const t0 = performance.now();
    const m = await new RandomForestClassifier({ random_state: 0 }).fit(c.Xtr, c.ytr);
    const ms = performance.now() - t0;
    assert.equal(m.splitSearch, 'exact');
    const st = m.toJSON().state as { offsets: Int32Array };
    const nodes = Array.from({ length: m.nTrees }, (_, t) => st.offsets[t + 1]! - st.offsets[t]!);
    assert.deepEqual(nodes, sk.nodes, `${c.name}: node count of every tree`);
    const p = m.predict(c.Xte);
    let same = 0;
    for (let r = 0; r < p.length; r++) if (p[r] === sk.pred[r]) same++;
    const acc = m.score(c.Xte, c.yte);
    console.log(`forest ${c.name}: lathe ${acc.toFixed(4)} (${ms.toFixed(0)} ms, ${m.threadsUsed} threads) sklearn ${sk.acc.toFixed(4)}; ${same}/${p.length} predictions equal`);
    assert.ok(same >= 0.98 * p.length, `${c.name}: ${same} of ${p.length} predictions equal`);
    assert.ok(Math.abs(acc - sk.acc) <= 0.005 + 1 / p.length, `${c.name}: ${acc} vs ${sk.acc}`);
  }
});

test('forest regressor on diabetes: the same trees as scikit-learn, R² within 0.01', async () => {
  const D = loadXY('diabetes.csv', 'target');
  const { train, test: te } = fixedSplit(D.X.rows, 0.25, 42);
  const Xtr = takeRows(D.X, train);
  const Xte = takeRows(D.X, te);
  const ytr = take(D.yNum, train);
  const yte = take(D.yNum, te);
  const ref = sklearn<{ r2: number; nodes: number[] }>(
    `
from sklearn.ensemble import RandomForestRegressor
m = RandomForestRegressor(random_state=0, n_jobs=-1).fit(inp['Xtr'], inp['ytr'])
out = {'r2': m.score(inp['Xte'], inp['yte']), 'nodes': [t.tree_.node_count for t in m.estimators_]}`,
    { Xtr: rows(Xtr), Xte: rows(Xte), ytr, yte },
  );
  const m = await new RandomForestRegressor({ random_state: 0 }).fit(Xtr, ytr);
  const st = m.toJSON().state as { offsets: Int32Array };
  assert.deepEqual(Array.from({ length: m.nTrees }, (_, t) => st.offsets[t + 1]! - st.offsets[t]!), ref.nodes);
  const r2 = m.score(Xte, yte);
  console.log(`forest regressor diabetes: lathe R² ${r2.toFixed(4)} sklearn ${ref.r2.toFixed(4)}`);
  assert.ok(Math.abs(r2 - ref.r2) <= 0.01, `${r2} vs ${ref.r2}`);
});
