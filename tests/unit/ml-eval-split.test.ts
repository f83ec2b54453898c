import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { kFold, repeatedKFold, stratifiedKFold, trainTestSplit } from '../../src-main/engine/ml/eval/split.ts';
import { Random, deriveSeed } from '../../src-main/engine/ml/random.ts';
import { loadXY } from '../helpers/data.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof LatheError, String(e));
    return e.code;
  }
  return 'no error';
};

describe('seeded PRNG', () => {
  it('same seed, same stream; different seeds differ', () => {
    const a = new Random(5);
    const b = new Random(5);
    const c = new Random(6);
    const xa = Array.from({ length: 20 }, () => a.uniform());
    assert.deepEqual(xa, Array.from({ length: 20 }, () => b.uniform()));
    assert.notDeepEqual(xa, Array.from({ length: 20 }, () => c.uniform()));
    assert.ok(xa.every((x) => x >= 0 && x < 1));
    assert.notEqual(deriveSeed(1, 0), deriveSeed(1, 1));
  });
  it('int is unbiased enough and in range; normal has mean 0, sd 1', () => {
    const r = new Random(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[r.int(6)]!++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `count ${c}`);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 50000; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    assert.ok(Math.abs(s / 50000) < 0.02);
    assert.ok(Math.abs(s2 / 50000 - 1) < 0.03);
  });
  it('shuffle is a permutation; sample draws distinct items; choice honours weights', () => {
    const r = new Random(3);
    const p = r.permutation(100);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
    const s = r.sample(50, 20);
    assert.equal(new Set(s).size, 20);
    let ones = 0;
    for (let i = 0; i < 10000; i++) if (r.choice([0, 1], [1, 3]) === 1) ones++;
    assert.ok(Math.abs(ones / 10000 - 0.75) < 0.02);
  });
});

describe('hold-out split', () => {
  const { y } = loadXY('iris.csv', 'target');
  it('partitions the rows, test size = ceil(fraction × n), seeded', () => {
    const a = trainTestSplit(150, { testSize: 0.25, seed: 1 });
    assert.equal(a.test.length, 38);
    assert.equal(a.train.length, 112);
    assert.deepEqual([...a.train, ...a.test].sort((p, q) => p - q), Array.from({ length: 150 }, (_, i) => i));
    assert.deepEqual(trainTestSplit(150, { testSize: 0.25, seed: 1 }), a);
    assert.notDeepEqual(trainTestSplit(150, { testSize: 0.25, seed: 2 }).test, a.test);
  });
  it('stratified keeps each class share', () => {
    const s = trainTestSplit(150, { testSize: 0.2, seed: 4, y, stratify: true });
    assert.equal(s.test.length, 30);
    const per = [0, 0, 0];
    for (const i of s.test) per[y[i]!]!++;
    assert.deepEqual(per, [10, 10, 10]);
  });
  it('refuses sizes that leave a side empty and classes too small to stratify', () => {
    assert.equal(code(() => trainTestSplit(10, { testSize: 0, seed: 1 })), 'INVALID_PARAM');
    assert.equal(code(() => trainTestSplit(10, { testSize: 10, seed: 1 })), 'BAD_DATA');
    assert.equal(code(() => trainTestSplit(5, { testSize: 0.4, seed: 1, y: [0, 0, 0, 0, 1], stratify: true })), 'BAD_DATA');
  });
});

describe('k-fold', () => {
  it('plain k-fold: sizes as sklearn (first n % k folds one larger), every row tested once', () => {
    const folds = kFold(23, 5, 7);
    assert.deepEqual(
      folds.map((f) => f.test.length),
      [5, 5, 5, 4, 4],
    );
    const all = folds.flatMap((f) => [...f.test]).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 23 }, (_, i) => i));
    for (const f of folds) assert.equal(f.train.length + f.test.length, 23);
  });
  it('stratified: per-class round-robin allocation (iris 150 rows, 4 folds)', () => {
    const { y } = loadXY('iris.csv', 'target');
    const folds = stratifiedKFold(y, 4, 0);
    // 50 per class over 4 folds: 13, 13, 12, 12 of each class (sklearn's allocation)
    for (const [f, fold] of folds.entries()) {
      const per = [0, 0, 0];
      for (const i of fold.test) per[y[i]!]!++;
      // classes sorted by appearance and laid out consecutively: allocation cycles through folds
      assert.equal(per.reduce((a, b) => a + b, 0), fold.test.length);
      for (const c of per) assert.ok(c === 12 || c === 13, `fold ${f}: ${per}`);
    }
    assert.deepEqual(stratifiedKFold(y, 4, 0), folds);
  });
  it('repeated CV derives a seed per repeat and labels folds', () => {
    const { y } = loadXY('wine.csv', 'target');
    const folds = repeatedKFold({ n: y.length, folds: 3, repeats: 2, seed: 9, y, stratify: true });
    assert.equal(folds.length, 6);
    assert.deepEqual(
      folds.map((f) => [f.repeat, f.fold]),
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
      ],
    );
    assert.notDeepEqual(folds[0]!.test, folds[3]!.test);
  });
  it('refuses too many folds', () => {
    assert.equal(code(() => kFold(3, 5, 1)), 'BAD_DATA');
    assert.equal(code(() => kFold(10, 1, 1)), 'INVALID_PARAM');
    assert.equal(code(() => stratifiedKFold([0, 0, 1, 1], 3, 1)), 'BAD_DATA');
  });
});
