/** The comparison board's chart builders with fixed inputs: strip, confusion, ROC, boundary, predicted-vs-actual, residuals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jitter, stripOption } from '../../src-renderer/lib/charts/strip.ts';
import { cellColor, confusionView } from '../../src-renderer/lib/charts/confusion.ts';
import { rocLabels, rocName, rocOption, rocSpec } from '../../src-renderer/lib/charts/roc.ts';
import { boundaryOption, boundaryPixels, cellAlpha } from '../../src-renderer/lib/charts/boundary.ts';
import { padded, pairs, predOption } from '../../src-renderer/lib/charts/scatter-pred.ts';
import { residualOption } from '../../src-renderer/lib/charts/residuals.ts';
import { colorAt, PALETTE, rgba, rgbOf, strideIndices } from '../../src-renderer/lib/charts/palette.ts';

test('palette: colours cycle, rgba and hex parsing, strided sampling', () => {
  assert.equal(colorAt(0), '#4e79a7');
  assert.equal(colorAt(PALETTE.length + 1), colorAt(1));
  assert.deepEqual(rgbOf('#4e79a7'), [78, 121, 167]);
  assert.equal(rgba('#ff0000', 0.33333), 'rgba(255,0,0,0.333)');
  assert.throws(() => rgbOf('red'), /not a #rrggbb colour/);
  assert.deepEqual(strideIndices(4, 10), [0, 1, 2, 3]);
  assert.deepEqual(strideIndices(10, 4), [0, 2, 5, 7]);
});

test('strip plot: learner bands, one dot per fold jittered inside its band, a mean bar', () => {
  const opt = stripOption({
    metric: 'Accuracy',
    learners: [
      { display: 'k-nearest neighbours', folds: [0.9, 0.95, 1], mean: 0.95 },
      { display: 'Random forest', folds: [0.96], mean: 0.96 },
      { display: 'Decision tree', folds: [], mean: NaN },
    ],
  });
  assert.deepEqual(opt.yAxis[0].data, ['k-nearest neighbours', 'Random forest', 'Decision tree']);
  assert.deepEqual([opt.yAxis[1].min, opt.yAxis[1].max, opt.yAxis[1].inverse, opt.yAxis[1].show], [-0.5, 2.5, true, false]);
  assert.equal(opt.yAxis[0].inverse, true);
  assert.equal(opt.xAxis.name, 'Accuracy per fold');
  assert.equal(opt.xAxis.scale, true);
  assert.equal(opt.xAxis.axisLine.onZero, false);
  assert.equal(opt.series.length, 4);
  assert.deepEqual(opt.series[0]?.data, [
    { value: [0.9, -0.25], name: 'fold 1' },
    { value: [0.95, 0], name: 'fold 2' },
    { value: [1, 0.25], name: 'fold 3' },
  ]);
  assert.deepEqual(opt.series[1]?.data, [{ value: [0.96, 1], name: 'fold 1' }]);
  assert.equal(opt.series[0]?.itemStyle.color, colorAt(0));
  assert.ok(opt.series.every((s) => s.yAxisIndex === 1));
  const mean = opt.series[3];
  assert.equal(mean?.name, 'mean');
  assert.deepEqual(mean?.data, [
    { value: [0.95, 0], name: 'k-nearest neighbours' },
    { value: [0.96, 1], name: 'Random forest' },
  ]);
  assert.deepEqual(mean?.symbolSize, [3, 26]);
  assert.equal(opt.tooltip.formatter({ seriesName: 'mean', name: 'Random forest', value: [0.96, 1] }), 'Random forest: mean 0.9600');
  assert.equal(opt.tooltip.formatter({ seriesName: 'Random forest', name: 'fold 1', value: [0.96, 1] }), 'Random forest, fold 1: 0.9600');
  assert.equal(jitter(0, 1), 0);
  assert.equal(jitter(4, 5), 0.25);
});

test('confusion view: counts, shares, right answers blue and mistakes red, the selected cell, labels', () => {
  const v = confusionView({ classes: ['B', 'M'], matrix: [[195, 17], [6, 351]], selected: [1, 0] });
  assert.equal(v.total, 569);
  assert.equal(v.correct, 546);
  assert.deepEqual(v.rows.map((r) => [r.label, r.total]), [['B', 212], ['M', 357]]);
  const [tn, fp] = v.rows[0]!.cells;
  const [fn] = v.rows[1]!.cells;
  assert.deepEqual([tn?.actual, tn?.predicted, tn?.count], [0, 0, 195]);
  assert.equal(tn?.background, cellColor(195, 212, true));
  assert.equal(tn?.background, 'rgba(61,99,166,0.837)');
  assert.equal(tn?.color, '#ffffff');
  assert.equal(fp?.background, 'rgba(192,57,43,0.183)');
  assert.equal(fp?.color, '#1f2329');
  assert.equal(fp?.label, 'actual B, predicted M: 17 rows (8.0%)');
  assert.equal(fn?.selected, true);
  assert.equal(fp?.selected, false);
  assert.equal(cellColor(0, 10, false), '#f7f8fa');
  assert.equal(confusionView({ classes: ['a'], matrix: [[1]] }).rows[0]?.cells[0]?.label, 'actual a, predicted a: 1 row (100.0%)');
});

test('confusion view refuses a matrix of the wrong shape', () => {
  assert.throws(() => confusionView({ classes: ['a', 'b'], matrix: [[1, 2]] }), /2 classes must be 2 × 2; got 1 rows of 2/);
  assert.throws(() => confusionView({ classes: ['a', 'b'], matrix: [[1, 2], [3]] }), /got 2 rows of 2\/1/);
});

test('ROC: one line per learner with AUC in its name, the chance diagonal, classes for the select', () => {
  const learners = [
    { display: 'Logistic regression', roc: [{ label: 'a', fpr: [0, 0.1, 1], tpr: [0, 0.9, 1], auc: 0.955 }, { label: 'b', fpr: [0, 1], tpr: [0, 1], auc: 0.5 }] },
    { display: 'Decision tree', roc: [{ label: 'a', fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], auc: 0.8 }] },
    { display: 'Broken', roc: [{ label: 'a', fpr: [0, 1], tpr: [0, 1], auc: 0.5 }], error: { code: 'BAD_DATA' as const, message: 'x' } },
    { display: 'No proba' },
  ];
  assert.deepEqual(rocLabels(learners), ['a', 'b']);
  const spec = rocSpec(learners, 'a');
  assert.deepEqual(spec.curves.map((c) => [c.display, c.color]), [['Logistic regression', colorAt(0)], ['Decision tree', colorAt(1)]]);
  const opt = rocOption(spec);
  assert.deepEqual(opt.series.map((s) => s.name), ['Logistic regression (AUC 0.955)', 'Decision tree (AUC 0.800)', 'chance']);
  assert.deepEqual(opt.series[0]?.data, [[0, 0], [0.1, 0.9], [1, 1]]);
  assert.equal(opt.series[0]?.showSymbol, false);
  assert.deepEqual(opt.series[2]?.data, [[0, 0], [1, 1]]);
  assert.equal(opt.series[2]?.lineStyle.type, 'dashed');
  assert.deepEqual(opt.legend.data, ['Logistic regression (AUC 0.955)', 'Decision tree (AUC 0.800)']);
  assert.deepEqual([opt.xAxis.min, opt.xAxis.max, opt.yAxis.min, opt.yAxis.max], [0, 1, 0, 1]);
  assert.equal(rocName('x', NaN), 'x (AUC –)');
  assert.deepEqual(rocSpec(learners, 'b').curves.map((c) => c.display), ['Logistic regression']);
  assert.throws(() => rocOption({ label: 'a', curves: [{ display: 'bad', color: '#000000', fpr: [0, 1], tpr: [0], auc: 1 }] }), /2 false-positive rates for 1 true-positive rates/);
});

test('boundary pixels: class colours, rows flipped (top = yMax), confidence as opacity', () => {
  // 2 × 2 grid row-major from (xMin, yMin): bottom row classes 0,1; top row 1,2.
  const panel = { grid: Int32Array.from([0, 1, 1, 2]), confidence: Float32Array.from([1, 0.5, 1 / 3, 0.75]) };
  const px = boundaryPixels(panel, 2, 3);
  assert.equal(px.length, 16);
  const at = (x: number, y: number): number[] => Array.from(px.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 4));
  const [r0, g0, b0] = rgbOf(colorAt(0));
  const [r2, g2, b2] = rgbOf(colorAt(2));
  // Image row 1 (bottom) holds grid row 0.
  assert.deepEqual(at(0, 1), [r0, g0, b0, Math.round(255 * 0.72)]);
  assert.deepEqual(at(1, 0), [r2, g2, b2, Math.round(255 * cellAlpha(0.75, 3))]);
  assert.equal(at(0, 0)[3], Math.round(255 * 0.12), 'a cell at chance confidence is faint');
  assert.equal(cellAlpha(undefined, 3), 0.45);
  assert.equal(cellAlpha(1, 2), 0.72);
  assert.equal(cellAlpha(0.5, 2), 0.12);
  // Without probabilities, one opacity; a negative class code is left transparent.
  const plain = boundaryPixels({ grid: Int32Array.from([-1, 0, 0, 0]) }, 2, 2);
  assert.deepEqual(Array.from(plain.subarray(8, 12)), [0, 0, 0, 0]);
  assert.equal(plain[3], Math.round(255 * 0.45));
  assert.throws(() => boundaryPixels({ grid: new Int32Array(3) }, 2, 2), /resolution 2 has 4 cells; got 3/);
});

test('boundary option: the image spans the ranges via the axes, points by class on top', () => {
  const result = {
    x: 'petal length (cm)',
    y: 'petal width (cm)',
    classes: ['0', '1', '2'],
    xRange: [0.7, 7.2] as [number, number],
    yRange: [-0.02, 2.62] as [number, number],
    px: Float64Array.from([1.4, 4.7, 6.0, 1.3]),
    py: Float64Array.from([0.2, 1.4, 2.5, 0.3]),
    pc: Int32Array.from([0, 1, 2, 0]),
  };
  const image = { fake: 'canvas' };
  const opt = boundaryOption({ result, image });
  assert.deepEqual([opt.xAxis.name, opt.xAxis.min, opt.xAxis.max], ['petal length (cm)', 0.7, 7.2]);
  assert.deepEqual([opt.yAxis.name, opt.yAxis.min, opt.yAxis.max], ['petal width (cm)', -0.02, 2.62]);
  const [bg, ...points] = opt.series;
  assert.equal(bg?.type, 'custom');
  assert.deepEqual(points.map((s) => [s.name, s.data]), [
    ['0', [[1.4, 0.2], [1.3, 0.3]]],
    ['1', [[4.7, 1.4]]],
    ['2', [[6.0, 2.5]]],
  ]);
  assert.equal(points[2]?.type === 'scatter' ? points[2].itemStyle.color : '', colorAt(2));
  // renderItem maps the data corners to pixels: top-left (xMin, yMax), bottom-right (xMax, yMin).
  if (bg?.type !== 'custom') throw new Error('custom series first');
  const api = { coord: ([x, y]: [number, number]) => [10 + x * 10, 100 - y * 30] };
  const el = bg.renderItem(null, api);
  assert.equal(el.type, 'image');
  assert.equal(el.style.image, image);
  assert.deepEqual([el.style.x, el.style.y], [17, 100 - 2.62 * 30]);
  assert.ok(Math.abs(el.style.width - 65) < 1e-9);
  assert.ok(Math.abs(el.style.height - 2.64 * 30) < 1e-9);
  // Many points are strided down.
  const many = { ...result, px: new Float64Array(10_000), py: new Float64Array(10_000), pc: new Int32Array(10_000) };
  const o2 = boundaryOption({ result: many, image, maxPoints: 500 });
  assert.equal(o2.series[1]?.data.length, 500);
});

test('predicted vs actual: same range on both axes, y = x across it, non-finite pairs dropped', () => {
  const opt = predOption({ target: 'target', actual: Float64Array.from([100, 150, 200, NaN]), predicted: Float64Array.from([110, 140, 220, 5]), color: '#4e79a7' });
  assert.deepEqual(opt.series[0]?.data, [[100, 110], [150, 140], [200, 220]]);
  const lo = 100 - 6;
  const hi = 220 + 6;
  assert.deepEqual([opt.xAxis.min, opt.xAxis.max, opt.yAxis.min, opt.yAxis.max], [lo, hi, lo, hi]);
  assert.equal(opt.xAxis.name, 'actual target');
  assert.equal(opt.yAxis.name, 'predicted');
  assert.deepEqual(opt.series[1]?.data, [[lo, lo], [hi, hi]]);
  assert.equal(opt.series[1]?.name, 'y = x');
  assert.deepEqual(padded(5, 5), [4, 6]);
  assert.deepEqual(padded(NaN, 1), [0, 1]);
  assert.equal(pairs(new Float64Array(100), new Float64Array(100), 10).length, 10);
});

test('residuals: against the prediction, symmetric about a zero line', () => {
  const opt = residualOption({ predicted: [100, 200, 300], residuals: [-10, 40, 5], color: '#e15759' });
  assert.deepEqual(opt.series[0]?.data, [[100, -10], [200, 40], [300, 5]]);
  assert.deepEqual([opt.yAxis.min, opt.yAxis.max], [-44, 44]);
  assert.deepEqual([opt.xAxis.min, opt.xAxis.max], [90, 310]);
  assert.deepEqual(opt.series[1]?.data, [[90, 0], [310, 0]]);
  assert.equal(opt.yAxis.name, 'residual');
  assert.equal(opt.series[0]?.type === 'scatter' && opt.series[0].large, false);
});

test('x/y axes of the regression plots hide the padded (unround) end labels', () => {
  const opt = predOption({ target: 't', actual: [1, 2], predicted: [1.5, 2.5], color: '#000000' });
  assert.deepEqual([opt.xAxis.axisLabel.showMinLabel, opt.xAxis.axisLabel.showMaxLabel, opt.yAxis.axisLabel.showMinLabel], [false, false, false]);
});
