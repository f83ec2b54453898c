/**
 * Input scaling, the first step of every network (saved in its spec):
 * divide (pixels / 255 or / 16) or standardise with the mean and std fitted
 * on the training rows. Always returns a new Float32Array (the network's
 * dtype); the caller's matrix is never changed.
 */
import type { NnScaling } from '../../../src-shared/ml/nn.ts';

export interface NnMatrix {
  /** rows × cols, row-major. */
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

/** Fit a standardisation on rows `index` (all rows when absent). Constant columns get std 1. */
export function fitStandardize(X: NnMatrix, index?: ArrayLike<number>): { mean: number[]; std: number[] } {
  const { data, cols } = X;
  const n = index ? index.length : X.rows;
  const sum = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < n; r++) {
    const o = (index ? index[r]! : r) * cols;
    for (let c = 0; c < cols; c++) sum[c]! += data[o + c]!;
  }
  const mean = Array.from(sum, (s) => (n ? s / n : 0));
  for (let r = 0; r < n; r++) {
    const o = (index ? index[r]! : r) * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[o + c]! - mean[c]!;
      sq[c]! += d * d;
    }
  }
  const std = Array.from(sq, (s) => {
    const v = n ? Math.sqrt(s / n) : 0;
    return v > 1e-12 ? v : 1;
  });
  return { mean, std };
}

/**
 * Scale rows `index` of X (all rows when absent) into a new n × cols
 * Float32Array, in the order of `index`.
 */
export function applyScaling(scaling: NnScaling, X: NnMatrix, index?: ArrayLike<number>): Float32Array {
  const { data, cols } = X;
  const n = index ? index.length : X.rows;
  const out = new Float32Array(n * cols);
  if (scaling.kind === 'standardize') {
    const { mean, std } = scaling;
    if (!mean || !std) throw new Error('applyScaling: standardisation is not fitted');
    const m = Float64Array.from(mean);
    const inv = Float64Array.from(std, (s) => 1 / s);
    for (let r = 0; r < n; r++) {
      const src = (index ? index[r]! : r) * cols;
      const dst = r * cols;
      for (let c = 0; c < cols; c++) out[dst + c] = (data[src + c]! - m[c]!) * inv[c]!;
    }
    return out;
  }
  const f = scaling.kind === 'divide' ? 1 / scaling.by : 1;
  for (let r = 0; r < n; r++) {
    const src = (index ? index[r]! : r) * cols;
    const dst = r * cols;
    for (let c = 0; c < cols; c++) out[dst + c] = data[src + c]! * f;
  }
  return out;
}
