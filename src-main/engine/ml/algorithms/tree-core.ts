/**
 * CART tree growing on typed arrays, shared by the decision trees, the random
 * forests (inside worker threads) and gradient boosting.
 *
 * Two split searches:
 * - exact: every feature is sorted once per fit (`order`). A feature with at
 *   most BUCKET_MAX distinct values (pixels, counts, categories coded as
 *   numbers) is scanned, in classification, by class weights per distinct
 *   value (O(rows + values) per node, no sorting). For the others each tree
 *   keeps the node's rows in sorted order and partitions them stably on every
 *   split, so a node is scanned in O(rows) per feature with no sorting
 *   (scikit-learn sorts per node instead; same splits) — down to nodes of
 *   `smallRows`, which sort their own values. All three give the same splits.
 * - hist: features are binned once into ≤ 256 quantile bins (uint8 codes);
 *   a node with many rows builds per-bin histograms of class weights (or
 *   target sums) and scans the bins; a node with few rows (< HIST_MIN_ROWS)
 *   sorts its own real values and scans them exactly, so the small nodes at
 *   the bottom of deep trees cost no bin clearing and lose no precision.
 *
 * Criteria: Gini and entropy (classification, class codes 0..k-1), squared
 * error (regression). Split choice maximises scikit-learn's "proxy" impurity
 * improvement; node impurities, min_impurity_decrease and importances follow
 * scikit-learn's definitions. Sample weights carry bootstrap counts
 * (0 = row not used).
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { Random } from '../random.ts';
import { RandR } from '../sk-random.ts';
import { EDGE_STRIDE, binColumns } from './binning.ts';

export type Criterion = 'gini' | 'entropy' | 'mse';

/** Data prepared once per fit and shared (read-only) by every tree. */
export interface Prepared {
  n: number;
  d: number;
  /** X column-major: Xc[f * n + i]. */
  Xc: Float64Array;
  /** exact search: per feature, row indices sorted by value (d × n). */
  order: Int32Array | null;
  /** hist search: uint8 codes (d × n), edges (d × 255) and bins per feature. */
  codes: Uint8Array | null;
  edges: Float64Array | null;
  nBins: Int32Array | null;
  /**
   * exact search: distinct values per feature (nDistinct[f]); for features
   * with at most BUCKET_MAX of them, each row's rank among them (d × n uint8,
   * column-major) and the values themselves (d × BUCKET_MAX, ascending).
   */
  nDistinct: Int32Array | null;
  rank: Uint8Array | null;
  distinct: Float64Array | null;
}

/** Features with at most this many distinct values can be scanned by per-value class counts (see scanBuckets). */
export const BUCKET_MAX = 256;

export interface GrowConfig {
  criterion: Criterion;
  /** number of classes (classification); 0 for regression. */
  nClasses: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minImpurityDecrease: number;
  /** features examined per split (1..d). */
  maxFeatures: number;
  /**
   * scikit-learn's splitter seed (sk-random.ts: sklearnSplitterSeed of the
   * random_state). When set, exact search draws the features of each node
   * the way scikit-learn's BestSplitter does (Fisher–Yates from the end with
   * its bookkeeping of constant features, our_rand_r stream) and compares
   * splits with scikit-learn's proxy formula, so ties between equally good
   * splits break the same way and the tree is scikit-learn's.
   */
  sklearnSeed?: number;
}

/** A fitted tree in flat arrays. Leaves have feature −1. */
export interface TreeArrays {
  nNodes: number;
  /** values per node: class proportions (classification) or the mean (regression). */
  nOut: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Weighted samples reaching each node (for importances and inspection). */
  weight: Float64Array;
  impurity: Float64Array;
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;
/** Nodes smaller than this sort their values instead of building histograms. */
export const HIST_MIN_ROWS = 1024;
const LOG2 = Math.LN2;

function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/**
 * A split's proxy improvement from its class weights on each side (L, R,
 * totals wl, wr): Gini or entropy, in scikit-learn's arithmetic when `sk`
 * (ties break its way) or Lathe's cheaper equivalent.
 */
function countsProxy(L: Float64Array, R: Float64Array, K: number, wl: number, wr: number, gini: boolean, sk: boolean): number {
  if (gini) {
    let sqL = 0;
    let sqR = 0;
    for (let k = 0; k < K; k++) {
      sqL += L[k]! * L[k]!;
      sqR += R[k]! * R[k]!;
    }
    return sk ? -wr * (1 - sqR / (wr * wr)) - wl * (1 - sqL / (wl * wl)) : sqL / wl + sqR / wr;
  }
  if (sk) return skEntropyProxy(L, R, K, wl, wr);
  let eL = 0;
  let eR = 0;
  for (let k = 0; k < K; k++) {
    eL += xlogx(L[k]!);
    eR += xlogx(R[k]!);
  }
  return eL + eR - xlogx(wl) - xlogx(wr);
}

/** scikit-learn's entropy proxy, −wr·H_r − wl·H_l with H in bits, computed its way. */
function skEntropyProxy(L: Float64Array, R: Float64Array, K: number, wl: number, wr: number): number {
  let hl = 0;
  let hr = 0;
  for (let k = 0; k < K; k++) {
    let c = L[k]!;
    if (c > 0) {
      c /= wl;
      hl -= c * (Math.log(c) / LOG2);
    }
    c = R[k]!;
    if (c > 0) {
      c /= wr;
      hr -= c * (Math.log(c) / LOG2);
    }
  }
  return -wr * hr - wl * hl;
}

/** Grow-able node storage. */
class Nodes {
  n = 0;
  cap: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  weight: Float64Array;
  impurity: Float64Array;
  constructor(
    readonly nOut: number,
    cap = 64,
  ) {
    this.cap = cap;
    this.feature = new Int32Array(cap);
    this.threshold = new Float64Array(cap);
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.value = new Float64Array(cap * nOut);
    this.weight = new Float64Array(cap);
    this.impurity = new Float64Array(cap);
  }
  add(): number {
    if (this.n === this.cap) {
      const c = this.cap * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, len: number): T => {
        const b = new (a.constructor as new (n: number) => T)(len);
        b.set(a);
        return b;
      };
      this.feature = grow(this.feature, c);
      this.threshold = grow(this.threshold, c);
      this.left = grow(this.left, c);
      this.right = grow(this.right, c);
      this.value = grow(this.value, c * this.nOut);
      this.weight = grow(this.weight, c);
      this.impurity = grow(this.impurity, c);
      this.cap = c;
    }
    const i = this.n++;
    this.feature[i] = -1;
    this.left[i] = -1;
    this.right[i] = -1;
    return i;
  }
  finish(): TreeArrays {
    const k = this.n;
    return {
      nNodes: k,
      nOut: this.nOut,
      feature: this.feature.slice(0, k),
      threshold: this.threshold.slice(0, k),
      left: this.left.slice(0, k),
      right: this.right.slice(0, k),
      value: this.value.slice(0, k * this.nOut),
      weight: this.weight.slice(0, k),
      impurity: this.impurity.slice(0, k),
    };
  }
}

