/** KMeans: initialisations, snapshots for the teaching view, convergence, errors, save/load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KMeans } from '../../src-main/engine/ml/algorithms/kmeans.ts';
import { Random } from '../../src-main/engine/ml/random.ts';
import { stateFromString, stateToString } from '../../src-main/engine/ml/state.ts';
import { loadXY } from '../helpers/data.ts';
import { LatheError } from '../../src-shared/errors.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof LatheError ? e.code : String(e);
  }
  return 'none';
};

const iris = loadXY('iris.csv', 'target');
/** Petal length and width: the 2-D view the teaching animation shows. */
const petals: Matrix = {
  data: Float64Array.from({ length: iris.X.rows * 2 }, (_, k) => iris.X.data[Math.floor(k / 2) * 4 + 2 + (k % 2)]!),
  rows: iris.X.rows,
  cols: 2,
};

test('every initialisation converges to a sensible clustering, deterministically per seed', () => {
  for (const init of ['k-means++', 'random', 'random_partition', 'farthest_point']) {
    const a = new KMeans({ n_clusters: 3, init, random_state: 4 }).fit(iris.X);
    const b = new KMeans({ n_clusters: 3, init, random_state: 4 }).fit(iris.X);
    assert.deepEqual(Array.from(a.clusterCenters_!), Array.from(b.clusterCenters_!), `${init}: same seed, same model`);
    assert.ok(a.inertia_ < 80, `${init}: inertia ${a.inertia_}`); // sklearn's best is 78.85
    assert.equal(new Set(a.labels_).size, 3);
  }
});

test('snapshots alternate assign and move, inertia never rises, and the last state is the fitted one', () => {
  const m = new KMeans({ n_clusters: 3, init: 'random', n_init: 1, random_state: 1 });
  const partials: unknown[] = [];
  m.fit(petals, undefined, { keepSnapshots: true, onProgress: (_f, _m, p) => partials.push(p) });
  const s = m.snapshots;
  assert.equal(s[0]!.phase, 'init');
  assert.equal(s[0]!.labels.length, 0);
  let prev = Infinity;
  for (let i = 1; i < s.length; i++) {
    const x = s[i]!;
    if (i < 2 * m.nIter_ + 1) assert.equal(x.phase, i % 2 ? 'assign' : 'move', `snapshot ${i}`);
    assert.equal(x.labels.length, petals.rows);
    assert.ok(x.inertia <= prev + 1e-9, `inertia rose at ${i}: ${x.inertia} > ${prev}`);
    prev = x.inertia;
    // Each snapshot's inertia is the true sum of squared distances for its centroids and labels.
    let t = 0;
    for (let r = 0; r < petals.rows; r++) {
      const c = x.labels[r]!;
      const dx = petals.data[2 * r]! - x.centroids[2 * c]!;
      const dy = petals.data[2 * r + 1]! - x.centroids[2 * c + 1]!;
      t += dx * dx + dy * dy;
    }
    assert.ok(Math.abs(t - x.inertia) < 1e-9 * t, `snapshot ${i} inertia ${x.inertia} vs ${t}`);
    if (x.phase === 'move') assert.equal(x.labels, s[i - 1]!.labels, 'move shares the assign labels');
  }
  const last = s[s.length - 1]!;
  assert.deepEqual(Array.from(last.labels), Array.from(m.labels_!));
  assert.deepEqual(Array.from(last.centroids), Array.from(m.clusterCenters_!));
  assert.ok(Math.abs(last.inertia - m.inertia_) < 1e-9);
  const live = partials.filter((p) => typeof p === 'object' && p !== null && 'snapshot' in p);
  assert.ok(live.length >= m.nIter_, `live snapshots ${live.length} for ${m.nIter_} iterations`);
  assert.equal(new KMeans({ n_clusters: 3 }).fit(petals).snapshots.length, 0, 'no snapshots unless asked');
});

