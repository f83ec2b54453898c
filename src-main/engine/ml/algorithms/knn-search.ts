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
import { runChunksSync, sharedPool, threadCount } from '../parallel.ts';
import { dotTileKernel, type DotTileKernel } from '../kernels/dot-tile.ts';

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

/**
 * Training rows packed for the euclidean kernel: panels of 4 rows stored
 * feature by feature ([panel][feature][4]), so the 4×4 micro-kernel reads
 * them in order; rows padded to a multiple of 4 have norm +∞ (never chosen).
 * Shared memory, so helper threads read them in place.
 */
export interface PackedRows {
  panels: Float64Array;
  /** squared norms, padded length */
  norms: Float64Array;
  rows: number;
  cols: number;
}

export function packRows(X: Matrix): PackedRows {
  const d = X.cols;
  const n = X.rows;
  const np = (n + 3) & ~3;
  const panels = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, np * d)));
  const norms = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, np)));
  const x = X.data;
  for (let i = 0; i < n; i++) {
    const po = (i >> 2) * 4 * d + (i & 3);
    const ro = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = x[ro + j]!;
      panels[po + 4 * j] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  for (let i = n; i < np; i++) norms[i] = Infinity;
  return { panels, norms, rows: n, cols: d };
}

/** Rows of queries per chunk of the parallel euclidean search (a multiple of 4). */
const CHUNK = 64;

interface EuclidArgs {
  tp: Float64Array;
  tn: Float64Array;
  ntp: number;
  d: number;
  q: Float64Array;
  nq: number;
  k: number;
  bestD: Float64Array;
  bestI: Int32Array;
}

/**
 * One chunk of query rows against every training row: squared distances
 * ‖q‖² + ‖t‖² − 2 q·t from 4×4 register tiles of dot products over blocks of
 * TB training rows, each kept in the query's running top k. Training rows are
 * visited in index order, so among equal distances the smaller index stays.
 */
export function euclidChunk(a: EuclidArgs, chunk: number): void {
  if (wasmKernel === undefined) wasmKernel = dotTileKernel();
  if (wasmKernel) euclidChunkWasm(wasmKernel, a, chunk);
  else euclidChunkJs(a, chunk);
}

/** This thread's WASM kernel (null: no WASM SIMD here) and the training rows last copied into its memory. */
let wasmKernel: DotTileKernel | null | undefined;
let wasmRows: Float64Array | null = null;

function euclidChunkWasm(kern: DotTileKernel, a: EuclidArgs, chunk: number): void {
  const { tp, tn, ntp, d, q, k } = a;
  const tpOff = 0;
  const tnOff = tpOff + 8 * ntp * d;
  const qpOff = tnOff + 8 * ntp;
  const qnOff = qpOff + 8 * CHUNK * d;
  const wOff = qnOff + 8 * CHUNK;
  const outOff = wOff + 32;
  const TP = TB >> 2;
  kern.reserve(outOff + 128 * TP);
  const f = new Float64Array(kern.memory.buffer);
  if (wasmRows !== tp) {
    f.set(tp.subarray(0, ntp * d), tpOff / 8);
    f.set(tn.subarray(0, ntp), tnOff / 8);
    wasmRows = tp;
  }
  const a0 = chunk * CHUNK;
  const a1 = Math.min(a.nq, a0 + CHUNK);
  const nqc = a1 - a0;
  const nqp = (nqc + 3) & ~3;
  const qp = qpOff / 8;
  const qn = qnOff / 8;
  f.fill(0, qp, qp + nqp * d);
  for (let i = 0; i < nqc; i++) {
    const po = qp + (i >> 2) * 4 * d + (i & 3);
    const ro = (a0 + i) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = q[ro + j]!;
      f[po + 4 * j] = v;
      s += v * v;
    }
    f[qn + i] = s;
  }
  const bd = new Float64Array(nqp * k).fill(Infinity);
  const bi = new Int32Array(nqp * k).fill(-1);
  const worst = new Float64Array(nqp).fill(Infinity);
  // padded query rows never take a neighbour
  for (let i = nqc; i < nqp; i++) worst[i] = -Infinity;
  const out = outOff / 8;
  const wp = wOff / 8;
  const npanels = ntp >> 2;
  for (let p0 = 0; p0 < npanels; p0 += TP) {
    const np = Math.min(TP, npanels - p0);
    for (let A = 0; A < nqp; A += 4) {
      f[wp] = worst[A]!;
      f[wp + 1] = worst[A + 1]!;
      f[wp + 2] = worst[A + 2]!;
      f[wp + 3] = worst[A + 3]!;
      const hits = kern.tile(qpOff + 8 * A * d, tpOff + 32 * p0 * d, tnOff + 32 * p0, qnOff + 8 * A, outOff, np, d, wOff);
      if (hits === 0) continue;
      for (let qi = 0; qi < 4; qi++) {
        if ((hits & (1 << qi)) === 0) continue;
        const row = A + qi;
        let w = worst[row]!;
        const o = row * k;
        for (let p = 0; p < np; p++) {
          const ro = out + p * 16 + qi * 4;
          for (let ti = 0; ti < 4; ti++) {
            let r = f[ro + ti]!;
            if (r < w) {
              if (r < 0) r = 0;
              if (r < w) {
                insert(bd, bi, o, k, r, 4 * (p0 + p) + ti);
                w = bd[o + k - 1]!;
              }
            }
          }
        }
        worst[row] = w;
      }
    }
  }
  a.bestD.set(bd.subarray(0, nqc * k), a0 * k);
  a.bestI.set(bi.subarray(0, nqc * k), a0 * k);
}

