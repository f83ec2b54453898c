/**
 * k-means one half-step at a time, for the teaching view: "assign points"
 * (each point to its nearest centroid) and "move centroids" (each centroid to
 * the mean of its points), with every state kept so that "step back" returns
 * exactly the previous centroids. Pure TypeScript on 2-D points (row-major
 * x0, y0, x1, y1, …), so the renderer animates it without the engine and the
 * tests check it without a browser.
 *
 * Initialisations: random points (k distinct points), random partition
 * (every point gets a random cluster; centroids are their means), k-means++
 * (D² sampling), farthest point (a random point, then repeatedly the point
 * farthest from every chosen centroid) and manual (centroids placed by
 * clicking). A cluster left without points keeps its centroid where it is.
 */
import { LatheError } from '../errors.ts';
import { SeededRandom } from './random.ts';

export const INIT_METHODS = ['random_points', 'random_partition', 'kmeans++', 'farthest_point', 'manual'] as const;
export type InitMethod = (typeof INIT_METHODS)[number];

export const INIT_LABELS: Record<InitMethod, string> = {
  random_points: 'Random points',
  random_partition: 'Random partition',
  'kmeans++': 'k-means++',
  farthest_point: 'Farthest point',
  manual: 'Click to place',
};

/** 'init': centroids placed; 'assign': points just (re)assigned; 'move': centroids just moved. */
export type Phase = 'init' | 'assign' | 'move';

export interface KState {
  /** Half-steps taken since the initial state. */
  step: number;
  /** Lloyd iteration: 0 at init, +1 at every assignment. */
  iteration: number;
  phase: Phase;
  /** k × 2, row-major. */
  centroids: Float64Array;
  /** Cluster of every point; -1 before the first assignment (random partition starts assigned). */
  labels: Int32Array;
  /** Sum of squared distances of the points to their centroids (NaN before any assignment). */
  inertia: number;
  /** The last assignment changed no label: the centroids will not move again. */
  converged: boolean;
}

export const PHASE_TEXT: Record<Phase, string> = {
  init: 'Initial centroids placed',
  assign: 'Points assigned to the nearest centroid',
  move: 'Centroids moved to the mean of their points',
};

function sq(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return dx * dx + dy * dy;
}

/** Index of the nearest centroid to (x, y). */
export function nearest(centroids: ArrayLike<number>, x: number, y: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; 2 * c < centroids.length; c++) {
    const d = sq(x, y, centroids[2 * c]!, centroids[2 * c + 1]!);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

export function inertiaOf(points: Float64Array, centroids: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c >= 0) s += sq(points[2 * i]!, points[2 * i + 1]!, centroids[2 * c]!, centroids[2 * c + 1]!);
  }
  return s;
}

function meansOf(points: Float64Array, labels: Int32Array, k: number, previous: Float64Array): Float64Array {
  const sums = new Float64Array(2 * k);
  const counts = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    sums[2 * c] = sums[2 * c]! + points[2 * i]!;
    sums[2 * c + 1] = sums[2 * c + 1]! + points[2 * i + 1]!;
    counts[c] = counts[c]! + 1;
  }
  const out = new Float64Array(2 * k);
  for (let c = 0; c < k; c++) {
    const n = counts[c]!;
    out[2 * c] = n > 0 ? sums[2 * c]! / n : previous[2 * c]!;
    out[2 * c + 1] = n > 0 ? sums[2 * c + 1]! / n : previous[2 * c + 1]!;
  }
  return out;
}

