/**
 * k-means, Gaussian anomaly detection and PCA trained into the model library
 * through the engine's contract on real files: their own metrics and details
 * (checked against scikit-learn), listed in the library, predicted with
 * (cluster + distances, 0/1 + log density, pc1..pcN), and the estimators'
 * own outputs of supervised models (OLS summary, importances, coefficients).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { readCsv } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import { DATA, parseCsv, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-ml-unsup-');
let h: Harness;
const ds = new Map<string, DatasetMeta>();

before(async () => {
  h = await startEngine(tmp.dir);
  for (const f of ['iris.csv', 'wine.csv', 'breast_cancer.csv', 'diabetes.csv', 'penguins.csv']) {
    ds.set(f, (await h.client.call('datasets.importPath', { path: join(DATA, f) })).dataset);
  }
});
after(async () => {
  await h.close();
  tmp.remove();
});

async function predictCsv(modelId: string, datasetId: string): Promise<string[][]> {
  const r = await h.client.call('models.predict', { id: modelId, datasetId, includeCsv: true });
  return parseCsv(r.csv!);
}

test('kmeans on iris: the target scores the clusters but is not a feature; homogeneity as sklearn', async () => {
  const meta = ds.get('iris.csv')!;
  const r = await h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'kmeans', params: { n_clusters: 3, random_state: 0 } });
  assert.equal(r.model.task, 'clustering');
  assert.equal(r.model.target, 'target');
  assert.deepEqual(r.model.features, ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
  const c = r.details!.clustering!;
  assert.equal(c.k, 3);
  assert.equal(c.sizes.reduce((a, b) => a + b, 0), 150);
  assert.equal(r.metrics.inertia!.mean, c.inertia);
  // scikit-learn on the same standardised rows with the same labels gives the same clustering scores.
  const { header, rows } = readCsv('iris.csv');
  const X = rows.map((row) => header.slice(0, 4).map((_, j) => Number(row[j])));
  const y = rows.map((row) => Number(row[4]));
  const csv = await predictCsv(r.model.id, meta.id);
  assert.deepEqual(csv[0], ['prediction', 'distance_0', 'distance_1', 'distance_2']);
  assert.equal(csv.length, 151);
  const labels = csv.slice(1).map((l) => Number(l[0]));
  // Each row's cluster is its nearest centre.
  for (const l of csv.slice(1)) {
    const d = l.slice(1).map(Number);
    assert.equal(Number(l[0]), d.indexOf(Math.min(...d)));
  }
  const sk = sklearn<{ h: number; c: number; v: number; s: number; inertia: number; best: number }>(
    `
    from sklearn.preprocessing import StandardScaler
    from sklearn import metrics
    from sklearn.cluster import KMeans
    X = StandardScaler().fit_transform(np.array(inp['X']))
    y = np.array(inp['y']); lab = np.array(inp['labels'])
    h, c, v = metrics.homogeneity_completeness_v_measure(y, lab)
    # The inertia of these labels: squared distances to their cluster means (what k-means converged to).
    inertia = sum(((X[lab == k] - X[lab == k].mean(axis=0)) ** 2).sum() for k in np.unique(lab))
    best = min((KMeans(3, n_init=10, random_state=s).fit(X) for s in range(3)), key=lambda m: m.inertia_)
    out = dict(h=h, c=c, v=v, s=metrics.silhouette_score(X, lab), inertia=inertia, best=best.inertia_)`,
    { X, y, labels },
  );
  assert.ok(Math.abs(c.homogeneity! - sk.h) < 1e-9, `homogeneity ${c.homogeneity} vs ${sk.h}`);
  assert.ok(Math.abs(c.completeness! - sk.c) < 1e-9);
  assert.ok(Math.abs(r.metrics.v_measure!.mean - sk.v) < 1e-9);
  assert.ok(Math.abs(c.silhouette - sk.s) < 1e-9, `silhouette ${c.silhouette} vs ${sk.s}`);
  assert.ok(Math.abs(c.inertia - sk.inertia) / sk.inertia < 1e-9, `inertia ${c.inertia} vs ${sk.inertia}`);
  assert.ok((c.inertia - sk.best) / sk.best < 1e-3, `inertia ${c.inertia} vs sklearn's best of 30 runs ${sk.best}`);
  assert.ok(c.homogeneity! > 0.6, `homogeneity ${c.homogeneity}`);

  // No target: the same features, no label scores.
  const r2 = await h.client.call('ml.train', { datasetId: meta.id, algo: 'kmeans', params: { n_clusters: 3, random_state: 0 } });
  assert.equal(r2.model.target, null);
  assert.deepEqual(r2.model.features, r.model.features.concat(['target']).filter((f) => f !== 'target'));
  assert.equal(r2.details!.clustering!.homogeneity, undefined);
  assert.equal(r2.metrics.homogeneity, undefined);
  assert.ok(Math.abs(r2.details!.clustering!.inertia - c.inertia) < 1e-9);
  const listed = await h.client.call('models.list', undefined);
  assert.ok(listed.some((m) => m.id === r.model.id && m.algo === 'kmeans'));
});

test('anomaly on breast_cancer: ε chosen by F1 on a validation split; predictions are 0/1 with log density', async () => {
  const meta = ds.get('breast_cancer.csv')!;
  const r = await h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'anomaly', protocol: { kind: 'holdout', testSize: 0.4, seed: 0 } });
  assert.equal(r.model.task, 'anomaly');
  assert.ok(!r.model.features.includes('target'));
  const a = r.details!.anomaly!;
  assert.equal(a.method, 'f1');
  assert.equal(a.anomalyLabel, '0', 'the rarer label (212 malignant of 569) is the anomaly');
  assert.equal(a.validationRows, Math.ceil(0.4 * 569));
  assert.ok(a.f1! > 0.7, `validation F1 ${a.f1}`);
  assert.ok(a.precision! > 0 && a.recall! > 0);
  assert.ok(Number.isFinite(a.logEpsilon));
  assert.equal(r.metrics.f1!.mean, a.f1);
  assert.ok(a.flagged > 100 && a.flagged < 569, `flagged ${a.flagged}`);
  const csv = await predictCsv(r.model.id, meta.id);
  assert.deepEqual(csv[0], ['prediction', 'log_density']);
  assert.equal(csv.length, 570);
  let flagged = 0;
  for (const l of csv.slice(1)) {
    const p = Number(l[0]);
    assert.ok(p === 0 || p === 1);
    assert.equal(p, Number(l[1]) < a.logEpsilon ? 1 : 0);
    flagged += p;
  }
  assert.equal(flagged, a.flagged);

  // Naming the anomaly label; a label that is not a value; a many-valued label column; no labels at all.
  const named = await h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'anomaly', anomalyLabel: '1' });
  assert.equal(named.details!.anomaly!.anomalyLabel, '1');
  await rejectsWith(h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'anomaly', anomalyLabel: 'malignant' }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.train', { datasetId: ds.get('iris.csv')!.id, target: 'target', algo: 'anomaly' }), 'BAD_DATA');
  const plain = await h.client.call('ml.train', { datasetId: meta.id, algo: 'anomaly', params: { contamination: 0.1 }, features: ['mean radius', 'mean texture', 'mean area'] });
  assert.equal(plain.details!.anomaly!.method, 'contamination');
  assert.equal(plain.details!.anomaly!.f1, undefined);
  assert.ok(Math.abs(plain.metrics.anomaly_rate!.mean - 0.1) < 0.01, `rate ${plain.metrics.anomaly_rate!.mean}`);
});

test('pca on wine: explained variance and ratio per component equal sklearn (standardised); predictions are pc1..pcN', async () => {
  const meta = ds.get('wine.csv')!;
  const r = await h.client.call('ml.train', { datasetId: meta.id, target: 'target', algo: 'pca', params: { n_components: 5 } });
  assert.equal(r.model.task, 'decomposition');
  assert.equal(r.model.features.length, 13, 'the target is left out');
  const comps = r.details!.components!;
  assert.deepEqual(
    comps.map((c) => c.name),
    ['pc1', 'pc2', 'pc3', 'pc4', 'pc5'],
  );
  const { header, rows } = readCsv('wine.csv');
  const ti = header.indexOf('target');
  const X = rows.map((row) => row.filter((_, j) => j !== ti).map(Number));
  const sk = sklearn<{ v: number[]; r: number[]; Z: number[][] }>(
    `
    from sklearn.preprocessing import StandardScaler
    from sklearn.decomposition import PCA
    X = StandardScaler().fit_transform(np.array(inp['X']))
    p = PCA(5).fit(X)
    out = dict(v=p.explained_variance_, r=p.explained_variance_ratio_, Z=p.transform(X))`,
    { X },
  );
  let cum = 0;
  comps.forEach((c, i) => {
    cum += sk.r[i]!;
    assert.ok(Math.abs(c.explainedVariance - sk.v[i]!) < 1e-9, `variance ${i}: ${c.explainedVariance} vs ${sk.v[i]}`);
    assert.ok(Math.abs(c.explainedVarianceRatio - sk.r[i]!) < 1e-12, `ratio ${i}`);
    assert.ok(Math.abs(c.cumulativeRatio - cum) < 1e-12);
  });
  assert.ok(Math.abs(r.metrics.explained_variance_ratio!.mean - cum) < 1e-12);
  const csv = await predictCsv(r.model.id, meta.id);
  assert.deepEqual(csv[0], ['pc1', 'pc2', 'pc3', 'pc4', 'pc5']);
  assert.equal(csv.length, 179);
  // The scores equal sklearn's up to each component's sign.
  for (let c = 0; c < 5; c++) {
    const sign = Math.sign(Number(csv[1]![c]) * sk.Z[0]![c]!) || 1;
    for (let i = 0; i < 178; i++) assert.ok(Math.abs(Number(csv[i + 1]![c]) - sign * sk.Z[i]![c]!) < 1e-8, `row ${i} pc${c + 1}`);
  }
});

test('supervised details: OLS summary (linreg), importances after one-hot (forest), coefficients per class (logreg)', async () => {
  const lin = await h.client.call('ml.train', { datasetId: ds.get('diabetes.csv')!.id, target: 'target', algo: 'linreg' });
  const ols = lin.details!.ols!;
  assert.equal(ols.nObs, 442);
  assert.equal(ols.terms[0]!.name, 'const');
  assert.deepEqual(
    ols.terms.slice(1).map((t) => t.name),
    ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'],
  );
  assert.ok(Math.abs(ols.rSquared - 0.5177) < 1e-3, `R² ${ols.rSquared}`);
  assert.ok(ols.terms.every((t) => t.p >= 0 && t.p <= 1 && t.ciLow <= t.coef && t.coef <= t.ciHigh));
  assert.ok(ols.terms.find((t) => t.name === 'bmi')!.p < 1e-10);

  const forest = await h.client.call('ml.train', { datasetId: ds.get('penguins.csv')!.id, target: 'species', algo: 'forest', params: { n_estimators: 20, random_state: 0 } });
  const imp = forest.details!.importances!;
  assert.ok(imp.some((i) => i.name.startsWith('island')) && imp.some((i) => i.name.startsWith('sex')), imp.map((i) => i.name).join(', '));
  assert.ok(!imp.some((i) => i.name === 'island'), 'named after one-hot');
  for (let i = 1; i < imp.length; i++) assert.ok(imp[i - 1]!.importance >= imp[i]!.importance, 'largest first');
  assert.ok(Math.abs(imp.reduce((s, i) => s + i.importance, 0) - 1) < 1e-9);

  const lr = await h.client.call('ml.train', { datasetId: ds.get('iris.csv')!.id, target: 'target', algo: 'logreg' });
  const co = lr.details!.coefficients!;
  assert.deepEqual(
    co.rows.map((r) => r.label),
    ['0', '1', '2'],
  );
  assert.equal(co.features.length, 4);
  assert.ok(co.rows.every((r) => r.coef.length === 4 && r.coef.every(Number.isFinite)));
  const knn = await h.client.call('ml.train', { datasetId: ds.get('iris.csv')!.id, target: 'target', algo: 'knn' });
  assert.equal(knn.details, undefined);
});

test('refusals: supervised without a target, a wrong task, the label as a feature', async () => {
  const iris = ds.get('iris.csv')!;
  const e = await rejectsWith(h.client.call('ml.train', { datasetId: iris.id, algo: 'forest' } as never), 'BAD_REQUEST');
  assert.match(e.message, /target/);
  await rejectsWith(h.client.call('ml.train', { datasetId: iris.id, algo: 'kmeans', task: 'classification' }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.train', { datasetId: iris.id, algo: 'kmeans', target: 'target', features: ['target', 'sepal length (cm)'] }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('ml.train', { datasetId: iris.id, algo: 'pca', params: { n_components: 9 } }), 'BAD_DATA');
  await rejectsWith(h.client.call('ml.train', { datasetId: iris.id, algo: 'kmeans', params: { n_clusters: 0 } }), 'INVALID_PARAM');
});
