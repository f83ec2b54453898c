/**
 * The multinomial logistic loss Σ w_i [logsumexp(z_i) − z_i,y_i] +
 * ‖W‖²/(2C), z_i = W x_i + b, and its gradient, for L-BFGS: on the
 * WebAssembly SIMD tile kernel over both cores where it is available, else in
 * plain JavaScript.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { LOGREG_OWNER as OWNER } from '../../../../src-shared/ml/schemas/logreg.ts';
import { checkAborted, checkMatrix } from '../check.ts';
import type { Matrix } from '../estimator.ts';
import { dotTileKernel, type DotTileKernel } from '../kernels/dot-tile.ts';
import { expSimd, type VexpFn } from '../kernels/exp-simd.ts';
import { ChunkTeam } from './chunk-team.ts';
import {
  addL2,
  always,
  chunkedObjective,
  closeTeam,
  kernelMemory,
  ROWS_PER_CHUNK,
  TEAM_MIN_VALUES,
  type ClosableObjective,
  type ObjectiveArgs,
} from './logistic-common.ts';

/** One chunk of the multinomial objective (see multinomialObjective). */
function multinomialChunk(a: ObjectiveArgs, c: number): void {
  const { x, w, d, p, K, fitIntercept } = a;
  const y = a.y as Int32Array;
  const np = p.length;
  const i0 = c * ROWS_PER_CHUNK;
  const i1 = Math.min(a.n, i0 + ROWS_PER_CHUNK);
  const o0 = c * (np + 1);
  const part = a.part;
  part.fill(0, o0, o0 + np + 1);
  const go = o0 + 1;
  const bo = K * d;
  const z = new Float64Array(K);
  let f = 0;
  for (let i = i0; i < i1; i++) {
    const o = i * d;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = fitIntercept ? p[bo + k]! : 0;
      const wo = k * d;
      for (let j = 0; j < d; j++) s += x[o + j]! * p[wo + j]!;
      z[k] = s;
      if (s > mx) mx = s;
    }
    const yi = y[i]!;
    const wi = w[i]!;
    const zy = z[yi]! - mx;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[k]! - mx);
      z[k] = e;
      sum += e;
    }
    // loss = log Σ e^{z} − z_y = log(sum) − (z_y − mx); z now holds e^{z−mx}
    f += wi * (Math.log(sum) - zy);
    const inv = 1 / sum;
    for (let k = 0; k < K; k++) {
      const r = wi * (z[k]! * inv - (k === yi ? 1 : 0));
      if (fitIntercept) part[go + bo + k] = part[go + bo + k]! + r;
      const wo = go + k * d;
      for (let j = 0; j < d; j++) part[wo + j] = part[wo + j]! + r * x[o + j]!;
    }
  }
  part[o0] = f;
}

/** Σ w_i [logsumexp(z_i) − z_i,y_i] + ‖W‖²/(2C), z_i = W x_i + b; parameters [W (K×d row-major), b (K)]. */
export function multinomialObjective(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return multinomialObjectiveSimd(X, y, w, K, C, fitIntercept, signal) ?? multinomialObjectiveJs(X, y, w, K, C, fitIntercept, signal);
}

/** Rows per chunk of the SIMD multinomial objective: an evaluation of digits (1347 rows × 64 × 10 classes) is ~0.4 ms; 192-256-row chunks measured best (64: +25%, 128: +10%). */
const MULTI_CHUNK_ROWS = 256;

interface TileThread {
  memory: WebAssembly.Memory;
  kern: DotTileKernel;
  vexp: VexpFn;
  /** views of the memory (made again when it has grown) */
  f: Float64Array;
  i32: Int32Array;
}

let chunkTile: TileThread | null = null;

/** This thread's tile and exp kernels over a layout's memory and views of it covering `bytes`. */
function tileOver(memory: WebAssembly.Memory, bytes: number): TileThread | null {
  if (chunkTile?.memory !== memory) {
    const kern = dotTileKernel({ memory });
    const vexp = expSimd(memory);
    if (!kern || !vexp) return null;
    chunkTile = { memory, kern, vexp, f: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer) };
  }
  if (chunkTile.f.length * 8 < bytes) {
    chunkTile.f = new Float64Array(memory.buffer);
    chunkTile.i32 = new Int32Array(memory.buffer);
  }
  return chunkTile;
}

/** Per-row z_y − max z of a chunk, and the chunk's Σ residuals per class (this thread's). */
const chunkZy = new Float64Array(MULTI_CHUNK_ROWS);
let chunkGb = new Float64Array(16);

