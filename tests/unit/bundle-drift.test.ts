/** The drift measures: PSI on training bins, KS against training quantiles, levels and schema checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftLevel } from '../../src-shared/model-bundle.ts';
import { columnFingerprint } from '../../src-main/engine/models/fingerprint.ts';
import { driftReport, ksAgainstQuantiles, psi } from '../../src-main/engine/models/drift.ts';
import { Random } from '../../src-main/engine/ml/random.ts';

function normal(n: number, seed: number, mean = 0, sd = 1): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => mean + sd * r.normal());
}

test('PSI: 0 for equal proportions, the textbook value otherwise, levels at 0.1 / 0.2', () => {
  assert.equal(psi([10, 20, 30], [1, 2, 3]), 0);
  const want = (0.5 - 0.25) * Math.log(0.5 / 0.25) + (0.5 - 0.75) * Math.log(0.5 / 0.75);
  assert.ok(Math.abs(psi([25, 75], [50, 50]) - want) < 1e-15);
  assert.equal(driftLevel(0.05), 'none');
  assert.equal(driftLevel(0.1), 'moderate');
  assert.equal(driftLevel(0.2), 'moderate');
  assert.equal(driftLevel(0.21), 'large');
});

test('KS against 21 training quantiles: small for the same distribution, large for a shifted one', () => {
  const train = columnFingerprint({ name: 'x', kind: 'numeric', values: normal(5000, 1) });
  assert.equal(train.kind, 'numeric');
  if (train.kind !== 'numeric') return;
  assert.equal(train.quantiles.length, 21);
  assert.equal(train.counts.reduce((a, b) => a + b, 0), 5000);
  const same = ksAgainstQuantiles(train.quantiles, normal(2000, 2))!;
  const shifted = ksAgainstQuantiles(train.quantiles, normal(2000, 3, 1))!;
  assert.ok(same < 0.05, `same ${same}`);
  assert.ok(Math.abs(shifted - 0.383) < 0.05, `shift by one sd: KS ≈ 0.383, got ${shifted}`);
});

test('report: numeric ×3 and a categorical shift are large, unchanged columns none; schema problems named', () => {
  const x = normal(3000, 4, 5, 1);
  const labels = ['a', 'b', 'c'];
  const codes = Int32Array.from({ length: 3000 }, (_, i) => i % 3);
  const fp = [columnFingerprint({ name: 'x', kind: 'numeric', values: x }), columnFingerprint({ name: 'c', kind: 'categorical', codes, categories: labels })];
  const features = [
    { name: 'x', kind: 'numeric' as const },
    { name: 'c', kind: 'categorical' as const },
  ];
  const ok = driftReport({
    features,
    fingerprint: fp,
    dataColumns: [{ name: 'x', kind: 'float' }, { name: 'c', kind: 'categorical' }, { name: 'y', kind: 'integer' }],
    target: 'y',
    table: [
      { name: 'x', kind: 'numeric', values: normal(1000, 5, 5, 1) },
      { name: 'c', kind: 'categorical', codes: Int32Array.from({ length: 999 }, (_, i) => i % 3), categories: labels },
    ],
  });
  assert.equal(ok.level, 'none', JSON.stringify(ok));
  assert.deepEqual(ok.extra, []);
  const bad = driftReport({
    features,
    fingerprint: fp,
    dataColumns: [{ name: 'x', kind: 'float' }, { name: 'c', kind: 'float' }, { name: 'z', kind: 'float' }],
    table: [
      { name: 'x', kind: 'numeric', values: x.map((v) => v * 3) },
      { name: 'c', kind: 'categorical', codes: new Int32Array(900), categories: ['a'] },
    ],
  });
  assert.equal(bad.level, 'large');
  assert.equal(bad.columns.find((c) => c.name === 'x')!.level, 'large');
  assert.equal(bad.columns.find((c) => c.name === 'c')!.level, 'large');
  assert.deepEqual(bad.kindChanges, [{ name: 'c', trained: 'categorical', now: 'float' }]);
  assert.deepEqual(bad.extra, ['z']);
  const missing = driftReport({ features, fingerprint: fp, dataColumns: [{ name: 'x', kind: 'float' }], table: [] });
  assert.deepEqual(missing.missing, ['c']);
  assert.equal(missing.level, 'large');
});