/** The initial state for `init` (seeded); `manual` takes the clicked centroids. */
export function initialState(points: Float64Array, k: number, init: InitMethod, seed: number, manual?: ArrayLike<number>): KState {
  const n = points.length / 2;
  if (!Number.isInteger(n)) throw new LatheError('BAD_DATA', `Points come as x, y pairs; got ${points.length} numbers.`, { param: 'points' });
  if (!Number.isInteger(k) || k < 1) throw new LatheError('INVALID_PARAM', `k must be a whole number of at least 1; got ${k}.`, { param: 'k' });
  if (init !== 'manual' && n < k) {
    throw new LatheError('BAD_DATA', `k-means needs at least k = ${k} points; there are ${n}. Lower k or add points.`, { param: 'k' });
  }
  const rng = new SeededRandom(seed);
  const centroids = new Float64Array(2 * k);
  let labels = new Int32Array(n).fill(-1);
  const take = (i: number, c: number): void => {
    centroids[2 * c] = points[2 * i]!;
    centroids[2 * c + 1] = points[2 * i + 1]!;
  };
  switch (init) {
    case 'manual': {
      if (!manual || manual.length !== 2 * k) {
        const got = manual ? manual.length / 2 : 0;
        throw new LatheError('BAD_DATA', `Click to place: ${got} of k = ${k} centroids placed. Click the plot ${k - got} more time(s).`, { param: 'centroids' });
      }
      for (let j = 0; j < 2 * k; j++) {
        const v = manual[j]!;
        if (!Number.isFinite(v)) throw new LatheError('BAD_DATA', `Centroid ${Math.floor(j / 2) + 1} has a coordinate that is not a number.`, { param: 'centroids' });
        centroids[j] = v;
      }
      break;
    }
    case 'random_points': {
      // k distinct indices by a partial Fisher–Yates shuffle.
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      for (let c = 0; c < k; c++) {
        const j = c + rng.int(n - c);
        const t = idx[c]!;
        idx[c] = idx[j]!;
        idx[j] = t;
        take(idx[c]!, c);
      }
      break;
    }
    case 'random_partition': {
      labels = Int32Array.from({ length: n }, () => rng.int(k));
      // A cluster that drew no point starts on a random point.
      const fallback = new Float64Array(2 * k);
      for (let c = 0; c < k; c++) {
        const i = rng.int(n);
        fallback[2 * c] = points[2 * i]!;
        fallback[2 * c + 1] = points[2 * i + 1]!;
      }
      centroids.set(meansOf(points, labels, k, fallback));
      break;
    }
    case 'kmeans++': {
      take(rng.int(n), 0);
      const closest = new Float64Array(n);
      for (let i = 0; i < n; i++) closest[i] = sq(points[2 * i]!, points[2 * i + 1]!, centroids[0]!, centroids[1]!);
      for (let c = 1; c < k; c++) {
        let total = 0;
        for (let i = 0; i < n; i++) total += closest[i]!;
        let pick = n - 1;
        if (total > 0) {
          let r = rng.next() * total;
          for (let i = 0; i < n; i++) {
            r -= closest[i]!;
            if (r < 0) {
              pick = i;
              break;
            }
          }
        } else pick = rng.int(n);
        take(pick, c);
        for (let i = 0; i < n; i++) {
          const d = sq(points[2 * i]!, points[2 * i + 1]!, centroids[2 * c]!, centroids[2 * c + 1]!);
          if (d < closest[i]!) closest[i] = d;
        }
      }
      break;
    }
    case 'farthest_point': {
      take(rng.int(n), 0);
      const closest = new Float64Array(n);
      for (let i = 0; i < n; i++) closest[i] = sq(points[2 * i]!, points[2 * i + 1]!, centroids[0]!, centroids[1]!);
      for (let c = 1; c < k; c++) {
        let far = 0;
        for (let i = 1; i < n; i++) if (closest[i]! > closest[far]!) far = i;
        take(far, c);
        for (let i = 0; i < n; i++) {
          const d = sq(points[2 * i]!, points[2 * i + 1]!, centroids[2 * c]!, centroids[2 * c + 1]!);
          if (d < closest[i]!) closest[i] = d;
        }
      }
      break;
    }
    default:
      throw new LatheError('INVALID_PARAM', `init must be one of ${INIT_METHODS.join(', ')}; got ${JSON.stringify(init)}.`, { param: 'init' });
  }
  const assigned = labels[0] !== undefined && labels[0] >= 0;
  return { step: 0, iteration: 0, phase: 'init', centroids, labels, inertia: assigned ? inertiaOf(points, centroids, labels) : NaN, converged: false };
}

