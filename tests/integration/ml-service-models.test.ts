/**
 * Training into the model library, decision boundaries and correlations
 * through the engine's contract on real files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pipeline, type PipelineState } from '../../src-main/engine/ml/preprocess/pipeline.ts';
import { estimatorFromJSON } from '../../src-main/engine/ml/registry.ts';
import { stateFromString } from '../../src-main/engine/ml/state.ts';
import { getModel } from '../../src-main/engine/store/ml.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { sklearn } from '../helpers/sklearn.ts';
import { DATA, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-ml-models-');
let h: Harness;
const ds = new Map<string, DatasetMeta>();

before(async () => {
  h = await startEngine(tmp.dir);
  for (const f of ['iris.csv', 'wine.csv', 'penguins.csv', 'digits.csv', 'diabetes.csv']) {
    ds.set(f, (await h.client.call('datasets.importPath', { path: join(DATA, f) })).dataset);
  }
});
after(async () => {
  await h.close();
  tmp.remove();
});

test('train → the model is listed → rename → delete, with models.changed events', async () => {
  const meta = ds.get('penguins.csv')!;
  const r = await h.client.call('ml.train', {
    datasetId: meta.id,
    target: 'species',
    algo: 'logreg',
    params: { C: 0.5 },
    protocol: { kind: 'cv', folds: 5, seed: 0 },
  });
  assert.equal(r.model.algo, 'logreg');
  assert.equal(r.model.task, 'classification');
  assert.equal(r.model.params.C, 0.5);
  assert.equal(r.model.name, 'logreg on penguins');
  assert.equal(r.model.target, 'species');
  assert.deepEqual(r.model.features, ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year']);
  assert.equal(r.model.backend, 'typed-arrays');
  assert.equal(r.metrics.accuracy!.folds.length, 5, 'evaluated with 5-fold CV');
  assert.ok(r.metrics.accuracy!.mean > 0.95, `cv accuracy ${r.metrics.accuracy!.mean}`);
  assert.equal(r.model.metrics.accuracy, r.metrics.accuracy!.mean);
  assert.ok(r.fitSeconds > 0 && r.predictSeconds >= 0);

  const list = await h.client.call('models.list', undefined);
  assert.deepEqual(
    list.map((m) => m.id),
    [r.model.id],
  );
  assert.deepEqual(await h.client.call('models.get', { id: r.model.id }), r.model);

  // The stored model is complete: fingerprint, classes, and a pipeline + estimator that predict.
  const stored = getModel(h.engine.store.db, r.model.id);
  assert.equal(stored.datasetSha256, meta.sha256);
  assert.deepEqual(
    stored.datasetSchema.map((c) => c.name),
    meta.columns.map((c) => c.name),
  );
  assert.deepEqual(stored.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
  const pipe = Pipeline.fromJSON(stored.pipeline as PipelineState);
  const est = estimatorFromJSON(stateFromString(stored.estimator));
  const X = pipe.transform({
    rows: 1,
    columns: [
      { name: 'island', kind: 'categorical', codes: Int32Array.from([0]), categories: ['Biscoe'] },
      { name: 'bill_length_mm', kind: 'numeric', values: Float64Array.from([49.9]) },
      { name: 'bill_depth_mm', kind: 'numeric', values: Float64Array.from([16.1]) },
      { name: 'flipper_length_mm', kind: 'numeric', values: Float64Array.from([213]) },
      { name: 'body_mass_g', kind: 'numeric', values: Float64Array.from([5400]) },
      { name: 'sex', kind: 'categorical', codes: Int32Array.from([0]), categories: ['male'] },
      { name: 'year', kind: 'numeric', values: Float64Array.from([2009]) },
    ],
  });
  assert.equal(stored.classes[est.predict(X)[0]!], 'Gentoo');

  const renamed = await h.client.call('models.rename', { id: r.model.id, name: 'Penguin species', description: 'L2, C = 0.5' });
  assert.equal(renamed.name, 'Penguin species');
  assert.equal(renamed.description, 'L2, C = 0.5');
  assert.equal((await h.client.call('models.list', undefined))[0]!.name, 'Penguin species');

  // A second model gets a free default name; renaming onto a taken name is refused.
  const r2 = await h.client.call('ml.train', { datasetId: meta.id, target: 'species', algo: 'tree', features: ['bill_length_mm', 'flipper_length_mm'] });
  assert.equal(r2.model.name, 'tree on penguins');
  assert.ok(r2.metrics.accuracy!.mean > 0.9, 'training-row metrics without a protocol');
  await rejectsWith(h.client.call('models.rename', { id: r2.model.id, name: 'penguin SPECIES' }), 'NAME_TAKEN');
  await rejectsWith(h.client.call('ml.train', { datasetId: meta.id, target: 'species', algo: 'gnb', name: 'Penguin species' }), 'NAME_TAKEN');

  assert.deepEqual(await h.client.call('models.delete', { id: r.model.id }), { deleted: true });
  assert.deepEqual(
    (await h.client.call('models.list', undefined)).map((m) => m.id),
    [r2.model.id],
  );
  await rejectsWith(h.client.call('models.get', { id: r.model.id }), 'NOT_FOUND');
  await rejectsWith(h.client.call('models.delete', { id: r.model.id }), 'NOT_FOUND');
  const changed = h.events.filter((e) => e.topic === 'models.changed').map((e) => (e.data as { ids: string[] }).ids[0]);
  assert.ok(changed.filter((id) => id === r.model.id).length >= 3, 'train, rename, delete each announced');
});

test('train: a regression model, and bad requests', async () => {
  const meta = ds.get('diabetes.csv')!;
  const r = await h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'ridge', params: { alpha: 0.1 }, protocol: { kind: 'holdout', testSize: 0.25, seed: 2 } });
  assert.equal(r.model.task, 'regression');
  assert.deepEqual(Object.keys(r.metrics).sort(), ['mae', 'r2', 'rmse']);
  assert.equal(r.metrics.r2!.folds.length, 1);
  assert.ok(r.metrics.r2!.mean > 0.3);
  const e = await rejectsWith(h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'ridge', params: { alpha: -1 } }), 'INVALID_PARAM');
  assert.match(e.message, /'alpha' parameter of Ridge/);
  await rejectsWith(h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'gnb' }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.train', { datasetId: meta.id, target: 'nope', algo: 'ridge' }), 'UNKNOWN_COLUMN');
});

test('decision boundaries on iris petal length × width: five panels over an 80² grid', async () => {
  const meta = ds.get('iris.csv')!;
  const r = await h.client.call('ml.boundary', { datasetId: meta.id, target: 'target', x: 'petal length (cm)', y: 'petal width (cm)' });
  assert.equal(r.resolution, 80);
  assert.deepEqual(r.classes, ['0', '1', '2']);
  assert.equal(r.px.length, 150);
  assert.equal(r.pc.length, 150);
  // Range = data range + 5% margin (petal length 1.0..6.9).
  assert.ok(Math.abs(r.xRange[0] - (1 - 0.05 * 5.9)) < 1e-9 && Math.abs(r.xRange[1] - (6.9 + 0.05 * 5.9)) < 1e-9);
  assert.deepEqual(
    r.panels.map((p) => p.algo),
    ['knn', 'gnb', 'logreg', 'tree', 'forest'],
  );
  for (const p of r.panels) {
    assert.equal(p.error, undefined, p.error?.message);
    assert.equal(p.grid.length, 6400);
    assert.ok(p.accuracy > 0.9, `${p.algo} training accuracy ${p.accuracy}`);
    assert.equal(p.confidence?.length, 6400);
    assert.ok(p.confidence!.every((c) => c >= 1 / 3 - 1e-6 && c <= 1 + 1e-6));
    // Small petals are setosa (class 0), big ones virginica (class 2).
    assert.equal(p.grid[0], 0, `${p.algo} bottom-left`);
    assert.equal(p.grid[6399], 2, `${p.algo} top-right`);
    assert.equal(new Set(p.grid).size, 3);
  }
  await rejectsWith(h.client.call('ml.boundary', { datasetId: meta.id, target: 'target', x: 'petal length (cm)', y: 'nope' }), 'UNKNOWN_COLUMN');
  const pen = ds.get('penguins.csv')!;
  await rejectsWith(h.client.call('ml.boundary', { datasetId: pen.id, target: 'species', x: 'island', y: 'bill_length_mm' }), 'BAD_KIND');
});

test('decision boundaries are fast enough for the UI on digits-size data (5 learners, 80²)', async () => {
  const meta = ds.get('digits.csv')!;
  // Warm the worker (module loading) first, as the UI's earlier calls would.
  await h.client.call('ml.boundary', { datasetId: meta.id, target: 'target', x: 'pixel_2_5', y: 'pixel_5_2', resolution: 8, learners: [{ algo: 'gnb' }] });
  const t0 = performance.now();
  const r = await h.client.call('ml.boundary', { datasetId: meta.id, target: 'target', x: 'pixel_2_5', y: 'pixel_5_2' });
  const ms = performance.now() - t0;
  assert.equal(r.panels.length, 5);
  assert.ok(r.panels.every((p) => !p.error));
  console.log(`# digits boundary, 5 learners, 80²: ${ms.toFixed(0)} ms`);
  assert.ok(ms < 6000, `took ${ms.toFixed(0)} ms`);
});

test('correlations of wine match SciPy (Pearson and Spearman), with an order and Cramér/η for class columns', async () => {
  const meta = ds.get('wine.csv')!;
  const ref = sklearn<{ pearson: number[][]; spearman: number[][]; cols: string[] }>(
    `
    import pandas as pd
    from scipy import stats
    df = pd.read_csv(${JSON.stringify(join(DATA, 'wine.csv'))})
    num = [c for c in df.columns if c != 'target']
    out = {'cols': num,
           'pearson': [[float(stats.pearsonr(df[a], df[b])[0]) for b in num] for a in num],
           'spearman': [[float(stats.spearmanr(df[a], df[b])[0]) for b in num] for a in num]}
    `,
  );
  for (const method of ['pearson', 'spearman', 'auto'] as const) {
    const r = await h.client.call('ml.correlate', { datasetId: meta.id, method });
    assert.equal(r.columns.length, 14);
    const want = method === 'spearman' ? ref.spearman : ref.pearson;
    for (const [i, a] of ref.cols.entries()) {
      for (const [j, b] of ref.cols.entries()) {
        const got = r.matrix[r.columns.indexOf(a)]![r.columns.indexOf(b)]!;
        assert.ok(Math.abs(got - want[i]![j]!) < 1e-9, `${method} ${a} × ${b}: ${got} vs ${want[i]![j]}`);
        assert.equal(r.measures[r.columns.indexOf(a)]![r.columns.indexOf(b)], method === 'auto' ? 'pearson' : method);
      }
    }
    // target is an integer column (numeric): Pearson with the rest.
    assert.deepEqual([...r.order].sort((x, y) => x - y), r.columns.map((_, i) => i));
  }
  const pen = ds.get('penguins.csv')!;
  const p = await h.client.call('ml.correlate', { datasetId: pen.id });
  const si = p.columns.indexOf('species');
  const ii = p.columns.indexOf('island');
  const fi = p.columns.indexOf('flipper_length_mm');
  assert.equal(p.measures[si]![ii], 'cramers_v');
  assert.equal(p.measures[si]![fi], 'correlation_ratio');
  assert.ok(p.matrix[si]![fi]! > 0.8, 'species explains flipper length');
  await rejectsWith(h.client.call('ml.correlate', { datasetId: pen.id, method: 'kendall' as never }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.correlate', { datasetId: pen.id, columns: ['nope'] }), 'UNKNOWN_COLUMN');
});
