/**
 * The fast paths of LogisticRegression: the WASM SIMD panel kernels against
 * scalar loops, and binary fits large enough to split every evaluation with a
 * helper thread (optim/chunk-team.ts): the same coefficients bit for bit
 * whether the helper joined or not, bad values found in the copy of X,
 * cancellation. (Parity of such fits with scikit-learn:
 * tests/integration/parity-logreg-large.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linearPanelsKernel, packPanels } from '../../src-main/engine/ml/kernels/linear-panels.ts';
import { expSimd } from '../../src-main/engine/ml/kernels/exp-simd.ts';
import { LogisticRegression } from '../../src-main/engine/ml/algorithms/logreg.ts';
import { binaryObjective, binaryObjectiveJs } from '../../src-main/engine/ml/optim/logistic-binary.ts';
import { multinomialObjective, multinomialObjectiveJs } from '../../src-main/engine/ml/optim/logistic-multinomial.ts';
import type { ClosableObjective } from '../../src-main/engine/ml/optim/logistic-common.ts';
import { LatheError } from '../../src-shared/errors.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A noisy linear binary problem: y = [x·β + noise > 0]. */
export function synth(n: number, d: number, seed: number): { X: Matrix; y: Int32Array } {
  const r = rng(seed);
  const beta = Array.from({ length: d }, () => r() * 2 - 1);
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = (r() + r() + r() - 1.5) * 2;
      data[i * d + j] = v;
      z += v * beta[j]!;
    }
    y[i] = z + (r() - 0.5) * 2 > 0 ? 1 : 0;
  }
  return { X: { data, rows: n, cols: d }, y };
}

describe('linear panel kernels', () => {
  const kern = linearPanelsKernel();
  it('z = b + X·w bit for bit as the scalar loop; Xᵀr to rounding', { skip: kern === null }, () => {
    const k = kern!;
    const n = 1003;
    const d = 7;
    const n4 = (n + 3) & ~3;
    const r = rng(5);
    const x = Float64Array.from({ length: n * d }, () => r() * 10 - 5);
    const w = Float64Array.from({ length: d }, () => r() - 0.5);
    const res = Float64Array.from({ length: n4 }, (_, i) => (i < n ? r() - 0.5 : 0));
    const wOff = 8 * n4 * d;
    const zOff = wOff + 8 * d;
    const rOff = zOff + 8 * n4;
    const gOff = rOff + 8 * n4;
    k.reserve(gOff + 32 * d);
    const f = new Float64Array(k.memory.buffer);
    packPanels(x, n, d, f, 0);
    f.set(w, wOff / 8);
    f.set(res, rOff / 8);
    f.fill(0, gOff / 8, gOff / 8 + 4 * d);
    k.fwd(0, wOff, zOff, n4 >> 2, d, 0.375);
    k.bwd(0, rOff, gOff, n4 >> 2, d);
    for (let i = 0; i < n; i++) {
      let z = 0.375;
      for (let j = 0; j < d; j++) z += x[i * d + j]! * w[j]!;
      assert.equal(f[zOff / 8 + i], z, `row ${i}`);
    }
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += res[i]! * x[i * d + j]!;
      const o = gOff / 8 + 4 * j;
      const got = f[o]! + f[o + 1]! + (f[o + 2]! + f[o + 3]!);
      assert.ok(Math.abs(got - s) <= 1e-12 * Math.max(1, Math.abs(s)), `feature ${j}: ${got} vs ${s}`);
    }
  });
});

