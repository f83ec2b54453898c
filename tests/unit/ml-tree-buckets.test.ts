/**
 * Exact split search scans features with few distinct values by class counts
 * per value (scanBuckets) instead of sorted rows: the trees must be the very
 * same as with every feature scanned from sorted rows (prepared data without
 * ranks), for both criteria, with and without bootstrap weights, in
 * scikit-learn's drawing mode and Lathe's, on data that mixes low-cardinality
 * features with continuous ones (so both layouts of the rows are used).
 * Also: the ranks and distinct values of the cheap distinct-value pass agree
 * with a full sort, and data prepared for buckets is refused by a tree that
 * cannot use them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_MAX, growTree, prepare, presort, type GrowConfig, type TreeArrays } from '../../src-main/engine/ml/algorithms/tree-core.ts';
import { Random } from '../../src-main/engine/ml/random.ts';

function dataset(n: number, d: number, K: number, seed: number): { X: Float64Array; y: Int32Array } {
  const r = new Random(seed);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = r.int(K);
    y[i] = c;
    for (let f = 0; f < d; f++) {
      let v: number;
      if (f % 4 === 0) v = r.normal() + 0.3 * c; // continuous: a presorted ("wide") feature
      else if (f % 4 === 1) v = Math.round(3 * r.normal() + c); // a handful of integers
      else if (f % 4 === 2) v = r.int(300) / 7; // ~300 values: above BUCKET_MAX, still wide
      else v = r.uniform() < 0.9 ? 0 : c + 1e-8 * r.int(3); // mostly zero; values closer than FEATURE_THRESHOLD
      X[i * d + f] = v;
    }
  }
  return { X, y };
}

function same(a: TreeArrays, b: TreeArrays, what: string): void {
  assert.equal(a.nNodes, b.nNodes, `${what}: node count`);
  assert.deepEqual(a.feature, b.feature, `${what}: features`);
  assert.deepEqual(a.threshold, b.threshold, `${what}: thresholds`);
  assert.deepEqual(a.value, b.value, `${what}: leaf values`);
  assert.deepEqual(a.impurity, b.impurity, `${what}: impurities`);
}

test('bucket scans grow the same trees as sorted-row scans', () => {
  for (const [n, d, K] of [
    [600, 12, 3],
    [3000, 8, 2],
    [200, 16, 5],
  ] as const) {
    const { X, y } = dataset(n, d, K, n + d);
    const prep = prepare(X, n, d, 'exact', 255, undefined, undefined, true);
    assert.ok(prep.nDistinct!.some((v) => v <= BUCKET_MAX));
    if (n > BUCKET_MAX) assert.ok(prep.nDistinct!.some((v) => v > BUCKET_MAX));
    const plain = prepare(X, n, d, 'exact', 255);
    assert.equal(plain.rank, null);
    for (const criterion of ['gini', 'entropy'] as const) {
      // Lathe's own entropy proxy is not bucketable; scikit-learn's is
      const sks = criterion === 'gini' ? [undefined, 12345] : [12345];
      for (const maxFeatures of [d, 3]) {
        for (const minSamplesLeaf of [1, 4]) {
          for (const sk of sks) {
            for (const boot of [false, true]) {
              const cfg: GrowConfig = { criterion, nClasses: K, maxDepth: 0x7fffffff, minSamplesSplit: 2, minSamplesLeaf, minImpurityDecrease: 0, maxFeatures, sklearnSeed: sk };
              let w: Float64Array | null = null;
              if (boot) {
                const r = new Random(7);
                w = new Float64Array(n);
                for (let i = 0; i < n; i++) w[r.int(n)]! += 1;
              }
              const what = `n=${n} ${criterion} maxF=${maxFeatures} leaf=${minSamplesLeaf} sk=${sk !== undefined} boot=${boot}`;
              same(growTree(prep, y, w, cfg, new Random(3), 'exact'), growTree(plain, y, w, cfg, new Random(3), 'exact'), what);
            }
          }
        }
      }
    }
  }
});

test('ranks and distinct values agree with a full sort; unusable preparations are refused', () => {
  const n = 900;
  const d = 8;
  const { X, y } = dataset(n, d, 3, 5);
  const prep = prepare(X, n, d, 'exact', 255, undefined, undefined, true);
  const order = presort(prep.Xc, n, d);
  for (let f = 0; f < d; f++) {
    const sorted = Array.from(order.subarray(f * n, f * n + n), (r) => prep.Xc[f * n + r]!);
    const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
    if (distinct.length > BUCKET_MAX) {
      assert.equal(prep.nDistinct![f], BUCKET_MAX + 1);
      assert.deepEqual(prep.order!.subarray(f * n, f * n + n), order.subarray(f * n, f * n + n), `feature ${f}: presorted`);
      continue;
    }
    assert.equal(prep.nDistinct![f], distinct.length);
    // (−0 and 0 are one value: + 0 turns −0 into 0)
    const z = (v: number): number => v + 0;
    assert.deepEqual(Array.from(prep.distinct!.subarray(f * BUCKET_MAX, f * BUCKET_MAX + distinct.length), z), distinct.map(z));
    for (let i = 0; i < n; i++) assert.equal(z(distinct[prep.rank![f * n + i]!]!), z(prep.Xc[f * n + i]!), `feature ${f} row ${i}`);
  }
  const cfg: GrowConfig = { criterion: 'mse', nClasses: 0, maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1, minImpurityDecrease: 0, maxFeatures: d };
  assert.throws(() => growTree(prep, Float64Array.from(y), null, cfg, new Random(1), 'exact'), (e: { code?: string }) => e.code === 'INTERNAL');
});