/** Where the SIMD multinomial objective keeps things in its shared tile-kernel memory; byte offsets. */
export interface MultinomialLayout {
  memory: WebAssembly.Memory;
  n: number;
  d: number;
  K: number;
  /** X in 4-row panels */
  xp: number;
  /** per chunk: Xᵀ of its rows in 4-feature panels (panel stride: the chunk's rows rounded up to 4) */
  xt: number;
  /** class codes (int32) and sample weights (double) */
  y: number;
  w: number;
  /** W in 4-class panels, then the K intercepts */
  W: number;
  bias: number;
  /** zeros (norms of the tiles) and the tile's 4 thresholds (unused) */
  zero: number;
  thr: number;
  /** per chunk: ∂/∂W (K × d), ∂/∂b (K), loss */
  out: number;
  /** per thread: scores, residuals and gradient tiles of one chunk */
  scratch: number;
  scratchBytes: number;
  /** bytes of memory the layout spans */
  bytes: number;
}

/**
 * One chunk (MULTI_CHUNK_ROWS rows) of the multinomial objective on the WASM
 * SIMD tile kernel (kernels/dot-tile.ts; norms 0, so a tile gives −2·dot
 * exactly), by the calling thread (0) or a helper (1) in its own scratch:
 * scores X Wᵀ four classes per tile pass, the softmax, residuals and loss in
 * JavaScript, then the chunk's gradient Rᵀ X from its Xᵀ panels. Sums run
 * over features / rows in order. Results are copied out only while
 * `current()` holds.
 */
export function multinomialSimdChunk(a: MultinomialLayout, c: number, thread: number, current: () => boolean): void {
  const t = tileOver(a.memory, a.bytes);
  if (!t) throw new LatheError('INTERNAL', `${OWNER}: WebAssembly SIMD is missing on a helper thread.`);
  const { kern, vexp, f, i32: yc } = t;
  const { d, K } = a;
  const K4 = (K + 3) & ~3;
  const d4 = (d + 3) & ~3;
  const CH = MULTI_CHUNK_ROWS;
  const i0 = c * CH;
  const nr = Math.min(a.n, i0 + CH) - i0;
  const nr4 = (nr + 3) & ~3;
  const fo = a.scratch + thread * a.scratchBytes;
  const ro = fo + 8 * K4 * CH;
  const go = ro + 8 * K4 * CH;
  const eo = go + 8 * K4 * d4;
  for (let A = 0; A < K4; A += 4) kern.tile(a.W + 8 * A * d, a.xp + 8 * i0 * d, a.zero, a.zero, fo + 8 * A * CH, nr4 >> 2, d, a.thr);
  const out = fo / 8;
  const rp = ro / 8;
  const yp = a.y / 4;
  const wp = a.w / 8;
  const bp = a.bias / 8;
  if (chunkGb.length < K) chunkGb = new Float64Array(K);
  const gb = chunkGb;
  gb.fill(0, 0, K);
  // z = −½·tile + b; e = z − max z per row, then e^e for the whole chunk two at a time (Math.exp's doubles)
  const ep = eo / 8;
  for (let il = 0; il < nr; il++) {
    const base = out + (il >> 2) * 16 + (il & 3);
    const e = ep + il * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      const zk = -0.5 * f[base + (k >> 2) * 4 * CH + (k & 3) * 4]! + f[bp + k]!;
      f[e + k] = zk;
      if (zk > mx) mx = zk;
    }
    for (let k = 0; k < K; k++) f[e + k] = f[e + k]! - mx;
    chunkZy[il] = f[e + yc[yp + i0 + il]!]!;
  }
  f[ep + nr * K] = 0;
  vexp(eo, (nr * K + 1) >> 1);
  let loss = 0;
  for (let il = 0; il < nr; il++) {
    // softmax and residuals of row i0 + il
    const e = ep + il * K;
    const yi = yc[yp + i0 + il]!;
    const wi = f[wp + i0 + il]!;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += f[e + k]!;
    // loss = log Σ e^{z} − z_y = log(sum) − (z_y − mx)
    loss += wi * (Math.log(sum) - chunkZy[il]!);
    const inv = 1 / sum;
    const rr = rp + 4 * il;
    for (let k = 0; k < K; k++) {
      const r = wi * (f[e + k]! * inv - (k === yi ? 1 : 0));
      gb[k] = gb[k]! + r;
      f[rr + (k >> 2) * 4 * CH + (k & 3)] = r;
    }
  }
  // rows past n in the last panel, and classes past K in the last class panel, have residual 0
  for (let A = 0; A < K4; A += 4) {
    const o = rp + A * CH;
    for (let il = nr; il < nr4; il++) f.fill(0, o + 4 * il, o + 4 * il + 4);
    if (K - A < 4) for (let il = 0; il < nr; il++) for (let q = K - A; q < 4; q++) f[o + 4 * il + q] = 0;
  }
  const xt = a.xt + 8 * c * d4 * CH;
  for (let A = 0; A < K4; A += 4) kern.tile(ro + 8 * A * CH, xt, a.zero, a.zero, go + 8 * A * d4, d4 >> 2, nr4, a.thr);
  if (!current()) return;
  const op = a.out / 8 + c * (K * d + K + 1);
  for (let A = 0; A < K4; A += 4) {
    const kMax = Math.min(4, K - A);
    const t = go / 8 + A * d4;
    for (let qi = 0; qi < kMax; qi++) {
      const o = op + (A + qi) * d;
      for (let j = 0; j < d; j++) f[o + j] = -0.5 * f[t + (j >> 2) * 16 + qi * 4 + (j & 3)]!;
    }
  }
  for (let k = 0; k < K; k++) f[op + K * d + k] = gb[k]!;
  f[op + K * d + K] = loss;
}

