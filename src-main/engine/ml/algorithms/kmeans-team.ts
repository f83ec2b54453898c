/**
 * k-means over two threads: the rows are cut into fixed chunks of ROWS
 * rows; every pass (a Lloyd E-step, a final assignment, the k-means++
 * candidate potentials, the k-means++ distance update) is one ChunkTeam
 * evaluation in which this thread and one helper from the shared ML pool
 * take chunks (optim/chunk-team.ts). Each chunk writes its own partial sums,
 * counts, inertia and potentials, and they are added in chunk order, so the
 * result does not depend on which thread did which chunk or on whether the
 * helper came at all.
 *
 * The data and every buffer the helper reads or writes sit in
 * SharedArrayBuffers; the pass to run and its arguments are in `op`.
 */
import { ChunkTeam } from '../optim/chunk-team.ts';

/** Rows per chunk. */
export const ROWS = 8192;
/** Values (rows × features) from which a fit is worth a helper thread. */
export const TEAM_MIN_VALUES = 100_000;

const OP_ACCUMULATE = 1;
const OP_ASSIGN = 2;
const OP_POTENTIALS = 3;
const OP_UPDATE = 4;
/** op layout: [pass, trials, candidate rows…] */
const OP_CAND = 2;
const MAX_TRIALS = 64;

export interface TeamData {
  x: Float64Array;
  n: number;
  d: number;
  k: number;
  centers: Float64Array;
  labels: Int32Array;
  /** nChunks × k × d */
  sums: Float64Array;
  /** nChunks × k */
  counts: Float64Array;
  /** nChunks × MAX_TRIALS: inertia (slot 0) or the trials' potentials */
  part: Float64Array;
  /** k-means++: squared distance of every row to its nearest chosen centre */
  closest: Float64Array;
  op: Int32Array;
}

function shared(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)));
}

/** E-step over rows [start, end) for two features (the teaching view's plane): centres unrolled into locals where k ≤ 8. */
function pass2(x: Float64Array, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array, acc: boolean, sums: Float64Array, counts: Float64Array, so: number, co: number): number {
  let inertia = 0;
  for (let i = start; i < end; i++) {
    const x0 = x[2 * i]!;
    const x1 = x[2 * i + 1]!;
    let best = 0;
    let bestD = Infinity;
    for (let q = 0; q < k; q++) {
      const u = x0 - centers[2 * q]!;
      const v = x1 - centers[2 * q + 1]!;
      const dd = u * u + v * v;
      if (dd < bestD) {
        bestD = dd;
        best = q;
      }
    }
    labels[i] = best;
    inertia += bestD;
    if (acc) {
      const ob = so + 2 * best;
      sums[ob] = sums[ob]! + x0;
      sums[ob + 1] = sums[ob + 1]! + x1;
      counts[co + best] = counts[co + best]! + 1;
    }
  }
  return inertia;
}

/** E-step over rows [start, end), any number of features. */
function passD(x: Float64Array, d: number, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array, acc: boolean, sums: Float64Array, counts: Float64Array, so: number, co: number): number {
  let inertia = 0;
  for (let i = start; i < end; i++) {
    const o = i * d;
    let best = 0;
    let bestD = Infinity;
    for (let q = 0; q < k; q++) {
      const oc = q * d;
      let dd = 0;
      for (let j = 0; j < d; j++) {
        const t = x[o + j]! - centers[oc + j]!;
        dd += t * t;
      }
      if (dd < bestD) {
        bestD = dd;
        best = q;
      }
    }
    labels[i] = best;
    inertia += bestD;
    if (acc) {
      const ob = so + best * d;
      for (let j = 0; j < d; j++) sums[ob + j] = sums[ob + j]! + x[o + j]!;
      counts[co + best] = counts[co + best]! + 1;
    }
  }
  return inertia;
}

