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

/**
 * E-step over rows [start, end): the nearest centre of each row into
 * `labels`; with `acc` the row is added to sums[so + cluster·d …] and
 * counts[co + cluster]. Returns the rows' inertia. Two features have their
 * an unrolled loop for up to eight centres (the teaching view's plane).
 */
export function ePass(x: Float64Array, d: number, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array, acc: boolean, sums: Float64Array, counts: Float64Array, so: number, co: number): number {
  if (d === 2 && k <= 8) return pass2k8(x, centers, k, start, end, labels, acc, sums, counts, so, co);
  return passD(x, d, centers, k, start, end, labels, acc, sums, counts, so, co);
}

/**
 * The E-step for two features and k ≤ 8: the centres in locals (missing ones at +Infinity, never
 * nearest) and the nearest found by a tournament of comparisons instead of
 * a loop of branches; ties go to the lower index, as in the loop.
 */
function pass2k8(x: Float64Array, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array, acc: boolean, sums: Float64Array, counts: Float64Array, so: number, co: number): number {
  const c = (q: number, j: number): number => (q < k ? centers[2 * q + j]! : Infinity);
  const a0 = c(0, 0), b0 = c(0, 1), a1 = c(1, 0), b1 = c(1, 1), a2 = c(2, 0), b2 = c(2, 1), a3 = c(3, 0), b3 = c(3, 1);
  const a4 = c(4, 0), b4 = c(4, 1), a5 = c(5, 0), b5 = c(5, 1), a6 = c(6, 0), b6 = c(6, 1), a7 = c(7, 0), b7 = c(7, 1);
  let inertia = 0;
  for (let i = start; i < end; i++) {
    const x0 = x[2 * i]!;
    const x1 = x[2 * i + 1]!;
    let u = x0 - a0;
    let v = x1 - b0;
    const d0 = u * u + v * v;
    u = x0 - a1;
    v = x1 - b1;
    const d1 = u * u + v * v;
    u = x0 - a2;
    v = x1 - b2;
    const d2 = u * u + v * v;
    u = x0 - a3;
    v = x1 - b3;
    const d3 = u * u + v * v;
    u = x0 - a4;
    v = x1 - b4;
    const d4 = u * u + v * v;
    u = x0 - a5;
    v = x1 - b5;
    const d5 = u * u + v * v;
    u = x0 - a6;
    v = x1 - b6;
    const d6 = u * u + v * v;
    u = x0 - a7;
    v = x1 - b7;
    const d7 = u * u + v * v;
    const m01 = d1 < d0 ? d1 : d0;
    const i01 = d1 < d0 ? 1 : 0;
    const m23 = d3 < d2 ? d3 : d2;
    const i23 = d3 < d2 ? 3 : 2;
    const m45 = d5 < d4 ? d5 : d4;
    const i45 = d5 < d4 ? 5 : 4;
    const m67 = d7 < d6 ? d7 : d6;
    const i67 = d7 < d6 ? 7 : 6;
    const mA = m23 < m01 ? m23 : m01;
    const iA = m23 < m01 ? i23 : i01;
    const mB = m67 < m45 ? m67 : m45;
    const iB = m67 < m45 ? i67 : i45;
    const bestD = mB < mA ? mB : mA;
    const best = mB < mA ? iB : iA;
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
    const inertia = ePass(x, d, centers, k, start, end, labels, acc, sums, counts, so, co);
    if (current()) a.part[c * MAX_TRIALS] = inertia;
    return;
  }
  const closest = a.closest;
  if (pass === OP_POTENTIALS) {
    const trials = a.op[1]!;
    if (d === 2 && trials <= 4) {
      // all candidates in one sweep (absent ones repeat the first; their sums are not read)
      const r0 = a.op[OP_CAND]!;
      potentials2x4(x, closest, r0, trials > 1 ? a.op[OP_CAND + 1]! : r0, trials > 2 ? a.op[OP_CAND + 2]! : r0, trials > 3 ? a.op[OP_CAND + 3]! : r0, start, end, quad);
      if (current()) a.part.set(quad, c * MAX_TRIALS);
      return;
    }
    for (let t = 0; t < trials; t++) {
      const p = d === 2 ? potential2(x, closest, a.op[OP_CAND + t]!, start, end) : potentialD(x, d, closest, a.op[OP_CAND + t]!, start, end);
      if (current()) a.part[c * MAX_TRIALS + t] = p;
    }
    return;
  }
  if (pass === OP_UPDATE) {
    if (!current()) return;
    const ob = a.op[OP_CAND]! * d;
    let sum = 0;
    if (d === 2) {
      const c0 = x[ob]!;
      const c1 = x[ob + 1]!;
      for (let i = start; i < end; i++) {
        const u = x[2 * i]! - c0;
        const v = x[2 * i + 1]! - c1;
        const dd = u * u + v * v;
        const cl = closest[i]!;
        const m = dd < cl ? dd : cl;
        closest[i] = m;
        sum += m;
      }
    } else {
      for (let i = start; i < end; i++) {
        const o = i * d;
        let dd = 0;
        for (let j = 0; j < d; j++) {
          const v = x[o + j]! - x[ob + j]!;
          dd += v * v;
        }
        const cl = closest[i]!;
        const m = dd < cl ? dd : cl;
        closest[i] = m;
        sum += m;
      }
    }
    if (current()) a.part[c * MAX_TRIALS] = sum;
  }
}

