/**
 * Exact k-nearest-neighbour search for KNeighbors*: brute force in blocks
 * (euclidean through ‖q‖² + ‖t‖² − 2 q·t, as scikit-learn's GEMM path) or a
 * KD-tree (max-spread median splits, bounding-box pruning) for few features.
 * Both give each query its k nearest training rows by (distance, index), so
 * among equal distances the smaller training index wins, as a stable sort.
 *
 * Distances are compared in "reduced" form (squared euclidean, Σ|·|^p) and
 * turned into true distances at the end.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { Matrix } from '../estimator.ts';

export type MetricKind = 'euclidean' | 'manhattan' | 'minkowski';

export interface Neighbours {
  /** n × k true distances, nearest first */
  distances: Float64Array;
  /** n × k training row indices */
  indices: Int32Array;
  k: number;
}

export interface SearchOptions {
  signal?: AbortSignal;
  /** called between blocks of query rows with the fraction done */
  onProgress?: (fraction: number) => void;
}

function fromReduced(r: number, metric: MetricKind, p: number): number {
  if (metric === 'euclidean') return Math.sqrt(r);
  if (metric === 'manhattan') return r;
  return r ** (1 / p);
}

/** Insert (r, idx) into a query's sorted list (ascending by r, then idx). */
function insert(bestD: Float64Array, bestI: Int32Array, o: number, k: number, r: number, idx: number): void {
  let j = k - 1;
  while (j > 0) {
    const dj = bestD[o + j - 1]!;
    if (dj < r || (dj === r && bestI[o + j - 1]! < idx)) break;
    bestD[o + j] = dj;
    bestI[o + j] = bestI[o + j - 1]!;
    j--;
  }
  bestD[o + j] = r;
  bestI[o + j] = idx;
}

const QB = 64;
const TB = 256;

/** Brute-force search over all training rows, blocked over queries and training rows. */
export function bruteKnn(train: Matrix, trainNorms: Float64Array | null, Q: Matrix, k: number, metric: MetricKind, p: number, opts: SearchOptions = {}): Neighbours {
  const d = train.cols;
  const nt = train.rows;
  const nq = Q.rows;
  const t = train.data;
  const q = Q.data;
  const bestD = new Float64Array(nq * k);
  const bestI = new Int32Array(nq * k);
  const g = new Float64Array(QB * TB);
  const qn = new Float64Array(QB);
  const useGemm = metric === 'euclidean' && trainNorms !== null;
  const pIs1 = metric === 'manhattan' || (metric === 'minkowski' && p === 1);
  const pIs2 = metric === 'euclidean' || (metric === 'minkowski' && p === 2);
  for (let q0 = 0; q0 < nq; q0 += QB) {
    if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The neighbour search was cancelled.');
    const q1 = Math.min(nq, q0 + QB);
    bestD.fill(Infinity, q0 * k, q1 * k);
    bestI.fill(-1, q0 * k, q1 * k);
    if (useGemm) {
      for (let a = q0; a < q1; a++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += q[a * d + j]! * q[a * d + j]!;
        qn[a - q0] = s;
      }
    }
    for (let t0 = 0; t0 < nt; t0 += TB) {
      const t1 = Math.min(nt, t0 + TB);
      const bt = t1 - t0;
      if (useGemm) {
        // g[a, b] = q_a · t_b
        for (let a = q0; a < q1; a++) {
          const ao = a * d;
          const go = (a - q0) * TB;
          for (let b = t0; b < t1; b++) {
            const bo = b * d;
            let s0 = 0;
            let s1 = 0;
            let s2 = 0;
            let s3 = 0;
            let j = 0;
            for (; j + 3 < d; j += 4) {
              s0 += q[ao + j]! * t[bo + j]!;
              s1 += q[ao + j + 1]! * t[bo + j + 1]!;
              s2 += q[ao + j + 2]! * t[bo + j + 2]!;
              s3 += q[ao + j + 3]! * t[bo + j + 3]!;
            }
            for (; j < d; j++) s0 += q[ao + j]! * t[bo + j]!;
            g[go + b - t0] = s0 + s1 + (s2 + s3);
          }
        }
        for (let a = q0; a < q1; a++) {
          const o = a * k;
          const go = (a - q0) * TB;
          const na = qn[a - q0]!;
          let worst = bestD[o + k - 1]!;
          for (let b = 0; b < bt; b++) {
            let r = na + trainNorms[t0 + b]! - 2 * g[go + b]!;
            if (r < 0) r = 0;
            if (r < worst) {
              insert(bestD, bestI, o, k, r, t0 + b);
              worst = bestD[o + k - 1]!;
            }
          }
        }
      } else {
        for (let a = q0; a < q1; a++) {
          const ao = a * d;
          const o = a * k;
          let worst = bestD[o + k - 1]!;
          for (let b = t0; b < t1; b++) {
            const bo = b * d;
            let r = 0;
            if (pIs1) for (let j = 0; j < d; j++) r += Math.abs(q[ao + j]! - t[bo + j]!);
            else if (pIs2) {
              for (let j = 0; j < d; j++) {
                const z = q[ao + j]! - t[bo + j]!;
                r += z * z;
              }
            } else for (let j = 0; j < d; j++) r += Math.abs(q[ao + j]! - t[bo + j]!) ** p;
            if (r < worst) {
              insert(bestD, bestI, o, k, r, b);
              worst = bestD[o + k - 1]!;
            }
          }
        }
      }
    }
    opts.onProgress?.(q1 / nq);
  }
  const reducedMetric: MetricKind = pIs2 ? 'euclidean' : pIs1 ? 'manhattan' : 'minkowski';
  for (let i = 0; i < bestD.length; i++) bestD[i] = fromReduced(bestD[i]!, reducedMetric, p);
  return { distances: bestD, indices: bestI, k };
}

