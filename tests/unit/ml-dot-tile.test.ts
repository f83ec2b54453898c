import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { dotTileKernel, dotTileWasm } from '../../src-main/engine/ml/kernels/dot-tile.ts';
import { bruteKnn, packRows } from '../../src-main/engine/ml/algorithms/knn-search.ts';
import { runChunksSync, sharedPool } from '../../src-main/engine/ml/parallel.ts';
import { mulberry } from './ml-dot-tile.fixture.ts';

after(() => sharedPool().close());

test('the hand-assembled module validates and its tile gives squared distances and the below-threshold mask', () => {
  assert.ok(WebAssembly.validate(dotTileWasm()));
  const k = dotTileKernel();
  assert.ok(k, 'Node has WebAssembly SIMD');
  const rnd = mulberry(3);
  const d = 7;
  const np = 3;
  k.reserve(1 << 16);
  const f = new Float64Array(k.memory.buffer);
  const [qp, tp, tn, qn, out, wp] = [0, 1024, 4096, 5120, 8192, 7000];
  const Q = Array.from({ length: 4 }, () => Array.from({ length: d }, () => rnd() * 4 - 2));
  const T = Array.from({ length: 4 * np }, () => Array.from({ length: d }, () => rnd() * 4 - 2));
  const sq = (v: number[]): number => v.reduce((s, x) => s + x * x, 0);
  Q.forEach((r, i) => {
    r.forEach((v, j) => (f[qp / 8 + 4 * j + i] = v));
    f[qn / 8 + i] = sq(r);
  });
  T.forEach((r, i) => {
    r.forEach((v, j) => (f[tp / 8 + (i >> 2) * 4 * d + 4 * j + (i & 3)] = v));
    f[tn / 8 + i] = sq(r);
  });
  const exact = (qi: number, t: number): number => Q[qi]!.reduce((s, v, j) => s + (v - T[t]![j]!) ** 2, 0);
  // thresholds: query 0 and 3 take everything, 1 nothing, 2 just above its nearest
  const best2 = Math.min(...T.map((_, t) => exact(2, t)));
  f.set([Infinity, 0, best2 + 1e-9, Infinity], wp / 8);
  const hits = k.tile(qp, tp, tn, qn, out, np, d, wp);
  assert.equal(hits, 0b1101);
  for (let p = 0; p < np; p++)
    for (let qi = 0; qi < 4; qi++)
      for (let ti = 0; ti < 4; ti++) {
        const got = f[out / 8 + p * 16 + qi * 4 + ti]!;
        assert.ok(Math.abs(got - exact(qi, p * 4 + ti)) < 1e-12, `p${p} q${qi} t${ti}`);
      }
  f.set([0, 0, 0, 0], wp / 8);
  assert.equal(k.tile(qp, tp, tn, qn, out, np, d, wp), 0);
});

test('euclidean brute force over both threads = a naive exact search (ties to the smaller index, padding never chosen)', () => {
  const rnd = mulberry(11);
  const nt = 1203; // not a multiple of 4
  const nq = 333;
  const d = 5;
  // a coarse grid: many exact ties in distance
  const t = Float64Array.from({ length: nt * d }, () => Math.floor(rnd() * 4));
  const q = Float64Array.from({ length: nq * d }, () => Math.floor(rnd() * 4));
  const k = 7;
  const train = { data: t, rows: nt, cols: d };
  const nb = bruteKnn(train, packRows(train), { data: q, rows: nq, cols: d }, k, 'euclidean', 2);
  for (let a = 0; a < nq; a++) {
    const ds = Array.from({ length: nt }, (_, b) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (q[a * d + j]! - t[b * d + j]!) ** 2;
      return [s, b] as const;
    }).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (let j = 0; j < k; j++) {
      assert.equal(nb.indices[a * k + j], ds[j]![1], `query ${a} rank ${j}`);
      assert.ok(Math.abs(nb.distances[a * k + j]! - Math.sqrt(ds[j]![0])) < 1e-9);
    }
  }
});

test('runChunksSync: every chunk runs exactly once across the caller and a helper; the caller redoes a failed helper\'s chunks', () => {
  const n = 200;
  const out = new Int32Array(new SharedArrayBuffer(4 * n));
  const mod = new URL('./ml-dot-tile.fixture.ts', import.meta.url).href;
  runChunksSync({ module: mod, fn: 'markChunk', args: { out } }, n, (c) => void Atomics.add(out, c, 1), 1);
  assert.ok(out.every((v) => v === 1));
  const out2 = new Int32Array(new SharedArrayBuffer(4 * n));
  runChunksSync({ module: mod, fn: 'failChunk', args: { out: out2 } }, n, (c) => void Atomics.store(out2, c, 1), 1);
  assert.ok(out2.every((v) => v === 1));
});
