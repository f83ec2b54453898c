/**
 * Worker task: "informative projections". Every pair of numeric features is
 * scored by how well a k-nearest-neighbours classifier separates the class
 * on that 2-D projection alone (standardised, seeded stratified k-fold CV),
 * best first — the scatter plots worth looking at. Long data is sampled
 * (seeded) to a few thousand rows, and the result says so.
 */
import type { ProjectionScore, ProjectionsResult } from '../../../../src-shared/contract/explore.ts';
import type { DatasetMeta } from '../../../../src-shared/dataset.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { kFold, stratifiedKFold, type Fold } from '../../ml/eval/split.ts';
import { Random } from '../../ml/random.ts';
import { gatherColumns } from '../../stats/gather.ts';
import { DatasetReader } from '../../store/reader.ts';

export interface ProjectionsInput {
  dbFile: string;
  datasetId: string;
  classColumn: string;
  columns?: string[];
  k: number;
  folds: number;
  seed: number;
  maxRows: number;
}

const NUMERIC = new Set(['float', 'integer']);

export function numericColumns(meta: DatasetMeta, classColumn: string, names?: string[]): string[] {
  if (names && names.length) {
    for (const n of names) {
      const c = meta.columns.find((x) => x.name === n);
      if (!c) throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${n}".`, { param: 'columns', column: n });
      if (!NUMERIC.has(c.kind)) throw new LatheError('BAD_DATA', `"${n}" is ${c.kind}; informative projections pair numeric columns only.`, { param: 'columns', column: n });
    }
    return names.filter((n) => n !== classColumn);
  }
  return meta.columns.filter((c) => c.role !== 'ignored' && c.name !== classColumn && NUMERIC.has(c.kind)).map((c) => c.name);
}

/** Mean and std of a fold-wise k-NN accuracy on standardised (x, y). */
export function knnCvAccuracy(x: Float64Array, y: Float64Array, cls: Int32Array, k: number, folds: Fold[]): { mean: number; std: number } {
  const n = cls.length;
  const zx = standardise(x);
  const zy = standardise(y);
  const accs: number[] = [];
  const bestD = new Float64Array(k);
  const bestC = new Int32Array(k);
  let nClasses = 0;
  for (let i = 0; i < n; i++) nClasses = Math.max(nClasses, cls[i]! + 1);
  const votes = new Float64Array(nClasses);
  for (const f of folds) {
    let right = 0;
    for (const t of f.test) {
      const tx = zx[t]!;
      const ty = zy[t]!;
      bestD.fill(Infinity);
      bestC.fill(-1);
      for (const r of f.train) {
        const dx = zx[r]! - tx;
        const dy = zy[r]! - ty;
        const d = dx * dx + dy * dy;
        if (d >= bestD[k - 1]!) continue;
        // Insert into the sorted k best.
        let j = k - 1;
        while (j > 0 && bestD[j - 1]! > d) {
          bestD[j] = bestD[j - 1]!;
          bestC[j] = bestC[j - 1]!;
          j--;
        }
        bestD[j] = d;
        bestC[j] = cls[r]!;
      }
      votes.fill(0);
      for (let j = 0; j < k; j++) if (bestC[j]! >= 0) votes[bestC[j]!]! += 1;
      // Majority; a tie goes to the class of the nearest neighbour among the tied.
      let max = 0;
      for (let c = 0; c < nClasses; c++) if (votes[c]! > max) max = votes[c]!;
      let pred = -1;
      for (let j = 0; j < k && pred < 0; j++) if (bestC[j]! >= 0 && votes[bestC[j]!] === max) pred = bestC[j]!;
      if (pred === cls[t]) right++;
    }
    accs.push(f.test.length ? right / f.test.length : 0);
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return { mean, std };
}

function standardise(v: Float64Array): Float64Array {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i]!;
  m /= n || 1;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[i]! - m) ** 2;
  s = Math.sqrt(s / (n || 1)) || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (v[i]! - m) / s;
  return out;
}

function foldsFor(cls: Int32Array, folds: number, seed: number): Fold[] {
  try {
    return stratifiedKFold(cls, folds, seed);
  } catch {
    return kFold(cls.length, folds, seed);
  }
}

