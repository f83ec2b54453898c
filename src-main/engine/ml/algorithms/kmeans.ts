/**
 * k-means clustering by Lloyd's algorithm, as scikit-learn's KMeans
 * (algorithm='lloyd'): the same convergence rule (strict when no label
 * changes, else the squared centre shift at most tol × mean feature
 * variance), the same empty-cluster relocation (to the points farthest from
 * their centres), a final assignment so labels match the centres, and the
 * run with the lowest inertia of n_init kept.
 *
 * Initialisations: scikit-learn's greedy k-means++ (2 + ⌊ln k⌋ candidates per
 * step), 'random' (k distinct rows), and for the teaching view
 * 'random_partition' and 'farthest_point'; or given centroids through
 * `fit(X, undefined, { initialCentroids })` (then one run).
 *
 * With `keepSnapshots: true` every iteration is recorded as two half-steps,
 * "assign" (labels to the current centroids) and "move" (centroids to the
 * means of their points), each with its inertia, for the animation.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { KMEANS_OWNER, KMEANS_SCHEMA } from '../../../../src-shared/ml/schemas/kmeans.ts';
import { checkAborted, checkMatrix, checkPredictMatrix, notFitted } from '../check.ts';
import type { Estimator, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { threadCount } from '../parallel.ts';
import { deriveSeed, Random } from '../random.ts';
import { stateArray, stateNumber } from '../state.ts';
import { KMeansTeam, ROWS as TEAM_ROWS, TEAM_MIN_VALUES, ePass } from './kmeans-team.ts';

export interface KMeansFitOptions extends FitOptions {
  /** k × d starting centroids (row-major); one run is made from them. */
  initialCentroids?: Matrix;
  /** Record every half-step of the kept run in `snapshots`. */
  keepSnapshots?: boolean;
  /** Share the passes over the rows with a helper thread: by default from TEAM_MIN_VALUES values on a machine with two cores. */
  team?: boolean;
}

export interface KMeansSnapshot {
  /** 0 for the initial centroids, then 1, 2, … per Lloyd iteration. */
  iteration: number;
  phase: 'init' | 'assign' | 'move';
  /** k × d, row-major. */
  centroids: Float64Array;
  /** Cluster of every row (empty for 'init'); 'move' shares the array of its 'assign'. */
  labels: Int32Array;
  /** Sum of squared distances of the rows to the centroids of their labels (NaN for 'init'). */
  inertia: number;
}

interface RunResult {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  snapshots: KMeansSnapshot[];
}

/**
 * One Lloyd E-step over rows [start, end): nearest centre of each row into
 * `labels`, the row added to its cluster's `sums` and `counts`. Returns the
 * rows' inertia. The loops are kmeans-team.ts's (the same for one thread
 * and for a team's chunks).
 */
function assignAccumulate(x: Float64Array, d: number, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array, sums: Float64Array, counts: Float64Array): number {
  return ePass(x, d, centers, k, start, end, labels, true, sums, counts, 0, 0);
}

/** Nearest centre of rows [start, end) into `labels`; returns their inertia. */
function assignOnly(x: Float64Array, d: number, centers: Float64Array, k: number, start: number, end: number, labels: Int32Array): number {
  return ePass(x, d, centers, k, start, end, labels, false, NO_SUMS, NO_SUMS, 0, 0);
}

const NO_SUMS = new Float64Array(0);

function sqDist(x: Float64Array, i: number, c: Float64Array, ci: number, d: number): number {
  let s = 0;
  const o = i * d;
  const oc = ci * d;
  for (let j = 0; j < d; j++) {
    const t = x[o + j]! - c[oc + j]!;
    s += t * t;
  }
  return s;
}

/** Mean of the per-feature (population) variances: scikit-learn's scale for tol. */
function meanVariance(x: Float64Array, n: number, d: number): number {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const t = x[o + j]! - mean[j]!;
      v += t * t;
    }
  }
  return v / n / d;
}

const CHUNK = 8192;

export class KMeans implements Estimator {
  readonly algo = 'kmeans';
  readonly params: Params;
  clusterCenters_: Float64Array | null = null;
  labels_: Int32Array | null = null;
  inertia_ = NaN;
  nIter_ = 0;
  nFeaturesIn = 0;
  /** The half-steps of the kept run (empty unless fit was asked to keep them). */
  snapshots: KMeansSnapshot[] = [];

