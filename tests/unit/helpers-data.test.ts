import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadXY, fixedSplit } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

test('test helpers: iris loads as 150 x 4 with 3 classes', () => {
  const d = loadXY('iris.csv', 'target');
  assert.equal(d.X.rows, 150);
  assert.equal(d.X.cols, 4);
  assert.deepEqual(d.classes, ['0', '1', '2']);
});

test('test helpers: penguins drops rows with NA and keeps numeric features', () => {
  const d = loadXY('penguins.csv', 'species');
  assert.equal(d.X.rows, 342);
  assert.deepEqual(d.features, ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year']);
});

test('test helpers: scikit-learn answers through /usr/bin/python3', () => {
  const { train, test: te } = fixedSplit(10, 0.3, 1);
  assert.equal(te.length, 3);
  assert.equal(train.length, 7);
  const r = sklearn<number>(`out = float(np.sum(np.array(inp['a'])))`, { a: new Float64Array([1, 2, 3.5]) });
  assert.equal(r, 6.5);
});
