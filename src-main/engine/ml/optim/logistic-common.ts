/**
 * What the logistic-regression objectives share: the closable objective
 * type, the chunking of rows, the plain JavaScript chunked pass (the
 * fallback of the SIMD kernels) and the size limits of the kernels' memory.
 */
import { LOGREG_OWNER as OWNER } from '../../../../src-shared/ml/schemas/logreg.ts';
import { checkAborted, checkMatrix } from '../check.ts';
import type { Matrix } from '../estimator.ts';
import type { Objective } from './lbfgs.ts';

/** An objective with what it holds (a helper thread) to let go of when the fit ends. */
export type ClosableObjective = Objective & { close?: () => void };

/** Rows per chunk of the objectives' data pass (partial sums added in chunk order). */
export const ROWS_PER_CHUNK = 4096;

export interface ObjectiveArgs {
  x: Float64Array;
  y: Float64Array | Int32Array;
  w: Float64Array;
  n: number;
  d: number;
  K: number;
  fitIntercept: boolean;
  /** current parameters */
  p: Float64Array;
  /** per chunk: [f, gradient (length of p)] */
  part: Float64Array;
  /** every w_i is 1 */
  unitWeights: boolean;
}

/**
 * The plain JavaScript data pass of an objective over chunks of rows, plus
 * the L2 penalty on the first `penalised` parameters: where WebAssembly SIMD
 * is missing or X is too big for the kernels' memory (the SIMD objectives
 * also split their chunks with a helper thread).
 */
export function chunkedObjective(
  chunk: (a: ObjectiveArgs, c: number) => void,
  X: Matrix,
  y: Float64Array | Int32Array,
  w: Float64Array,
  K: number,
  C: number,
  fitIntercept: boolean,
  np: number,
  penalised: number,
  signal?: AbortSignal,
) {
  checkMatrix(X, OWNER);
  const n = X.rows;
  const d = X.cols;
  const nChunks = Math.max(1, Math.ceil(n / ROWS_PER_CHUNK));
  const args: ObjectiveArgs = { x: X.data, y, w, n, d, K, fitIntercept, p: new Float64Array(np), part: new Float64Array(nChunks * (np + 1)), unitWeights: true };
  for (let i = 0; i < n; i++) if (w[i] !== 1) args.unitWeights = false;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  return (p: Float64Array, g: Float64Array): number => {
    args.p.set(p);
    for (let c = 0; c < nChunks; c++) {
      // one pass over wide data takes long (MNIST 60k x 784 x 10 classes: seconds): poll per chunk
      if (c > 0) checkAborted(signal, OWNER);
      chunk(args, c);
    }
    const part = args.part;
    let f = 0;
    g.fill(0);
    for (let c = 0; c < nChunks; c++) {
      const o = c * (np + 1);
      f += part[o]!;
      for (let j = 0; j < np; j++) g[j] = g[j]! + part[o + 1 + j]!;
    }
    return f + addL2(g, p, penalised, alpha);
  };
}

/** The L2 penalty on the first n parameters: alpha·p added to the gradient; returns ½·alpha·|p|². */
export function addL2(g: Float64Array, p: Float64Array, n: number, alpha: number): number {
  let pen = 0;
  for (let j = 0; j < n; j++) {
    pen += p[j]! * p[j]!;
    g[j] = g[j]! + alpha * p[j]!;
  }
  return 0.5 * alpha * pen;
}

/** The end of a SIMD objective's fit: its helper leaves; one that did not leave in time may still write into the memory, so the next fit gets a fresh one. */
export function closeTeam(team: { close(): void; readonly helperBusy: boolean } | null, memory: WebAssembly.Memory): void {
  if (!team) return;
  team.close();
  if (team.helperBusy) retireKernelMemory(memory);
}

/** Most bytes of WASM memory a SIMD objective may take (the multinomial one holds X twice). */
export const SIMD_MAX_BYTES = 512 * 2 ** 20;

let kept: WebAssembly.Memory | null | undefined;

/**
 * The thread's kernel memory (shared, so a helper thread works on the same
 * data), grown to at least `bytes` (at most SIMD_MAX_BYTES); null where
 * shared WebAssembly memory is missing or `bytes` is too many. One memory
 * serves every fit of the thread (fits are synchronous; one objective is in
 * use at a time) and both objectives' kernels: it grows to the largest fit's
 * size and stays, where a memory per fit would stay as long as the helper's
 * thread (which collects garbage only when it allocates) holds its copy of
 * the handle — ~130 MB per 1M × 20 fit, measured.
 */
export function kernelMemory(bytes: number): WebAssembly.Memory | null {
  if (bytes > SIMD_MAX_BYTES) return null;
  if (kept === undefined) {
    try {
      kept = new WebAssembly.Memory({ initial: 1, maximum: SIMD_MAX_BYTES / 65536, shared: true });
    } catch {
      kept = null;
    }
  }
  if (!kept) return null;
  const have = kept.buffer.byteLength;
  if (bytes > have) kept.grow(Math.ceil((bytes - have) / 65536));
  return kept;
}

/** A helper did not leave in time and may still write into `memory`: the next fit gets a fresh one. */
export function retireKernelMemory(memory: WebAssembly.Memory): void {
  if (kept === memory) kept = undefined;
}

/**
 * Size of X from which a fit splits each evaluation with a helper thread:
 * rows × features (binary), × classes rounded up to 4 (multinomial).
 * Measured under load ~3 on 2 cores: 75k × 20 binary fit+predict min
 * 29-31 ms alone -> 18-22 ms with the helper, digits (1347 × 64 × 12)
 * 48-49 -> 30-31 ms; 7.5k × 20 (two chunks) 2.6 ms either way, so small fits
 * stay on one thread.
 */
export const TEAM_MIN_VALUES = 400_000;

/** `current` for the calling thread, whose results are always wanted. */
export const always = (): boolean => true;