describe('SIMD exp', () => {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
  const vexp = expSimd(memory);
  it('gives Math.exp bit for bit: fdlibm branches, their high-word boundaries, overflow, underflow, NaN, ±Infinity, ±0', { skip: vexp === null }, () => {
    const f = new Float64Array(memory.buffer);
    const view = new DataView(new ArrayBuffer(8));
    const fromWords = (hi: number, lo: number): number => {
      view.setUint32(0, lo, true);
      view.setUint32(4, hi >>> 0, true);
      return view.getFloat64(0, true);
    };
    const r = rng(99);
    const xs: number[] = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -2, 0.5, Math.LN2, -Math.LN2, 709.78, 709.79, -745.1, -745.2, 2 ** -28, -(2 ** -28), 1e-300, 5e-324];
    for (const [lo, hi] of [[-1, 1], [-6, 6], [-50, 0], [-760, 760], [-1e-7, 1e-7], [-710, -700], [700, 712]] as const) for (let i = 0; i < 40_000; i++) xs.push(lo + (hi - lo) * r());
    // fdlibm's thresholds are on the high word: sweep the low word around each, both signs
    for (const h of [0x3fd62e42, 0x3fd62e43, 0x3ff0a2b1, 0x3ff0a2b2, 0x3e2fffff, 0x3e300000, 0x40862e41, 0x40862e42]) {
      for (const sign of [0, 0x80000000]) for (let i = 0; i < 5_000; i++) xs.push(fromWords(h | sign, (r() * 2 ** 32) >>> 0));
    }
    for (let i = 0; i < 50_000; i++) xs.push(fromWords((r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0));
    if (xs.length % 2) xs.push(1);
    f.set(xs, 0);
    vexp!(0, xs.length / 2);
    let bad = 0;
    for (let i = 0; i < xs.length; i++) if (!Object.is(f[i], Math.exp(xs[i]!))) bad++;
    assert.equal(bad, 0, `${bad} of ${xs.length} differ from Math.exp`);
  });
});

describe('LogisticRegression binary fits split over a helper thread', () => {
  // 30,000 × 20 = 600,000 values: above the size where each evaluation is shared with a helper
  const { X, y } = synth(30_000, 20, 7);

  it('gives bit-identical coefficients on every fit (the helper joins late on the first)', async () => {
    const fits: Float64Array[] = [];
    for (let k = 0; k < 4; k++) {
      const m = new LogisticRegression().fit(X, y);
      const { coef, intercept } = m.coefficients;
      fits.push(Float64Array.from([...coef, intercept[0]!]));
      // let the pool's worker start between fits, so later fits do have a helper
      await new Promise((r) => setTimeout(r, k === 0 ? 400 : 20));
    }
    for (const f of fits.slice(1)) assert.deepEqual(f, fits[0]);
  });

  it('reports a NaN in X with its row and column, found in the copy', () => {
    const data = Float64Array.from(X.data);
    data[12_345 * 20 + 3] = Number.NaN;
    assert.throws(
      () => new LogisticRegression().fit({ data, rows: X.rows, cols: 20 }, y),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA' && (e.details as { row: number; column: number }).row === 12_345 && (e.details as { column: number }).column === 3,
    );
    data[12_345 * 20 + 3] = -Infinity;
    assert.throws(() => new LogisticRegression().fit({ data, rows: X.rows, cols: 20 }, y), (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA');
  });

  it('a bad X is reported before a bad y', () => {
    const data = Float64Array.from(X.data);
    data[5] = Number.NaN;
    assert.throws(
      () => new LogisticRegression().fit({ data, rows: X.rows, cols: 20 }, new Int32Array(X.rows)),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA' && (e.details as { row?: number }).row === 0,
    );
  });

  it('stops with CANCELLED when aborted mid-fit, and the next fit is unchanged', () => {
    const before = new LogisticRegression().fit(X, y).coefficients.coef.slice();
    const ac = new AbortController();
    let evals = 0;
    assert.throws(
      () =>
        new LogisticRegression().fit(X, y, {
          signal: ac.signal,
          onProgress: () => {
            if (++evals === 3) ac.abort();
          },
        }),
      (e: unknown) => e instanceof LatheError && e.code === 'CANCELLED',
    );
    assert.deepEqual(new LogisticRegression().fit(X, y).coefficients.coef, before);
  });
});

/** K classes by the largest of K random linear scores plus noise. */
export function synthMulti(n: number, d: number, K: number, seed: number): { X: Matrix; y: Int32Array } {
  const r = rng(seed);
  const B = Array.from({ length: K * d }, () => r() * 2 - 1);
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = (r() + r() + r() - 1.5) * 2;
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = (r() - 0.5) * 3;
      for (let j = 0; j < d; j++) z += data[i * d + j]! * B[k * d + j]!;
      if (z > bestZ) {
        bestZ = z;
        best = k;
      }
    }
    y[i] = best;
  }
  return { X: { data, rows: n, cols: d }, y };
}

