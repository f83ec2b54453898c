/**
 * Seeded splits of row indices: hold-out (optionally stratified), k-fold,
 * stratified k-fold (fold sizes and per-class counts as scikit-learn's
 * StratifiedKFold: classes in order of first appearance, round-robin
 * allocation over the class-sorted labels) and repeated CV (one derived seed
 * per repeat). Everything returns sorted Int32Array index lists, so the same
 * folds can be reused across learners.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { deriveSeed, Random } from '../random.ts';

export interface Fold {
  train: Int32Array;
  test: Int32Array;
  /** repeat number (0 for a single run) */
  repeat: number;
  /** fold number within the repeat */
  fold: number;
}

function sorted(a: ArrayLike<number>): Int32Array {
  return Int32Array.from(a).sort();
}

/** Number of test rows for a fraction (ceil, as sklearn) or a count. */
function testCount(n: number, testSize: number): number {
  if (!(testSize > 0)) throw new LatheError('INVALID_PARAM', `testSize must be a fraction in (0, 1) or a row count ≥ 1; got ${testSize}.`, { param: 'testSize' });
  const nt = testSize < 1 ? Math.ceil(testSize * n) : Math.floor(testSize);
  if (nt < 1 || nt >= n) {
    throw new LatheError('BAD_DATA', `A test size of ${testSize} leaves ${nt} test and ${n - nt} training rows out of ${n}; both need at least one row.`, {
      param: 'testSize',
    });
  }
  return nt;
}

/** Labels recoded 0..c-1 by order of first appearance (sklearn's StratifiedKFold encoding). */
function encodeByAppearance(y: ArrayLike<number>): { codes: Int32Array; counts: number[] } {
  const map = new Map<number, number>();
  const codes = new Int32Array(y.length);
  const counts: number[] = [];
  for (let i = 0; i < y.length; i++) {
    let c = map.get(y[i]!);
    if (c === undefined) {
      c = map.size;
      map.set(y[i]!, c);
      counts.push(0);
    }
    codes[i] = c;
    counts[c]!++;
  }
  return { codes, counts };
}

/**
 * Hold-out split. Stratified: each class keeps its share in the test rows
 * (largest remainders, ties broken by the seed), as StratifiedShuffleSplit.
 */
export function trainTestSplit(n: number, opts: { testSize: number; seed: number; y?: ArrayLike<number>; stratify?: boolean }): Fold {
  const nTest = testCount(n, opts.testSize);
  const rng = new Random(opts.seed);
  if (!opts.stratify || !opts.y) {
    const p = rng.permutation(n);
    return { test: sorted(p.subarray(0, nTest)), train: sorted(p.subarray(nTest)), repeat: 0, fold: 0 };
  }
  const y = opts.y;
  if (y.length !== n) throw new LatheError('BAD_DATA', `Stratified split: y has ${y.length} labels for ${n} rows.`, { param: 'y' });
  const { codes, counts } = encodeByAppearance(y);
  const C = counts.length;
  if (nTest < C || n - nTest < C) {
    throw new LatheError(
      'BAD_DATA',
      `A stratified split needs at least one row of each of the ${C} classes on both sides; ${nTest} test and ${n - nTest} training rows are too few. Use a larger test size or turn stratification off.`,
      { param: 'testSize' },
    );
  }
  for (let c = 0; c < C; c++) {
    if (counts[c]! < 2) {
      throw new LatheError('BAD_DATA', `A stratified split needs at least 2 rows per class; a class has only ${counts[c]}. Turn stratification off or drop that class.`, {
        param: 'y',
      });
    }
  }
  // test rows per class: floor of the exact share, then the largest remainders (ties by the seed)
  const want = counts.map((k) => (k * nTest) / n);
  const take = want.map((w) => Math.floor(w));
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const order = rng.shuffle(Array.from({ length: C }, (_, c) => c)).sort((a, b) => want[b]! - take[b]! - (want[a]! - take[a]!));
  for (const c of order) {
    if (left <= 0) break;
    if (take[c]! < counts[c]! - 1) {
      take[c]!++;
      left--;
    }
  }
  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < n; i++) byClass[codes[i]!]!.push(i);
  const test: number[] = [];
  const train: number[] = [];
  for (let c = 0; c < C; c++) {
    const rows = rng.shuffle(byClass[c]!);
    for (let j = 0; j < rows.length; j++) (j < take[c]! ? test : train).push(rows[j]!);
  }
  return { test: sorted(test), train: sorted(train), repeat: 0, fold: 0 };
}

