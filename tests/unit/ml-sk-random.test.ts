/**
 * scikit-learn's random streams: the vectors come from numpy 1.24
 * (numpy.random.RandomState) and the MT19937 reference implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MT19937, RandR, sklearnSplitterSeed } from '../../src-main/engine/ml/sk-random.ts';

test('MT19937 matches the reference implementation and numpy RandomState', () => {
  const ref = new MT19937(5489); // mt19937ar.c's default seed
  assert.equal(ref.nextU32(), 3499211612);
  const z = new MT19937(0);
  assert.deepEqual([z.nextU32(), z.nextU32(), z.nextU32()], [2357136044, 2546248239, 3071714933]);
  const r = new MT19937(2024);
  assert.deepEqual(Array.from({ length: 5 }, () => r.nextU32()), [2525503112, 3251949050, 3002649184, 3172895360, 808106523]);
  // the state is regenerated every 624 draws: draw past it
  const long = new MT19937(7);
  const draws = Array.from({ length: 1000 }, () => long.randint(10));
  assert.deepEqual(draws.slice(995), [8, 8, 1, 5, 9]);
});

test('randint uses numpy\'s masked rejection', () => {
  const r = new MT19937(3);
  assert.deepEqual(Array.from({ length: 12 }, () => r.randint(7)), [2, 0, 1, 3, 0, 0, 0, 5, 5, 3, 2, 3]);
  assert.throws(() => r.randint(0), RangeError);
  assert.throws(() => new MT19937(-1), RangeError);
});

test('the splitter seed is RandomState(s).randint(0, 2^31 - 1)', () => {
  assert.deepEqual([0, 1, 42, 12345, 4294967295].map(sklearnSplitterSeed), [209652396, 1791095845, 1608637542, 1845187042, 419326371]);
});

test('our_rand_r: xorshift 13/17/5 modulo 2^31, zero seed replaced by 1', () => {
  const r = new RandR(1);
  // 1 → 1 ^ (1 << 13) = 8193; ^ (8193 >> 17) = 8193; ^ (8193 << 5) = 270369
  assert.equal(r.next(), 270369);
  const z = new RandR(0);
  assert.equal(z.next(), 270369);
  const s = new RandR(209652396);
  for (let i = 0; i < 1000; i++) {
    const v = s.int(3, 10);
    assert.ok(v >= 3 && v < 10);
  }
});