/** Sort vals[lo..hi) ascending, carrying idx along (quicksort + insertion sort). */
export function sortPairs(vals: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const m = (lo + hi) >>> 1;
    // median of three
    let a = vals[lo]!;
    let b = vals[m]!;
    let c = vals[hi - 1]!;
    if (a > b) [a, b] = [b, a];
    if (b > c) [b, c] = [c, b];
    if (a > b) [a, b] = [b, a];
    const pivot = b;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (vals[i]! < pivot) i++;
      while (vals[j]! > pivot) j--;
      if (i <= j) {
        const tv = vals[i]!;
        vals[i] = vals[j]!;
        vals[j] = tv;
        const ti = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = ti;
        i++;
        j--;
      }
    }
    // recurse into the smaller part
    if (j + 1 - lo < hi - i) {
      sortPairs(vals, idx, lo, j + 1);
      lo = i;
    } else {
      sortPairs(vals, idx, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = vals[i]!;
    const t = idx[i]!;
    let j = i - 1;
    while (j >= lo && vals[j]! > v) {
      vals[j + 1] = vals[j]!;
      idx[j + 1] = idx[j]!;
      j--;
    }
    vals[j + 1] = v;
    idx[j + 1] = t;
  }
}

/**
 * Grow one tree. `y` holds class codes (Int32Array) or targets
 * (Float64Array); `w` optional per-row weights (0 = row unused).
 * `leafOf`, when given, receives for every used row the leaf it lands in.
 */
export function growTree(
  prep: Prepared,
  y: Int32Array | Float64Array,
  w: Float64Array | null,
  cfg: GrowConfig,
  rng: Random,
  mode: 'exact' | 'hist',
  leafOf?: Int32Array,
  cancelled?: () => boolean,
): TreeArrays {
  const g = new Grower(prep, y, w, cfg, rng, mode, leafOf, cancelled);
  return g.grow();
}

class Grower {
  readonly n: number;
  readonly d: number;
  readonly K: number;
  readonly cls: boolean;
  readonly yc: Int32Array;
  readonly yr: Float64Array;
  /** rows used (weight > 0) */
  readonly m: number;
  /** Segment 0 (m rows): the used rows, each node's a contiguous range; exact mode adds one segment per wide feature with its rows sorted by value (see slot). */
  readonly rows: Int32Array;
  readonly goLeft: Uint8Array;
  readonly tmp: Int32Array;
  readonly tmpVals: Float64Array;
  readonly smallRows: number;
  readonly features: Int32Array;
  /** exact mode: per feature, its sorted segment in `rows` (1..), or 0 when it has none (scanned by buckets or by sorting per node). */
  readonly slot: Int32Array;
  /** exact mode, classification: feature scanned by per-value class counts (few distinct values). */
  readonly bucketed: Uint8Array;
  readonly bucketW: Float64Array;
  readonly bucketN: Int32Array;
  /** scikit-learn mode: its random stream, its constant-feature list and proxy formula. */
  readonly sk: RandR | null;
  readonly constFeatures: Int32Array;
  /** constants known after the last findSplitSk (passed to both children). */
  nConstAfter = 0;
  readonly nodes: Nodes;
  // scratch
  readonly nodeCounts: Float64Array;
  readonly leftCounts: Float64Array;
  readonly rightCounts: Float64Array;
  readonly hist: Float64Array;
  readonly histN: Int32Array;
  readonly histS2: Float64Array;
  // best split of the node being searched
  bestProxy = -Infinity;
  bestFeature = -1;
  bestThreshold = 0;
  bestPos = 0;
  totalWeight = 0;

