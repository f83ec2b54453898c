/**
 * Association measures between columns, computed on pairwise-complete rows
 * (a row counts for a pair when both of its cells are present):
 *
 *   numeric × numeric          Pearson's r, or Spearman's ρ (Pearson on average ranks)
 *   categorical × categorical  Cramér's V without bias correction, as
 *                              scipy.stats.contingency.association(method='cramer')
 *   numeric × categorical      the correlation ratio η = sqrt(SS_between / SS_total)
 *
 * Columns arrive whole (see gather.ts for the chunk-by-chunk read). The fast
 * path for long data: a column without gaps is centred and scaled once (and
 * ranked once for Spearman, by one native sort plus binary searches), so a
 * pair is one dot product. Pairs with gaps take a two-pass loop over the
 * rows both have (and rank those rows afresh for Spearman).
 */
import { throwIfAborted } from '../../../src-shared/errors.ts';

export type CorrColumn =
  /** NaN = missing */
  | { name: string; type: 'numeric'; values: Float64Array }
  /** codes 0..levels-1, −1 = missing */
  | { name: string; type: 'categorical'; codes: Int32Array; levels: string[] };

export type NumericMethod = 'pearson' | 'spearman';
export type Measure = NumericMethod | 'cramers_v' | 'correlation_ratio';

/** Fewer complete rows than this and a pair has no value. */
export const MIN_ROWS = 3;

function hasMissing(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/**
 * Row order of a column by value: an LSD radix sort (four 16-bit passes) of
 * the float64 bit patterns made order-preserving as unsigned integers. On a
 * million rows this is several times faster than a comparison sort of
 * indices, and it is what lets Spearman rank every column once.
 */
export function argsortFloat(values: Float64Array): Uint32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = bits[2 * i + 1]!;
    let l = bits[2 * i]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
    idx[i] = i;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i]! >>> shift) & 0xffff]!++;
    // A pass where every key has the same digit moves nothing.
    if (n === 0 || count[(src[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const o = count[(src[i]! >>> shift) & 0xffff]!++;
      hi2[o] = hi[i]!;
      lo2[o] = lo[i]!;
      idx2[o] = idx[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/** The rows holding a value (not NaN), in order of value. */
export function presentOrder(values: Float64Array): Uint32Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) m++;
  if (m === values.length) return argsortFloat(values);
  const rows = new Uint32Array(m);
  const compact = new Float64Array(m);
  for (let i = 0, o = 0; i < values.length; i++) {
    if (values[i] === values[i]) {
      rows[o] = i;
      compact[o++] = values[i]!;
    }
  }
  const order = argsortFloat(compact);
  for (let k = 0; k < m; k++) order[k] = rows[order[k]!]!;
  return order;
}

/**
 * Average ranks (1-based; ties share the mean of their positions), as
 * scipy.stats.rankdata, of the rows that pass `keep` (default: all present
 * ones), walking a precomputed value order; other rows get NaN. Ranking a
 * subset this way costs one pass, not a sort.
 */
export function ranksFromOrder(values: Float64Array, order: Uint32Array, keep?: (row: number) => boolean): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  const rows = keep ? order.filter((r) => keep(r)) : order;
  const n = rows.length;
  let k = 0;
  while (k < n) {
    const v = values[rows[k]!]!;
    let e = k + 1;
    while (e < n && values[rows[e]!] === v) e++;
    const r = (k + e + 1) / 2;
    for (let t = k; t < e; t++) out[rows[t]!] = r;
    k = e;
  }
  return out;
}

/** Average ranks of the present values (NaN stays NaN). */
export function rankAverage(values: Float64Array): Float64Array {
  return ranksFromOrder(values, presentOrder(values));
}

/** Pearson's r of two equally long gap-free arrays (two-pass, for accuracy). */
export function pearsonDense(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  if (n < MIN_ROWS) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  return clampR(sxy / Math.sqrt(sxx * syy));
}

function clampR(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** The rows where both numeric columns are present, as two compact arrays. */
function completePairs(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) n++;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0, o = 0; i < x.length; i++) {
    if (x[i] === x[i] && y[i] === y[i]) {
      a[o] = x[i]!;
      b[o++] = y[i]!;
    }
  }
  return [a, b];
}

export function pearson(x: Float64Array, y: Float64Array): number | null {
  const [a, b] = completePairs(x, y);
  return pearsonDense(a, b);
}

export function spearman(x: Float64Array, y: Float64Array, orderX = presentOrder(x), orderY = presentOrder(y)): number | null {
  const both = (r: number): boolean => x[r] === x[r] && y[r] === y[r];
  return pearson(ranksFromOrder(x, orderX, both), ranksFromOrder(y, orderY, both));
}

/** Cramér's V (no bias correction) over rows where both codes are present. */
export function cramersV(a: Int32Array, la: number, b: Int32Array, lb: number): number | null {
  const table = new Float64Array(la * lb);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const q = b[i]!;
    if (p < 0 || q < 0) continue;
    table[p * lb + q]!++;
    n++;
  }
  if (n < MIN_ROWS) return null;
  const rows = new Float64Array(la);
  const cols = new Float64Array(lb);
  for (let p = 0; p < la; p++) for (let q = 0; q < lb; q++) {
    rows[p]! += table[p * lb + q]!;
    cols[q]! += table[p * lb + q]!;
  }
  // Levels absent from the complete rows are not part of the table (scipy sees only observed ones).
  let r = 0;
  let c = 0;
  for (let p = 0; p < la; p++) if (rows[p]! > 0) r++;
  for (let q = 0; q < lb; q++) if (cols[q]! > 0) c++;
  const k = Math.min(r, c);
  if (k < 2) return null;
  let chi2 = 0;
  for (let p = 0; p < la; p++) {
    if (rows[p] === 0) continue;
    for (let q = 0; q < lb; q++) {
      if (cols[q] === 0) continue;
      const e = (rows[p]! * cols[q]!) / n;
      const d = table[p * lb + q]! - e;
      chi2 += (d * d) / e;
    }
  }
  return Math.min(1, Math.sqrt(chi2 / (n * (k - 1))));
}