  constructor(params: Params = {}) {
    this.params = validateParams(KMEANS_OWNER, KMEANS_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.clusterCenters_ !== null;
  }

  get nClusters(): number {
    return this.params.n_clusters as number;
  }

  fit(X: Matrix, _y?: Float64Array | Int32Array, opts: KMeansFitOptions = {}): this {
    checkMatrix(X, KMEANS_OWNER);
    checkAborted(opts.signal, KMEANS_OWNER);
    const k = this.params.n_clusters as number;
    const n = X.rows;
    const d = X.cols;
    if (n < k) {
      throw new LatheError('BAD_DATA', `${KMEANS_OWNER}: n_samples=${n} should be >= n_clusters=${k}. Ask for fewer clusters or give more rows.`, {
        param: 'n_clusters',
      });
    }
    let given: Float64Array | null = null;
    if (opts.initialCentroids) {
      const c = opts.initialCentroids;
      if (c.rows !== k || c.cols !== d || c.data.length !== k * d) {
        throw new LatheError(
          'BAD_DATA',
          `${KMEANS_OWNER}: the initial centroids are ${c.rows} × ${c.cols} but must be n_clusters × n_features = ${k} × ${d}.`,
          { param: 'initialCentroids' },
        );
      }
      checkMatrix(c, KMEANS_OWNER, 'initialCentroids');
      given = Float64Array.from(c.data);
    }
    this.clusterCenters_ = null;
    this.labels_ = null;
    this.snapshots = [];
    this.nFeaturesIn = d;
    const tolAbs = (this.params.tol as number) * meanVariance(X.data, n, d);
    const nInit = given ? 1 : (this.params.n_init as number);
    const seed = this.params.random_state as number;
    let best: RunResult | null = null;
    // big data: every pass over the rows is shared with a helper thread (kmeans-team.ts)
    const team = (opts.team ?? n * d >= TEAM_MIN_VALUES) && threadCount(-1) > 1 ? new KMeansTeam(X.data, n, d, k) : null;
    try {
      for (let r = 0; r < nInit; r++) {
        const rng = new Random(deriveSeed(seed, r));
        const init = given ?? this.initialise(X, rng, opts.signal, team);
        const run = this.lloyd(X, init, tolAbs, opts, r, nInit, team);
        if (!best || run.inertia < best.inertia) best = run;
      }
    } finally {
      team?.close();
    }
    this.clusterCenters_ = best!.centers;
    this.labels_ = best!.labels;
    this.inertia_ = best!.inertia;
    this.nIter_ = best!.nIter;
    this.snapshots = best!.snapshots;
    opts.onProgress?.(1, `k-means done: inertia ${best!.inertia.toPrecision(6)} after ${best!.nIter} iterations`);
    return this;
  }

  /** The initial centroids of one run (k × d). */
  initialise(X: Matrix, rng: Random, signal?: AbortSignal, team: KMeansTeam | null = null): Float64Array {
    const k = this.params.n_clusters as number;
    const n = X.rows;
    const d = X.cols;
    const x = X.data;
    const centers = new Float64Array(k * d);
    const copyRow = (i: number, c: number): void => centers.set(x.subarray(i * d, i * d + d), c * d);
    switch (this.params.init as string) {
      case 'random': {
        const idx = rng.sample(n, k);
        for (let c = 0; c < k; c++) copyRow(idx[c]!, c);
        return centers;
      }
      case 'random_partition': {
        const counts = new Float64Array(k);
        for (let i = 0; i < n; i++) {
          const c = rng.int(k);
          counts[c]!++;
          const o = i * d;
          for (let j = 0; j < d; j++) centers[c * d + j] = centers[c * d + j]! + x[o + j]!;
        }
        for (let c = 0; c < k; c++) {
          if (counts[c] === 0) copyRow(rng.int(n), c);
          else for (let j = 0; j < d; j++) centers[c * d + j] = centers[c * d + j]! / counts[c]!;
        }
        return centers;
      }
      case 'farthest_point': {
        copyRow(rng.int(n), 0);
        const closest = new Float64Array(n);
        for (let i = 0; i < n; i++) closest[i] = sqDist(x, i, centers, 0, d);
        for (let c = 1; c < k; c++) {
          checkAborted(signal, KMEANS_OWNER);
          let far = 0;
          for (let i = 1; i < n; i++) if (closest[i]! > closest[far]!) far = i;
          copyRow(far, c);
          for (let i = 0; i < n; i++) {
            const dd = sqDist(x, i, centers, c, d);
            if (dd < closest[i]!) closest[i] = dd;
          }
        }
        return centers;
      }
      default:
        return kmeansPlusPlus(X, k, rng, signal, team);
    }
  }

  private lloyd(X: Matrix, init: Float64Array, tolAbs: number, opts: KMeansFitOptions, run: number, nRuns: number, team: KMeansTeam | null): RunResult {
    const k = this.params.n_clusters as number;
    const maxIter = this.params.max_iter as number;
    const n = X.rows;
    const d = X.cols;
    const x = X.data;
    let centers = Float64Array.from(init);
    let centersNew = new Float64Array(k * d);
    const labels = (team ? team.data.labels : new Int32Array(n)).fill(-1);
    const labelsOld = new Int32Array(n).fill(-1);
    const counts = new Float64Array(k);
    const keep = opts.keepSnapshots === true;
    const snapshots: KMeansSnapshot[] = [];
    if (keep) snapshots.push({ iteration: 0, phase: 'init', centroids: Float64Array.from(centers), labels: new Int32Array(0), inertia: NaN });
    let strict = false;
    let iter = 0;
    for (let it = 0; it < maxIter; it++) {
      checkAborted(opts.signal, KMEANS_OWNER);
      iter = it + 1;
      centersNew.fill(0);
      counts.fill(0);
      let inertia = 0;
      if (team) inertia = team.accumulate(centers, centersNew, counts);
      else
        for (let s = 0; s < n; s += CHUNK) {
          if (s > 0) checkAborted(opts.signal, KMEANS_OWNER);
          inertia += assignAccumulate(x, d, centers, k, s, Math.min(n, s + CHUNK), labels, centersNew, counts);
        }
      // Empty clusters: move them to the points farthest from their centres (as scikit-learn).
      let relocated = false;
      let empty = 0;
      for (let c = 0; c < k; c++) if (counts[c] === 0) empty++;
      if (empty > 0) {
        relocated = true;
        const dist = new Float64Array(n);
        for (let i = 0; i < n; i++) dist[i] = sqDist(x, i, centers, labels[i]!, d);
        const far = Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => dist[b]! - dist[a]!)
          .slice(0, empty);
        let e = 0;
        for (let c = 0; c < k; c++) {
          if (counts[c] !== 0) continue;
          const fi = far[e++]!;
          const old = labels[fi]!;
          for (let j = 0; j < d; j++) {
            centersNew[old * d + j] = centersNew[old * d + j]! - x[fi * d + j]!;
            centersNew[c * d + j] = x[fi * d + j]!;
          }
          counts[c] = 1;
          counts[old]!--;
        }
      }
      let shift = 0;
      let moveGain = 0;
      for (let c = 0; c < k; c++) {
        const cnt = counts[c]!;
        let sc = 0;
        for (let j = 0; j < d; j++) {
          const v = cnt > 0 ? centersNew[c * d + j]! / cnt : centers[c * d + j]!;
          centersNew[c * d + j] = v;
          const t = v - centers[c * d + j]!;
          sc += t * t;
        }
        shift += sc;
        moveGain += cnt * sc;
      }
      if (keep) {
        const lab = Int32Array.from(labels);
        snapshots.push({ iteration: iter, phase: 'assign', centroids: Float64Array.from(centers), labels: lab, inertia });
        // Moving a centre to its points' mean lowers their squared distances by count × shift².
        const moved = relocated ? inertiaOf(x, d, centersNew, labels) : Math.max(0, inertia - moveGain);
        snapshots.push({ iteration: iter, phase: 'move', centroids: Float64Array.from(centersNew), labels: lab, inertia: moved });
      }
      [centers, centersNew] = [centersNew, centers];
      opts.onProgress?.(
        (run + iter / maxIter) / nRuns,
        `run ${run + 1}/${nRuns}, iteration ${iter}: inertia ${inertia.toPrecision(6)}`,
        keep ? { run, iteration: iter, inertia, snapshot: snapshots[snapshots.length - 1] } : { run, iteration: iter, inertia },
      );
      if (arraysEqual(labels, labelsOld)) {
        strict = true;
        break;
      }
      if (shift <= tolAbs) break;
      labelsOld.set(labels);
    }
    let inertia: number;
    if (!strict) {
      // Re-run the E-step so that labels match the final centres.
      inertia = 0;
      if (team) inertia = team.assign(centers);
      else for (let s = 0; s < n; s += CHUNK) inertia += assignOnly(x, d, centers, k, s, Math.min(n, s + CHUNK), labels);
      if (keep) snapshots.push({ iteration: iter + 1, phase: 'assign', centroids: Float64Array.from(centers), labels: Int32Array.from(labels), inertia });
    } else inertia = inertiaOf(x, d, centers, labels);
    // the team's labels live in shared memory that the next run reuses: keep a copy
    return { centers, labels: team ? Int32Array.from(labels) : labels, inertia, nIter: iter, snapshots };
  }

