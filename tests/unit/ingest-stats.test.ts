import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeColumnStats, convertColumn, quantileSorted } from '../../src-main/engine/ingest/stats.ts';
import type { ColumnData } from '../../src-main/engine/arrow/types.ts';

test('numeric stats over chunks: pandas-style quartiles, ddof=1 std, missing, distinct, histogram', () => {
  const a: ColumnData = { storage: 'float64', values: new Float64Array([1, 2, NaN, 4]), nulls: new Uint8Array([0, 0, 1, 0]) };
  const b: ColumnData = { storage: 'float64', values: new Float64Array([4, 10]) };
  const s = computeColumnStats('float', [a, b]);
  assert.equal(s.missing, 1);
  assert.equal(s.distinct, 4);
  // pandas: pd.Series([1,2,4,4,10]).describe()
  const { std, ...rest } = s.stats!;
  assert.deepEqual(rest, { min: 1, max: 10, mean: 4.2, q1: 2, median: 4, q3: 4 });
  assert.ok(Math.abs(std - Math.sqrt(12.2)) < 1e-12);
  assert.equal(s.histogram!.counts.reduce((x, y) => x + y, 0), 5);
  assert.equal(s.histogram!.edges.length, 31);
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
});

test('integer columns with a small range get one bin per value', () => {
  const s = computeColumnStats('integer', [{ storage: 'int32', values: new Int32Array([0, 1, 1, 2, 2, 2]) }]);
  assert.deepEqual(s.histogram!.counts, [1, 2, 3]);
  assert.deepEqual(s.histogram!.edges, [-0.5, 0.5, 1.5, 2.5]);
});

test('string and bool stats: top counts, distinct, missing', () => {
  const c1: ColumnData = { storage: 'string', codes: new Int32Array([0, 1, 0, -1]), dictionary: ['x', 'y'], nulls: new Uint8Array([0, 0, 0, 1]) };
  const c2: ColumnData = { storage: 'string', codes: new Int32Array([0, 1]), dictionary: ['y', 'z'] };
  const s = computeColumnStats('categorical', [c1, c2]);
  assert.equal(s.missing, 1);
  assert.equal(s.distinct, 3);
  assert.deepEqual(s.top, [
    { value: 'x', count: 2 },
    { value: 'y', count: 2 },
    { value: 'z', count: 1 },
  ]);
  const b = computeColumnStats('boolean', [{ storage: 'bool', values: new Uint8Array([1, 1, 0]) }]);
  assert.deepEqual(b.top, [
    { value: 'true', count: 2 },
    { value: 'false', count: 1 },
  ]);
});

test('convertColumn: overrides that work', () => {
  const ints: ColumnData = { storage: 'int32', values: new Int32Array([3, 1, 3]) };
  const cat = convertColumn(ints, 'categorical', 1);
  assert.equal(cat.storage, 'string');
  if (cat.storage === 'string') assert.deepEqual(cat.dictionary, ['3', '1']);
  const txt: ColumnData = { storage: 'string', codes: new Int32Array([0, 1, -1]), dictionary: ['1.5', '2'], nulls: new Uint8Array([0, 0, 1]) };
  const f = convertColumn(txt, 'float', 1);
  assert.equal(f.storage, 'float64');
  if (f.storage === 'float64') assert.deepEqual(Array.from(f.values), [1.5, 2, NaN]);
  const fl: ColumnData = { storage: 'float64', values: new Float64Array([1, 2, 3e9]) };
  const i = convertColumn(fl, 'integer', 1);
  assert.equal(i.storage, 'float64', 'beyond int32 stays float64');
  const i2 = convertColumn({ storage: 'float64', values: new Float64Array([1, 2]) }, 'integer', 1);
  assert.equal(i2.storage, 'int32');
  const d = convertColumn({ storage: 'string', codes: new Int32Array([0, 1]), dictionary: ['31/12/2020', '01/02/2021'] }, 'date', 1);
  assert.equal(d.storage, 'timestamp');
  if (d.storage === 'timestamp') assert.deepEqual(Array.from(d.values), [Date.UTC(2020, 11, 31), Date.UTC(2021, 1, 1)]);
  const b = convertColumn({ storage: 'int32', values: new Int32Array([0, 1]) }, 'boolean', 1);
  assert.equal(b.storage, 'bool');
  const back = convertColumn({ storage: 'timestamp', values: new Float64Array([Date.UTC(2020, 0, 2)]) }, 'text', 1);
  if (back.storage === 'string') assert.deepEqual(back.dictionary, ['2020-01-02']);
});

