/** The live training chart and the probability bars: pure option builders with fixed inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERIES_NAMES, emaSmooth, lossOption, pointCount } from '../../src-renderer/lib/charts/loss.ts';
import { BAR, argmax, percent, probabilitiesOption } from '../../src-renderer/lib/charts/probabilities.ts';

test('emaSmooth is debiased (a constant stays constant) and follows a step', () => {
  assert.deepEqual(emaSmooth([2, 2, 2]).map((v) => +v.toFixed(12)), [2, 2, 2]);
  const s = emaSmooth([0, 10, 10, 10], 0.5);
  assert.equal(s[0], 0);
  assert.ok(s[1]! > 5 && s[1]! < 10);
  assert.ok(s[3]! > s[2]! && s[3]! < 10);
  assert.deepEqual(emaSmooth([]), []);
});

const epochs = [
  { epoch: 1, loss: 1.2, accuracy: 0.6, valLoss: 1.0, valAccuracy: 0.7, seconds: 0.5 },
  { epoch: 2, loss: 0.6, accuracy: 0.85, valLoss: 0.7, valAccuracy: 0.8, seconds: 0.5 },
];
const batches = [
  { x: 0.5, loss: 1.5, accuracy: 0.5 },
  { x: 1.5, loss: 0.8, accuracy: 0.8 },
];

test('loss chart: per-batch smoothed, per-epoch training and validation lines', () => {
  const o = lossOption({ epochs, batches }, 'loss', 10);
  assert.deepEqual(
    o.series.map((s) => s.name),
    [SERIES_NAMES.batch, SERIES_NAMES.train, SERIES_NAMES.val],
  );
  assert.deepEqual(o.series[1]!.data, [
    [1, 1.2],
    [2, 0.6],
  ]);
  assert.deepEqual(o.series[2]!.data, [
    [1, 1.0],
    [2, 0.7],
  ]);
  assert.equal(o.series[0]!.data[0]![0], 0.5);
  assert.ok(Math.abs(o.series[0]!.data[0]![1] - 1.5) < 1e-12);
  assert.equal(o.series[2]!.lineStyle.type, 'dashed');
  assert.equal(o.xAxis.max, 10, 'the x range is the planned epochs while training');
  assert.equal(o.yAxis.min, 0);
  assert.equal(pointCount(o), 6);
  assert.deepEqual(o.legend.data, o.series.map((s) => s.name));
});

test('accuracy chart: capped at 1; no validation series without validation rows', () => {
  const o = lossOption({ epochs: epochs.map(({ valLoss: _l, valAccuracy: _a, ...e }) => e), batches: [] }, 'accuracy');
  assert.equal(o.yAxis.max, 1);
  assert.deepEqual(
    o.series.map((s) => s.name),
    [SERIES_NAMES.batch, SERIES_NAMES.train],
  );
  assert.deepEqual(o.series[1]!.data, [
    [1, 0.6],
    [2, 0.85],
  ]);
  assert.equal(o.xAxis.max, 2);
});

test('probability bars: ten classes, the most probable highlighted, percent labels', () => {
  const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const p = [0.01, 0.02, 0.7, 0.05, 0.02, 0.05, 0.05, 0.04, 0.03, 0.03];
  const o = probabilitiesOption(classes, p);
  assert.deepEqual(o.xAxis.data, classes);
  const bars = o.series[0]!.data;
  assert.equal(bars.length, 10);
  assert.equal(bars[2]!.itemStyle.color, BAR.top);
  assert.ok(bars.filter((b) => b.itemStyle.color === BAR.top).length === 1);
  assert.equal(o.yAxis.max, 1);
  assert.equal(o.series[0]!.label.formatter({ value: 0.7 }), '70.0%');
  assert.equal(o.series[0]!.label.formatter({ value: 0.001 }), '');
  assert.equal(argmax(p), 2);
  assert.equal(argmax([]), -1);
  assert.equal(percent(1), '100%');
  assert.throws(() => probabilitiesOption(classes, [1]), RangeError);
});