  predict(X: Matrix): Int32Array {
    if (!this.clusterCenters_) throw notFitted(KMEANS_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, KMEANS_OWNER);
    const labels = new Int32Array(X.rows);
    assignOnly(X.data, X.cols, this.clusterCenters_, this.nClusters, 0, X.rows, labels);
    return labels;
  }

  /** Euclidean distance of every row to every centre (n × k, row-major). */
  transform(X: Matrix): Float64Array {
    if (!this.clusterCenters_) throw notFitted(KMEANS_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, KMEANS_OWNER);
    const k = this.nClusters;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = Math.sqrt(sqDist(X.data, i, this.clusterCenters_, c, X.cols));
    return out;
  }

  /** Opposite of the inertia of X against the fitted centres (scikit-learn's KMeans.score). */
  score(X: Matrix): number {
    if (!this.clusterCenters_) throw notFitted(KMEANS_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, KMEANS_OWNER);
    const labels = new Int32Array(X.rows);
    return -assignOnly(X.data, X.cols, this.clusterCenters_, this.nClusters, 0, X.rows, labels);
  }

  toJSON(): EstimatorState {
    if (!this.clusterCenters_) throw notFitted(KMEANS_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: { clusterCenters: Float64Array.from(this.clusterCenters_), nFeaturesIn: this.nFeaturesIn, inertia: this.inertia_, nIter: this.nIter_ },
    };
  }