test('convertColumn: BAD_KIND names the first offending data row and value', () => {
  const fl: ColumnData = { storage: 'float64', values: new Float64Array([1, 2, 2.5, 3.5]) };
  assert.throws(
    () => convertColumn(fl, 'integer', 101),
    (e: { code?: string; message?: string; details?: { row?: number } }) => e.code === 'BAD_KIND' && e.details?.row === 103 && /row 103/.test(e.message!) && /2\.5/.test(e.message!),
  );
  const txt: ColumnData = { storage: 'string', codes: new Int32Array([0, 1]), dictionary: ['1', 'abc'] };
  assert.throws(() => convertColumn(txt, 'float', 1), (e: { code?: string; details?: { row?: number; value?: string } }) => e.code === 'BAD_KIND' && e.details?.row === 2 && e.details?.value === 'abc');
  assert.throws(() => convertColumn({ storage: 'int32', values: new Int32Array([0, 2]) }, 'boolean', 1), (e: { code?: string }) => e.code === 'BAD_KIND');
  assert.throws(() => convertColumn({ storage: 'float64', values: new Float64Array([1]) }, 'date', 1), (e: { code?: string }) => e.code === 'BAD_KIND');
  assert.throws(() => convertColumn({ storage: 'float64', values: new Float64Array([3e9]) }, 'integer', 1, 'int32'), (e: { code?: string }) => e.code === 'BAD_KIND');
});

test('quickselect quartiles, distinct and histogram agree with a full sort on random columns', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(rnd() * 200);
    const v = Float64Array.from({ length: n }, () => Math.floor(rnd() * (t % 3 ? 10 : 1000)) / 4);
    const s = computeColumnStats('float', [{ storage: 'float64', values: v }]);
    const sorted = v.slice().sort();
    assert.deepEqual([s.stats!.q1, s.stats!.median, s.stats!.q3], [0.25, 0.5, 0.75].map((p) => quantileSorted(sorted, p)));
    assert.equal(s.distinct, new Set(v).size);
    assert.equal(s.histogram!.counts.reduce((a, b) => a + b, 0), n);
  }
});

test('distinct counts: whole days (dates), whole numbers, mixed times and floats agree with a Set', () => {
  const day = 86400000;
  let seed = 3;
  const r = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const days = Float64Array.from({ length: 20000 }, () => (Math.floor(r() * 40000) - 20000) * day); // 1915..2024, negatives too
  const withTime = Float64Array.from(days, (x, i) => (i === 777 ? x + 1000 : x)); // one value off the day grid
  const ints = Float64Array.from({ length: 20000 }, () => Math.floor(r() * 3e9) - 1.5e9);
  const floats = Float64Array.from({ length: 20000 }, () => Math.round(r() * 5000) / 8);
  for (const [kind, a] of [['date', days], ['datetime', withTime], ['integer', ints], ['float', floats]] as const) {
    const s = computeColumnStats(kind, [{ storage: kind === 'integer' || kind === 'float' ? 'float64' : 'timestamp', values: a }]);
    assert.equal(s.distinct, new Set(a).size, kind);
  }
});

test('distinct counts of decimal columns (bitmap over scaled values) agree with a Set, -0 and 0 as one', () => {
  let seed = 5;
  const r = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cols: Float64Array[] = [
    Float64Array.from({ length: 30000 }, () => Number((r() * 1000).toFixed(2))),
    Float64Array.from({ length: 30000 }, () => Number((r() - 0.5).toFixed(5))),
    Float64Array.from({ length: 30000 }, () => Number((r() * 600 - 300).toFixed(3))),
    Float64Array.from({ length: 30000 }, (_, i) => (i < 300 ? Number(r().toFixed(1)) : Number(r().toFixed(6)))), // scale grows after the probe
    Float64Array.from({ length: 30000 }, () => r() * 7), // full-precision doubles: the hash set
    Float64Array.from([0, -0, 0.1, 0.2, 0.30000000000000004, 0.3, 1e-7, 5]),
  ];
  for (const [i, a] of cols.entries()) {
    const s = computeColumnStats('float', [{ storage: 'float64', values: a }]);
    const want = new Set(Array.from(a, (x) => (x === 0 ? 0 : x))).size;
    assert.equal(s.distinct, Math.min(want, 100_000), `column ${i}`);
  }
});
