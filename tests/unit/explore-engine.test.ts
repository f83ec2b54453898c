/**
 * The explore.* methods through the engine's handlers over the in-memory RPC
 * pair, on real files: columns as typed arrays (sampled and not), the
 * projections ranking (checked against scikit-learn's k-NN on the same
 * projections) and the elbow curve (against scikit-learn's KMeans inertia).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rejectsWith, startEngine, tempDir, type Harness } from '../integration/engine-harness.ts';
import { datasetPath } from '../helpers/e2e.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { ImportResult } from '../../src-shared/dataset.ts';
import { knnCvAccuracy } from '../../src-main/engine/workers/tasks/projections.ts';
import { kFold } from '../../src-main/engine/ml/eval/split.ts';

describe('explore service', () => {
  let h: Harness;
  let tmp: { dir: string; remove: () => void };
  let wine: ImportResult;
  let penguins: ImportResult;
  before(async () => {
    tmp = tempDir();
    h = await startEngine(tmp.dir);
    wine = await h.client.call('datasets.importPath', { path: datasetPath('wine.csv') });
    penguins = await h.client.call('datasets.importPath', { path: datasetPath('penguins.csv') });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  test('explore.columns: whole columns as Float64Array, categories as codes, NaN for missing', async () => {
    const r = await h.client.call('explore.columns', { id: penguins.dataset.id, columns: ['bill_length_mm', 'species', 'sex'] });
    assert.deepEqual(r.columns, ['bill_length_mm', 'species', 'sex']);
    assert.equal(r.totalRows, 344);
    assert.equal(r.rowIds, undefined);
    const [bill, species, sex] = r.values;
    assert.ok(bill instanceof Float64Array && species instanceof Float64Array && sex instanceof Float64Array);
    assert.equal(bill.length, 344);
    // Row 4 of penguins has no measurements.
    assert.ok(Number.isNaN(bill[3]!));
    assert.equal(bill[0], 39.1);
    assert.equal(r.levels[0], null);
    assert.deepEqual(new Set(r.levels[1]), new Set(['Adelie', 'Chinstrap', 'Gentoo']));
    assert.equal(r.levels[1]![species[0]!], 'Adelie');
    assert.ok([...sex].some(Number.isNaN));
  });

  test('explore.columns samples rows in order with their row ids, the same for the same seed', async () => {
    const a = await h.client.call('explore.columns', { id: wine.dataset.id, columns: ['alcohol', 'proline'], maxRows: 50, seed: 3 });
    const b = await h.client.call('explore.columns', { id: wine.dataset.id, columns: ['alcohol', 'proline'], maxRows: 50, seed: 3 });
    const full = await h.client.call('explore.columns', { id: wine.dataset.id, columns: ['alcohol', 'proline'] });
    assert.equal(a.values[0]!.length, 50);
    assert.ok(a.rowIds instanceof Int32Array);
    assert.deepEqual(a.rowIds, b.rowIds);
    const ids = [...a.rowIds!];
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
    ids.forEach((r, i) => assert.equal(a.values[1]![i], full.values[1]![r]));
  });

  test('explore.columns refuses unknown and text columns and bad parameters by code', async () => {
    await rejectsWith(h.client.call('explore.columns', { id: wine.dataset.id, columns: ['nope'] }), 'UNKNOWN_COLUMN');
    await rejectsWith(h.client.call('explore.columns', { id: wine.dataset.id, columns: [] }), 'BAD_REQUEST');
    await rejectsWith(h.client.call('explore.columns', { id: wine.dataset.id, columns: ['alcohol'], maxRows: 0 }), 'INVALID_PARAM');
    await rejectsWith(h.client.call('explore.columns', { id: 'missing', columns: ['alcohol'] }), 'NOT_FOUND');
  });

  test('explore.projections ranks wine pairs like scikit-learn k-NN, best first, with progress', async () => {
    const progress: number[] = [];
    const r = await h.client.call(
      'explore.projections',
      { id: wine.dataset.id, classColumn: 'target', seed: 0 },
      { onProgress: (p) => progress.push(p.fraction ?? NaN) },
    );
    assert.equal(r.pairs.length, (13 * 12) / 2);
    assert.equal(r.sampled, false);
    assert.equal(r.rowsUsed, 178);
    assert.deepEqual(r.classes, ['0', '1', '2']);
    for (let i = 1; i < r.pairs.length; i++) assert.ok(r.pairs[i - 1]!.accuracy >= r.pairs[i]!.accuracy);
    assert.ok(progress.length > 0 && progress[progress.length - 1] === 1);
    assert.ok(Math.abs(r.baseline - 71 / 178) < 1e-12);
    // scikit-learn's 5-fold stratified k-NN (k = 3) on the standardised pairs: its shuffles differ, so compare within noise.
    const sk = sklearn<Record<string, number>>(`
import itertools, pandas as pd
from sklearn.neighbors import KNeighborsClassifier
from sklearn.model_selection import cross_val_score, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
d = pd.read_csv(${JSON.stringify(datasetPath('wine.csv'))})
X = d.drop(columns=['target']); y = d['target']
out = {}
for a, b in itertools.combinations(X.columns, 2):
    s = cross_val_score(make_pipeline(StandardScaler(), KNeighborsClassifier(3)), X[[a, b]], y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    out[a + '|' + b] = s.mean()
`);
    let diff = 0;
    for (const p of r.pairs) diff += Math.abs(p.accuracy - sk[`${p.x}|${p.y}`]!);
    assert.ok(diff / r.pairs.length < 0.03, `mean |Δ accuracy| vs sklearn ${diff / r.pairs.length}`);
    const best = Object.entries(sk).sort((a, b) => b[1] - a[1])[0]![1];
    assert.ok(Math.abs(r.pairs[0]!.accuracy - best) < 0.04, `best ${r.pairs[0]!.accuracy} vs sklearn ${best}`);
    assert.ok(r.pairs[0]!.accuracy > 0.9);
  });

  test('explore.projections samples long data and says so; bad class columns are refused', async () => {
    const r = await h.client.call('explore.projections', { id: penguins.dataset.id, classColumn: 'species', maxRows: 100 });
    assert.equal(r.sampled, true);
    assert.equal(r.rowsUsed, 100);
    assert.equal(r.totalRows, 344);
    assert.equal(r.pairs.length, 10, "5 numeric columns besides species (with year)");
    await rejectsWith(h.client.call('explore.projections', { id: penguins.dataset.id, classColumn: 'nope' }), 'UNKNOWN_COLUMN');
    await rejectsWith(h.client.call('explore.projections', { id: wine.dataset.id, classColumn: 'proline' }), 'BAD_DATA');
    await rejectsWith(h.client.call('explore.projections', { id: wine.dataset.id, classColumn: 'target', k: 0 }), 'INVALID_PARAM');
  });

  test('explore.elbow: inertia per k matches scikit-learn KMeans on iris petals; silhouette from k = 2', async () => {
    const lines = readFileSync(datasetPath('iris.csv'), 'utf8').trim().split('\n').slice(1);
    const pts = new Float64Array(lines.length * 2);
    lines.forEach((l, i) => {
      const f = l.split(',');
      pts[2 * i] = Number(f[2]);
      pts[2 * i + 1] = Number(f[3]);
    });
    const seen: unknown[] = [];
    const r = await h.client.call('explore.elbow', { points: pts, kMax: 6 }, { onProgress: (p) => seen.push(p.partial) });
    assert.deepEqual(r.ks, [1, 2, 3, 4, 5, 6]);
    assert.equal(r.silhouette[0], null);
    assert.ok(seen.length >= 1);
    const sk = sklearn<[number, number | null][]>(`
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
X = pd.read_csv(${JSON.stringify(datasetPath('iris.csv'))}).iloc[:, 2:4].values
out = []
for k in range(1, 7):
    m = KMeans(k, n_init=10, random_state=0).fit(X)
    out.append([m.inertia_, silhouette_score(X, m.labels_) if k > 1 else None])
`);
    sk.forEach(([inertia, sil], i) => {
      assert.ok(Math.abs(r.inertia[i]! - inertia) / inertia < 0.02, `k=${i + 1}: ${r.inertia[i]} vs ${inertia}`);
      if (sil !== null) assert.ok(Math.abs(r.silhouette[i]! - sil) < 0.02, `silhouette k=${i + 1}: ${r.silhouette[i]} vs ${sil}`);
    });
    await rejectsWith(h.client.call('explore.elbow', { points: new Float64Array([1, 2, 3]) }), 'BAD_REQUEST');
    await rejectsWith(h.client.call('explore.elbow', { points: new Float64Array([1, NaN]) }), 'BAD_DATA');
  });
});

test('knnCvAccuracy: separable classes score 1, a constant feature does not break it', () => {
  const n = 60;
  const x = Float64Array.from({ length: n }, (_, i) => (i < 30 ? i * 0.01 : 10 + i * 0.01));
  const y = new Float64Array(n).fill(5);
  const cls = Int32Array.from({ length: n }, (_, i) => (i < 30 ? 0 : 1));
  const r = knnCvAccuracy(x, y, cls, 3, kFold(n, 5, 1));
  assert.equal(r.mean, 1);
  assert.equal(r.std, 0);
});