/** The chunk function (run by both threads): the pass named in op[0] over chunk c's rows. */
export function kmeansChunk(a: TeamData, c: number, _thread: number, current: () => boolean): void {
  const { x, n, d, k, centers, labels } = a;
  const start = c * ROWS;
  const end = Math.min(n, start + ROWS);
  const pass = a.op[0]!;
  if (pass === OP_ACCUMULATE || pass === OP_ASSIGN) {
    const acc = pass === OP_ACCUMULATE;
    const sums = a.sums;
    const counts = a.counts;
    const so = c * k * d;
    const co = c * k;
    if (acc) {
      sums.fill(0, so, so + k * d);
      counts.fill(0, co, co + k);
    }
    // a helper given up for stalling (chunk-team.ts) drops its result: checked per chunk, not per row
    if (!current()) return;
    const inertia = d === 2 ? pass2(x, centers, k, start, end, labels, acc, sums, counts, so, co) : passD(x, d, centers, k, start, end, labels, acc, sums, counts, so, co);
    if (current()) a.part[c * MAX_TRIALS] = inertia;
    return;
  }
  const closest = a.closest;
  if (pass === OP_POTENTIALS) {
    const trials = a.op[1]!;
    for (let t = 0; t < trials; t++) {
      const ob = a.op[OP_CAND + t]! * d;
      let p = 0;
      for (let i = start; i < end; i++) {
        const o = i * d;
        let dd = 0;
        for (let j = 0; j < d; j++) {
          const v = x[o + j]! - x[ob + j]!;
          dd += v * v;
        }
        const cl = closest[i]!;
        p += dd < cl ? dd : cl;
      }
      if (current()) a.part[c * MAX_TRIALS + t] = p;
    }
    return;
  }
  if (pass === OP_UPDATE) {
    if (!current()) return;
    const ob = a.op[OP_CAND]! * d;
    for (let i = start; i < end; i++) {
      const o = i * d;
      let dd = 0;
      for (let j = 0; j < d; j++) {
        const v = x[o + j]! - x[ob + j]!;
        dd += v * v;
      }
      if (dd < closest[i]!) closest[i] = dd;
    }
  }
}

/** One fit's team: the shared copies of X and the buffers, and the helper. */
export class KMeansTeam {
  readonly data: TeamData;
  readonly nChunks: number;
  private readonly team: ChunkTeam;
  private readonly local: (c: number) => void;

  constructor(X: Float64Array, n: number, d: number, k: number) {
    const nChunks = Math.ceil(n / ROWS);
    const x = shared(n * d);
    x.set(X.subarray(0, n * d));
    this.data = {
      x,
      n,
      d,
      k,
      centers: shared(k * d),
      labels: new Int32Array(new SharedArrayBuffer(4 * n)),
      sums: shared(nChunks * k * d),
      counts: shared(nChunks * k),
      part: shared(nChunks * MAX_TRIALS),
      closest: shared(n),
      op: new Int32Array(new SharedArrayBuffer(4 * (OP_CAND + MAX_TRIALS))),
    };
    this.nChunks = nChunks;
    this.team = new ChunkTeam(nChunks, { module: import.meta.url, fn: 'kmeansChunk', args: this.data }, true);
    const always = (): boolean => true;
    this.local = (c) => kmeansChunk(this.data, c, 0, always);
  }

  /** Lloyd E-step to `centers`: labels, per-cluster sums and counts (added in chunk order); returns the inertia. */
  accumulate(centers: Float64Array, sums: Float64Array, counts: Float64Array): number {
    const a = this.data;
    a.centers.set(centers);
    a.op[0] = OP_ACCUMULATE;
    this.team.run(this.local);
    const kd = a.k * a.d;
    sums.fill(0);
    counts.fill(0);
    let inertia = 0;
    for (let c = 0; c < this.nChunks; c++) {
      for (let q = 0; q < kd; q++) sums[q] = sums[q]! + a.sums[c * kd + q]!;
      for (let q = 0; q < a.k; q++) counts[q] = counts[q]! + a.counts[c * a.k + q]!;
      inertia += a.part[c * MAX_TRIALS]!;
    }
    return inertia;
  }

  /** Nearest centre of every row into the shared labels; returns the inertia. */
  assign(centers: Float64Array): number {
    const a = this.data;
    a.centers.set(centers);
    a.op[0] = OP_ASSIGN;
    this.team.run(this.local);
    let inertia = 0;
    for (let c = 0; c < this.nChunks; c++) inertia += a.part[c * MAX_TRIALS]!;
    return inertia;
  }

  /** k-means++: the potential (sum of min(closest, distance to the candidate)) of each candidate row. */
  potentials(cands: number[]): number[] {
    const a = this.data;
    if (cands.length > MAX_TRIALS) throw new RangeError(`at most ${MAX_TRIALS} k-means++ candidates per step`);
    a.op[0] = OP_POTENTIALS;
    a.op[1] = cands.length;
    cands.forEach((r, t) => (a.op[OP_CAND + t] = r));
    this.team.run(this.local);
    return cands.map((_, t) => {
      let p = 0;
      for (let c = 0; c < this.nChunks; c++) p += a.part[c * MAX_TRIALS + t]!;
      return p;
    });
  }

  /** k-means++: closest ← min(closest, squared distance to row r). */
  update(r: number): void {
    const a = this.data;
    a.op[0] = OP_UPDATE;
    a.op[OP_CAND] = r;
    this.team.run(this.local);
  }

  close(): void {
    this.team.close();
  }
}
