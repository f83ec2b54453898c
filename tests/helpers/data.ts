/**
 * Small, dependable loaders of the shared datasets as matrices, for ML tests
 * that must not depend on the importer. Reads ../shared/datasets beside the checkout (or
 * LATHE_SHARED_DATASETS), else the copies in datasets/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';
import { mulberry32 } from '../fixtures/random.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const SHARED_DATASETS = [process.env.LATHE_SHARED_DATASETS, join(repo, '..', 'shared', 'datasets'), '/work/shared/datasets', join(repo, 'datasets')].find(
  (d) => d && existsSync(join(d, 'iris.csv')),
)!;

export function datasetPath(file: string): string {
  for (const d of [SHARED_DATASETS, join(repo, 'datasets')]) {
    if (existsSync(join(d, file))) return join(d, file);
  }
  throw new Error(`dataset ${file} not found`);
}

/** Minimal RFC-4180 reader for the clean shared files. */
export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const p = datasetPath(file);
  const text = p.endsWith('.gz') ? gunzipSync(readFileSync(p)).toString('utf8') : readFileSync(p, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const header = rows.shift()!;
  return { header, rows };
}

export interface LabelledData {
  X: Matrix;
  /** Class codes 0..k-1 (for classification) */
  y: Int32Array;
  /** Raw numeric target (for regression) */
  yNum: Float64Array;
  features: string[];
  classes: string[];
}

/**
 * Load a dataset as (X, y): every numeric column but the target is a feature;
 * rows with a missing feature or target are dropped. Non-numeric feature
 * columns are dropped.
 */
export function loadXY(file: string, target: string, opts: { features?: string[] } = {}): LabelledData {
  const { header, rows } = readCsv(file);
  const ti = header.indexOf(target);
  if (ti < 0) throw new Error(`no column ${target} in ${file}`);
  const isMissing = (s: string | undefined): boolean => s === undefined || s === '' || s === 'NA';
  let fi = header.map((_, i) => i).filter((i) => i !== ti);
  if (opts.features) fi = opts.features.map((f) => header.indexOf(f));
  else fi = fi.filter((i) => rows.every((r) => isMissing(r[i]) || Number.isFinite(Number(r[i]))));
  const kept = rows.filter((r) => !isMissing(r[ti]) && fi.every((i) => !isMissing(r[i])));
  const X = new Float64Array(kept.length * fi.length);
  kept.forEach((r, n) => fi.forEach((i, j) => (X[n * fi.length + j] = Number(r[i]))));
  const labels = kept.map((r) => r[ti]!);
  const numeric = labels.every((l) => Number.isFinite(Number(l)));
  const classes = [...new Set(labels)].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(classes.map((c, i) => [c, i]));
  return {
    X: { data: X, rows: kept.length, cols: fi.length },
    y: Int32Array.from(labels, (l) => index.get(l)!),
    yNum: Float64Array.from(labels, (l) => Number(l)),
    features: fi.map((i) => header[i]!),
    classes,
  };
}

/** The standard classification datasets of the parity tests. */
export const CLASSIFICATION_SETS = [
  { file: 'iris.csv', target: 'target' },
  { file: 'wine.csv', target: 'target' },
  { file: 'breast_cancer.csv', target: 'target' },
  { file: 'digits.csv', target: 'target' },
  { file: 'penguins.csv', target: 'species' },
] as const;

/** Rows of X picked by idx, as a new matrix. */
export function takeRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const out = new Float64Array(idx.length * X.cols);
  for (let i = 0; i < idx.length; i++) out.set(X.data.subarray(idx[i]! * X.cols, (idx[i]! + 1) * X.cols), i * X.cols);
  return { data: out, rows: idx.length, cols: X.cols };
}

export function take<T extends Int32Array | Float64Array>(y: T, idx: ArrayLike<number>): T {
  const out = new (y.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

/** A deterministic shuffled split (mulberry32), for tests that need fixed indices. */
export function fixedSplit(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const rnd = mulberry32(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const nt = Math.round(n * testFraction);
  return { test: idx.slice(0, nt).sort(), train: idx.slice(nt).sort() };
}
