/**
 * The training-data fingerprint kept with a model: per feature, what the
 * training rows looked like (decile bins and counts plus 21 quantiles for a
 * numeric column, label counts for a categorical one), so the drift check can
 * compare new data with it long after the training dataset is gone.
 */
import type { CategoricalFingerprint, ColumnFingerprint, NumericFingerprint } from '../../../src-shared/model-bundle.ts';
import type { FeatureColumn, FeatureTable } from '../ml/preprocess/table.ts';

const QUANTILES = 21;
const BINS = 10;
const MAX_CATEGORIES = 200;

/** Linear-interpolated quantile (numpy's default) of sorted values. */
export function quantileSorted(s: Float64Array, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Index of the bin of x for inner edges e: the first b with x <= e[b], else e.length. */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function numericFingerprint(name: string, values: Float64Array): NumericFingerprint {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const n = present.length;
  let mean: number | null = null;
  let std: number | null = null;
  if (n) {
    let s = 0;
    for (const v of present) s += v;
    mean = s / n;
    let ss = 0;
    for (const v of present) ss += (v - mean) * (v - mean);
    std = Math.sqrt(ss / n);
  }
  const edges: number[] = [];
  if (n) {
    for (let b = 1; b < BINS; b++) {
      const e = quantileSorted(present, b / BINS);
      if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
    }
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of present) counts[binOf(edges, v)]!++;
  const quantiles = n ? Array.from({ length: QUANTILES }, (_, i) => quantileSorted(present, i / (QUANTILES - 1))) : [];
  return { name, kind: 'numeric', count: n, missing: values.length - n, mean, std, edges, counts, quantiles };
}

function categoricalFingerprint(name: string, codes: Int32Array, categories: string[]): CategoricalFingerprint {
  const counts = new Array<number>(categories.length).fill(0);
  let missing = 0;
  for (const c of codes) {
    if (c < 0) missing++;
    else counts[c]!++;
  }
  const all = categories.map((value, k) => ({ value, count: counts[k]! })).filter((e) => e.count > 0);
  all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  const kept = all.slice(0, MAX_CATEGORIES);
  const other = all.slice(MAX_CATEGORIES).reduce((s, e) => s + e.count, 0);
  return { name, kind: 'categorical', count: codes.length - missing, missing, categories: kept, other };
}

export function columnFingerprint(c: FeatureColumn): ColumnFingerprint {
  return c.kind === 'numeric' ? numericFingerprint(c.name, c.values) : categoricalFingerprint(c.name, c.codes, c.categories);
}

/** The fingerprint of every feature of the training table. */
export function tableFingerprint(t: FeatureTable): ColumnFingerprint[] {
  return t.columns.map(columnFingerprint);
}