/** "Assign points": every point to its nearest centroid. */
export function assignStep(points: Float64Array, s: KState): KState {
  const n = points.length / 2;
  const labels = new Int32Array(n);
  let changed = false;
  for (let i = 0; i < n; i++) {
    const c = nearest(s.centroids, points[2 * i]!, points[2 * i + 1]!);
    labels[i] = c;
    if (c !== s.labels[i]) changed = true;
  }
  return {
    step: s.step + 1,
    iteration: s.iteration + 1,
    phase: 'assign',
    centroids: s.centroids,
    labels,
    inertia: inertiaOf(points, s.centroids, labels),
    // No label changed after the centroids moved to their points' means: a fixed point.
    converged: !changed && s.phase === 'move',
  };
}

/** "Move centroids": every centroid to the mean of its points. */
export function moveStep(points: Float64Array, s: KState): KState {
  const k = s.centroids.length / 2;
  const centroids = meansOf(points, s.labels, k, s.centroids);
  return { step: s.step + 1, iteration: s.iteration, phase: 'move', centroids, labels: s.labels, inertia: inertiaOf(points, centroids, s.labels), converged: false };
}

/**
 * The stepper the view drives: a history of states, so "step back" and
 * "reset" are exact. After the init (random partition's centroids are already
 * its means) and after a move the next step assigns; after an assignment it moves.
 */
export class KMeansStepper {
  readonly points: Float64Array;
  readonly k: number;
  readonly history: KState[];

  constructor(points: Float64Array, k: number, init: InitMethod, seed: number, manual?: ArrayLike<number>) {
    this.points = points;
    this.k = k;
    this.history = [initialState(points, k, init, seed, manual)];
  }

  get state(): KState {
    return this.history[this.history.length - 1]!;
  }

  /** What the next step does. */
  get nextPhase(): 'assign' | 'move' {
    return this.state.phase === 'assign' ? 'move' : 'assign';
  }

  get converged(): boolean {
    return this.state.converged;
  }

  step(): KState {
    if (this.converged) return this.state;
    const next = this.nextPhase === 'assign' ? assignStep(this.points, this.state) : moveStep(this.points, this.state);
    this.history.push(next);
    return next;
  }

  /** Step until converged or `max` half-steps; returns the number taken. */
  run(max = 1000): number {
    let taken = 0;
    while (!this.converged && taken < max) {
      this.step();
      taken++;
    }
    return taken;
  }

  back(): KState {
    if (this.history.length > 1) this.history.pop();
    return this.state;
  }

  reset(): KState {
    this.history.length = 1;
    return this.state;
  }

  /** Go to half-step `n` (from the start), stepping forward as needed. */
  goTo(n: number): KState {
    if (n < this.history.length) this.history.length = Math.max(1, n + 1);
    while (this.history.length - 1 < n && !this.converged) this.step();
    return this.state;
  }

  /** Inertia after each assignment (one value per Lloyd iteration so far). */
  inertiaPerIteration(): number[] {
    return this.history.filter((s) => s.phase === 'assign').map((s) => s.inertia);
  }

  /** The path of each centroid: its distinct positions so far. */
  trails(): [number, number][][] {
    const out: [number, number][][] = Array.from({ length: this.k }, () => []);
    for (const s of this.history) {
      for (let c = 0; c < this.k; c++) {
        const t = out[c]!;
        const x = s.centroids[2 * c]!;
        const y = s.centroids[2 * c + 1]!;
        const last = t[t.length - 1];
        if (!last || last[0] !== x || last[1] !== y) t.push([x, y]);
      }
    }
    return out;
  }
}
