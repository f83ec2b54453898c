/**
 * The binary logistic loss Σ w_i [log(1+e^z_i) − y_i z_i] + ‖β‖²/(2C),
 * z = Xβ + b, and its gradient, for L-BFGS: on WebAssembly SIMD panel kernels
 * over both cores where they are available, else in plain JavaScript.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { LOGREG_OWNER as OWNER } from '../../../../src-shared/ml/schemas/logreg.ts';
import { checkAborted, checkMatrix } from '../check.ts';
import type { Matrix } from '../estimator.ts';
import { expSimd, type VexpFn } from '../kernels/exp-simd.ts';
import { linearPanelsKernel, packPanels, type LinearPanelsKernel } from '../kernels/linear-panels.ts';
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

/**
 * One chunk of the binary objective: loss and gradient of rows in the chunk.
 * One exp and one log1p per row: e = e^{−|z|} gives both log(1+e^z) and the
 * sigmoid (the same values as the separate formulas). Rows go four at a
 * time: four independent dot products share each coefficient load (one
 * running sum would make the pass wait on the adder's latency), and the
 * gradient takes the four rows' terms in one update per feature.
 */
function binaryChunk(a: ObjectiveArgs, c: number): void {
  const { x, w, d, p } = a;
  const y = a.y as Float64Array;
  const np = p.length;
  const i0 = c * ROWS_PER_CHUNK;
  const i1 = Math.min(a.n, i0 + ROWS_PER_CHUNK);
  const o0 = c * (np + 1);
  const part = a.part;
  part.fill(0, o0, o0 + np + 1);
  const go = o0 + 1;
  const b = a.fitIntercept ? p[d]! : 0;
  let f = 0;
  let gb = 0;
  const unit = a.unitWeights;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const oa = i * d;
    const ob = oa + d;
    const oc = ob + d;
    const od = oc + d;
    let za = b;
    let zb = b;
    let zc = b;
    let zd = b;
    for (let j = 0; j < d; j++) {
      const pj = p[j]!;
      za += x[oa + j]! * pj;
      zb += x[ob + j]! * pj;
      zc += x[oc + j]! * pj;
      zd += x[od + j]! * pj;
    }
    const ea = Math.exp(-Math.abs(za));
    const eb = Math.exp(-Math.abs(zb));
    const ec = Math.exp(-Math.abs(zc));
    const ed = Math.exp(-Math.abs(zd));
    const wa = w[i]!;
    const wb = w[i + 1]!;
    const wc = w[i + 2]!;
    const wd = w[i + 3]!;
    const ya = y[i]!;
    const yb = y[i + 1]!;
    const yc = y[i + 2]!;
    const yd = y[i + 3]!;
    if (unit) {
      // unit weights: Σ log(1+e) over the four rows as one log of the product (each factor in (1, 2])
      f += Math.log((1 + ea) * (1 + eb) * (1 + ec) * (1 + ed));
      f += (za > 0 ? za : 0) - ya * za + (zb > 0 ? zb : 0) - yb * zb + (zc > 0 ? zc : 0) - yc * zc + (zd > 0 ? zd : 0) - yd * zd;
    } else {
      const la = Math.log1p(ea);
      const lb = Math.log1p(eb);
      const lc = Math.log1p(ec);
      const ld = Math.log1p(ed);
      f += wa * ((za > 0 ? za + la : la) - ya * za);
      f += wb * ((zb > 0 ? zb + lb : lb) - yb * zb);
      f += wc * ((zc > 0 ? zc + lc : lc) - yc * zc);
      f += wd * ((zd > 0 ? zd + ld : ld) - yd * zd);
    }
    const ra = wa * ((za >= 0 ? 1 / (1 + ea) : ea / (1 + ea)) - ya);
    const rb = wb * ((zb >= 0 ? 1 / (1 + eb) : eb / (1 + eb)) - yb);
    const rc = wc * ((zc >= 0 ? 1 / (1 + ec) : ec / (1 + ec)) - yc);
    const rd = wd * ((zd >= 0 ? 1 / (1 + ed) : ed / (1 + ed)) - yd);
    gb += ra;
    gb += rb;
    gb += rc;
    gb += rd;
    for (let j = 0; j < d; j++) part[go + j] = part[go + j]! + (ra * x[oa + j]! + rb * x[ob + j]! + rc * x[oc + j]! + rd * x[od + j]!);
  }
  for (; i < i1; i++) {
    const o = i * d;
    let z = b;
    for (let j = 0; j < d; j++) z += x[o + j]! * p[j]!;
    const wi = w[i]!;
    const yi = y[i]!;
    const e = Math.exp(-Math.abs(z));
    const l = Math.log1p(e);
    f += wi * ((z > 0 ? z + l : l) - yi * z);
    const r = wi * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
    gb += r;
    for (let j = 0; j < d; j++) part[go + j] = part[go + j]! + r * x[o + j]!;
  }
  part[o0] = f;
  if (a.fitIntercept) part[go + d] = gb;
}