  constructor(
    readonly prep: Prepared,
    y: Int32Array | Float64Array,
    readonly w: Float64Array | null,
    readonly cfg: GrowConfig,
    readonly rng: Random,
    readonly mode: 'exact' | 'hist',
    readonly leafOf: Int32Array | undefined,
    readonly cancelled: (() => boolean) | undefined,
  ) {
    const { n, d } = prep;
    this.n = n;
    this.d = d;
    this.cls = cfg.criterion !== 'mse';
    this.K = this.cls ? cfg.nClasses : 1;
    this.yc = this.cls ? (y as Int32Array) : new Int32Array(0);
    this.yr = this.cls ? new Float64Array(0) : (y as Float64Array);
    let m = n;
    if (w) {
      m = 0;
      for (let i = 0; i < n; i++) if (w[i]! > 0) m++;
    }
    this.m = m;
    this.slot = new Int32Array(d);
    this.bucketed = new Uint8Array(d);
    if (mode === 'exact') {
      const order = prep.order;
      if (!order) throw new LatheError('INTERNAL', 'exact split search needs presorted features.');
      // Features with few distinct values are scanned by class counts per value
      // (classification); the others keep presorted segments, partitioned on
      // every split, down to nodes of smallRows rows, below which a node sorts
      // its own values.
      let wide = 0;
      // (Lathe's own entropy proxy sums per row, so its rounding, and with it a tie, could differ: not bucketed.)
      const exactSums = cfg.criterion === 'gini' || cfg.sklearnSeed !== undefined;
      if (prep.rank && !(this.cls && exactSums)) throw new LatheError('INTERNAL', 'Data prepared for per-value scans (no presorted order for low-cardinality features) was given to a tree that cannot use them.');
      for (let f = 0; f < d; f++) {
        if (prep.rank && prep.nDistinct![f]! <= BUCKET_MAX) this.bucketed[f] = 1;
        else wide++;
      }
      // Partitioning costs ~wide segments per split, sorting maxF·log2(rows)
      // per node (constants measured on digits); without wide features, or
      // with fewer rows than the cut, no node needs segments.
      const cut = wide === 0 ? Infinity : Math.min(HIST_MIN_ROWS, Math.floor(16 * 2 ** (wide / cfg.maxFeatures)));
      this.smallRows = m < cut ? Infinity : cut;
      const segs = this.smallRows === Infinity ? 0 : wide;
      // segment 0: the node's rows (any order); 1..segs: sorted rows of the wide features
      const rows = new Int32Array((1 + segs) * m);
      let k = 0;
      for (let i = 0; i < n; i++) if (!w || w[i]! > 0) rows[k++] = i;
      if (segs > 0) {
        let sl = 0;
        for (let f = 0; f < d; f++) {
          if (this.bucketed[f]) continue;
          this.slot[f] = ++sl;
          const off = f * n;
          if (!w) rows.set(order.subarray(off, off + n), sl * m);
          else {
            let q = sl * m;
            for (let i = 0; i < n; i++) {
              const r = order[off + i]!;
              if (w[r]! > 0) rows[q++] = r;
            }
          }
        }
      }
      this.rows = rows;
    } else {
      if (!prep.codes || !prep.edges || !prep.nBins) throw new LatheError('INTERNAL', 'hist split search needs binned features.');
      const rows = new Int32Array(m);
      let k = 0;
      for (let i = 0; i < n; i++) if (!w || w[i]! > 0) rows[k++] = i;
      this.rows = rows;
      this.smallRows = HIST_MIN_ROWS;
    }
    this.goLeft = new Uint8Array(mode === 'exact' && this.smallRows !== Infinity ? n : 0);
    this.tmp = new Int32Array(m);
    this.tmpVals = new Float64Array(Math.min(m, this.smallRows));
    this.features = Int32Array.from({ length: d }, (_, i) => i);
    this.bucketW = new Float64Array(mode === 'exact' ? BUCKET_MAX * this.K : 0);
    this.bucketN = new Int32Array(mode === 'exact' ? BUCKET_MAX : 0);
    this.sk = mode === 'exact' && cfg.sklearnSeed !== undefined ? new RandR(cfg.sklearnSeed) : null;
    this.constFeatures = new Int32Array(this.sk ? d : 0);
    this.nodes = new Nodes(this.K, 64);
    this.nodeCounts = new Float64Array(this.K);
    this.leftCounts = new Float64Array(this.K);
    this.rightCounts = new Float64Array(this.K);
    this.hist = new Float64Array(mode === 'hist' ? 256 * this.K : 0);
    this.histN = new Int32Array(mode === 'hist' ? 256 : 0);
    this.histS2 = new Float64Array(0);
  }

