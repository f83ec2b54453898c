/**
 * Quantile binning for the histogram split search (as scikit-learn's
 * HistGradientBoosting / LightGBM): each feature gets at most `maxBins` bins,
 * built once per fit; a value's code is the number of bin edges below it, so
 * `code ≤ b ⟺ x ≤ edges[b]` and a split found on codes is a plain threshold
 * on the real value.
 */
import { LatheError } from '../../../../src-shared/errors.ts';

export interface Bins {
  /** Codes, column-major: codes[f * n + i] for row i, feature f. */
  codes: Uint8Array;
  /** Edges per feature, padded: edges[f * 255 + b], b < nBins[f] - 1. */
  edges: Float64Array;
  /** Number of bins per feature (1 = constant feature). */
  nBins: Int32Array;
}

export const EDGE_STRIDE = 255;

/** Edges of one sorted column: midpoints between distinct values, or between quantiles. */
export function columnEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  // distinct values
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i]! !== sorted[i - 1]!) distinct++;
  const out: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b !== a) out.push(mid(a, b));
    }
  } else {
    // Quantile cut points at i / maxBins, each placed between two neighbouring
    // order statistics; duplicates (heavy ties) collapse.
    let last = -Infinity;
    for (let q = 1; q < maxBins; q++) {
      const pos = (q * (n - 1)) / maxBins;
      const lo = sorted[Math.floor(pos)]!;
      let hi = sorted[Math.ceil(pos)]!;
      if (hi === lo) {
        // step to the next distinct value so the edge separates something
        let j = Math.ceil(pos);
        while (j < n && sorted[j]! === lo) j++;
        if (j >= n) continue;
        hi = sorted[j]!;
      }
      const e = mid(lo, hi);
      if (e > last) {
        out.push(e);
        last = e;
      }
    }
  }
  return Float64Array.from(out);
}

function mid(a: number, b: number): number {
  const m = a / 2 + b / 2;
  // like scikit-learn: if rounding puts the midpoint on b, use a
  return m >= b ? a : m;
}

/**
 * Bin every feature of a column-major matrix (Xc[f * n + i]). `alloc` makes
 * the output arrays (plain or SharedArrayBuffer-backed); `cancelled` is polled
 * per feature.
 */
export function binColumns(
  Xc: Float64Array,
  n: number,
  d: number,
  maxBins: number,
  alloc: { u8: (len: number) => Uint8Array; f64: (len: number) => Float64Array } = {
    u8: (len) => new Uint8Array(len),
    f64: (len) => new Float64Array(len),
  },
  cancelled?: () => boolean,
): Bins {
  const codes = alloc.u8(n * d);
  const edges = alloc.f64(d * EDGE_STRIDE);
  const nBins = new Int32Array(d);
  // Subsample big columns for the quantiles (HistGradientBoosting uses 2e5).
  const cap = 200_000;
  const step = n > cap ? n / cap : 1;
  const m = n > cap ? cap : n;
  const buf = new Float64Array(m);
  for (let f = 0; f < d; f++) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'Binning the features was cancelled.');
    const off = f * n;
    for (let k = 0; k < m; k++) buf[k] = Xc[off + Math.floor(k * step)]!;
    buf.sort();
    const e = columnEdges(buf, maxBins);
    const ne = e.length;
    nBins[f] = ne + 1;
    edges.set(e, f * EDGE_STRIDE);
    for (let i = 0; i < n; i++) {
      const x = Xc[off + i]!;
      // number of edges < x (binary search)
      let lo = 0;
      let hi = ne;
      while (lo < hi) {
        const h = (lo + hi) >>> 1;
        if (e[h]! < x) lo = h + 1;
        else hi = h;
      }
      codes[off + i] = lo;
    }
  }
  return { codes, edges, nBins };
}