/** Σ w_i [log(1+e^z_i) − y_i z_i] + ‖β‖²/(2C), z = Xβ + b; parameters [β (d), b]. */
export function binaryObjective(X: Matrix, y: Float64Array, w: Float64Array, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return binaryObjectiveSimd(X, y, w, C, fitIntercept, signal) ?? binaryObjectiveJs(X, y, w, C, fitIntercept, signal);
}

/** The same objective in plain JavaScript (where WASM SIMD is missing; tests hold the two paths against each other). */
export function binaryObjectiveJs(X: Matrix, y: Float64Array, w: Float64Array, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return chunkedObjective(binaryChunk, X, y, w, 1, C, fitIntercept, X.cols + (fitIntercept ? 1 : 0), X.cols, signal);
}

/** Rows per block of the SIMD binary objective: z, residuals and the block's panels stay in L1/L2 between the two passes. */
const SIMD_BLOCK_ROWS = 512;

/** Where the SIMD binary objective keeps things in its (shared) kernel memory; byte offsets. */
export interface BinaryLayout {
  memory: WebAssembly.Memory;
  n: number;
  d: number;
  unit: boolean;
  /** X in 4-row panels */
  xp: number;
  /** y and sample weights as doubles */
  y: number;
  w: number;
  /** coefficients, then the intercept */
  p: number;
  /** per chunk: 4 partial sums per feature of Xᵀr, the chunk's loss, its Σr */
  out: number;
  /** per thread: z and r of one chunk, the chunk's partial sums */
  scratch: number;
  scratchBytes: number;
}

interface PanelThread {
  memory: WebAssembly.Memory;
  kern: LinearPanelsKernel;
  vexp: VexpFn;
}

/** This thread's kernel instances over the last layout's memory (the caller's, or a helper's own instances). */
let chunkKernel: PanelThread | null = null;

function kernelOver(memory: WebAssembly.Memory): PanelThread | null {
  if (chunkKernel?.memory !== memory) {
    const kern = linearPanelsKernel({ memory });
    const vexp = expSimd(memory);
    if (!kern || !vexp) return null;
    chunkKernel = { memory, kern, vexp };
  }
  return chunkKernel;
}

/**
 * One chunk (ROWS_PER_CHUNK rows) of the binary objective on the SIMD panel
 * kernels, by the calling thread (thread 0) or a helper (thread 1), each in
 * its own scratch. Per block of rows: z = Xβ + b (the lanes add the features
 * in order: the same z as binaryChunk), loss and residuals in JavaScript with
 * binaryChunk's formulas, then Xᵀr as four partial sums per feature. The
 * chunk's results are copied out only while `current()` holds (a helper that
 * was given up must not write into a later evaluation).
 */
