/**
 * `lathe train` shows the estimators' own outputs, spawned as a person runs
 * it: the OLS summary of linreg on diabetes (printed as statsmodels, and in
 * --json with p-values, checked against a least-squares fit in numpy/scipy),
 * k-means with and without --target, anomaly detection with labels, PCA;
 * then `lathe predict` with the k-means and PCA models.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetPath, readCsv } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import { cliSession, type Run } from '../helpers/cli.ts';

const { dataDir, lathe } = cliSession('lathe-cli-details-');

interface Term {
  name: string;
  coef: number;
  std_err: number;
  p: number;
  ci_low: number;
  ci_high: number;
}

/** The parts of `lathe train --json` these tests read. */
interface TrainJson {
  model: { algo: string };
  metrics: Record<string, number | undefined>;
  details: {
    ols: { n_obs: number; r_squared: number; adj_r_squared: number; f_statistic: number; terms: Term[] };
    importances: { name: string; importance: number }[];
    coefficients: { rows: { label: string }[] };
    clustering: { k: number };
    anomaly: { method: string; log_epsilon: number };
    components: { cumulative_ratio: number }[];
  };
}

function json(r: Run): TrainJson {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as TrainJson;
}

before(async () => {
  for (const f of ['iris.csv', 'diabetes.csv', 'breast_cancer.csv']) {
    const r = await lathe(['import', datasetPath(f), '--json']);
    assert.equal(r.code, 0, r.stderr);
  }
});

test('linreg on diabetes: the OLS summary printed as statsmodels and in --json with p-values', async () => {
  const { header, rows } = readCsv('diabetes.csv');
  const ti = header.indexOf('target');
  const ref = sklearn<{ coef: number[]; se: number[]; p: number[]; r2: number; adj: number; f: number }>(
    `
    from scipy import stats
    X = np.array(inp['X']); y = np.array(inp['y'])
    n, k = X.shape
    D = np.column_stack([np.ones(n), X])
    beta, *_ = np.linalg.lstsq(D, y, rcond=None)
    res = y - D @ beta
    df = n - k - 1
    s2 = res @ res / df
    se = np.sqrt(np.diag(s2 * np.linalg.inv(D.T @ D)))
    t = beta / se
    r2 = 1 - (res @ res) / ((y - y.mean()) @ (y - y.mean()))
    out = dict(coef=beta, se=se, p=2 * stats.t.sf(np.abs(t), df), r2=r2, adj=1 - (1 - r2) * (n - 1) / df, f=(r2 / k) / ((1 - r2) / df))`,
    { X: rows.map((r) => r.filter((_, j) => j !== ti).map(Number)), y: rows.map((r) => Number(r[ti])) },
  );
  const j = json(await lathe(['train', 'diabetes', '--target', 'target', '--algo', 'linreg', '--json']));
  const ols = j.details.ols;
  assert.equal(ols.n_obs, 442);
  assert.ok(Math.abs(ols.r_squared - ref.r2) < 1e-10);
  assert.ok(Math.abs(ols.adj_r_squared - ref.adj) < 1e-10);
  assert.ok(Math.abs(ols.f_statistic - ref.f) / ref.f < 1e-9);
  assert.equal(ols.terms.length, 11);
  ols.terms.forEach((t, i) => {
    assert.ok(Math.abs(t.coef - ref.coef[i]!) < 1e-6 * Math.max(1, Math.abs(ref.coef[i]!)), `${t.name} coef`);
    assert.ok(Math.abs(t.std_err - ref.se[i]!) < 1e-6 * ref.se[i]!, `${t.name} se`);
    assert.ok(Math.abs(t.p - ref.p[i]!) < 1e-9 + 1e-6 * ref.p[i]!, `${t.name} p ${t.p} vs ${ref.p[i]}`);
    assert.ok(t.ci_low < t.coef && t.coef < t.ci_high);
  });
  assert.deepEqual(ols.terms.map((t) => t.name).slice(0, 4), ['const', 'age', 'sex', 'bmi']);

  const text = await lathe(['train', 'diabetes', '--target', 'target', '--algo', 'linreg']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /OLS Regression Results/);
  assert.match(text.stdout, /R-squared:\s+0\.518/);
  assert.match(text.stdout, /Adj\. R-squared:\s+0\.507/);
  assert.match(text.stdout, /F-statistic:\s+46\.27/);
  assert.match(text.stdout, /coef\s+std err\s+t\s+P>\|t\|\s+\[0\.025\s+0\.975\]/);
  assert.match(text.stdout, /\nbmi\s+5\.6030\s+0\.7171\s+7\.813\s+0\.000/);
});