  static fromJSON(s: EstimatorState): KMeans {
    const m = new KMeans(s.params);
    m.clusterCenters_ = stateArray(s.state, 'clusterCenters', 'Float64Array', KMEANS_OWNER);
    m.nFeaturesIn = stateNumber(s.state, 'nFeaturesIn', KMEANS_OWNER);
    m.inertia_ = typeof s.state.inertia === 'number' ? s.state.inertia : NaN;
    m.nIter_ = typeof s.state.nIter === 'number' ? s.state.nIter : 0;
    if (m.clusterCenters_.length !== m.nClusters * m.nFeaturesIn) {
      throw new LatheError('BAD_MODEL_FILE', `The saved ${KMEANS_OWNER} has ${m.clusterCenters_.length} centre values, not n_clusters × features.`);
    }
    return m;
  }
}

function arraysEqual(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function inertiaOf(x: Float64Array, d: number, centers: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += sqDist(x, i, centers, labels[i]!, d);
  return s;
}

/**
 * scikit-learn's greedy k-means++: each new centre is the best (lowest
 * resulting potential) of 2 + ⌊ln k⌋ rows sampled with probability
 * proportional to their squared distance to the nearest chosen centre.
 */
export function kmeansPlusPlus(X: Matrix, k: number, rng: Random, signal?: AbortSignal, team: KMeansTeam | null = null): Float64Array {
  const n = X.rows;
  const d = X.cols;
  const x = X.data;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(x.subarray(first * d, first * d + d), 0);
  if (team) return kmeansPlusPlusTeam(x, n, d, k, trials, centers, first, rng, team, signal);
  let closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(x, i, centers, 0, d);
    pot += closest[i]!;
  }
  const cum = new Float64Array(n);
  let cand = new Float64Array(n);
  let bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    // each centre costs `trials` passes over the data: seconds for a big k on wide data
    checkAborted(signal, KMEANS_OWNER);
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i]!;
    let bestPot = Infinity;
    let bestId = 0;
    for (let t = 0; t < trials; t++) {
      const r = rng.uniform() * pot;
      // First index with cum ≥ r (numpy searchsorted, side='left'), clipped.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      const id = lo;
      const p = d === 2 ? candidatePotential2(x, n, id, closest, cand) : candidatePotential(x, n, d, id, closest, cand);
      if (p < bestPot) {
        bestPot = p;
        bestId = id;
        [bestDist, cand] = [cand, bestDist];
      }
    }
    centers.set(x.subarray(bestId * d, bestId * d + d), c * d);
    [closest, bestDist] = [bestDist, closest];
    pot = bestPot;
  }
  return centers;
}

