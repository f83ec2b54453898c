/**
 * The drift check before predicting: the new data against the model's
 * training fingerprint. Schema: features missing, extra columns, kinds that
 * changed. Distribution, per feature: the population stability index
 * PSI = Σ (a − e)·ln(a / e) over the training bins (numeric: decile bins,
 * plus one bin for missing values; categorical: one bin per training label,
 * one for unseen labels, one for missing), with proportions floored at 1e-4
 * so an empty bin does not make it infinite; and for numeric columns the
 * Kolmogorov–Smirnov statistic against the training distribution
 * interpolated between its 21 quantiles. PSI > 0.2 is a large shift,
 * 0.1–0.2 a moderate one.
 */
import {
  driftLevel,
  type CategoricalFingerprint,
  type ColumnFingerprint,
  type DriftColumn,
  type DriftLevel,
  type DriftReport,
  type FeatureKind,
  type NumericFingerprint,
} from '../../../src-shared/model-bundle.ts';
import type { FeatureColumn } from '../ml/preprocess/table.ts';
import { binOf } from './fingerprint.ts';

const FLOOR = 1e-4;

export function psi(expected: readonly number[], actual: readonly number[]): number {
  const te = expected.reduce((a, b) => a + b, 0);
  const ta = actual.reduce((a, b) => a + b, 0);
  if (te === 0 || ta === 0) return 0;
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]! / te, FLOOR);
    const a = Math.max((actual[i] ?? 0) / ta, FLOOR);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

/** Training CDF at x from its quantiles (piecewise linear; flat runs of equal quantiles jump). */
function trainCdf(q: readonly number[], x: number): number {
  const m = q.length - 1;
  if (x < q[0]!) return 0;
  if (x >= q[m]!) return 1;
  // Last i with q[i] <= x.
  let lo = 0;
  let hi = m;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (q[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const a = q[lo]!;
  const b = q[lo + 1]!;
  const frac = b > a ? (x - a) / (b - a) : 1;
  return (lo + frac) / m;
}

/** sup |F_new − F_train| over the new values (both sides of each step of the empirical CDF). */
export function ksAgainstQuantiles(quantiles: readonly number[], values: Float64Array): number | null {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  const n = v.length;
  if (n === 0 || quantiles.length < 2) return null;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = trainCdf(quantiles, v[i]!);
    d = Math.max(d, Math.abs((i + 1) / n - f), Math.abs(i / n - f));
  }
  // The training distribution also moves between the new values: check at its quantiles.
  for (const x of quantiles) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    d = Math.max(d, Math.abs(lo / n - trainCdf(quantiles, x)));
  }
  return d;
}

function numericDrift(fp: NumericFingerprint, values: Float64Array): { psi: number; ks: number | null } {
  const actual = new Array<number>(fp.counts.length + 1).fill(0);
  for (const x of values) {
    if (Number.isNaN(x)) actual[fp.counts.length]!++;
    else actual[binOf(fp.edges, x)]!++;
  }
  return { psi: psi([...fp.counts, fp.missing], actual), ks: ksAgainstQuantiles(fp.quantiles, values) };
}

function categoricalDrift(fp: CategoricalFingerprint, c: Extract<FeatureColumn, { kind: 'categorical' }>): number {
  const index = new Map(fp.categories.map((e, k) => [e.value, k]));
  const K = fp.categories.length;
  const actual = new Array<number>(K + 2).fill(0);
  const byCode = c.categories.map((label) => index.get(label) ?? K);
  for (const code of c.codes) {
    if (code < 0) actual[K + 1]!++;
    else actual[byCode[code]!]!++;
  }
  return psi([...fp.categories.map((e) => e.count), fp.other, fp.missing], actual);
}

const RANK: Record<DriftLevel, number> = { none: 0, moderate: 1, large: 2 };

export interface DriftInput {
  /** The model's features and their kinds. */
  features: { name: string; kind: FeatureKind }[];
  /** The training fingerprint (may be empty for old models). */
  fingerprint: ColumnFingerprint[];
  /** Every column of the new data with its kind (dataset kinds: integer, float, categorical...). */
  dataColumns: { name: string; kind: string }[];
  /** The target of the model, not counted as an extra column. */
  target?: string | null;
  /** The new data's feature columns, read in the model's kinds. */
  table: FeatureColumn[];
}

function featureKindOf(datasetKind: string): FeatureKind | 'text' {
  if (datasetKind === 'categorical' || datasetKind === 'boolean') return 'categorical';
  if (datasetKind === 'text') return 'text';
  return 'numeric';
}

export function driftReport(inp: DriftInput): DriftReport {
  const have = new Map(inp.dataColumns.map((c) => [c.name, c.kind]));
  const wanted = new Set(inp.features.map((f) => f.name));
  const missing = inp.features.filter((f) => !have.has(f.name)).map((f) => f.name);
  const extra = inp.dataColumns.filter((c) => !wanted.has(c.name) && c.name !== inp.target).map((c) => c.name);
  const kindChanges: DriftReport['kindChanges'] = [];
  for (const f of inp.features) {
    const k = have.get(f.name);
    if (k !== undefined && featureKindOf(k) !== f.kind) kindChanges.push({ name: f.name, trained: f.kind, now: k });
  }
  const fps = new Map(inp.fingerprint.map((c) => [c.name, c]));
  const columns: DriftColumn[] = [];
  const warnings: string[] = [];
  let level: DriftLevel = 'none';
  const raise = (l: DriftLevel): void => {
    if (RANK[l] > RANK[level]) level = l;
  };
  if (missing.length) {
    raise('large');
    warnings.push(`The data lacks ${missing.length === 1 ? 'the feature' : 'the features'} ${missing.map((m) => `'${m}'`).join(', ')} the model was trained with.`);
  }
  for (const k of kindChanges) {
    raise('large');
    warnings.push(`'${k.name}' was ${k.trained} in training but is ${k.now} here.`);
  }
  for (const col of inp.table) {
    const fp = fps.get(col.name);
    if (!fp || fp.kind !== col.kind) continue;
    let p: number;
    let ks: number | null = null;
    if (fp.kind === 'numeric' && col.kind === 'numeric') ({ psi: p, ks } = numericDrift(fp, col.values));
    else if (fp.kind === 'categorical' && col.kind === 'categorical') p = categoricalDrift(fp, col);
    else continue;
    const l = driftLevel(p);
    raise(l);
    columns.push({ name: col.name, kind: col.kind, psi: p, ks, level: l });
    if (l !== 'none') warnings.push(`${col.name}: ${l} shift (PSI ${p.toFixed(3)}${ks !== null ? `, KS ${ks.toFixed(3)}` : ''}).`);
  }
  if (extra.length) warnings.push(`The model does not use ${extra.length === 1 ? 'the column' : 'the columns'} ${extra.map((e) => `'${e}'`).join(', ')}.`);
  return { missing, extra, kindChanges, columns, level, warnings, distributions: inp.fingerprint.length > 0 };
}