test('forest importances sorted in text and JSON; logreg coefficients per class', async () => {
  const j = json(await lathe(['train', 'iris', '--target', 'target', '--algo', 'forest', '--param', 'random_state=0', '--json']));
  const imp = j.details.importances;
  assert.equal(imp.length, 4);
  for (let i = 1; i < imp.length; i++) assert.ok(imp[i - 1]!.importance >= imp[i]!.importance);
  const text = await lathe(['train', 'iris', '--target', 'target', '--algo', 'forest', '--param', 'random_state=0']);
  assert.match(text.stdout, /Feature importances/);
  assert.ok(text.stdout.indexOf(imp[0]!.name) < text.stdout.indexOf(imp[3]!.name));
  const lr = json(await lathe(['train', 'iris', '--target', 'target', '--algo', 'logreg', '--json']));
  assert.deepEqual(
    lr.details.coefficients.rows.map((r) => r.label),
    ['0', '1', '2'],
  );
});

test('kmeans with --target scores against it; without, no label scores; predict writes cluster + distances', async () => {
  const j = json(await lathe(['train', 'iris', '--target', 'target', '--algo', 'kmeans', '--param', 'n_clusters=3', '--json']));
  assert.equal(j.model.algo, 'kmeans');
  assert.ok(j.metrics.homogeneity! > 0.6 && j.metrics.v_measure! > 0.6, JSON.stringify(j.metrics));
  assert.equal(j.details.clustering.k, 3);
  const bare = json(await lathe(['train', 'iris', '--algo', 'kmeans', '--param', 'n_clusters=3', '--name', 'km3', '--json']));
  assert.equal(bare.metrics.homogeneity, undefined);
  assert.ok(Number.isFinite(bare.metrics.silhouette));
  const out = join(dataDir, 'clusters.csv');
  const p = await lathe(['predict', 'km3', 'iris', '--out', out]);
  assert.equal(p.code, 0, p.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'prediction,distance_0,distance_1,distance_2');
  assert.equal(lines.length, 151);
  const text = await lathe(['train', 'iris', '--target', 'target', '--algo', 'kmeans', '--param', 'n_clusters=3']);
  assert.match(text.stdout, /3 clusters after \d+ iterations/);
  assert.match(text.stdout, /Against 'target': homogeneity/);
});

test('anomaly on breast_cancer with labels; pca without a target; supervised still needs --target', async () => {
  const a = json(await lathe(['train', 'breast_cancer', '--target', 'target', '--algo', 'anomaly', '--json']));
  assert.equal(a.model.algo, 'anomaly');
  assert.equal(a.details.anomaly.method, 'f1');
  assert.ok(a.metrics.f1! > 0.7, `F1 ${a.metrics.f1}`);
  assert.ok(Number.isFinite(a.details.anomaly.log_epsilon));
  const at = await lathe(['train', 'breast_cancer', '--target', 'target', '--algo', 'anomaly']);
  assert.match(at.stdout, /Threshold: log ε = .* chosen by F1 on \d+ validation rows/);
  assert.match(at.stdout, /precision [\d.]+, recall [\d.]+, F1 [\d.]+/);

  const p = json(await lathe(['train', 'breast_cancer', '--algo', 'pca', '--param', 'n_components=3', '--name', 'bc-pca', '--json']));
  assert.equal(p.details.components.length, 3);
  assert.ok(p.details.components[2]!.cumulative_ratio > 0.7);
  const pt = await lathe(['train', 'breast_cancer', '--algo', 'pca', '--param', 'n_components=3']);
  assert.match(pt.stdout, /Explained variance per component/);
  assert.match(pt.stdout, /\npc1\s+[\d.]+\s+0\.4427/);
  const out = join(dataDir, 'scores.csv');
  assert.equal((await lathe(['predict', 'bc-pca', 'breast_cancer', '--out', out])).code, 0);
  assert.equal(readFileSync(out, 'utf8').split('\n')[0], 'pc1,pc2,pc3');

  const bad = await lathe(['train', 'iris', '--algo', 'forest', '--json']);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout.trim()).error.code, 'BAD_REQUEST');
});