/**
 * The multinomial objective on the WASM SIMD tile kernel in chunks of rows
 * (multinomialSimdChunk) over a shared memory; from TEAM_MIN_VALUES
 * rows × features × classes on, a helper thread takes chunks of every
 * evaluation. Chunk results are added in chunk order. Null where WASM SIMD is
 * missing or X is too big to hold twice.
 */
function multinomialObjectiveSimd(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective | null {
  const n = X.rows;
  const d = X.cols;
  const CH = MULTI_CHUNK_ROWS;
  const nChunks = Math.max(1, Math.ceil(n / CH));
  const n4 = (n + 3) & ~3;
  const d4 = (d + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const xpOff = 0;
  const xtOff = xpOff + 8 * n4 * d;
  const yOff = xtOff + 8 * nChunks * d4 * CH;
  const wOff = yOff + 8 * ((n4 + 1) >> 1);
  const WOff = wOff + 8 * n4;
  const biasOff = WOff + 8 * K4 * d;
  const zeroOff = biasOff + 8 * K4;
  const thrOff = zeroOff + 8 * (Math.max(CH, d4) + 4);
  const outOff = thrOff + 32;
  const scratchOff = outOff + 8 * nChunks * (K * d + K + 1);
  const scratchBytes = 8 * (2 * K4 * CH + K4 * d4 + K * CH + 2);
  const end = scratchOff + 2 * scratchBytes;
  const memory = kernelMemory(end);
  if (!memory || !tileOver(memory, end)) return null;
  const f = new Float64Array(memory.buffer);
  const yc = new Int32Array(memory.buffer);
  const x = X.data;
  // the tile kernel reads whole panels: zero what the data do not fill (a kept memory holds the last fit's values)
  f.fill(0, xpOff / 8, yOff / 8);
  f.fill(0, WOff / 8, outOff / 8);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / CH);
    const il = i - c * CH;
    const nr4 = ((Math.min(n, (c + 1) * CH) - c * CH + 3) & ~3);
    const xt = xtOff / 8 + c * d4 * CH;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      finite += v - v; // NaN once a value is NaN or ±Infinity
      f[xpOff / 8 + (i >> 2) * 4 * d + 4 * j + (i & 3)] = v;
      f[xt + (j >> 2) * 4 * nr4 + 4 * il + (j & 3)] = v;
    }
    yc[yOff / 4 + i] = y[i]!;
    f[wOff / 8 + i] = w[i]!;
  }
  if (finite !== 0) checkMatrix(X, OWNER);
  const layout: MultinomialLayout = {
    memory,
    n,
    d,
    K,
    xp: xpOff,
    xt: xtOff,
    y: yOff,
    w: wOff,
    W: WOff,
    bias: biasOff,
    zero: zeroOff,
    thr: thrOff,
    out: outOff,
    scratch: scratchOff,
    scratchBytes,
    bytes: end,
  };
  const team = n * d * K4 >= TEAM_MIN_VALUES ? new ChunkTeam(nChunks, { module: import.meta.url, fn: 'multinomialSimdChunk', args: layout }, true) : null;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  const Wp = WOff / 8;
  const bp = biasOff / 8;
  const op = outOff / 8;
  const bo = K * d;
  const stride = K * d + K + 1;
  const local = (c: number): void => {
    if (c > 0) checkAborted(signal, OWNER);
    multinomialSimdChunk(layout, c, 0, always);
  };
  const objective: ClosableObjective = (p: Float64Array, g: Float64Array): number => {
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) f[Wp + (k >> 2) * 4 * d + 4 * j + (k & 3)] = p[k * d + j]!;
    for (let k = 0; k < K; k++) f[bp + k] = fitIntercept ? p[bo + k]! : 0;
    if (team) team.run(local);
    else for (let c = 0; c < nChunks; c++) local(c);
    g.fill(0);
    let loss = 0;
    for (let c = 0; c < nChunks; c++) {
      const o = op + c * stride;
      for (let j = 0; j < bo; j++) g[j] = g[j]! + f[o + j]!;
      if (fitIntercept) for (let k = 0; k < K; k++) g[bo + k] = g[bo + k]! + f[o + bo + k]!;
      loss += f[o + bo + K]!;
    }
    return loss + addL2(g, p, K * d, alpha);
  };
  objective.close = () => closeTeam(team, memory);
  return objective;
}

/** The same objective in plain JavaScript (where WASM SIMD is missing or X too big; tests hold the two paths against each other). */
export function multinomialObjectiveJs(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return chunkedObjective(multinomialChunk, X, y, w, K, C, fitIntercept, K * X.cols + (fitIntercept ? K : 0), K * X.cols, signal);
}