  /** Class weights (or target moments), impurity and value of the node's rows rows[s..e) (segment 0). */
  private nodeStats(s: number, e: number, node: number): { W: number; imp: number } {
    const rows = this.rows;
    const w = this.w;
    const K = this.K;
    const value = this.nodes.value;
    let W = 0;
    let imp: number;
    if (this.cls) {
      const c = this.nodeCounts;
      c.fill(0);
      const y = this.yc;
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const wt = w ? w[r]! : 1;
        const cc = y[r]!;
        c[cc] = c[cc]! + wt;
        W += wt;
      }
      imp = this.impurityOf(c, W);
      const base = node * K;
      for (let k = 0; k < K; k++) value[base + k] = c[k]! / W;
    } else {
      const y = this.yr;
      let sum = 0;
      let sq = 0;
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const wt = w ? w[r]! : 1;
        const v = y[r]!;
        sum += wt * v;
        sq += wt * v * v;
        W += wt;
      }
      const mean = sum / W;
      imp = Math.max(0, sq / W - mean * mean);
      value[node] = mean;
    }
    return { W, imp };
  }

  private impurityOf(c: Float64Array, W: number): number {
    const K = this.K;
    if (W <= 0) return 0;
    if (this.cfg.criterion === 'gini') {
      let s = 0;
      for (let k = 0; k < K; k++) s += c[k]! * c[k]!;
      return 1 - s / (W * W);
    }
    let h = 0;
    for (let k = 0; k < K; k++) {
      const ck = c[k]!;
      if (ck > 0) {
        const p = ck / W;
        h -= p * Math.log(p);
      }
    }
    return h / LOG2;
  }

  grow(): TreeArrays {
    const { cfg, nodes } = this;
    const m = this.m;
    if (m === 0) throw new LatheError('BAD_DATA', 'A tree cannot be grown on zero rows.');
    // stack of (start, end, depth, parent, isLeft, constant features known)
    const stack: number[] = [0, m, 0, -1, 0, 0];
    let rootW = 0;
    while (stack.length) {
      const nConst = stack.pop()!;
      const isLeft = stack.pop()!;
      const parent = stack.pop()!;
      const depth = stack.pop()!;
      const e = stack.pop()!;
      const s = stack.pop()!;
      // every node: near the root one node's split search can take a second on wide data
      if (this.cancelled && this.cancelled()) throw new LatheError('CANCELLED', 'Tree growing was cancelled.');
      const node = nodes.add();
      if (parent >= 0) {
        if (isLeft) nodes.left[parent] = node;
        else nodes.right[parent] = node;
      }
      const { W, imp } = this.nodeStats(s, e, node);
      if (node === 0) {
        rootW = W;
        this.totalWeight = W;
      }
      nodes.weight[node] = W;
      nodes.impurity[node] = imp;
      const count = e - s;
      let leaf =
        depth >= cfg.maxDepth || count < cfg.minSamplesSplit || count < 2 * cfg.minSamplesLeaf || imp <= EPSILON;
      let childConst = 0;
      if (!leaf) {
        if (this.sk) {
          this.findSplitSk(s, e, W, nConst);
          childConst = this.nConstAfter;
        } else this.findSplit(s, e, W);
        if (this.bestFeature < 0) leaf = true;
        else {
          const nl = this.applySplit(s, e, count < this.smallRows);
          // actual impurity improvement (scikit-learn's impurity_improvement)
          const impL = this.childImpurity(s, s + nl);
          const wl = this.lastW;
          const impR = this.childImpurity(s + nl, e);
          const wr = this.lastW;
          const improvement = (W / rootW) * (imp - (wl / W) * impL - (wr / W) * impR);
          if (improvement + EPSILON < cfg.minImpurityDecrease) {
            leaf = true;
          } else {
            nodes.feature[node] = this.bestFeature;
            nodes.threshold[node] = this.bestThreshold;
            // push right first so the left child is grown (and numbered) first
            stack.push(s + nl, e, depth + 1, node, 0, childConst);
            stack.push(s, s + nl, depth + 1, node, 1, childConst);
          }
        }
      }
      if (leaf && this.leafOf) {
        const rows = this.rows;
        for (let p = s; p < e; p++) this.leafOf[rows[p]!] = node;
      }
    }
    return nodes.finish();
  }

  private lastW = 0;
  private childImpurity(s: number, e: number): number {
    const rows = this.rows;
    const w = this.w;
    let W = 0;
    if (this.cls) {
      const c = this.leftCounts;
      c.fill(0);
      const y = this.yc;
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const wt = w ? w[r]! : 1;
        const cc = y[r]!;
        c[cc] = c[cc]! + wt;
        W += wt;
      }
      this.lastW = W;
      return this.impurityOf(c, W);
    }
    const y = this.yr;
    let sum = 0;
    let sq = 0;
    for (let p = s; p < e; p++) {
      const r = rows[p]!;
      const wt = w ? w[r]! : 1;
      sum += wt * y[r]!;
      sq += wt * y[r]! * y[r]!;
      W += wt;
    }
    this.lastW = W;
    const mean = sum / W;
    return Math.max(0, sq / W - mean * mean);
  }

  /** Search the node's best split over up to maxFeatures non-constant features. */
  private findSplit(s: number, e: number, W: number): void {
    this.bestProxy = -Infinity;
    this.bestFeature = -1;
    const d = this.d;
    const features = this.features;
    const maxF = this.cfg.maxFeatures;
    let found = 0;
    const cancelled = e - s < HIST_MIN_ROWS ? undefined : this.cancelled;
    for (let i = 0; i < d && found < maxF; i++) {
      // a big node scans every feature over many rows: poll between features
      if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'Tree growing was cancelled.');
      const j = i + this.rng.int(d - i);
      const f = features[j]!;
      features[j] = features[i]!;
      features[i] = f;
      if (this.scanFeature(f, s, e, W)) found++;
    }
  }

  /**
   * scikit-learn's BestSplitter.node_split feature loop (sklearn/tree/_splitter.pyx):
   * features[0, nKnown) hold the constants known from the ancestors; draws
   * come from [nDrawn, fi − nFound); a drawn known constant is skipped (and
   * counts as visited), a newly found one moves next to the known ones, a
   * scanned feature moves behind fi. At the end the known constants are put
   * back in their original order and the new ones appended to the list the
   * children inherit.
   */
  private findSplitSk(s: number, e: number, W: number, nKnown: number): void {
    this.bestProxy = -Infinity;
    this.bestFeature = -1;
    const features = this.features;
    const cf = this.constFeatures;
    const rnd = this.sk!;
    const maxF = this.cfg.maxFeatures;
    const cancelled = e - s < HIST_MIN_ROWS ? undefined : this.cancelled;
    let fi = this.d;
    let visited = 0;
    let found = 0;
    let drawn = 0;
    let total = nKnown;
    while (fi > total && (visited < maxF || visited <= found + drawn)) {
      if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'Tree growing was cancelled.');
      visited++;
      let fj = rnd.int(drawn, fi - found);
      if (fj < nKnown) {
        const t = features[drawn]!;
        features[drawn] = features[fj]!;
        features[fj] = t;
        drawn++;
        continue;
      }
      fj += found;
      const f = features[fj]!;
      if (!this.scanFeature(f, s, e, W)) {
        features[fj] = features[total]!;
        features[total] = f;
        found++;
        total++;
        continue;
      }
      fi--;
      features[fj] = features[fi]!;
      features[fi] = f;
    }
    features.set(cf.subarray(0, nKnown), 0);
    cf.set(features.subarray(nKnown, nKnown + found), nKnown);
    this.nConstAfter = total;
  }

  /** Search feature f's best split over node rows[s..e) the cheapest way; false if it is constant there. */
  private scanFeature(f: number, s: number, e: number, W: number): boolean {
    const count = e - s;
    const small = count < this.smallRows;
    // per-value counts beat sorting once the node has a few rows per distinct value
    if (this.bucketed[f] && (!small || this.prep.nDistinct![f]! * (this.K + 2) <= 2 * count * (2 + Math.log2(count)))) return this.scanBuckets(f, s, e, W);
    if (small) return this.scanSmall(f, s, e, W);
    if (this.mode === 'exact') return this.scanExact(f, this.slot[f]! * this.m, s, e, W);
    return this.scanHist(f, s, e, W);
  }

  /** Exact scan of rows[off + s .. off + e) sorted by feature f. Returns false if constant. */
  private scanExact(f: number, off: number, s: number, e: number, W: number): boolean {
    const rows = this.rows;
    const X = this.prep.Xc;
    const xo = f * this.n;
    if (X[xo + rows[off + e - 1]!]! <= X[xo + rows[off + s]!]! + FEATURE_THRESHOLD) return false;
    this.scanSorted(rows, off, s, e, W, f, xo);
    return true;
  }

  /** Scan sorted rows (buffer `rows` at offset off, node range s..e) for the best threshold. */
  private scanSorted(rows: Int32Array, off: number, s: number, e: number, W: number, f: number, xo: number): void {
    const X = this.prep.Xc;
    const w = this.w;
    const minLeaf = this.cfg.minSamplesLeaf;
    const lastP = e - minLeaf; // left may hold at most e - s - minLeaf rows
    let best = this.bestProxy;
    let bestP = -1;
    let bestThr = 0;
    const sk = this.sk !== null;
    if (this.cls) {
      const K = this.K;
      const y = this.yc;
      const L = this.leftCounts;
      const R = this.rightCounts;
      L.fill(0);
      R.set(this.nodeCounts);
      let wl = 0;
      let wr = W;
      if (this.cfg.criterion === 'gini') {
        let sqL = 0;
        let sqR = 0;
        for (let k = 0; k < K; k++) sqR += R[k]! * R[k]!;
        for (let p = s; p < lastP; p++) {
          const r = rows[off + p]!;
          const c = y[r]!;
          const wt = w ? w[r]! : 1;
          const cl = L[c]!;
          sqL += wt * (2 * cl + wt);
          L[c] = cl + wt;
          const cr = R[c]!;
          sqR += wt * (wt - 2 * cr);
          R[c] = cr - wt;
          wl += wt;
          wr -= wt;
          if (p + 1 - s < minLeaf) continue;
          const xv = X[xo + r]!;
          const xn = X[xo + rows[off + p + 1]!]!;
          if (xn <= xv + FEATURE_THRESHOLD) continue;
          // scikit-learn's proxy (−wr·gini_r − wl·gini_l) in sk mode: same value, its rounding
          const proxy = sk ? -wr * (1 - sqR / (wr * wr)) - wl * (1 - sqL / (wl * wl)) : sqL / wl + sqR / wr;
          if (proxy > best) {
            best = proxy;
            bestP = p;
            bestThr = xv / 2 + xn / 2;
            if (bestThr >= xn) bestThr = xv;
          }
        }
      } else {
        let eL = 0;
        let eR = 0;
        for (let k = 0; k < K; k++) eR += xlogx(R[k]!);
        for (let p = s; p < lastP; p++) {
          const r = rows[off + p]!;
          const c = y[r]!;
          const wt = w ? w[r]! : 1;
          const cl = L[c]!;
          eL += xlogx(cl + wt) - xlogx(cl);
          L[c] = cl + wt;
          const cr = R[c]!;
          eR += xlogx(cr - wt) - xlogx(cr);
          R[c] = cr - wt;
          wl += wt;
          wr -= wt;
          if (p + 1 - s < minLeaf) continue;
          const xv = X[xo + r]!;
          const xn = X[xo + rows[off + p + 1]!]!;
          if (xn <= xv + FEATURE_THRESHOLD) continue;
          const proxy = sk ? skEntropyProxy(L, R, K, wl, wr) : eL + eR - xlogx(wl) - xlogx(wr);
          if (proxy > best) {
            best = proxy;
            bestP = p;
            bestThr = xv / 2 + xn / 2;
            if (bestThr >= xn) bestThr = xv;
          }
        }
      }
    } else {
      const y = this.yr;
      let total = 0;
      for (let p = s; p < e; p++) {
        const r = rows[off + p]!;
        total += (w ? w[r]! : 1) * y[r]!;
      }
      let sl = 0;
      let wl = 0;
      for (let p = s; p < lastP; p++) {
        const r = rows[off + p]!;
        const wt = w ? w[r]! : 1;
        sl += wt * y[r]!;
        wl += wt;
        if (p + 1 - s < minLeaf) continue;
        const xv = X[xo + r]!;
        const xn = X[xo + rows[off + p + 1]!]!;
        if (xn <= xv + FEATURE_THRESHOLD) continue;
        const sr = total - sl;
        const proxy = (sl * sl) / wl + (sr * sr) / (W - wl);
        if (proxy > best) {
          best = proxy;
          bestP = p;
          bestThr = xv / 2 + xn / 2;
          if (bestThr >= xn) bestThr = xv;
        }
      }
    }
    if (bestP >= 0) {
      this.bestProxy = best;
      this.bestFeature = f;
      this.bestThreshold = bestThr;
      this.bestPos = bestP + 1 - s; // rows going left (exact mode)
    }
  }

  /**
   * Feature f with few distinct values (exact mode, classification): class
   * weights and row counts per distinct value, then one pass over the values
   * present in the node. Same candidates and proxies as scanning the sorted
   * rows (a split between two present values more than FEATURE_THRESHOLD
   * apart, threshold at their midpoint; min_samples_leaf on row counts; the
   * class sums are whole-number weights, so they are exact either way).
   */
  private scanBuckets(f: number, s: number, e: number, W: number): boolean {
    const D = this.prep.nDistinct![f]!;
    if (D < 2) return false;
    const rows = this.rows;
    const K = this.K;
    const xo = f * this.n;
    const rank = this.prep.rank!;
    const vals = this.prep.distinct!;
    const vo = f * BUCKET_MAX;
    const w = this.w;
    const y = this.yc;
    const bw = this.bucketW;
    const bn = this.bucketN;
    bw.fill(0, 0, D * K);
    bn.fill(0, 0, D);
    if (w) {
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const b = rank[xo + r]!;
        const i = b * K + y[r]!;
        bw[i] = bw[i]! + w[r]!;
        bn[b]!++;
      }
    } else {
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const b = rank[xo + r]!;
        const i = b * K + y[r]!;
        bw[i] = bw[i]! + 1;
        bn[b]!++;
      }
    }
    let lo = 0;
    while (bn[lo] === 0) lo++;
    let hi = D - 1;
    while (bn[hi] === 0) hi--;
    if (vals[vo + hi]! <= vals[vo + lo]! + FEATURE_THRESHOLD) return false;
    const count = e - s;
    const minLeaf = this.cfg.minSamplesLeaf;
    const L = this.leftCounts;
    const R = this.rightCounts;
    L.fill(0);
    R.set(this.nodeCounts);
    const gini = this.cfg.criterion === 'gini';
    const sk = this.sk !== null;
    let best = this.bestProxy;
    let bestB = -1;
    let bestNext = -1;
    let nl = 0;
    let wl = 0;
    let b = lo;
    while (b < hi) {
      // value b goes left; the candidate split lies between it and the next value present
      nl += bn[b]!;
      const hb = b * K;
      for (let k = 0; k < K; k++) {
        const v = bw[hb + k]!;
        L[k] = L[k]! + v;
        R[k] = R[k]! - v;
        wl += v;
      }
      const cur = b;
      b++;
      while (bn[b] === 0) b++;
      if (nl < minLeaf) continue;
      if (count - nl < minLeaf) break;
      if (vals[vo + b]! <= vals[vo + cur]! + FEATURE_THRESHOLD) continue;
      const wr = W - wl;
      const proxy = countsProxy(L, R, K, wl, wr, gini, sk);
      if (proxy > best) {
        best = proxy;
        bestB = cur;
        bestNext = b;
      }
    }
    if (bestB >= 0) {
      const xv = vals[vo + bestB]!;
      const xn = vals[vo + bestNext]!;
      let thr = xv / 2 + xn / 2;
      if (thr >= xn) thr = xv;
      this.bestProxy = best;
      this.bestFeature = f;
      this.bestThreshold = thr;
    }
    return true;
  }

  /**
   * Small node: sort its rows' real values of feature f and scan them
   * exactly. The node's rows are rows[s..e) (segment 0).
   */
  private scanSmall(f: number, s: number, e: number, W: number): boolean {
    const count = e - s;
    const rows = this.rows;
    const xo = f * this.n;
    const vals = this.tmpVals;
    const idx = this.tmp;
    const X = this.prep.Xc;
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < count; p++) {
      const r = rows[s + p]!;
      const v = X[xo + r]!;
      vals[p] = v;
      idx[p] = r;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi <= lo + FEATURE_THRESHOLD) return false;
    sortPairs(vals, idx, 0, count);
    this.scanSorted(idx, -s, s, e, W, f, xo);
    return true;
  }

  /** Histogram scan of feature f over node rows[s..e) (hist mode). */
  private scanHist(f: number, s: number, e: number, W: number): boolean {
    const count = e - s;
    const n = this.n;
    const rows = this.rows;
    const xo = f * n;
    const codes = this.prep.codes!;
    const nb = this.prep.nBins![f]!;
    if (nb < 2) return false;
    const w = this.w;
    const hist = this.hist;
    const histN = this.histN;
    const K = this.K;
    const minLeaf = this.cfg.minSamplesLeaf;
    histN.fill(0, 0, nb);
    hist.fill(0, 0, nb * K);
    if (this.cls) {
      const y = this.yc;
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const b = codes[xo + r]!;
        const hi = b * K + y[r]!;
        hist[hi] = hist[hi]! + (w ? w[r]! : 1);
        histN[b]!++;
      }
    } else {
      const y = this.yr;
      for (let p = s; p < e; p++) {
        const r = rows[p]!;
        const b = codes[xo + r]!;
        hist[b] = hist[b]! + (w ? w[r]! : 1) * y[r]!;
        histN[b]!++;
      }
    }
    // constant within the node?
    let used = 0;
    for (let b = 0; b < nb && used < 2; b++) if (histN[b]! > 0) used++;
    if (used < 2) return false;
    const edges = this.prep.edges!;
    const eo = f * EDGE_STRIDE;
    let best = this.bestProxy;
    let bestB = -1;
    let nl = 0;
    let wl = 0;
    if (this.cls) {
      // class weights per bin, so wl needs the weights: sum hist row
      const L = this.leftCounts;
      const R = this.rightCounts;
      L.fill(0);
      R.set(this.nodeCounts);
      const gini = this.cfg.criterion === 'gini';
      for (let b = 0; b < nb - 1; b++) {
        const hn = histN[b]!;
        if (hn === 0) continue;
        nl += hn;
        const hb = b * K;
        for (let k = 0; k < K; k++) {
          const v = hist[hb + k]!;
          L[k] = L[k]! + v;
          R[k] = R[k]! - v;
          wl += v;
        }
        if (nl < minLeaf) continue;
        if (count - nl < minLeaf) break;
        const wr = W - wl;
        const proxy = countsProxy(L, R, K, wl, wr, gini, false);
        if (proxy > best) {
          best = proxy;
          bestB = b;
        }
      }
    } else {
      // regression: need weights per bin too when weighted
      let total = 0;
      for (let b = 0; b < nb; b++) total += hist[b]!;
      let wbin: Float64Array | null = null;
      if (w) {
        wbin = this.binWeights(f, s, e, nb);
      }
      let sl = 0;
      for (let b = 0; b < nb - 1; b++) {
        const hn = histN[b]!;
        if (hn === 0) continue;
        nl += hn;
        sl += hist[b]!;
        wl += wbin ? wbin[b]! : hn;
        if (nl < minLeaf) continue;
        if (count - nl < minLeaf) break;
        const sr = total - sl;
        const proxy = (sl * sl) / wl + (sr * sr) / (W - wl);
        if (proxy > best) {
          best = proxy;
          bestB = b;
        }
      }
    }
    if (bestB >= 0) {
      this.bestProxy = best;
      this.bestFeature = f;
      this.bestThreshold = edges[eo + bestB]!;
    }
    return true;
  }

  private wbinBuf = new Float64Array(256);
  private binWeights(f: number, s: number, e: number, nb: number): Float64Array {
    const wb = this.wbinBuf;
    wb.fill(0, 0, nb);
    const codes = this.prep.codes!;
    const rows = this.rows;
    const w = this.w!;
    const xo = f * this.n;
    for (let p = s; p < e; p++) {
      const r = rows[p]!;
      const b = codes[xo + r]!;
      wb[b] = wb[b]! + w[r]!;
    }
    return wb;
  }

  /** Partition the node's rows by the best split; returns the left count. */
  private applySplit(s: number, e: number, small: boolean): number {
    const f = this.bestFeature;
    const thr = this.bestThreshold;
    const X = this.prep.Xc;
    const xo = f * this.n;
    const rows = this.rows;
    if (this.mode === 'exact' && !small) {
      const m = this.m;
      const goLeft = this.goLeft;
      const own = this.slot[f]!;
      let nl = 0;
      if (own > 0) {
        // the split feature's sorted segment: its first bestPos rows go left
        nl = this.bestPos;
        const fo = own * m;
        for (let p = s; p < e; p++) goLeft[rows[fo + p]!] = p - s < nl ? 1 : 0;
      } else {
        for (let p = s; p < e; p++) {
          const r = rows[p]!;
          const l = X[xo + r]! <= thr ? 1 : 0;
          goLeft[r] = l;
          nl += l;
        }
      }
      const tmp = this.tmp;
      const segs = rows.length / m;
      for (let g = 0; g < segs; g++) {
        // the split feature's own segment is already split at nl (0, the node's rows, never is)
        if (g === own && own > 0) continue;
        const go = g * m;
        let l = go + s;
        let t = 0;
        for (let p = go + s; p < go + e; p++) {
          const r = rows[p]!;
          if (goLeft[r]) rows[l++] = r;
          else tmp[t++] = r;
        }
        rows.set(tmp.subarray(0, t), l);
      }
      return nl;
    }
    let i = s;
    let j = e - 1;
    while (i <= j) {
      if (X[xo + rows[i]!]! <= thr) i++;
      else {
        const t = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = t;
        j--;
      }
    }
    return i - s;
  }
}