function euclidChunkJs(a: EuclidArgs, chunk: number): void {
  const { tp, tn, ntp, d, q, k } = a;
  const a0 = chunk * CHUNK;
  const a1 = Math.min(a.nq, a0 + CHUNK);
  const nqc = a1 - a0;
  const nqp = (nqc + 3) & ~3;
  // queries of this chunk, packed like the training rows
  const qp = new Float64Array(nqp * d);
  const qn = new Float64Array(nqp);
  for (let i = 0; i < nqc; i++) {
    const po = (i >> 2) * 4 * d + (i & 3);
    const ro = (a0 + i) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = q[ro + j]!;
      qp[po + 4 * j] = v;
      s += v * v;
    }
    qn[i] = s;
  }
  const bd = new Float64Array(nqp * k).fill(Infinity);
  const bi = new Int32Array(nqp * k).fill(-1);
  const worst = new Float64Array(nqp).fill(Infinity);
  // padded query rows never take a neighbour
  for (let i = nqc; i < nqp; i++) worst[i] = -Infinity;
  const push = (row: number, r: number, idx: number): void => {
    insert(bd, bi, row * k, k, r < 0 ? 0 : r, idx);
    worst[row] = bd[row * k + k - 1]!;
  };
  for (let t0 = 0; t0 < ntp; t0 += TB) {
    const t1 = Math.min(ntp, t0 + TB);
    for (let A = 0; A < nqp; A += 4) {
      const qo = A * d;
      const n0 = qn[A]!;
      const n1 = qn[A + 1]!;
      const n2 = qn[A + 2]!;
      const n3 = qn[A + 3]!;
      for (let B = t0; B < t1; B += 4) {
        const to = B * d;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let j = 0; j < d; j++) {
          const x = qo + 4 * j;
          const y = to + 4 * j;
          const q0 = qp[x]!, q1 = qp[x + 1]!, q2 = qp[x + 2]!, q3 = qp[x + 3]!;
          const u0 = tp[y]!, u1 = tp[y + 1]!, u2 = tp[y + 2]!, u3 = tp[y + 3]!;
          c00 += q0 * u0; c01 += q0 * u1; c02 += q0 * u2; c03 += q0 * u3;
          c10 += q1 * u0; c11 += q1 * u1; c12 += q1 * u2; c13 += q1 * u3;
          c20 += q2 * u0; c21 += q2 * u1; c22 += q2 * u2; c23 += q2 * u3;
          c30 += q3 * u0; c31 += q3 * u1; c32 += q3 * u2; c33 += q3 * u3;
        }
        const m0 = tn[B]!, m1 = tn[B + 1]!, m2 = tn[B + 2]!, m3 = tn[B + 3]!;
        let r: number;
        let w = worst[A]!;
        if ((r = n0 + m0 - 2 * c00) < w) { push(A, r, B); w = worst[A]!; }
        if ((r = n0 + m1 - 2 * c01) < w) { push(A, r, B + 1); w = worst[A]!; }
        if ((r = n0 + m2 - 2 * c02) < w) { push(A, r, B + 2); w = worst[A]!; }
        if ((r = n0 + m3 - 2 * c03) < w) push(A, r, B + 3);
        w = worst[A + 1]!;
        if ((r = n1 + m0 - 2 * c10) < w) { push(A + 1, r, B); w = worst[A + 1]!; }
        if ((r = n1 + m1 - 2 * c11) < w) { push(A + 1, r, B + 1); w = worst[A + 1]!; }
        if ((r = n1 + m2 - 2 * c12) < w) { push(A + 1, r, B + 2); w = worst[A + 1]!; }
        if ((r = n1 + m3 - 2 * c13) < w) push(A + 1, r, B + 3);
        w = worst[A + 2]!;
        if ((r = n2 + m0 - 2 * c20) < w) { push(A + 2, r, B); w = worst[A + 2]!; }
        if ((r = n2 + m1 - 2 * c21) < w) { push(A + 2, r, B + 1); w = worst[A + 2]!; }
        if ((r = n2 + m2 - 2 * c22) < w) { push(A + 2, r, B + 2); w = worst[A + 2]!; }
        if ((r = n2 + m3 - 2 * c23) < w) push(A + 2, r, B + 3);
        w = worst[A + 3]!;
        if ((r = n3 + m0 - 2 * c30) < w) { push(A + 3, r, B); w = worst[A + 3]!; }
        if ((r = n3 + m1 - 2 * c31) < w) { push(A + 3, r, B + 1); w = worst[A + 3]!; }
        if ((r = n3 + m2 - 2 * c32) < w) { push(A + 3, r, B + 2); w = worst[A + 3]!; }
        if ((r = n3 + m3 - 2 * c33) < w) push(A + 3, r, B + 3);
      }
    }
  }
  a.bestD.set(bd.subarray(0, nqc * k), a0 * k);
  a.bestI.set(bi.subarray(0, nqc * k), a0 * k);
}

