/** The search panel's grid parsing and the predict panel's drift report formatting (pure helpers). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { taskEntry } from '../../src-shared/ml/catalog.ts';
import type { DriftReport } from '../../src-shared/model-bundle.ts';
import { candidateLabel, gridSize, meanStd, parseGrid, parseValues, separatorOf } from '../../src-renderer/components/search/grid.ts';
import { driftColumns, driftHeadline, statText } from '../../src-renderer/components/models/drift.ts';

const knn = taskEntry('knn', 'classification');
const knnSpec = (name: string) => knn.schema[name]!;

test('parseValues: ints, dedup, whitespace; empty text means not searched', () => {
  assert.deepEqual(parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), ' 1, 3 ,5, 3'), [1, 3, 5]);
  assert.deepEqual(parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), '   '), []);
  assert.deepEqual(parseValues(knn.owner, 'weights', knnSpec('weights'), 'uniform, distance'), ['uniform', 'distance']);
});

test('parseValues: a bad value throws INVALID_PARAM with the standard message and its position', () => {
  assert.throws(
    () => parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), '1, 0'),
    (e: unknown) =>
      e instanceof LatheError &&
      e.code === 'INVALID_PARAM' &&
      e.message.startsWith("The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.") &&
      e.message.includes('value 2') &&
      (e.details as { position?: number }).position === 2,
  );
  assert.throws(() => parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), '1.5'), (e: unknown) => e instanceof LatheError && e.code === 'INVALID_PARAM');
  assert.throws(() => parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), 'three'), (e: unknown) => e instanceof LatheError && /Got 'three'/.test(e.message));
  assert.throws(() => parseValues(knn.owner, 'weights', knnSpec('weights'), 'uniform, nearest'), (e: unknown) => e instanceof LatheError && e.code === 'INVALID_PARAM');
  // A gap between separators names the empty value.
  assert.throws(() => parseValues(knn.owner, 'n_neighbors', knnSpec('n_neighbors'), '1,,5'), (e: unknown) => e instanceof LatheError && /Value 2 of 'n_neighbors' is empty/.test(e.message));
});

test('list parameters are separated by ";" (their values hold commas)', () => {
  const mlp = taskEntry('mlp', 'classification');
  const name = Object.entries(mlp.schema).find(([, s]) => s.type === 'int_list')?.[0];
  assert.ok(name, 'the MLP has a list parameter');
  const spec = mlp.schema[name]!;
  assert.equal(separatorOf(spec), ';');
  assert.deepEqual(parseValues(mlp.owner, name, spec, '10; 20,20'), [[10], [20, 20]]);
  assert.equal(separatorOf(knnSpec('n_neighbors')), ',');
});

test('parseGrid collects per-parameter errors and counts combinations', () => {
  const g = parseGrid(knn.owner, knn.schema, { n_neighbors: '1,3,5', weights: 'uniform,distance', p: '' });
  assert.deepEqual(g.grid, { n_neighbors: [1, 3, 5], weights: ['uniform', 'distance'] });
  assert.equal(g.size, 6);
  assert.deepEqual(g.errors, {});
  const bad = parseGrid(knn.owner, knn.schema, { n_neighbors: '0', weights: 'distance' });
  assert.equal(bad.errors.n_neighbors?.code, 'INVALID_PARAM');
  assert.deepEqual(bad.grid, { weights: ['distance'] });
  assert.equal(gridSize({}), 1);
});

test('candidate labels and mean ± std', () => {
  assert.equal(candidateLabel({ n_neighbors: 3, weights: 'distance', p: 2 }, ['n_neighbors', 'weights']), 'n_neighbors=3  weights=distance');
  assert.equal(candidateLabel({ hidden: [20, 20], alpha: null }, ['hidden', 'alpha']), 'hidden=20,20  alpha=None');
  assert.equal(meanStd(0.95333, 0.034), '0.9533 ± 0.0340');
  assert.equal(meanStd(NaN, 0), '–');
});

function report(over: Partial<DriftReport>): DriftReport {
  return { missing: [], extra: [], kindChanges: [], columns: [], level: 'none', warnings: [], distributions: true, ...over };
}

test('driftHeadline: large shift, missing features and kind changes are named', () => {
  const r = report({
    level: 'large',
    missing: ['petal width (cm)'],
    kindChanges: [{ name: 'sepal width (cm)', trained: 'numeric', now: 'text' }],
    columns: [
      { name: 'a', kind: 'numeric', psi: 0.05, ks: 0.02, level: 'none' },
      { name: 'b', kind: 'numeric', psi: 1.83, ks: 0.6, level: 'large' },
      { name: 'c', kind: 'numeric', psi: 0.15, ks: 0.2, level: 'moderate' },
    ],
  });
  const h = driftHeadline(r);
  assert.equal(h.level, 'large');
  assert.match(h.title, /^Large drift/);
  assert.match(h.detail, /1 feature missing \(petal width \(cm\)\)/);
  assert.match(h.detail, /sepal width \(cm\): numeric → text/);
  assert.match(h.detail, /2 of 3 features shifted \(1 large\)/);
  assert.deepEqual(driftColumns(r).map((c) => c.name), ['b', 'c', 'a']);
});

test('driftHeadline: no drift, and schema-only checks say so', () => {
  const ok = driftHeadline(report({ columns: [{ name: 'a', kind: 'numeric', psi: 0.01, ks: 0.03, level: 'none' }] }));
  assert.equal(ok.level, 'none');
  assert.match(ok.title, /^No drift/);
  assert.match(ok.detail, /All 1 features are within the training distribution/);
  const schemaOnly = driftHeadline(report({ distributions: false }));
  assert.match(schemaOnly.detail, /only the schema was checked/);
  assert.equal(statText(null), '–');
  assert.equal(statText(0.38312), '0.383');
});