export function binarySimdChunk(a: BinaryLayout, c: number, thread: number, current: () => boolean): void {
  const t = kernelOver(a.memory);
  if (!t) throw new LatheError('INTERNAL', `${OWNER}: WebAssembly SIMD is missing on a helper thread.`);
  const { kern, vexp } = t;
  const f = new Float64Array(a.memory.buffer);
  const { n, d, unit } = a;
  const c0 = c * ROWS_PER_CHUNK;
  const c1 = Math.min(n, c0 + ROWS_PER_CHUNK);
  const scr = a.scratch + thread * a.scratchBytes;
  const zp = scr / 8;
  const rp = zp + ROWS_PER_CHUNK;
  const gp = rp + ROWS_PER_CHUNK;
  const yp = a.y / 8;
  const wp = a.w / 8;
  const b = f[a.p / 8 + d]!;
  f.fill(0, gp, gp + 4 * d);
  let fc = 0;
  let gb = 0;
  for (let i0 = c0; i0 < c1; i0 += SIMD_BLOCK_ROWS) {
    const i1 = Math.min(c1, i0 + SIMD_BLOCK_ROWS);
    const np = (i1 - i0 + 3) >> 2;
    const zo = zp - c0;
    const ro = rp - c0;
    kern.fwd(a.xp + 8 * i0 * d, a.p, 8 * (zo + i0), np, d, b);
    // e = exp(−|z|) of the block's rows, two at a time (kernels/exp-simd.ts: Math.exp's doubles), in the residuals' place
    for (let q = i0; q < i1; q++) f[ro + q] = -Math.abs(f[zo + q]!);
    for (let q = i1; q < i0 + 4 * np; q++) f[ro + q] = 0;
    vexp(8 * (ro + i0), 2 * np);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const za = f[zo + i]!;
      const zb = f[zo + i + 1]!;
      const zc = f[zo + i + 2]!;
      const zd = f[zo + i + 3]!;
      const ea = f[ro + i]!;
      const eb = f[ro + i + 1]!;
      const ec = f[ro + i + 2]!;
      const ed = f[ro + i + 3]!;
      const wa = f[wp + i]!;
      const wb = f[wp + i + 1]!;
      const wc = f[wp + i + 2]!;
      const wd = f[wp + i + 3]!;
      const ya = f[yp + i]!;
      const yb = f[yp + i + 1]!;
      const yc = f[yp + i + 2]!;
      const yd = f[yp + i + 3]!;
      if (unit) {
        // unit weights: Σ log(1+e) over the four rows as one log of the product (each factor in (1, 2])
        fc += Math.log((1 + ea) * (1 + eb) * (1 + ec) * (1 + ed));
        fc += (za > 0 ? za : 0) - ya * za + (zb > 0 ? zb : 0) - yb * zb + (zc > 0 ? zc : 0) - yc * zc + (zd > 0 ? zd : 0) - yd * zd;
      } else {
        const la = Math.log1p(ea);
        const lb = Math.log1p(eb);
        const lc = Math.log1p(ec);
        const ld = Math.log1p(ed);
        fc += wa * ((za > 0 ? za + la : la) - ya * za);
        fc += wb * ((zb > 0 ? zb + lb : lb) - yb * zb);
        fc += wc * ((zc > 0 ? zc + lc : lc) - yc * zc);
        fc += wd * ((zd > 0 ? zd + ld : ld) - yd * zd);
      }
      const ra = wa * ((za >= 0 ? 1 / (1 + ea) : ea / (1 + ea)) - ya);
      const rb = wb * ((zb >= 0 ? 1 / (1 + eb) : eb / (1 + eb)) - yb);
      const rc = wc * ((zc >= 0 ? 1 / (1 + ec) : ec / (1 + ec)) - yc);
      const rd = wd * ((zd >= 0 ? 1 / (1 + ed) : ed / (1 + ed)) - yd);
      gb += ra;
      gb += rb;
      gb += rc;
      gb += rd;
      f[ro + i] = ra;
      f[ro + i + 1] = rb;
      f[ro + i + 2] = rc;
      f[ro + i + 3] = rd;
    }
    for (; i < i1; i++) {
      const z = f[zo + i]!;
      const wi = f[wp + i]!;
      const yi = f[yp + i]!;
      const e = f[ro + i]!;
      const l = Math.log1p(e);
      fc += wi * ((z > 0 ? z + l : l) - yi * z);
      const r = wi * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
      gb += r;
      f[ro + i] = r;
    }
    // the last panel's rows past n (zeros in X) get residual 0
    for (; i < i0 + 4 * np; i++) f[ro + i] = 0;
    kern.bwd(a.xp + 8 * i0 * d, 8 * (ro + i0), 8 * gp, np, d);
  }
  if (!current()) return;
  const o = a.out / 8 + c * (4 * d + 2);
  f.copyWithin(o, gp, gp + 4 * d);
  f[o + 4 * d] = fc;
  f[o + 4 * d + 1] = gb;
}