test('given centroids: one run from them; predict, transform and score agree', () => {
  const init: Matrix = { data: Float64Array.of(1, 0.2, 4, 1.3, 6, 2), rows: 3, cols: 2 };
  const m = new KMeans({ n_clusters: 3, n_init: 10 }).fit(petals, undefined, { initialCentroids: init, keepSnapshots: true });
  assert.deepEqual(Array.from(m.snapshots[0]!.centroids), Array.from(init.data));
  assert.deepEqual(Array.from(m.predict(petals)), Array.from(m.labels_!));
  const dist = m.transform(petals);
  for (let i = 0; i < petals.rows; i++) {
    const row = Array.from(dist.subarray(3 * i, 3 * i + 3));
    assert.equal(row.indexOf(Math.min(...row)), m.labels_![i]);
  }
  assert.ok(Math.abs(-m.score(petals) - m.inertia_) < 1e-9);
  const back = KMeans.fromJSON(stateFromString(stateToString(m.toJSON())));
  assert.deepEqual(Array.from(back.predict(petals)), Array.from(m.predict(petals)));
});

test('empty clusters are relocated, duplicates and k = n work', () => {
  // Two far groups and a centroid nobody is closest to.
  const X: Matrix = { data: Float64Array.of(0, 0, 0, 1, 10, 10, 10, 11), rows: 4, cols: 2 };
  const m = new KMeans({ n_clusters: 3 }).fit(X, undefined, { initialCentroids: { data: Float64Array.of(0, 0.5, 10, 10.5, 100, 100), rows: 3, cols: 2 } });
  assert.equal(new Set(m.labels_).size, 3);
  const same: Matrix = { data: new Float64Array(10).fill(1), rows: 5, cols: 2 };
  assert.equal(new KMeans({ n_clusters: 2 }).fit(same).inertia_, 0);
  assert.equal(new KMeans({ n_clusters: 4 }).fit(X).inertia_, 0);
});

test('errors: params, shapes, too few rows, NaN, not fitted, cancelled', () => {
  assert.throws(() => new KMeans({ n_clusters: 0 }), /The 'n_clusters' parameter of KMeans must be an int in the range \[1, inf\)\. Got 0 instead\./);
  assert.equal(code(() => new KMeans({ init: 'kmeans++' })), 'INVALID_PARAM');
  assert.equal(code(() => new KMeans({ n_clusters: 200 }).fit(iris.X)), 'BAD_DATA');
  assert.equal(code(() => new KMeans({ n_clusters: 2 }).fit(iris.X, undefined, { initialCentroids: { data: new Float64Array(6), rows: 3, cols: 2 } })), 'BAD_DATA');
  assert.equal(code(() => new KMeans().fit({ data: Float64Array.of(1, NaN), rows: 1, cols: 2 })), 'BAD_DATA');
  assert.equal(code(() => new KMeans().predict(iris.X)), 'NOT_FITTED');
  assert.equal(code(() => new KMeans({ n_clusters: 2 }).fit(iris.X).predict(petals)), 'BAD_DATA');
  const ac = new AbortController();
  let n = 0;
  const r = code(() =>
    new KMeans({ n_clusters: 3, tol: 0 }).fit(iris.X, undefined, {
      signal: ac.signal,
      onProgress: () => {
        if (++n === 2) ac.abort();
      },
    }),
  );
  assert.equal(r, 'CANCELLED');
});

test('k-means over two threads (kmeans-team.ts) finds what one thread finds', () => {
  // d = 2 with k ≤ 8 (unrolled passes, missing centres padded), d = 2 with k > 8, and d = 3
  for (const [d, k] of [[3, 6], [2, 8], [2, 5], [2, 11]] as const) {
    const r = new Random(5 + d + k);
    const n = 60_000;
    const X = { data: new Float64Array(n * d), rows: n, cols: d };
    for (let i = 0; i < n; i++) {
      const c = r.int(k);
      for (let j = 0; j < d; j++) X.data[i * d + j] = 4 * Math.sin(c + 2 * j) + r.normal();
    }
    for (const init of ['k-means++', 'random']) {
      const what = `d=${d} k=${k} ${init}`;
      const one = new KMeans({ n_clusters: k, n_init: 2, init, random_state: 3 }).fit(X, undefined, { team: false });
      const two = new KMeans({ n_clusters: k, n_init: 2, init, random_state: 3 }).fit(X, undefined, { team: true });
      assert.equal(two.nIter_, one.nIter_, `${what}: iterations`);
      assert.deepEqual(Array.from(two.labels_!), Array.from(one.labels_!), `${what}: labels`);
      assert.ok(Math.abs(two.inertia_ - one.inertia_) <= 1e-9 * one.inertia_, `${what}: inertia ${two.inertia_} vs ${one.inertia_}`);
      one.clusterCenters_!.forEach((v, q) => assert.ok(Math.abs(two.clusterCenters_![q]! - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${what}: centre value ${q}`));
    }
  }
});
