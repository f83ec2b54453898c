import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBatches, decodeBatch, encodeBatch, sliceBatch } from '../../src-main/engine/arrow/ipc.ts';
import type { Batch } from '../../src-main/engine/arrow/types.ts';

function sample(): Batch {
  return {
    names: ['f', 'i', 'b', 't', 's'],
    rows: 4,
    columns: [
      { storage: 'float64', values: new Float64Array([1.5, NaN, -3, 1e300]), nulls: new Uint8Array([0, 1, 0, 0]) },
      { storage: 'int32', values: new Int32Array([1, 0, -2147483648, 2147483647]), nulls: new Uint8Array([0, 1, 0, 0]) },
      { storage: 'bool', values: new Uint8Array([1, 0, 0, 1]), nulls: new Uint8Array([0, 0, 1, 0]) },
      { storage: 'timestamp', values: new Float64Array([Date.UTC(2020, 0, 1), -86400000 * 400, NaN, Date.UTC(2100, 5, 1, 12, 0, 0, 5)]), nulls: new Uint8Array([0, 0, 1, 0]) },
      { storage: 'string', codes: new Int32Array([0, -1, 1, 0]), dictionary: ['a', 'é€ "x"'], nulls: new Uint8Array([0, 1, 0, 0]) },
    ],
  };
}

test('encode/decode round trip with nulls for every storage', () => {
  const b = sample();
  const d = decodeBatch(encodeBatch(b));
  assert.equal(d.rows, 4);
  assert.deepEqual(d.names, b.names);
  const [f, i, bo, t, s] = d.columns;
  assert.equal(f!.storage, 'float64');
  assert.deepEqual(Array.from(f!.storage === 'float64' ? f!.values : []), [1.5, NaN, -3, 1e300]);
  assert.deepEqual(Array.from(f!.nulls!), [0, 1, 0, 0]);
  assert.deepEqual(Array.from(i!.storage === 'int32' ? i!.values : []).filter((_, k) => k !== 1), [1, -2147483648, 2147483647]);
  assert.deepEqual(Array.from(i!.nulls!), [0, 1, 0, 0]);
  assert.equal(bo!.storage, 'bool');
  assert.deepEqual(Array.from(bo!.storage === 'bool' ? bo!.values : []).filter((_, k) => k !== 2), [1, 0, 1]);
  assert.deepEqual(Array.from(bo!.nulls!), [0, 0, 1, 0]);
  assert.equal(t!.storage, 'timestamp');
  assert.deepEqual(Array.from(t!.storage === 'timestamp' ? t!.values : []), [Date.UTC(2020, 0, 1), -86400000 * 400, NaN, Date.UTC(2100, 5, 1, 12, 0, 0, 5)]);
  assert.equal(s!.storage, 'string');
  if (s!.storage === 'string') {
    assert.deepEqual(Array.from(s!.codes), [0, -1, 1, 0]);
    assert.deepEqual(s!.dictionary, ['a', 'é€ "x"']);
  }
});

test('no nulls → no nulls array; column selection and order', () => {
  const b: Batch = { names: ['a', 'b'], rows: 2, columns: [{ storage: 'int32', values: new Int32Array([1, 2]) }, { storage: 'float64', values: new Float64Array([0.5, 1]) }] };
  const d = decodeBatch(encodeBatch(b), ['b', 'a']);
  assert.deepEqual(d.names, ['b', 'a']);
  assert.equal(d.columns[0]!.nulls, undefined);
  assert.throws(() => decodeBatch(encodeBatch(b), ['zz']), (e: { code?: string }) => e.code === 'UNKNOWN_COLUMN');
  assert.throws(() => decodeBatch(new Uint8Array([1, 2, 3])), (e: { code?: string }) => e.code === 'BAD_DATA');
});

test('empty batch round trips', () => {
  const b: Batch = { names: ['a', 's'], rows: 0, columns: [{ storage: 'float64', values: new Float64Array(0) }, { storage: 'string', codes: new Int32Array(0), dictionary: [] }] };
  const d = decodeBatch(encodeBatch(b));
  assert.equal(d.rows, 0);
  assert.deepEqual(d.columns.map((c) => c.storage), ['float64', 'string']);
});

test('slice and concat merge string dictionaries', () => {
  const b = sample();
  const x: Batch = { names: ['s'], rows: 3, columns: [{ storage: 'string', codes: new Int32Array([0, 1, -1]), dictionary: ['z', 'a'], nulls: new Uint8Array([0, 0, 1]) }] };
  const y = sliceBatch(decodeBatch(encodeBatch(b), ['s']), 1, 4);
  assert.equal(y.rows, 3);
  const c = concatBatches([x, y]);
  assert.equal(c.rows, 6);
  const s = c.columns[0]!;
  assert.equal(s.storage, 'string');
  if (s.storage === 'string') {
    const vals = Array.from(s.codes).map((k) => (k < 0 ? null : s.dictionary[k]));
    assert.deepEqual(vals, ['z', 'a', null, null, 'é€ "x"', 'a']);
    assert.deepEqual(Array.from(s.nulls!), [0, 0, 1, 1, 0, 0]);
  }
  assert.throws(() => concatBatches([x, { names: ['s'], rows: 1, columns: [{ storage: 'int32', values: new Int32Array(1) }] }]));
});