/** Leaf index for each row of a row-major matrix. */
export function applyTree(t: TreeArrays, X: Float64Array, rows: number, cols: number, out: Int32Array = new Int32Array(rows)): Int32Array {
  const { feature, threshold, left, right } = t;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      node = X[base + f]! <= threshold[node]! ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    out[i] = node;
  }
  return out;
}

/**
 * Impurity-based importances of one tree, normalised to sum 1 (all zero for a
 * single leaf); unnormalised = weighted impurity decrease / root weight.
 */
export function treeImportances(t: TreeArrays, d: number, normalize = true): Float64Array {
  const imp = new Float64Array(d);
  const { feature, left, right, weight, impurity } = t;
  for (let i = 0; i < t.nNodes; i++) {
    const f = feature[i]!;
    if (f < 0) continue;
    const l = left[i]!;
    const r = right[i]!;
    imp[f] = imp[f]! + weight[i]! * impurity[i]! - weight[l]! * impurity[l]! - weight[r]! * impurity[r]!;
  }
  let s = 0;
  for (let f = 0; f < d; f++) s += imp[f]!;
  const div = normalize ? s : (weight[0] ?? 0);
  if (s > 0 && div > 0) for (let f = 0; f < d; f++) imp[f] = imp[f]! / div;
  return imp;
}

