/**
 * `lathe train`, `lathe compare` and `lathe correlate`, spawned as a person
 * would run them (node bin/lathe.mjs) with a temporary --data-dir: the JSON
 * shapes, the human table, and exit 2 with {"error":{code,message}} for bad
 * parameters and unknown columns.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { datasetPath } from '../helpers/data.ts';
import { cliSession, one } from '../helpers/cli.ts';

const { lathe } = cliSession('lathe-cli-ml-');

interface Summary {
  mean: number;
  std: number;
  folds: number[];
}

before(async () => {
  for (const f of ['iris.csv', 'diabetes.csv']) {
    const r = await lathe(['import', datasetPath(f), '--json']);
    assert.equal(r.code, 0, r.stderr);
  }
});

test('compare --json: the documented shape, five classifiers on the same 5 folds, t-tests', async () => {
  const r = await lathe(['compare', 'iris', '--target', 'target', '--cv', '5', '--seed', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = one(r);
  assert.equal(o.dataset, 'iris');
  assert.equal(o.target, 'target');
  assert.deepEqual(o.protocol, { kind: 'cv', folds: 5, seed: 3 });
  const learners = o.learners as { algo: string; params: Record<string, unknown>; metrics: Record<string, Summary>; fit_seconds: number; predict_seconds: number }[];
  assert.deepEqual(
    learners.map((l) => l.algo),
    ['knn', 'gnb', 'logreg', 'tree', 'forest'],
  );
  for (const l of learners) {
    assert.deepEqual(Object.keys(l).sort(), ['algo', 'fit_seconds', 'metrics', 'params', 'predict_seconds']);
    assert.equal(typeof l.params, 'object');
    assert.deepEqual(Object.keys(l.metrics.accuracy!).sort(), ['folds', 'mean', 'std']);
    assert.equal(l.metrics.accuracy!.folds.length, 5);
    assert.ok(l.metrics.accuracy!.mean > 0.9, `${l.algo} ${l.metrics.accuracy!.mean}`);
    assert.ok(l.metrics.f1_macro);
    assert.ok(l.fit_seconds >= 0 && l.predict_seconds >= 0);
  }
  const tests = o.tests as { a: string; b: string; metric: string; p: number; verdict: string }[];
  assert.equal(tests.length, 10);
  assert.ok(tests.every((t) => t.metric === 'accuracy' && typeof t.verdict === 'string' && t.p >= 0 && t.p <= 1));
});

test('compare: regression hold-out (folds holds the one value) and the human table marks the best', async () => {
  const j = await lathe(['compare', 'diabetes', '--target', 'target', '--test-size', '0.25', '--algos', 'linreg,ridge,tree', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const o = one(j);
  assert.deepEqual(o.protocol, { kind: 'holdout', test_size: 0.25, seed: 0 });
  const learners = o.learners as { algo: string; metrics: Record<string, Summary> }[];
  assert.deepEqual(
    learners.map((l) => l.algo),
    ['linreg', 'ridge', 'tree'],
  );
  for (const l of learners) {
    assert.deepEqual(Object.keys(l.metrics).sort(), ['mae', 'r2', 'rmse']);
    assert.equal(l.metrics.r2!.folds.length, 1);
    assert.equal(l.metrics.r2!.folds[0], l.metrics.r2!.mean);
  }
  assert.deepEqual(o.tests, []);
  const h = await lathe(['compare', 'diabetes', '--target', 'target', '--test-size', '0.25', '--algos', 'linreg,ridge,tree']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /learner\s+R²\s+MAE\s+RMSE\s+fit s\s+predict s/);
  // One mark per column: R², MAE, RMSE, fit s, predict s.
  const table = h.stdout.split('\n').filter((l) => /^(Linear|Ridge|Decision)/.test(l));
  assert.equal(table.length, 3);
  assert.equal(table.join('\n').match(/\*/g)?.length, 5);
  assert.match(h.stdout, /\* best in its column/);
});

