/**
 * Kernel functions for the SVM on row-major matrices, and an LRU cache of
 * kernel rows (libsvm's Cache): a row is computed once and kept while it is
 * among the most recently used that fit in the cache's budget.
 */

export type KernelName = 'linear' | 'poly' | 'rbf' | 'sigmoid';

export interface KernelSpec {
  kernel: KernelName;
  gamma: number;
  coef0: number;
  degree: number;
}

function powInt(x: number, n: number): number {
  let r = 1;
  let b = x;
  let e = n;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return r;
}

/** Squared norms of the rows. */
export function rowNorms(X: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const b = i * cols;
    for (let f = 0; f < cols; f++) s += X[b + f]! * X[b + f]!;
    out[i] = s;
  }
  return out;
}

/**
 * out[j] = K(A_i, B_j) for j in 0..bRows-1: row i of A against every row of
 * B; normsA/normsB are the rows' squared norms (used by rbf).
 */
export function kernelRow(
  k: KernelSpec,
  A: Float64Array,
  i: number,
  normA: number,
  B: Float64Array,
  bRows: number,
  normsB: Float64Array,
  cols: number,
  out: Float64Array,
): void {
  const ai = i * cols;
  const { gamma, coef0, degree } = k;
  for (let j = 0; j < bRows; j++) {
    const bj = j * cols;
    let dot = 0;
    for (let f = 0; f < cols; f++) dot += A[ai + f]! * B[bj + f]!;
    let v: number;
    switch (k.kernel) {
      case 'linear':
        v = dot;
        break;
      case 'rbf':
        v = Math.exp(-gamma * Math.max(0, normA + normsB[j]! - 2 * dot));
        break;
      case 'poly':
        v = powInt(gamma * dot + coef0, degree);
        break;
      case 'sigmoid':
        v = Math.tanh(gamma * dot + coef0);
        break;
    }
    out[j] = v;
  }
}

/** K(x, x) for each row. */
export function kernelDiagonal(k: KernelSpec, X: Float64Array, rows: number, cols: number, norms: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const sq = norms[i]!;
    switch (k.kernel) {
      case 'linear':
        out[i] = sq;
        break;
      case 'rbf':
        out[i] = 1;
        break;
      case 'poly':
        out[i] = powInt(k.gamma * sq + k.coef0, k.degree);
        break;
      case 'sigmoid':
        out[i] = Math.tanh(k.gamma * sq + k.coef0);
        break;
    }
  }
  return out;
}

/** LRU cache of length-n rows within a byte budget (at least two rows). */
export class RowCache {
  private readonly rows = new Map<number, Float64Array>();
  private readonly capacity: number;
  private spare: Float64Array | null = null;
  hits = 0;
  misses = 0;

  constructor(
    readonly n: number,
    bytes: number,
    private readonly compute: (i: number, out: Float64Array) => void,
  ) {
    this.capacity = Math.max(2, Math.floor(bytes / (8 * Math.max(1, n))));
  }

  get(i: number): Float64Array {
    const hit = this.rows.get(i);
    if (hit) {
      // move to most-recent
      this.rows.delete(i);
      this.rows.set(i, hit);
      this.hits++;
      return hit;
    }
    this.misses++;
    let buf = this.spare;
    this.spare = null;
    if (this.rows.size >= this.capacity) {
      const oldest = this.rows.keys().next().value as number;
      buf = this.rows.get(oldest)!;
      this.rows.delete(oldest);
    }
    buf ??= new Float64Array(this.n);
    this.compute(i, buf);
    this.rows.set(i, buf);
    return buf;
  }
}