/** Column-major copy of a row-major matrix. */
export function toColumnMajor(X: Float64Array, n: number, d: number, out: Float64Array = new Float64Array(n * d)): Float64Array {
  for (let i = 0; i < n; i++) {
    const b = i * d;
    for (let f = 0; f < d; f++) out[f * n + i] = X[b + f]!;
  }
  return out;
}

/** Per feature, row indices sorted by value (stable), d × n. `cancelled` is polled per feature. */
export function presort(Xc: Float64Array, n: number, d: number, out: Int32Array = new Int32Array(n * d), cancelled?: () => boolean): Int32Array {
  const vals = new Float64Array(n);
  const idx = new Int32Array(n);
  for (let f = 0; f < d; f++) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'Sorting the features was cancelled.');
    const off = f * n;
    for (let i = 0; i < n; i++) {
      vals[i] = Xc[off + i]!;
      idx[i] = i;
    }
    sortPairs(vals, idx, 0, n);
    out.set(idx, off);
  }
  return out;
}

const HASH_BITS = 10; // 1024 slots for at most BUCKET_MAX (+1) values
const HASH_MASK = (1 << HASH_BITS) - 1;

/** Scratch of rankColumn (one per thread). */
const hashVals = new Float64Array(1 << HASH_BITS);
const hashUsed = new Int32Array(1 << HASH_BITS);
const hashRank = new Uint8Array(1 << HASH_BITS);
let hashEpoch = 0;
let slotOf = new Int16Array(0);