/** Squared norms of training rows (for the euclidean GEMM path). */
export function rowNorms(X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X.data[i * d + j]! * X.data[i * d + j]!;
    out[i] = s;
  }
  return out;
}

/**
 * A KD-tree over the training rows: rows are copied in tree order for
 * locality; each node keeps its row range and bounding box.
 */
export class KdTree {
  readonly d: number;
  /** training rows in tree order */
  private readonly data: Float64Array;
  /** tree position → original row index */
  private readonly order: Int32Array;
  private nodeStart: Int32Array;
  private nodeEnd: Int32Array;
  private left: Int32Array;
  private right: Int32Array;
  /** per node: d mins then d maxs */
  private bounds: Float64Array;
  private nNodes = 0;

  constructor(X: Matrix, leafSize: number) {
    const n = X.rows;
    const d = X.cols;
    this.d = d;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const maxNodes = 4 * Math.ceil(n / Math.max(1, leafSize)) + 3;
    this.nodeStart = new Int32Array(maxNodes);
    this.nodeEnd = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.bounds = new Float64Array(maxNodes * 2 * d);
    const x = X.data;
    const build = (start: number, end: number): number => {
      const id = this.nNodes++;
      this.nodeStart[id] = start;
      this.nodeEnd[id] = end;
      const bo = id * 2 * d;
      for (let j = 0; j < d; j++) {
        this.bounds[bo + j] = Infinity;
        this.bounds[bo + d + j] = -Infinity;
      }
      for (let i = start; i < end; i++) {
        const ro = order[i]! * d;
        for (let j = 0; j < d; j++) {
          const v = x[ro + j]!;
          if (v < this.bounds[bo + j]!) this.bounds[bo + j] = v;
          if (v > this.bounds[bo + d + j]!) this.bounds[bo + d + j] = v;
        }
      }
      this.left[id] = -1;
      this.right[id] = -1;
      if (end - start <= leafSize) return id;
      let dim = 0;
      let spread = -1;
      for (let j = 0; j < d; j++) {
        const s = this.bounds[bo + d + j]! - this.bounds[bo + j]!;
        if (s > spread) {
          spread = s;
          dim = j;
        }
      }
      if (spread <= 0) return id; // all rows identical: a leaf
      const mid = (start + end) >>> 1;
      nthElement(order, start, end, mid, x, d, dim);
      this.left[id] = build(start, mid);
      this.right[id] = build(mid, end);
      return id;
    };
    build(0, n);
    this.order = order;
    this.data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) this.data.set(x.subarray(order[i]! * d, order[i]! * d + d), i * d);
  }

  query(Q: Matrix, k: number, metric: MetricKind, p: number, opts: SearchOptions = {}): Neighbours {
    const d = this.d;
    const nq = Q.rows;
    const q = Q.data;
    const bestD = new Float64Array(nq * k);
    const bestI = new Int32Array(nq * k);
    const pIs1 = metric === 'manhattan' || (metric === 'minkowski' && p === 1);
    const pIs2 = metric === 'euclidean' || (metric === 'minkowski' && p === 2);
    const stackNode = new Int32Array(4 * 64 + this.nNodes);
    const stackLb = new Float64Array(stackNode.length);
    const data = this.data;
    const bounds = this.bounds;
    const lowerBound = (node: number, qo: number): number => {
      const bo = node * 2 * d;
      let r = 0;
      for (let j = 0; j < d; j++) {
        const v = q[qo + j]!;
        const lo = bounds[bo + j]!;
        const hi = bounds[bo + d + j]!;
        const z = v < lo ? lo - v : v > hi ? v - hi : 0;
        if (pIs2) r += z * z;
        else if (pIs1) r += z;
        else r += z ** p;
      }
      return r;
    };
    for (let a = 0; a < nq; a++) {
      if ((a & 1023) === 0) {
        if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The neighbour search was cancelled.');
        if (a > 0) opts.onProgress?.(a / nq);
      }
      const qo = a * d;
      const o = a * k;
      bestD.fill(Infinity, o, o + k);
      bestI.fill(0x7fffffff, o, o + k);
      let sp = 0;
      stackNode[sp] = 0;
      stackLb[sp++] = lowerBound(0, qo);
      while (sp > 0) {
        sp--;
        const node = stackNode[sp]!;
        const lb = stackLb[sp]!;
        if (lb > bestD[o + k - 1]!) continue;
        const l = this.left[node]!;
        if (l < 0) {
          for (let i = this.nodeStart[node]!; i < this.nodeEnd[node]!; i++) {
            const ro = i * d;
            let r = 0;
            if (pIs2) {
              for (let j = 0; j < d; j++) {
                const z = q[qo + j]! - data[ro + j]!;
                r += z * z;
              }
            } else if (pIs1) for (let j = 0; j < d; j++) r += Math.abs(q[qo + j]! - data[ro + j]!);
            else for (let j = 0; j < d; j++) r += Math.abs(q[qo + j]! - data[ro + j]!) ** p;
            const worst = bestD[o + k - 1]!;
            const idx = this.order[i]!;
            if (r < worst || (r === worst && idx < bestI[o + k - 1]!)) insert(bestD, bestI, o, k, r, idx);
          }
          continue;
        }
        const rt = this.right[node]!;
        const ll = lowerBound(l, qo);
        const lr = lowerBound(rt, qo);
        // push the farther child first so the nearer is searched first
        if (ll <= lr) {
          stackNode[sp] = rt;
          stackLb[sp++] = lr;
          stackNode[sp] = l;
          stackLb[sp++] = ll;
        } else {
          stackNode[sp] = l;
          stackLb[sp++] = ll;
          stackNode[sp] = rt;
          stackLb[sp++] = lr;
        }
      }
    }
    opts.onProgress?.(1);
    const reducedMetric: MetricKind = pIs2 ? 'euclidean' : pIs1 ? 'manhattan' : 'minkowski';
    for (let i = 0; i < bestD.length; i++) bestD[i] = fromReduced(bestD[i]!, reducedMetric, p);
    return { distances: bestD, indices: bestI, k };
  }
}

/** Partial sort of order[start, end) so that position m holds the median along dim (Hoare quickselect). */
function nthElement(order: Int32Array, start: number, end: number, m: number, x: Float64Array, d: number, dim: number): void {
  let lo = start;
  let hi = end - 1;
  while (hi > lo) {
    const pivot = x[order[(lo + hi) >>> 1]! * d + dim]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[order[i]! * d + dim]! < pivot) i++;
      while (x[order[j]! * d + dim]! > pivot) j--;
      if (i <= j) {
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
        i++;
        j--;
      }
    }
    if (m <= j) hi = j;
    else if (m >= i) lo = i;
    else break;
  }
}
