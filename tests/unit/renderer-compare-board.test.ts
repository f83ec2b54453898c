/** Comparison board logic: task and defaults from the columns, table columns, best per column, a confusion cell's rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnInfo } from '../../src-shared/dataset.ts';
import type { CompareResult, LearnerResult, MetricSummary } from '../../src-shared/contract/ml.ts';
import {
  bestPerColumn,
  cellCount,
  cellRows,
  cellValue,
  defaultFeatures,
  defaultTarget,
  formatFixed,
  formatMeanStd,
  formatP,
  formatSeconds,
  repeatsOf,
  tableColumns,
  taskFor,
} from '../../src-renderer/lib/compare/board.ts';

function col(name: string, kind: ColumnInfo['kind'], extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, index: 0, kind, inferredKind: kind, storage: kind === 'integer' ? 'int32' : kind === 'float' ? 'float64' : 'string', role: 'feature', missing: 0, distinct: 10, ...extra };
}

function summary(folds: number[]): MetricSummary {
  const mean = folds.reduce((a, b) => a + b, 0) / folds.length;
  const std = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / folds.length);
  return { mean, std, folds };
}

function learner(algo: LearnerResult['algo'], metrics: Record<string, number[]>, extra: Partial<LearnerResult> = {}): LearnerResult {
  return {
    algo,
    display: algo,
    params: {},
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, summary(v)])),
    fitSeconds: 0.1,
    predictSeconds: 0.01,
    ...extra,
  };
}

test('taskFor follows the engine: floats regress, few-valued integers and categories classify', () => {
  assert.equal(taskFor(col('y', 'float')), 'regression');
  assert.equal(taskFor(col('y', 'integer', { distinct: 3 })), 'classification');
  assert.equal(taskFor(col('y', 'integer', { distinct: 20 })), 'classification');
  assert.equal(taskFor(col('y', 'integer', { distinct: 214 })), 'regression');
  assert.equal(taskFor(col('y', 'categorical')), 'classification');
  assert.equal(taskFor(col('y', 'boolean')), 'classification');
  assert.equal(taskFor(col('y', 'date')), 'regression');
});

test('the default target is the column whose role is target, else the last usable column; features are the other non-ignored columns', () => {
  const cols = [col('a', 'float'), col('species', 'categorical', { role: 'target' }), col('id', 'integer', { role: 'ignored' }), col('b', 'float')];
  assert.equal(defaultTarget(cols), 'species');
  assert.deepEqual(defaultFeatures(cols, 'species'), ['a', 'b']);
  const plain = [col('a', 'float'), col('b', 'float'), col('note', 'text')];
  assert.equal(defaultTarget(plain), 'b');
  assert.equal(defaultTarget([]), null);
});

test('table columns: the run metrics in catalogue order, then fit and predict time', () => {
  const ls = [learner('knn', { f1_macro: [0.9], accuracy: [0.95], log_loss: [0.2] })];
  const cols = tableColumns('classification', ls);
  assert.deepEqual(cols.map((c) => [c.key, c.label, c.higherIsBetter, c.kind]), [
    ['accuracy', 'Accuracy', true, 'metric'],
    ['f1_macro', 'F1 (macro)', true, 'metric'],
    ['log_loss', 'Log loss', false, 'metric'],
    ['fitSeconds', 'Fit s', false, 'time'],
    ['predictSeconds', 'Predict s', false, 'time'],
  ]);
  const reg = tableColumns('regression', [learner('linreg', { rmse: [50], r2: [0.5], mae: [40] })]);
  assert.deepEqual(reg.map((c) => c.key), ['r2', 'mae', 'rmse', 'fitSeconds', 'predictSeconds']);
  // A metric the catalogue does not know still shows.
  assert.deepEqual(tableColumns('classification', [learner('knn', { accuracy: [1], brier: [0.1] })]).map((c) => c.key), ['accuracy', 'brier', 'fitSeconds', 'predictSeconds']);
});

test('best per column respects the direction, counts ties, skips failed learners', () => {
  const ls = [
    learner('knn', { accuracy: [0.9, 0.92], log_loss: [0.3, 0.3] }, { fitSeconds: 0.002 }),
    learner('gnb', { accuracy: [0.95, 0.97], log_loss: [0.5, 0.5] }, { fitSeconds: 0.001 }),
    learner('tree', { accuracy: [0.96, 0.96], log_loss: [0.4, 0.4] }, { fitSeconds: 0.05 }),
    learner('forest', { accuracy: [1, 1] }, { fitSeconds: 0, error: { code: 'BAD_DATA', message: 'boom' } }),
  ];
  const cols = tableColumns('classification', ls);
  const best = bestPerColumn(ls, cols);
  assert.deepEqual(best.accuracy, [1, 2], 'gnb and tree tie at 0.96 (the failed forest does not count)');
  assert.deepEqual(best.log_loss, [0], 'lower log loss is better');
  assert.deepEqual(best.fitSeconds, [1], 'less time is better');
  assert.deepEqual(best.predictSeconds, [0, 1, 2]);
  assert.equal(cellValue(ls[3] as LearnerResult, cols[0]!), null);
});

test('a column with one value has no best; regression r2 up, mae and rmse down', () => {
  const ls = [learner('linreg', { r2: [0.5], mae: [44], rmse: [55] }), learner('ridge', { r2: [0.45], mae: [43], rmse: [56] }), learner('knn', { r2: [0.4] })];
  const best = bestPerColumn(ls, tableColumns('regression', ls));
  assert.deepEqual(best.r2, [0]);
  assert.deepEqual(best.mae, [1]);
  assert.deepEqual(best.rmse, [0]);
  assert.deepEqual(bestPerColumn([ls[0]!], tableColumns('regression', [ls[0]!])).r2, []);
});

test('mean ± std text: four decimals for scores, significant digits in target units, std only with folds', () => {
  assert.equal(formatMeanStd(summary([0.95, 0.97])), '0.9600 ± 0.0100');
  assert.equal(formatMeanStd(summary([0.9561])), '0.9561');
  assert.equal(formatMeanStd({ mean: 54.123456, std: 3.2, folds: [1, 2] }), '54.123 ± 3.2000');
  assert.equal(formatFixed(-0.5), '-0.5000');
  assert.equal(formatSeconds(0.0004), '<0.001');
  assert.equal(formatSeconds(1.23456), '1.235');
  assert.equal(formatSeconds(12.34), '12.3');
  assert.equal(formatP(0.0412), 'p = 0.041');
  assert.equal(formatP(0.0004), 'p < 0.001');
});

test("a confusion cell's rows: the run's row ids where actual and predicted match the cell", () => {
  const run: Pick<CompareResult, 'rowIds' | 'actual' | 'protocol'> = {
    rowIds: Int32Array.from([0, 2, 3, 5, 8, 9, 11]),
    actual: Int32Array.from([0, 0, 1, 1, 2, 2, 1]),
    protocol: { kind: 'cv', folds: 5, seed: 0 },
  };
  const l = { predictions: Int32Array.from([0, 1, 1, 0, 2, 1, 0]), confusion: [[1, 1, 0], [2, 1, 0], [0, 1, 1]] };
  assert.deepEqual(cellRows(run, l, 1, 0), [5, 11]);
  assert.deepEqual(cellRows(run, l, 0, 1), [2]);
  assert.deepEqual(cellRows(run, l, 2, 2), [8]);
  assert.deepEqual(cellRows(run, l, 2, 0), []);
  // The listed rows are as many as the cell counts, for every cell.
  for (let a = 0; a < 3; a++) for (let p = 0; p < 3; p++) assert.equal(cellRows(run, l, a, p).length, cellCount(l, a, p), `cell ${a},${p}`);
  assert.deepEqual(cellRows(run, {}, 1, 0), [], 'no predictions, no rows');
  assert.equal(cellCount({}, 0, 0), 0);
  assert.equal(repeatsOf(run), 1);
  assert.equal(repeatsOf({ protocol: { kind: 'cv', folds: 10, repeats: 3, seed: 1 } }), 3);
  assert.equal(repeatsOf({ protocol: { kind: 'holdout', testSize: 0.2, seed: 1 } }), 1);
});