/** The correlation ratio η of a numeric column over the groups of a categorical one. */
export function correlationRatio(codes: Int32Array, levels: number, x: Float64Array): number | null {
  const sum = new Float64Array(levels);
  const cnt = new Float64Array(levels);
  let n = 0;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const g = codes[i]!;
    const v = x[i]!;
    if (g < 0 || v !== v) continue;
    sum[g]! += v;
    cnt[g]!++;
    total += v;
    n++;
  }
  if (n < MIN_ROWS) return null;
  const mean = total / n;
  let ssTotal = 0;
  for (let i = 0; i < x.length; i++) {
    const g = codes[i]!;
    const v = x[i]!;
    if (g < 0 || v !== v) continue;
    ssTotal += (v - mean) * (v - mean);
  }
  if (!(ssTotal > 0)) return null;
  let ssBetween = 0;
  for (let g = 0; g < levels; g++) if (cnt[g]! > 0) ssBetween += cnt[g]! * (sum[g]! / cnt[g]! - mean) ** 2;
  return Math.min(1, Math.sqrt(ssBetween / ssTotal));
}

export interface CorrelationMatrix {
  columns: string[];
  matrix: (number | null)[][];
  measures: Measure[][];
  order: number[];
}

export interface CorrelateOptions {
  method?: NumericMethod;
  signal?: AbortSignal;
  /** Called after each column's row of pairs, fraction 0..1. */
  onProgress?: (fraction: number) => void;
}

/** Centred, unit-norm copy of a gap-free column (null when constant): then r = dot(a, b). */
function normalised(v: Float64Array): Float64Array | null {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i]!;
  m /= n;
  const out = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i]! - m;
    out[i] = d;
    ss += d * d;
  }
  if (!(ss > 0)) return null;
  const s = 1 / Math.sqrt(ss);
  for (let i = 0; i < n; i++) out[i]! *= s;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** Every pair of columns with the measure their kinds call for, and a clustering order. */