export function run(raw: unknown, ctx: TaskContext): ProjectionsResult {
  const input = raw as ProjectionsInput;
  const reader = new DatasetReader(input.dbFile);
  try {
    const { meta, cols, names } = reader.db.transaction(() => {
      const meta = reader.meta(input.datasetId);
      const clsInfo = meta.columns.find((c) => c.name === input.classColumn);
      if (!clsInfo) {
        throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${input.classColumn}".`, { param: 'classColumn', column: input.classColumn });
      }
      const names = numericColumns(meta, input.classColumn, input.columns);
      if (names.length < 2) {
        throw new LatheError('BAD_DATA', `"${meta.name}" has ${names.length} numeric feature column(s) besides "${input.classColumn}"; projections need at least two.`, {
          param: 'columns',
        });
      }
      const infos = [clsInfo, ...names.map((n) => meta.columns.find((c) => c.name === n)!)];
      ctx.progress({ fraction: 0, phase: 'read', rows: meta.rows });
      const cols = gatherColumns(reader.db, meta, infos, { signal: ctx.signal });
      return { meta, cols, names };
    })();
    const clsCol = cols[0]!;
    // The class: a categorical column's codes, or the distinct values of a numeric one (integers as labels).
    let codes: Int32Array;
    let classes: string[];
    if (clsCol.type === 'categorical') {
      codes = clsCol.codes;
      classes = clsCol.levels;
    } else {
      const distinct = [...new Set(clsCol.values.filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
      if (distinct.length > 50) {
        throw new LatheError('BAD_DATA', `"${input.classColumn}" has ${distinct.length} distinct values; pick a class column with at most 50 (a category).`, {
          param: 'classColumn',
        });
      }
      const index = new Map(distinct.map((v, i) => [v, i]));
      codes = Int32Array.from(clsCol.values, (v) => (Number.isNaN(v) ? -1 : index.get(v)!));
      classes = distinct.map(String);
    }
    // Rows with a class, then a seeded sample of them.
    const withClass: number[] = [];
    for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) withClass.push(i);
    const rng = new Random(input.seed);
    let rows = Int32Array.from(withClass);
    const sampled = rows.length > input.maxRows;
    if (sampled) rows = Int32Array.from(rng.sample(rows.length, input.maxRows), (j) => rows[j]!).sort();
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(codes[r]!, (counts.get(codes[r]!) ?? 0) + 1);
    const baseline = rows.length ? Math.max(...counts.values()) / rows.length : 0;
    const feats = cols.slice(1).map((c) => (c.type === 'numeric' ? c.values : Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v))));
    const pairs: ProjectionScore[] = [];
    const total = (names.length * (names.length - 1)) / 2;
    let done = 0;
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        throwIfAborted(ctx.signal, 'Ranking the projections');
        const fa = feats[a]!;
        const fb = feats[b]!;
        const keep = rows.filter((r) => !Number.isNaN(fa[r]!) && !Number.isNaN(fb[r]!));
        if (keep.length >= Math.max(input.folds, input.k + 1)) {
          const x = Float64Array.from(keep, (r) => fa[r]!);
          const y = Float64Array.from(keep, (r) => fb[r]!);
          const cls = Int32Array.from(keep, (r) => codes[r]!);
          const { mean, std } = knnCvAccuracy(x, y, cls, input.k, foldsFor(cls, input.folds, input.seed));
          pairs.push({ x: names[a]!, y: names[b]!, accuracy: mean, std, rows: keep.length });
        }
        done++;
        const last = pairs[pairs.length - 1];
        ctx.progress({
          fraction: done / total,
          phase: 'rank',
          message: `${done} of ${total} pairs`,
          ...(last ? { partial: { x: last.x, y: last.y, accuracy: last.accuracy } } : {}),
        });
      }
    }
    pairs.sort((p, q) => q.accuracy - p.accuracy || p.std - q.std);
    return { classColumn: input.classColumn, classes, pairs, k: input.k, folds: input.folds, rowsUsed: rows.length, totalRows: meta.rows, sampled, baseline };
  } finally {
    reader.close();
  }
}