/**
 * The binary objective on the SIMD panel kernels (binarySimdChunk), X copied
 * once into 4-row panels of a shared WebAssembly memory; from
 * TEAM_MIN_VALUES values on, a helper thread takes chunks of each evaluation
 * (optim/chunk-team.ts). Chunk results are added in chunk order, so the
 * objective is the same whoever did which chunk. Null where WASM SIMD is
 * missing or X would not fit.
 */
function binaryObjectiveSimd(X: Matrix, y: Float64Array, w: Float64Array, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective | null {
  const n = X.rows;
  const d = X.cols;
  const n4 = (n + 3) & ~3;
  const nChunks = Math.max(1, Math.ceil(n / ROWS_PER_CHUNK));
  const xpOff = 0;
  const yOff = xpOff + 8 * n4 * d;
  const wOff = yOff + 8 * n4;
  const pOff = wOff + 8 * n4;
  const outOff = pOff + 16 * ((d + 2) >> 1);
  const scratchOff = outOff + 8 * nChunks * (4 * d + 2);
  const scratchBytes = 8 * (2 * ROWS_PER_CHUNK + 4 * d);
  const end = scratchOff + 2 * scratchBytes;
  const memory = kernelMemory(end);
  const kern = memory && kernelOver(memory)?.kern;
  if (!memory || !kern) return null;
  const f = new Float64Array(memory.buffer);
  packPanels(X.data, n, d, f, xpOff / 8);
  let unit = true;
  for (let i = 0; i < n; i++) {
    f[yOff / 8 + i] = y[i]!;
    f[wOff / 8 + i] = w[i]!;
    if (w[i] !== 1) unit = false;
  }
  const layout: BinaryLayout = { memory, n, d, unit, xp: xpOff, y: yOff, w: wOff, p: pOff, out: outOff, scratch: scratchOff, scratchBytes };
  // X's values are checked here, in the copy: Xᵀ·0 is NaN in a column exactly where the column holds a NaN or ±Infinity
  const zr = scratchOff / 8 + ROWS_PER_CHUNK; // thread 0's r and partial sums
  f.fill(0, zr, zr + ROWS_PER_CHUNK + 4 * d);
  for (let i0 = 0; i0 < n4; i0 += ROWS_PER_CHUNK) kern.bwd(xpOff + 8 * i0 * d, 8 * zr, 8 * (zr + ROWS_PER_CHUNK), Math.min(ROWS_PER_CHUNK, n4 - i0) >> 2, d);
  for (let j = 0; j < 4 * d; j++) if (f[zr + ROWS_PER_CHUNK + j] !== 0) checkMatrix(X, OWNER);
  const team = n * d >= TEAM_MIN_VALUES ? new ChunkTeam(nChunks, { module: import.meta.url, fn: 'binarySimdChunk', args: layout }, true) : null;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  const pp = pOff / 8;
  const op = outOff / 8;
  const local = (c: number): void => {
    if (c > 0) checkAborted(signal, OWNER);
    binarySimdChunk(layout, c, 0, always);
  };
  const objective: ClosableObjective = (p: Float64Array, g: Float64Array): number => {
    for (let j = 0; j < d; j++) f[pp + j] = p[j]!;
    f[pp + d] = fitIntercept ? p[d]! : 0;
    if (team) team.run(local);
    else for (let c = 0; c < nChunks; c++) local(c);
    g.fill(0);
    let loss = 0;
    let gb = 0;
    for (let c = 0; c < nChunks; c++) {
      const o = op + c * (4 * d + 2);
      for (let j = 0; j < d; j++) g[j] = g[j]! + (f[o + 4 * j]! + f[o + 4 * j + 1]! + (f[o + 4 * j + 2]! + f[o + 4 * j + 3]!));
      loss += f[o + 4 * d]!;
      gb += f[o + 4 * d + 1]!;
    }
    if (fitIntercept) g[d] = gb;
    return loss + addL2(g, p, d, alpha);
  };
  objective.close = () => closeTeam(team, memory);
  return objective;
}