export function correlationMatrix(cols: CorrColumn[], opts: CorrelateOptions = {}): CorrelationMatrix {
  const method = opts.method ?? 'pearson';
  const k = cols.length;
  // Spearman: every numeric column is sorted once; pairs with gaps re-rank by walking that order.
  const orders = cols.map((c) => (method === 'spearman' && c.type === 'numeric' ? presentOrder(c.values) : undefined));
  // Gap-free numeric columns: centred and scaled once (ranked first for Spearman); a pair is then a dot product.
  const dense: (Float64Array | null | undefined)[] = cols.map((c, i) => {
    if (c.type !== 'numeric' || c.values.length < MIN_ROWS || hasMissing(c.values)) return undefined;
    return normalised(method === 'spearman' ? ranksFromOrder(c.values, orders[i]!) : c.values);
  });
  const matrix: (number | null)[][] = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
  const measures: Measure[][] = Array.from({ length: k }, () => new Array<Measure>(k).fill(method));
  const pairsTotal = (k * (k + 1)) / 2;
  let pairsDone = 0;
  for (let i = 0; i < k; i++) {
    throwIfAborted(opts.signal, 'The correlation');
    const a = cols[i]!;
    for (let j = i; j < k; j++) {
      const b = cols[j]!;
      let r: number | null;
      let m: Measure;
      if (a.type === 'numeric' && b.type === 'numeric') {
        m = method;
        const da = dense[i];
        const db = dense[j];
        if (da !== undefined && db !== undefined) r = da && db ? clampR(dot(da, db)) : null;
        else r = method === 'spearman' ? spearman(a.values, b.values, orders[i], orders[j]) : pearson(a.values, b.values);
      } else if (a.type === 'categorical' && b.type === 'categorical') {
        m = 'cramers_v';
        r = cramersV(a.codes, a.levels.length, b.codes, b.levels.length);
      } else {
        m = 'correlation_ratio';
        const cat = (a.type === 'categorical' ? a : b) as Extract<CorrColumn, { type: 'categorical' }>;
        const num = (a.type === 'numeric' ? a : b) as Extract<CorrColumn, { type: 'numeric' }>;
        r = correlationRatio(cat.codes, cat.levels.length, num.values);
      }
      if (i === j && r !== null) r = 1;
      matrix[i]![j] = r;
      matrix[j]![i] = r;
      measures[i]![j] = m;
      measures[j]![i] = m;
      pairsDone++;
    }
    opts.onProgress?.(pairsDone / pairsTotal);
  }
  return { columns: cols.map((c) => c.name), matrix, measures, order: clusterOrder(matrix) };
}

/**
 * Leaf order of an average-linkage (UPGMA) clustering on the distance
 * 1 − |r| (a missing r counts as distance 1), so strongly related columns sit
 * side by side in the heat map. Ties merge the lowest cluster ids first.
 */
export function clusterOrder(matrix: (number | null)[][]): number[] {
  const n = matrix.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const dist = (i: number, j: number): number => {
    const r = matrix[i]![j];
    return r === null || r === undefined || Number.isNaN(r) ? 1 : 1 - Math.abs(r);
  };
  interface Cluster {
    leaves: number[];
  }
  const clusters = new Map<number, Cluster>();
  const d = new Map<number, Map<number, number>>();
  for (let i = 0; i < n; i++) {
    clusters.set(i, { leaves: [i] });
    d.set(i, new Map());
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const v = dist(i, j);
    d.get(i)!.set(j, v);
    d.get(j)!.set(i, v);
  }
  let next = n;
  while (clusters.size > 1) {
    let best = Infinity;
    let bi = -1;
    let bj = -1;
    const ids = [...clusters.keys()].sort((x, y) => x - y);
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) {
      const v = d.get(ids[x]!)!.get(ids[y]!)!;
      if (v < best) {
        best = v;
        bi = ids[x]!;
        bj = ids[y]!;
      }
    }
    const A = clusters.get(bi)!;
    const B = clusters.get(bj)!;
    const merged: Cluster = { leaves: [...A.leaves, ...B.leaves] };
    const row = new Map<number, number>();
    for (const id of clusters.keys()) {
      if (id === bi || id === bj) continue;
      const v = (A.leaves.length * d.get(bi)!.get(id)! + B.leaves.length * d.get(bj)!.get(id)!) / (A.leaves.length + B.leaves.length);
      row.set(id, v);
      d.get(id)!.set(next, v);
      d.get(id)!.delete(bi);
      d.get(id)!.delete(bj);
    }
    clusters.delete(bi);
    clusters.delete(bj);
    d.delete(bi);
    d.delete(bj);
    clusters.set(next, merged);
    d.set(next, row);
    next++;
  }
  return [...clusters.values()][0]!.leaves;
}