test('train --json stores a model: {model:{id,algo,params},metrics,fit_seconds,predict_seconds}', async () => {
  const r = await lathe(['train', 'iris', '--target', 'target', '--algo', 'knn', '--param', 'n_neighbors=7', '--param', 'weights=distance', '--cv', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = one(r);
  assert.deepEqual(Object.keys(o).sort(), ['fit_seconds', 'metrics', 'model', 'predict_seconds']);
  const model = o.model as { id: string; algo: string; params: Record<string, unknown> };
  assert.deepEqual(Object.keys(model).sort(), ['algo', 'id', 'params']);
  assert.equal(model.algo, 'knn');
  assert.equal(model.params.n_neighbors, 7);
  assert.equal(model.params.weights, 'distance');
  const metrics = o.metrics as Record<string, number>;
  assert.ok(metrics.accuracy! > 0.9);
  assert.equal(typeof o.fit_seconds, 'number');
  // A second process sees it in the library.
  const again = await lathe(['train', 'iris', '--target', 'target', '--algo', 'tree', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual((one(again).model as { id: string }).id, model.id);
});

test('bad parameters and unknown columns exit 2 with {"error":{code,message}}', async () => {
  const bad = await lathe(['train', 'iris', '--target', 'target', '--algo', 'knn', '--param', 'n_neighbors=0', '--json']);
  assert.equal(bad.code, 2);
  assert.deepEqual((one(bad).error as { code: string; message: string }).message, "The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.");
  assert.equal((one(bad).error as { code: string }).code, 'INVALID_PARAM');

  const col = await lathe(['compare', 'iris', '--target', 'species', '--json']);
  assert.equal(col.code, 2);
  const e = one(col).error as { code: string; message: string };
  assert.equal(e.code, 'UNKNOWN_COLUMN');
  assert.match(e.message, /"species"/);
  assert.match(e.message, /"sepal length \(cm\)", "sepal width \(cm\)", "petal length \(cm\)", "petal width \(cm\)", "target"/);

  const feat = await lathe(['train', 'iris', '--target', 'target', '--algo', 'gnb', '--features', 'petal width (cm),nope', '--json']);
  assert.equal(feat.code, 2);
  assert.equal((one(feat).error as { code: string }).code, 'UNKNOWN_COLUMN');

  const algo = await lathe(['compare', 'iris', '--target', 'target', '--algos', 'knn,magic', '--json']);
  assert.equal(algo.code, 2);
  assert.match((one(algo).error as { message: string }).message, /Unknown algorithm 'magic'/);

  const both = await lathe(['compare', 'iris', '--target', 'target', '--cv', '5', '--test-size', '0.2', '--json']);
  assert.equal(both.code, 2);

  const human = await lathe(['train', 'iris', '--target', 'target', '--algo', 'knn', '--param', 'n_neighbors=0']);
  assert.equal(human.code, 2);
  assert.match(human.stderr, /n_neighbors.*\[INVALID_PARAM\]/);
});

test('correlate --json: {columns, matrix}', async () => {
  const r = await lathe(['correlate', 'iris', '--method', 'spearman', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = one(r);
  assert.deepEqual(Object.keys(o).sort(), ['columns', 'matrix']);
  const cols = o.columns as string[];
  const m = o.matrix as number[][];
  assert.equal(cols.length, 5);
  assert.equal(m.length, 5);
  for (let i = 0; i < 5; i++) assert.equal(m[i]![i], 1);
  const pl = cols.indexOf('petal length (cm)');
  const pw = cols.indexOf('petal width (cm)');
  assert.ok(Math.abs(m[pl]![pw]! - 0.9376668235763412) < 1e-9, `spearman petal length × width ${m[pl]![pw]}`);
  const bad = await lathe(['correlate', 'iris', '--method', 'kendall', '--json']);
  assert.equal(bad.code, 2);
});