/**
 * Ranks of column off..off+n of Xc among its distinct values, into
 * rank[off..], and the distinct values ascending into vals[vo..]: their
 * count, or −1 as soon as there are more than BUCKET_MAX (NaN never matches,
 * so it counts as "more"). One pass through a small hash table on the bits
 * of each value (a binary search per row costs as much as a sort, its
 * branches being unpredictable), then a sort of the few distinct values.
 */
function rankColumn(Xc: Float64Array, bits: Uint32Array, off: number, n: number, rank: Uint8Array, vals: Float64Array, vo: number): number {
  if (slotOf.length < n) slotOf = new Int16Array(n);
  const epoch = ++hashEpoch;
  const slots: number[] = [];
  let last = NaN;
  let lastSlot = 0;
  for (let i = 0; i < n; i++) {
    const v = Xc[off + i]!;
    if (v !== last) {
      const b = 2 * (off + i);
      let h = Math.imul(bits[b]! ^ Math.imul(bits[b + 1]!, 0x9e3779b1), 0x85ebca6b) >>> (32 - HASH_BITS);
      while (hashUsed[h] === epoch && hashVals[h] !== v) h = (h + 1) & HASH_MASK;
      if (hashUsed[h] !== epoch) {
        if (slots.length > BUCKET_MAX || v !== v) return -1;
        hashUsed[h] = epoch;
        hashVals[h] = v;
        slots.push(h);
      }
      last = v;
      lastSlot = h;
    }
    slotOf[i] = lastSlot;
  }
  // −0 and 0 hash apart but are one value: equal neighbours after sorting share a rank
  slots.sort((a, b) => hashVals[a]! - hashVals[b]!);
  let D = 0;
  for (let j = 0; j < slots.length; j++) {
    const h = slots[j]!;
    const v = hashVals[h]!;
    if (j === 0 || v !== vals[vo + D - 1]) {
      if (D === BUCKET_MAX) return -1;
      vals[vo + D++] = v;
    }
    hashRank[h] = D - 1;
  }
  for (let i = 0; i < n; i++) rank[off + i] = hashRank[slotOf[i]!]!;
  return D;
}

/**
 * Per feature: its distinct values and each row's rank among them when there
 * are at most BUCKET_MAX (nDistinct[f]; BUCKET_MAX + 1 stands for "more"),
 * and, for the other features (or all when `orderAll`), row indices sorted by
 * value (d × n; the segments of low-cardinality features are left empty
 * otherwise). `cancelled` is polled per feature.
 */
export function presortAndRank(
  Xc: Float64Array,
  n: number,
  d: number,
  alloc: Alloc = HEAP_ALLOC,
  orderAll = false,
  cancelled?: () => boolean,
): { order: Int32Array; nDistinct: Int32Array; rank: Uint8Array; distinct: Float64Array } {
  const order = alloc.i32(n * d);
  const nDistinct = new Int32Array(d);
  const rank = alloc.u8(n * d);
  const distinct = alloc.f64(d * BUCKET_MAX);
  const bits = new Uint32Array(Xc.buffer, Xc.byteOffset, 2 * n * d);
  let sv: Float64Array | null = null;
  let si: Int32Array | null = null;
  for (let f = 0; f < d; f++) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'Sorting the features was cancelled.');
    const off = f * n;
    const D = rankColumn(Xc, bits, off, n, rank, distinct, f * BUCKET_MAX);
    nDistinct[f] = D < 0 ? BUCKET_MAX + 1 : D;
    if (D >= 0 && !orderAll) continue;
    sv ??= new Float64Array(n);
    si ??= new Int32Array(n);
    for (let i = 0; i < n; i++) {
      sv[i] = Xc[off + i]!;
      si[i] = i;
    }
    sortPairs(sv, si, 0, n);
    order.set(si, off);
  }
  return { order, nDistinct, rank, distinct };
}