/** min(closest, squared distance to row id) into cand; returns its sum. */
function candidatePotential(x: Float64Array, n: number, d: number, id: number, closest: Float64Array, cand: Float64Array): number {
  const o = id * d;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    let dd = 0;
    for (let j = 0; j < d; j++) {
      const v = x[oi + j]! - x[o + j]!;
      dd += v * v;
    }
    const c = closest[i]!;
    const m = dd < c ? dd : c;
    cand[i] = m;
    p += m;
  }
  return p;
}

function candidatePotential2(x: Float64Array, n: number, id: number, closest: Float64Array, cand: Float64Array): number {
  const c0 = x[2 * id]!;
  const c1 = x[2 * id + 1]!;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const a = x[2 * i]! - c0;
    const b = x[2 * i + 1]! - c1;
    const dd = a * a + b * b;
    const c = closest[i]!;
    const m = dd < c ? dd : c;
    cand[i] = m;
    p += m;
  }
  return p;
}

/**
 * kmeansPlusPlus with the passes over the rows shared by a team: the same
 * draws in the same order (a step's candidates are drawn before their
 * potentials are known, as they do not depend on them); each candidate row
 * is found from the chunks' sums of `closest` and a prefix within its chunk
 * (no prefix array over all rows); potentials are added in chunk order and
 * the chosen centre's distances folded into `closest` by the team.
 */
function kmeansPlusPlusTeam(x: Float64Array, n: number, d: number, k: number, trials: number, centers: Float64Array, first: number, rng: Random, team: KMeansTeam, signal?: AbortSignal): Float64Array {
  const closest = team.data.closest;
  closest.fill(Infinity);
  let chunkSums = team.update(first);
  let pot = 0;
  for (let c = 0; c < chunkSums.length; c++) pot += chunkSums[c]!;
  const cands: number[] = new Array<number>(trials);
  for (let c = 1; c < k; c++) {
    checkAborted(signal, KMEANS_OWNER);
    for (let t = 0; t < trials; t++) cands[t] = drawRow(closest, n, chunkSums, rng.uniform() * pot);
    const pots = team.potentials(cands);
    let bestPot = Infinity;
    let bestId = 0;
    for (let t = 0; t < trials; t++) {
      if (pots[t]! < bestPot) {
        bestPot = pots[t]!;
        bestId = cands[t]!;
      }
    }
    centers.set(x.subarray(bestId * d, bestId * d + d), c * d);
    chunkSums = team.update(bestId);
    pot = 0;
    for (let q = 0; q < chunkSums.length; q++) pot += chunkSums[q]!;
  }
  return centers;
}

/** The first row whose running sum of `closest` reaches r (numpy's searchsorted on the cumulative sum), clipped to the last row. */
function drawRow(closest: Float64Array, n: number, chunkSums: Float64Array, r: number): number {
  let acc = 0;
  for (let c = 0; c < chunkSums.length; c++) {
    const next = acc + chunkSums[c]!;
    if (next >= r || c === chunkSums.length - 1) {
      const end = Math.min(n, (c + 1) * TEAM_ROWS);
      for (let i = c * TEAM_ROWS; i < end; i++) {
        acc += closest[i]!;
        if (acc >= r) return i;
      }
      // rounding left r above this chunk's running sum: the next non-empty chunk's first row
      for (let i = end; i < n; i++) if (closest[i]! > 0) return i;
      return n - 1;
    }
    acc = next;
  }
  return n - 1;
}
