/**
 * ONNX export of every model kind, run in onnxruntime-node on held-out rows
 * of iris / wine / breast_cancer / penguins / diabetes, against Lathe's own
 * predictions on the same float32 inputs: identical labels, probabilities
 * (and regression values, relative) within 1e-5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlgoName, Task } from '../../src-shared/ml/catalog.ts';
import type { Params } from '../../src-shared/ml/params.ts';
import { exportOnnx } from '../../src-main/engine/models/onnx/export.ts';
import { ModelRuntime } from '../../src-main/engine/models/runtime.ts';
import { onnxInput, runOnnx } from './onnx-helpers.ts';
import { sourceOfStored } from '../../src-main/engine/models/library.ts';
import { fitStored } from '../unit/bundle-fixtures.ts';

const CASES: [string, string, AlgoName, Task, Params][] = [
  ['iris.csv', 'target', 'knn', 'classification', { n_neighbors: 5 }],
  ['wine.csv', 'target', 'knn', 'classification', { n_neighbors: 7, weights: 'distance', metric: 'manhattan' }],
  ['breast_cancer.csv', 'target', 'gnb', 'classification', {}],
  ['wine.csv', 'target', 'gnb', 'classification', {}],
  ['iris.csv', 'target', 'logreg', 'classification', {}],
  ['breast_cancer.csv', 'target', 'logreg', 'classification', {}],
  ['penguins.csv', 'species', 'logreg', 'classification', {}],
  ['wine.csv', 'target', 'tree', 'classification', {}],
  ['penguins.csv', 'species', 'tree', 'classification', { max_depth: 5 }],
  ['breast_cancer.csv', 'target', 'forest', 'classification', { n_estimators: 25, random_state: 3 }],
  ['iris.csv', 'target', 'gboost', 'classification', { n_estimators: 30 }],
  ['breast_cancer.csv', 'target', 'gboost', 'classification', { n_estimators: 30 }],
  ['iris.csv', 'target', 'svm', 'classification', { probability: true }],
  ['wine.csv', 'target', 'svm', 'classification', { probability: true, kernel: 'poly', degree: 2 }],
  ['breast_cancer.csv', 'target', 'svm', 'classification', { probability: true, kernel: 'linear' }],
  ['diabetes.csv', 'target', 'linreg', 'regression', {}],
  ['diabetes.csv', 'target', 'linreg', 'regression', { degree: 2 }],
  ['diabetes.csv', 'target', 'ridge', 'regression', { alpha: 0.5 }],
  ['diabetes.csv', 'target', 'knn', 'regression', { weights: 'distance' }],
  ['diabetes.csv', 'target', 'tree', 'regression', { max_depth: 6 }],
  ['diabetes.csv', 'target', 'forest', 'regression', { n_estimators: 20 }],
  ['diabetes.csv', 'target', 'gboost', 'regression', { n_estimators: 50 }],
  ['iris.csv', 'target', 'kmeans', 'clustering', { n_clusters: 3, random_state: 0 }],
];

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const [file, target, algo, task, params] of CASES) {
  test(`ONNX ${algo} (${task}, ${JSON.stringify(params)}) on ${file} equals Lathe in onnxruntime`, async (t) => {
    const { stored, test: held } = await fitStored(file, target, algo, task, params);
    const source = sourceOfStored(stored);
    const bytes = exportOnnx(source, { name: stored.name, latheVersion: '0.1.0' });
    const { X, rows } = onnxInput(source, held);
    const out = await runOnnx(bytes, X, held.rows, source.features.length);
    const rt = await ModelRuntime.load(source);
    const mine = await rt.predict(rows);
    if (task === 'regression') {
      const v = out.variable!;
      assert.deepEqual(v.dims, [held.rows, 1]);
      const got = v.data as Float32Array;
      t.diagnostic(`max |onnx − lathe| = ${maxAbs(got, mine.predictions).toExponential(2)} on ${held.rows} rows`);
      for (let i = 0; i < held.rows; i++) {
        const want = mine.predictions[i]!;
        assert.ok(Math.abs(got[i]! - want) <= 1e-5 * Math.max(1, Math.abs(want)), `row ${i}: onnx ${got[i]} vs lathe ${want}`);
      }
      return;
    }
    const label = out.label!;
    assert.equal(label.type, 'int64');
    assert.deepEqual(Array.from(label.data as BigInt64Array, Number), Array.from(mine.predictions), 'labels');
    if (task === 'clustering') {
      const est = rt.estimator as unknown as { transform(X: unknown): Float64Array };
      const dist = est.transform(rt.transform(rows));
      assert.ok(maxAbs(out.distances!.data as Float32Array, dist) < 1e-5 * 10, 'distances');
      return;
    }
    const p = out.probabilities!;
    assert.deepEqual(p.dims, [held.rows, stored.classes.length]);
    const err = maxAbs(p.data as Float32Array, mine.proba!);
    t.diagnostic(`max probability difference ${err.toExponential(2)} on ${held.rows} rows`);
    assert.ok(err <= 1e-5, `probabilities differ by ${err}`);
  });
}
