import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { incompleteBeta, normalCdf, normalQuantile, studentTCdf, studentTQuantile, studentTTwoSided } from '../../src-main/engine/ml/eval/distributions.ts';
import { correctedResampledTTest, formatP } from '../../src-main/engine/ml/eval/stats-tests.ts';

describe('distributions', () => {
  it('Student t: known values (scipy) and exact df = 1, 2 forms', () => {
    assert.ok(Math.abs(studentTCdf(0.5, 3) - 0.6742760175759246) < 1e-14);
    assert.ok(Math.abs(studentTQuantile(0.975, 4) - 2.7764451051977987) < 1e-12);
    // df = 1 is Cauchy: F(t) = 1/2 + atan(t)/π; df = 2: F(t) = 1/2 + t / (2 sqrt(t² + 2))
    for (const t of [-30, -2, -0.1, 0, 0.7, 5, 100]) {
      assert.ok(Math.abs(studentTCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI)) < 1e-14, `df1 ${t}`);
      assert.ok(Math.abs(studentTCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(t * t + 2)))) < 1e-14, `df2 ${t}`);
    }
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.8, 0.999]) {
      for (const df of [1, 3.5, 10, 200]) {
        const q = studentTQuantile(p, df);
        assert.ok(Math.abs(studentTCdf(q, df) - p) < 1e-12 * Math.max(1, p / 1e-3), `p ${p} df ${df}`);
      }
    }
    // scipy.stats.t.ppf(0.975, 9); scipy is accurate to ~1e-10 there
    assert.ok(Math.abs(studentTTwoSided(2.262157162740992, 9) - 0.05) < 1e-10);
  });
  it('normal and incomplete beta', () => {
    assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-15);
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-13);
    assert.ok(Math.abs(incompleteBeta(0.3, 2, 3) - 0.3483) < 1e-12); // I_0.3(2,3) = 0.3483 exactly
    assert.ok(Number.isNaN(studentTCdf(1, 0)));
  });
});

describe('corrected resampled t-test', () => {
  const a = [0.91, 0.93, 0.9, 0.95, 0.92, 0.94, 0.9, 0.93, 0.91, 0.96];
  it('hand computation', () => {
    const b = [0.9, 0.9, 0.91, 0.92, 0.9, 0.93, 0.88, 0.9, 0.9, 0.93];
    const r = correctedResampledTTest(a, b, { nTrain: 90, nTest: 10, nameA: 'Forest', nameB: 'Tree' });
    const d = a.map((x, i) => x - b[i]!);
    const m = d.reduce((s, x) => s + x, 0) / 10;
    const v = d.reduce((s, x) => s + (x - m) ** 2, 0) / 9;
    const t = m / Math.sqrt((1 / 10 + 10 / 90) * v);
    assert.ok(Math.abs(r.t - t) < 1e-12);
    assert.ok(Math.abs(r.p - studentTTwoSided(t, 9)) < 1e-15);
    assert.equal(r.df, 9);
    assert.equal(r.better, 'A');
    assert.equal(r.verdict, `Forest is better than Tree at 5% (${formatP(r.p)})`);
  });
  it('verdicts: not distinguishable, B better, lower-is-better metrics, identical scores', () => {
    const noisy = [0.92, 0.91, 0.94, 0.9, 0.95, 0.93, 0.9, 0.92, 0.93, 0.94];
    const r = correctedResampledTTest(a, noisy, { nTrain: 90, nTest: 10 });
    assert.equal(r.better, null);
    assert.match(r.verdict, /^B is not distinguishable from A at 5% \(p = 0\.\d\d\)$/);
    const worse = a.map((x) => x - 0.05 + (x % 0.02) / 10);
    assert.equal(correctedResampledTTest(worse, a, { nTrain: 90, nTest: 10 }).better, 'B');
    // for an error metric the smaller one wins
    assert.equal(correctedResampledTTest(worse, a, { nTrain: 90, nTest: 10, higherIsBetter: false }).better, 'A');
    const same = correctedResampledTTest(a, a, { nTrain: 90, nTest: 10 });
    assert.equal(same.p, 1);
    assert.equal(same.better, null);
  });
  it('p formatting and bad inputs', () => {
    assert.equal(formatP(0.41), 'p = 0.41');
    assert.equal(formatP(0.003), 'p = 0.003');
    assert.equal(formatP(0.0001), 'p < 0.001');
    assert.throws(
      () => correctedResampledTTest([1, 2], [1], { nTrain: 9, nTest: 1 }),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA',
    );
    assert.throws(
      () => correctedResampledTTest([1], [1], { nTrain: 9, nTest: 1 }),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA',
    );
  });
});
