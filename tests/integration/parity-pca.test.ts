/**
 * PCA against scikit-learn 1.2 (svd_solver='full') on the five classification
 * sets: explained variance ratios to 1e-8, explained variances, signed
 * components (svd_flip) where the eigenvalue is well separated, transforms,
 * fraction-of-variance selection, whitening and the probabilistic score.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PCA } from '../../src-main/engine/ml/algorithms/pca.ts';
import { CLASSIFICATION_SETS, loadXY } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

interface Ref {
  ratio: number[];
  ev: number[];
  comp: number[][];
  z: number[][];
  k95: number;
  zw: number[][];
  score: number;
  noise: number;
}

test('PCA matches scikit-learn on the five classification sets', () => {
  const sets = CLASSIFICATION_SETS.map((s) => loadXY(s.file, s.target));
  const ref = sklearn<Ref[]>(
    `
from sklearn.decomposition import PCA
out = []
for X in inp['sets']:
    X = np.array(X)
    m = PCA(svd_solver='full').fit(X)
    k = min(5, X.shape[1] - 1)
    m3 = PCA(n_components=k, svd_solver='full').fit(X)
    w = PCA(n_components=k, whiten=True, svd_solver='full').fit(X)
    out.append({'ratio': m.explained_variance_ratio_, 'ev': m.explained_variance_, 'comp': m.components_,
      'z': m3.transform(X[:20]), 'k95': PCA(n_components=0.95, svd_solver='full').fit(X).n_components_,
      'zw': w.transform(X[:20]), 'score': m3.score(X), 'noise': m3.noise_variance_})
`,
    { sets: sets.map((s) => rows(s.X)) },
  );
  sets.forEach((s, si) => {
    const r = ref[si]!;
    const name = CLASSIFICATION_SETS[si]!.file;
    const m = new PCA().fit(s.X);
    assert.equal(m.nComponents_, r.ratio.length, `${name}: n components`);
    r.ratio.forEach((v, i) => assert.ok(Math.abs(m.explainedVarianceRatio_[i]! - v) <= 1e-8, `${name}: ratio[${i}] ${m.explainedVarianceRatio_[i]} vs ${v}`));
    const ev0 = r.ev[0]!;
    r.ev.forEach((v, i) => assert.ok(Math.abs(m.explainedVariance_[i]! - v) <= 1e-9 * ev0 + 1e-9 * v, `${name}: ev[${i}]`));
    const d = s.X.cols;
    let compared = 0;
    for (let c = 0; c < r.ev.length; c++) {
      const ev = r.ev[c]!;
      const gap = Math.min(c > 0 ? r.ev[c - 1]! - ev : Infinity, c + 1 < r.ev.length ? ev - r.ev[c + 1]! : Infinity);
      if (gap < 1e-7 * ev0 || ev < 1e-10 * ev0) continue;
      // Eigenvector error grows as eps × largest eigenvalue / gap.
      const tol = 1e-7 + (1e-12 * ev0) / gap;
      compared++;
      for (let j = 0; j < d; j++) {
        const a = m.components_[c * d + j]!;
        const b = r.comp[c]![j]!;
        assert.ok(Math.abs(a - b) <= tol, `${name}: component ${c}[${j}] ${a} vs ${b}`);
      }
    }
    assert.ok(compared >= Math.min(4, d), `${name}: compared ${compared} components`);

    const k = Math.min(5, d - 1);
    const X20: Matrix = { data: s.X.data.slice(0, 20 * d), rows: 20, cols: d };
    const m3 = new PCA({ n_components: k }).fit(s.X);
    const z = m3.transform(X20);
    const zs = Math.max(...r.z.flat().map(Math.abs));
    r.z.flat().forEach((v, i) => assert.ok(Math.abs(z[i]! - v) <= 1e-7 * zs, `${name}: transform[${i}] ${z[i]} vs ${v}`));
    assert.ok(Math.abs(m3.noiseVariance_ - r.noise) <= 1e-8 * Math.max(1, r.noise), `${name}: noise variance`);
    assert.ok(Math.abs(m3.score(s.X) - r.score) <= 1e-6 * Math.abs(r.score), `${name}: score ${m3.score(s.X)} vs ${r.score}`);
    // Back-projection of all components reproduces the data.
    const back = m.inverseTransform({ data: m.transform(X20), rows: 20, cols: m.nComponents_ });
    const xs = Math.max(...Array.from(X20.data, Math.abs));
    back.forEach((v, i) => assert.ok(Math.abs(v - X20.data[i]!) <= 1e-8 * xs, `${name}: inverse ${i}`));

    assert.equal(new PCA({ n_components: 0.95 }).fit(s.X).nComponents_, r.k95, `${name}: components for 95%`);
    const zw = new PCA({ n_components: k, whiten: true }).fit(s.X).transform(X20);
    r.zw.flat().forEach((v, i) => assert.ok(Math.abs(zw[i]! - v) <= 1e-6, `${name}: whitened[${i}] ${zw[i]} vs ${v}`));
  });
});

test('PCA with fewer rows than columns (Gram path) matches scikit-learn', () => {
  const d = loadXY('digits.csv', 'target');
  const X: Matrix = { data: d.X.data.slice(0, 30 * 64), rows: 30, cols: 64 };
  const r = sklearn<{ ratio: number[]; z: number[][] }>(
    `
from sklearn.decomposition import PCA
X = np.array(inp['X'])
m = PCA(n_components=5, svd_solver='full').fit(X)
out = {'ratio': PCA(svd_solver='full').fit(X).explained_variance_ratio_, 'z': m.transform(X)}
`,
    { X: rows(X) },
  );
  const m = new PCA().fit(X);
  assert.equal(m.nComponents_, 30);
  r.ratio.forEach((v, i) => assert.ok(Math.abs(m.explainedVarianceRatio_[i]! - v) <= 1e-8, `ratio[${i}]`));
  const z = new PCA({ n_components: 5 }).fit(X).transform(X);
  r.z.flat().forEach((v, i) => assert.ok(Math.abs(z[i]! - v) <= 1e-6, `z[${i}] ${z[i]} vs ${v}`));
});