/** Distance terms (queries × padded training rows × features) above which a search takes helper threads. */
const PARALLEL_MIN_WORK = 2e7;

/**
 * Start the helper threads once the training rows are big enough that a
 * search of four chunks of queries (256 rows) would use them: a fit is followed by
 * predictions, and a helper that starts during a search arrives too late to
 * take part in it.
 */
export function warmHelpers(train: PackedRows): void {
  if (4 * CHUNK * train.norms.length * train.cols > PARALLEL_MIN_WORK) sharedPool().warm(threadCount(-1) - 1);
}

/** Euclidean search of packed training rows, over both cores when the work is big enough. */
function euclidKnn(train: PackedRows, Q: Matrix, k: number, opts: SearchOptions): Neighbours {
  const nq = Q.rows;
  const d = train.cols;
  const ntp = train.norms.length;
  const nChunks = Math.ceil(nq / CHUNK);
  const big = nq * ntp * d > PARALLEL_MIN_WORK && nChunks > 1;
  const sab = <T extends Float64Array | Int32Array>(make: (b: SharedArrayBuffer) => T, bytes: number): T => make(new SharedArrayBuffer(Math.max(8, bytes)));
  let q = Q.data;
  if (big && !(q.buffer instanceof SharedArrayBuffer)) {
    q = sab((b) => new Float64Array(b), 8 * nq * d).subarray(0, nq * d);
    q.set(Q.data);
  }
  const bestD = big ? sab((b) => new Float64Array(b), 8 * nq * k).subarray(0, nq * k) : new Float64Array(nq * k);
  const bestI = big ? sab((b) => new Int32Array(b), 4 * nq * k).subarray(0, nq * k) : new Int32Array(nq * k);
  const args: EuclidArgs = { tp: train.panels, tn: train.norms, ntp, d, q, nq, k, bestD, bestI };
  const every = Math.max(1, Math.floor(nChunks / 100));
  let done = 0;
  const local = (c: number): void => {
    if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The neighbour search was cancelled.');
    euclidChunk(args, c);
    if (++done % every === 0) opts.onProgress?.(Math.min(1, (c + 1) / nChunks));
  };
  if (big) runChunksSync({ module: import.meta.url, fn: 'euclidChunk', args }, nChunks, local);
  else for (let c = 0; c < nChunks; c++) local(c);
  opts.onProgress?.(1);
  // fresh arrays: a late helper may still write (the same values) into the shared ones
  const distances = new Float64Array(nq * k);
  for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(bestD[i]!);
  return { distances, indices: Int32Array.from(bestI), k };
}

/** Brute-force search over all training rows, blocked over queries and training rows. */
export function bruteKnn(train: Matrix, packed: PackedRows | null, Q: Matrix, k: number, metric: MetricKind, p: number, opts: SearchOptions = {}): Neighbours {
  if (metric === 'euclidean' && packed !== null) return euclidKnn(packed, Q, k, opts);
  const d = train.cols;
  const nt = train.rows;
  const nq = Q.rows;
  const t = train.data;
  const q = Q.data;
  const bestD = new Float64Array(nq * k);
  const bestI = new Int32Array(nq * k);
  const pIs1 = metric === 'manhattan' || (metric === 'minkowski' && p === 1);
  const pIs2 = metric === 'euclidean' || (metric === 'minkowski' && p === 2);
  for (let q0 = 0; q0 < nq; q0 += QB) {
    if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The neighbour search was cancelled.');
    const q1 = Math.min(nq, q0 + QB);
    bestD.fill(Infinity, q0 * k, q1 * k);
    bestI.fill(-1, q0 * k, q1 * k);
    for (let t0 = 0; t0 < nt; t0 += TB) {
      const t1 = Math.min(nt, t0 + TB);
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