/** This thread's four potentials, copied to the shared sums only while the evaluation is current. */
const quad = new Float64Array(4);

/** potential2 for four candidate rows at once, into out[0..3]. */
function potentials2x4(x: Float64Array, closest: Float64Array, r0: number, r1: number, r2: number, r3: number, start: number, end: number, out: Float64Array): void {
  const a0 = x[2 * r0]!, b0 = x[2 * r0 + 1]!, a1 = x[2 * r1]!, b1 = x[2 * r1 + 1]!;
  const a2 = x[2 * r2]!, b2 = x[2 * r2 + 1]!, a3 = x[2 * r3]!, b3 = x[2 * r3 + 1]!;
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  for (let i = start; i < end; i++) {
    const x0 = x[2 * i]!;
    const x1 = x[2 * i + 1]!;
    const cl = closest[i]!;
    let u = x0 - a0;
    let v = x1 - b0;
    let dd = u * u + v * v;
    p0 += dd < cl ? dd : cl;
    u = x0 - a1;
    v = x1 - b1;
    dd = u * u + v * v;
    p1 += dd < cl ? dd : cl;
    u = x0 - a2;
    v = x1 - b2;
    dd = u * u + v * v;
    p2 += dd < cl ? dd : cl;
    u = x0 - a3;
    v = x1 - b3;
    dd = u * u + v * v;
    p3 += dd < cl ? dd : cl;
  }
  out[0] = p0;
  out[1] = p1;
  out[2] = p2;
  out[3] = p3;
}

/** Sum over rows [start, end) of min(closest, squared distance to row r), two features. */
function potential2(x: Float64Array, closest: Float64Array, r: number, start: number, end: number): number {
  const c0 = x[2 * r]!;
  const c1 = x[2 * r + 1]!;
  let p = 0;
  for (let i = start; i < end; i++) {
    const u = x[2 * i]! - c0;
    const v = x[2 * i + 1]! - c1;
    const dd = u * u + v * v;
    const cl = closest[i]!;
    p += dd < cl ? dd : cl;
  }
  return p;
}

function potentialD(x: Float64Array, d: number, closest: Float64Array, r: number, start: number, end: number): number {
  const ob = r * d;
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
  return p;
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

  /** k-means++: closest ← min(closest, squared distance to row r); returns each chunk's sum of closest. */
  update(r: number): Float64Array {
    const a = this.data;
    a.op[0] = OP_UPDATE;
    a.op[OP_CAND] = r;
    this.team.run(this.local);
    const sums = new Float64Array(this.nChunks);
    for (let c = 0; c < this.nChunks; c++) sums[c] = a.part[c * MAX_TRIALS]!;
    return sums;
  }

  close(): void {
    this.team.close();
  }
}