describe('LogisticRegression multinomial fits split over a helper thread', () => {
  // 4,000 × 32 × 5 classes (8 in tile panels): above the size where evaluations are shared
  const { X, y } = synthMulti(4_000, 32, 5, 11);

  it('gives bit-identical coefficients on every fit', async () => {
    const fits: Float64Array[] = [];
    for (let k = 0; k < 4; k++) {
      const { coef, intercept } = new LogisticRegression({ max_iter: 40 }).fit(X, y).coefficients;
      fits.push(Float64Array.from([...coef, ...intercept]));
      await new Promise((r) => setTimeout(r, k === 0 ? 400 : 20));
    }
    for (const f of fits.slice(1)) assert.deepEqual(f, fits[0]);
  });

  it('reports an infinite value in X with its row and column', () => {
    const data = Float64Array.from(X.data);
    data[3_999 * 32 + 31] = Infinity;
    assert.throws(
      () => new LogisticRegression().fit({ data, rows: X.rows, cols: 32 }, y),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA' && (e.details as { row: number; column: number }).row === 3_999 && (e.details as { column: number }).column === 31,
    );
  });
});

/** f and ∇f of two objectives at random points agree to rounding (relative 1e-11). */
function agree(a: ClosableObjective, b: ClosableObjective, np: number, seed: number, what: string): void {
  const r = rng(seed);
  const ga = new Float64Array(np);
  const gb = new Float64Array(np);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.from({ length: np }, () => (r() - 0.5) * (t + 1));
    const fa = a(p, ga);
    const fb = b(p, gb);
    assert.ok(Math.abs(fa - fb) <= 1e-11 * Math.abs(fb), `${what}: f ${fa} vs ${fb}`);
    let scale = 0;
    for (let j = 0; j < np; j++) scale = Math.max(scale, Math.abs(gb[j]!));
    for (let j = 0; j < np; j++) assert.ok(Math.abs(ga[j]! - gb[j]!) <= 1e-11 * scale, `${what}: g[${j}] ${ga[j]} vs ${gb[j]}`);
  }
  a.close?.();
  b.close?.();
}

describe('the SIMD objectives against the plain JavaScript ones', () => {
  it('binary: unit and balanced-like weights, with and without intercept, one thread and split', () => {
    for (const [n, d] of [
      [1_003, 7],
      [30_001, 20],
    ] as const) {
      const { X, y } = synth(n, d, n);
      const yf = Float64Array.from(y);
      const unit = new Float64Array(n).fill(1);
      const weighted = Float64Array.from(y, (v) => (v === 1 ? 0.7 : 1.9));
      for (const [w, C, fi] of [
        [unit, 1, true],
        [weighted, 0.1, true],
        [unit, Infinity, false],
      ] as const) {
        agree(binaryObjective(X, yf, w, C, fi), binaryObjectiveJs(X, yf, w, C, fi), d + (fi ? 1 : 0), 3, `binary ${n}x${d} C=${C} intercept=${fi}`);
      }
    }
  });

  it('multinomial: 3 and 5 classes, odd sizes, one thread and split', () => {
    for (const [n, d, K] of [
      [501, 5, 3],
      [4_003, 33, 5],
    ] as const) {
      const { X, y } = synthMulti(n, d, K, n);
      const w = Float64Array.from(y, (v) => 0.5 + v);
      for (const fi of [true, false]) {
        agree(multinomialObjective(X, y, w, K, 2, fi), multinomialObjectiveJs(X, y, w, K, 2, fi), K * d + (fi ? K : 0), 4, `multinomial ${n}x${d}x${K} intercept=${fi}`);
      }
    }
  });
});