/** Plain k-fold: the first n % k folds get one extra row, as sklearn's KFold. Shuffled with the seed. */
export function kFold(n: number, k: number, seed: number | null, repeat = 0): Fold[] {
  checkFolds(n, k);
  const idx = seed === null ? Int32Array.from({ length: n }, (_, i) => i) : new Random(seed).permutation(n);
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = idx.subarray(start, start + size);
    const train = new Int32Array(n - size);
    train.set(idx.subarray(0, start));
    train.set(idx.subarray(start + size), start);
    folds.push({ test: sorted(test), train: sorted(train), repeat, fold: f });
    start += size;
  }
  return folds;
}

/**
 * Stratified k-fold as sklearn's StratifiedKFold(shuffle=True): the number of
 * rows of each class in each fold is sklearn's exactly; which rows go where
 * depends on the seed (a different generator from numpy's).
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed: number | null, repeat = 0): Fold[] {
  const n = y.length;
  checkFolds(n, k);
  const { codes, counts } = encodeByAppearance(y);
  const C = counts.length;
  if (counts.every((c) => k > c)) {
    throw new LatheError('BAD_DATA', `n_splits=${k} cannot be greater than the number of members in each class (largest class has ${Math.max(...counts)}).`, {
      param: 'folds',
    });
  }
  // allocation[f][c] = count of class c among positions f, f+k, f+2k... of the class-sorted labels
  const allocation: number[][] = Array.from({ length: k }, () => new Array<number>(C).fill(0));
  let pos = 0;
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < counts[c]!; j++, pos++) allocation[pos % k]![c]!++;
  }
  const rng = seed === null ? null : new Random(seed);
  const testFold = new Int32Array(n);
  const cursor = new Array<number>(C).fill(0);
  const foldsForClass: Int32Array[] = [];
  for (let c = 0; c < C; c++) {
    const arr = new Int32Array(counts[c]!);
    let q = 0;
    for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f]![c]!; j++) arr[q++] = f;
    if (rng) rng.shuffle(arr);
    foldsForClass.push(arr);
  }
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    testFold[i] = foldsForClass[c]![cursor[c]!++]!;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (testFold[i] === f ? test : train).push(i);
    folds.push({ test: Int32Array.from(test), train: Int32Array.from(train), repeat, fold: f });
  }
  return folds;
}

/** Repeated (stratified) k-fold: repeat r uses the seed derived from (seed, r). */
export function repeatedKFold(opts: { n: number; folds: number; repeats: number; seed: number; y?: ArrayLike<number>; stratify?: boolean }): Fold[] {
  const out: Fold[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const s = opts.repeats === 1 ? opts.seed : deriveSeed(opts.seed, r);
    out.push(...(opts.stratify && opts.y ? stratifiedKFold(opts.y, opts.folds, s, r) : kFold(opts.n, opts.folds, s, r)));
  }
  return out;
}

function checkFolds(n: number, k: number): void {
  if (!Number.isInteger(k) || k < 2) throw new LatheError('INVALID_PARAM', `The number of folds must be an int ≥ 2; got ${k}.`, { param: 'folds' });
  if (k > n) throw new LatheError('BAD_DATA', `Cannot make ${k} folds from ${n} rows; use at most ${n} folds.`, { param: 'folds' });
}