/** Resolve scikit-learn's max_features to a count in 1..d. */
export function resolveMaxFeatures(v: unknown, d: number): number {
  if (v === null || v === undefined) return d;
  if (v === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (v === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  if (typeof v === 'number') {
    if (v <= 1) return Math.max(1, Math.floor(v * d));
    return Math.min(d, Math.floor(v));
  }
  throw new LatheError('INVALID_PARAM', `max_features must be None, a number, 'sqrt' or 'log2'; got ${String(v)}.`, { param: 'max_features' });
}

export type SplitSearch = 'exact' | 'hist';

/** 'auto' picks exact up to this many rows, hist above. */
export const AUTO_HIST_ROWS = 20_000;

export function chooseSearch(param: unknown, rows: number): SplitSearch {
  if (param === 'exact' || param === 'hist') return param;
  return rows > AUTO_HIST_ROWS ? 'hist' : 'exact';
}

export interface Alloc {
  f64: (len: number) => Float64Array;
  i32: (len: number) => Int32Array;
  u8: (len: number) => Uint8Array;
}

export const HEAP_ALLOC: Alloc = {
  f64: (len) => new Float64Array(len),
  i32: (len) => new Int32Array(len),
  u8: (len) => new Uint8Array(len),
};

/** Arrays on SharedArrayBuffers, so worker threads read them without copies. */
export const SHARED_ALLOC: Alloc = {
  f64: (len) => new Float64Array(new SharedArrayBuffer(len * 8)),
  i32: (len) => new Int32Array(new SharedArrayBuffer(len * 4)),
  u8: (len) => new Uint8Array(new SharedArrayBuffer(len)),
};

/**
 * Column-major copy plus the structures of the chosen split search.
 * `bucketable`: the trees grown on it are classifiers whose split proxies sum
 * class weights exactly (Gini, or scikit-learn's drawing mode), so features
 * with few distinct values are scanned by per-value counts and need no
 * presorted order (see Grower); otherwise every feature is presorted.
 */
export function prepare(
  X: Float64Array,
  n: number,
  d: number,
  search: SplitSearch,
  maxBins: number,
  alloc: Alloc = HEAP_ALLOC,
  cancelled?: () => boolean,
  bucketable = false,
): Prepared {
  const Xc = toColumnMajor(X, n, d, alloc.f64(n * d));
  if (search === 'exact') {
    if (!bucketable) return { n, d, Xc, order: presort(Xc, n, d, alloc.i32(n * d), cancelled), codes: null, edges: null, nBins: null, nDistinct: null, rank: null, distinct: null };
    return { n, d, Xc, codes: null, edges: null, nBins: null, ...presortAndRank(Xc, n, d, alloc, false, cancelled) };
  }
  const b = binColumns(Xc, n, d, maxBins, alloc, cancelled);
  return { n, d, Xc, order: null, codes: b.codes, edges: b.edges, nBins: b.nBins, nDistinct: null, rank: null, distinct: null };
}

/** The arrays of a tree that predictions need (what model files keep). */
export interface PackedTrees {
  nTrees: number;
  nOut: number;
  /** node offset of tree t: offsets[t] .. offsets[t + 1] */
  offsets: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** child indices, relative to the tree's first node */
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export function packTrees(trees: readonly TreeArrays[], nOut: number): PackedTrees {
  const offsets = new Int32Array(trees.length + 1);
  for (let t = 0; t < trees.length; t++) offsets[t + 1] = offsets[t]! + trees[t]!.nNodes;
  const total = offsets[trees.length]!;
  const p: PackedTrees = {
    nTrees: trees.length,
    nOut,
    offsets,
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total * nOut),
  };
  trees.forEach((t, i) => {
    const o = offsets[i]!;
    p.feature.set(t.feature, o);
    p.threshold.set(t.threshold, o);
    p.left.set(t.left, o);
    p.right.set(t.right, o);
    p.value.set(t.value, o * nOut);
  });
  return p;
}

/** Add (scale × leaf value) of every tree for each row into out (rows × nOut). */
export function accumulateTrees(p: PackedTrees, X: Float64Array, rows: number, cols: number, out: Float64Array, scale = 1, stride = p.nOut, outOffset = 0): void {
  const { offsets, feature, threshold, left, right, value, nOut } = p;
  for (let t = 0; t < p.nTrees; t++) {
    const o = offsets[t]!;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      let node = o;
      let f = feature[node]!;
      while (f >= 0) {
        node = o + (X[base + f]! <= threshold[node]! ? left[node]! : right[node]!);
        f = feature[node]!;
      }
      const vo = node * nOut;
      const ob = i * stride + outOffset;
      for (let k = 0; k < nOut; k++) out[ob + k] = out[ob + k]! + scale * value[vo + k]!;
    }
  }
}

/** Check a packed-trees state read from a model file (indices in range). */
export function checkPacked(p: PackedTrees, nFeatures: number, owner: string): void {
  const bad = (what: string): never => {
    throw new LatheError('BAD_MODEL_FILE', `${owner} state is corrupt: ${what}.`);
  };
  if (p.offsets.length !== p.nTrees + 1) bad('offsets do not match the tree count');
  const total = p.offsets[p.nTrees]!;
  if (p.feature.length !== total || p.threshold.length !== total || p.left.length !== total || p.right.length !== total) bad('node arrays differ in length');
  if (p.value.length !== total * p.nOut) bad('value array has the wrong length');
  for (let t = 0; t < p.nTrees; t++) {
    const o = p.offsets[t]!;
    const size = p.offsets[t + 1]! - o;
    if (size < 1) bad(`tree ${t} has no nodes`);
    for (let i = o; i < o + size; i++) {
      const f = p.feature[i]!;
      if (f >= nFeatures) bad(`node ${i} splits on feature ${f} of ${nFeatures}`);
      if (f >= 0) {
        const l = p.left[i]!;
        const r = p.right[i]!;
        // children come after their parent (depth-first numbering), so walks end
        if (l <= i - o || r <= i - o || l >= size || r >= size) bad(`node ${i} has children out of range`);
      }
    }
  }
}
