import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorrelationResult } from '../../src-shared/contract/ml.ts';
import { cellText, cellTooltip, heatmapOption, heatmapOrder, measuresUsed, pairAt } from '../../src-renderer/lib/charts/heatmap.ts';
import { LARGE_THRESHOLD, binEdges, leastSquares, rowIdsOf, scatterModel, selectInAreas } from '../../src-renderer/lib/charts/scatter.ts';
import { histogramPairs, splomOption } from '../../src-renderer/lib/charts/splom.ts';
import { boxStats, boxplotOption, classHistogramOption, quantile } from '../../src-renderer/lib/charts/boxplot.ts';
import { elbowOption } from '../../src-renderer/lib/charts/elbow.ts';
import { dataBounds, inertiaOption, kmeansOption, voronoiCells } from '../../src-renderer/lib/charts/kmeans.ts';
import { PALETTE } from '../../src-renderer/lib/charts/palette.ts';
import { KMeansStepper } from '../../src-shared/teach/kmeans.ts';
import { flattenPoints } from '../../src-shared/teach/shapes.ts';
import { sklearn } from '../helpers/sklearn.ts';

const corr: CorrelationResult = {
  columns: ['a', 'b', 'species'],
  matrix: [
    [1, -0.5, 0.8],
    [-0.5, 1, null],
    [0.8, null, 1],
  ],
  measures: [
    ['pearson', 'pearson', 'correlation_ratio'],
    ['pearson', 'pearson', 'correlation_ratio'],
    ['correlation_ratio', 'correlation_ratio', 'cramers_v'],
  ],
  order: [2, 0, 1],
};

test('heatmap: n × n cells with values, dataset or clustered order, missing as "-"', () => {
  const o = heatmapOption({ result: corr, clustered: false });
  const s = o.series[0]!;
  assert.equal(s.data.length, 9);
  assert.deepEqual(o.xAxis.data, ['a', 'b', 'species']);
  assert.deepEqual(o.yAxis.data, ['a', 'b', 'species']);
  assert.deepEqual(s.data.find((c) => c[0] === 1 && c[1] === 0), [1, 0, -0.5]);
  assert.deepEqual(s.data.find((c) => c[0] === 2 && c[1] === 1), [2, 1, '-']);
  assert.equal(s.label.show, true);
  assert.equal(s.label.formatter({ value: [0, 1, -0.5] }), '-0.50');
  assert.equal(cellText('-'), '–');
  assert.equal(o.visualMap.min, -1);
  assert.equal(o.visualMap.max, 1);
  const c = heatmapOption({ result: corr, clustered: true });
  assert.deepEqual(c.xAxis.data, ['species', 'a', 'b']);
  // Cell (x=1 'a', y=0 'species') holds a × species.
  assert.deepEqual(c.series[0]!.data.find((d) => d[0] === 1 && d[1] === 0), [1, 0, 0.8]);
  assert.deepEqual(heatmapOrder(corr, true), [2, 0, 1]);
  assert.deepEqual(pairAt(corr, true, 1, 0), ['a', 'species']);
  assert.deepEqual(pairAt(corr, false, 1, 0), ['b', 'a']);
  assert.match(cellTooltip(corr, false, 2, 0), /a × species: η = 0\.800/);
  assert.deepEqual(
    measuresUsed(corr).map((m) => m.measure),
    ['pearson', 'correlation_ratio'],
  );
  assert.throws(() => heatmapOption({ result: { ...corr, matrix: [[1]] }, clustered: false }), /not 3 × 3/);
});

test('least squares matches numpy.polyfit and R² is r²', () => {
  const xs = Float64Array.from([1, 2, 3, 4, 5, NaN, 7]);
  const ys = Float64Array.from([2.1, 3.9, 6.2, 7.8, 10.1, 3, NaN]);
  const f = leastSquares(xs, ys)!;
  const ref = sklearn<[number, number, number]>(`
x = np.array([1, 2, 3, 4, 5.]); y = np.array([2.1, 3.9, 6.2, 7.8, 10.1])
b, a = np.polyfit(x, y, 1)
out = [a, b, np.corrcoef(x, y)[0, 1] ** 2]`);
  assert.equal(f.n, 5);
  assert.ok(Math.abs(f.intercept - ref[0]) < 1e-12);
  assert.ok(Math.abs(f.slope - ref[1]) < 1e-12);
  assert.ok(Math.abs(f.r2 - ref[2]) < 1e-12);
  assert.equal(leastSquares(Float64Array.from([1, 1]), Float64Array.from([1, 2])), null);
});

test('scatter: one series per class as typed arrays, fit line, notes for missing and sampling', () => {
  const xs = Float64Array.from([1, 2, 3, 4, NaN, 6]);
  const ys = Float64Array.from([1, 2, 3, 4, 5, 7]);
  const cls = Float64Array.from([0, 1, 0, NaN, 1, 1]);
  const m = scatterModel({ x: 'len', y: 'wid', xs, ys, color: { name: 'species', values: cls, levels: ['setosa', 'virginica'] }, totalRows: 12, rowIds: Int32Array.from([0, 2, 4, 6, 8, 10]) });
  assert.equal(m.pointSeries, 3);
  assert.deepEqual(m.option.series.slice(0, 3).map((s) => s.name), ['setosa', 'virginica', 'species: missing']);
  const s0 = m.option.series[0]!;
  assert.ok(s0.data instanceof Float64Array);
  assert.deepEqual([...(s0.data as Float64Array)], [1, 1, 3, 3]);
  assert.deepEqual(s0.dimensions, ['x', 'y']);
  assert.equal(s0.large, false);
  assert.equal(s0.itemStyle && (s0.itemStyle as { color: string }).color, PALETTE[0]);
  assert.deepEqual([...m.seriesIndex[1]!], [1, 5]);
  assert.equal(m.plotted, 5);
  assert.equal(m.missing, 1);
  const line = m.option.series[3]!;
  assert.equal(line.type, 'line');
  assert.match(String(line.name), /R² = 0\.9/);
  assert.ok(m.notes.some((n) => /Sampled: 6 of 12 rows/.test(n)));
  assert.ok(m.notes.some((n) => /1 rows with a missing len or wid left out/.test(n)));
  assert.equal((m.option.title as { text: string }).text, 'wid vs len');
  assert.deepEqual(
    (m.option.dataZoom as { type: string }[]).map((d) => d.type),
    ['inside', 'inside', 'slider', 'slider'],
  );
  assert.deepEqual((m.option.brush as { seriesIndex: number[] }).seriesIndex, []);
  assert.throws(() => scatterModel({ x: 'a', y: 'b', xs, ys: new Float64Array(2), totalRows: 6 }), /aligned/);
});

test('scatter: large data goes to large mode; thinning and size limits are said on the plot', () => {
  const n = 30_000;
  const xs = Float64Array.from({ length: n }, (_, i) => i);
  const ys = Float64Array.from({ length: n }, (_, i) => (i * 7) % 101);
  const size = { name: 'w', values: Float64Array.from({ length: n }, (_, i) => i % 5) };
  const m = scatterModel({ x: 'x', y: 'y', xs, ys, size, totalRows: n, maxPoints: 25_000 });
  assert.ok(n > LARGE_THRESHOLD);
  assert.equal(m.plotted, 25_000);
  assert.equal(m.thinned, true);
  assert.equal(m.option.series[0]!.large, true);
  assert.equal(m.option.visualMap, undefined);
  assert.ok(m.notes.some((t) => /^Thinned: 25,000 of 30,000 points drawn \(an even stride\)/.test(t)));
  assert.ok(m.notes.some((t) => /Size by w is off/.test(t)));
  // Small data gets the size channel as a visual map on the third dimension.
  const s = scatterModel({ x: 'x', y: 'y', xs: xs.subarray(0, 50), ys: ys.subarray(0, 50), size: { name: 'w', values: size.values.subarray(0, 50) }, totalRows: 50 });
  assert.deepEqual(s.option.series[0]!.dimensions, ['x', 'y', 'size']);
  assert.equal((s.option.visualMap as { dimension: number }).dimension, 2);
});

test('scatter: a numeric colour column is binned into the ramp', () => {
  const xs = Float64Array.from([0, 1, 2, 3, 4, 5]);
  const c = Float64Array.from([0, 1, 2, 3, 4, 6]);
  assert.deepEqual(binEdges(c), [0, 1, 2, 3, 4, 5, 6]);
  const m = scatterModel({ x: 'x', y: 'y', xs, ys: xs, color: { name: 'c', values: c, levels: null }, totalRows: 6, fit: false });
  assert.equal(m.pointSeries, 6);
  assert.equal(m.option.series.length, 6);
  assert.equal(m.option.series[0]!.name, 'c 0 – 1');
  assert.deepEqual([...m.seriesIndex[4]!], [4]);
  assert.deepEqual([...m.seriesIndex[5]!], [5]);
});

test('brush selection: rectangles and polygons in data coordinates, mapped to row ids', () => {
  const xs = Float64Array.from([0, 1, 2, 3, NaN]);
  const ys = Float64Array.from([0, 1, 2, 3, 1]);
  assert.deepEqual(selectInAreas(xs, ys, [{ brushType: 'rect', coordRange: [[0.5, 2.5], [0, 5]] }]), [1, 2]);
  assert.deepEqual(selectInAreas(xs, ys, [{ brushType: 'rect', coordRange: [[2.5, 0.5], [5, 0]] }]), [1, 2]);
  assert.deepEqual(selectInAreas(xs, ys, [{ brushType: 'polygon', coordRange: [[-1, -1], [1.5, -1], [1.5, 1.5], [-1, 1.5]] }]), [0, 1]);
  assert.deepEqual(selectInAreas(xs, ys, [{ brushType: 'rect', coordRange: [[0, 0.5], [0, 1]] }, { brushType: 'rect', coordRange: [[2.9, 3.1], [0, 9]] }]), [0, 3]);
  assert.deepEqual(selectInAreas(xs, ys, []), []);
  assert.deepEqual(rowIdsOf([1, 2], Int32Array.from([10, 20, 30])), [20, 30]);
  assert.deepEqual(rowIdsOf([1, 2]), [1, 2]);
});

test('splom: n × n grids, histograms on the diagonal, classes as series, thinning said', () => {
  const a = Float64Array.from({ length: 3000 }, (_, i) => i % 10);
  const b = Float64Array.from({ length: 3000 }, (_, i) => (i * 3) % 7);
  const c = Float64Array.from({ length: 3000 }, (_, i) => i);
  const codes = Float64Array.from({ length: 3000 }, (_, i) => i % 2);
  const o = splomOption({ columns: ['a', 'b', 'c'], values: [a, b, c], classBy: { name: 'k', codes, levels: ['x', 'y'] }, maxPerCell: 1000 });
  assert.equal(o.grid.length, 9);
  const diag = o.series.filter((s) => s.type === 'line');
  assert.equal(diag.length, 3);
  assert.equal(o.series.filter((s) => s.type === 'scatter').length, 6 * 2);
  assert.match((o.title as { subtext: string }).subtext, /Thinned: 1,000 of 3,000 rows/);
  const first = o.series.find((s) => s.type === 'scatter')!;
  assert.equal((first.data as unknown[]).length, 500);
  assert.deepEqual(histogramPairs(Float64Array.from([0, 1, 1, 2, NaN]), [0, 1, 2, 3, 4], 2), [[0.5, 1], [1.5, 3]]);
  assert.throws(() => splomOption({ columns: ['a'], values: [a] }), /2 to 8/);
});

test('box plots: quartiles as numpy, Tukey whiskers and outliers per class', () => {
  const v = Float64Array.from([1, 2, 3, 4, 100, 10, 11, 12, NaN]);
  const codes = Float64Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1]);
  const g = boxStats(v, { codes, levels: ['lo', 'hi'] });
  const ref = sklearn<number[][]>(`out = [np.percentile([1, 2, 3, 4, 100], [25, 50, 75]).tolist(), np.percentile([10, 11, 12], [25, 50, 75]).tolist()]`);
  assert.deepEqual(g[0]!.box.slice(1, 4), ref[0]);
  assert.deepEqual(g[1]!.box.slice(1, 4), ref[1]);
  assert.deepEqual(g[0]!.outliers, [100]);
  assert.equal(g[0]!.box[4], 4);
  assert.equal(g[1]!.n, 3);
  assert.equal(quantile(new Float64Array(0), 0.5), NaN);
  const o = boxplotOption({ column: 'x', groups: g });
  assert.deepEqual((o.xAxis as { data: string[] }).data, ['lo (5)', 'hi (3)']);
  assert.deepEqual(o.series[1]!.data, [[0, 100]]);
  assert.equal(boxStats(v).length, 1);
  const h = classHistogramOption({ column: 'x', kind: 'float', histogram: { edges: [0, 1, 2], counts: [3, 4], by: { column: 'k', classes: ['a', 'b'], counts: [[1, 4], [2, 0]] } } });
  assert.deepEqual(h.series.map((s) => [s.name, s.stack, s.data]), [['a', 'class', [1, 4]], ['b', 'class', [2, 0]]]);
});

test('elbow: inertia and silhouette on two axes, the chosen k marked', () => {
  const o = elbowOption({ result: { ks: [1, 2, 3], inertia: [100, 40, 20], silhouette: [null, 0.6, 0.7], silhouetteRows: 150, rows: 150 }, k: 2 });
  assert.deepEqual((o.xAxis as { data: string[] }).data, ['1', '2', '3']);
  assert.deepEqual(o.series[0]!.data, [100, 40, 20]);
  assert.deepEqual(o.series[1]!.data, ['-', 0.6, 0.7]);
  assert.deepEqual((o.series[0]!.markPoint as { data: { coord: number[] }[] }).data[0]!.coord, [1, 40]);
  assert.throws(() => elbowOption({ result: { ks: [1], inertia: [], silhouette: [], silhouetteRows: 0, rows: 0 } }), /different lengths/);
});

test('k-means chart: points by cluster over Voronoi cells, centroids, trails and lines', () => {
  const pts = flattenPoints([[0, 0], [0, 1], [10, 10], [10, 11]]);
  const km = new KMeansStepper(pts, 2, 'manual', 0, [0, 0, 10, 10]);
  const b = dataBounds(pts);
  assert.deepEqual(b, { x0: -0.5, x1: 10.5, y0: -0.55, y1: 11.55 });
  const before = kmeansOption({ points: pts, state: km.state, xName: 'x', yName: 'y', bounds: b });
  assert.deepEqual(before.series.map((s) => s.name), ['regions', 'points', 'centroids']);
  km.step();
  const o = kmeansOption({ points: pts, state: km.state, xName: 'petal length', yName: 'petal width', bounds: b, showLines: true, trails: km.trails(), voronoiRes: 4 });
  const names = o.series.map((s) => s.name);
  assert.deepEqual(names, ['regions', 'lines 1', 'lines 2', 'cluster 1', 'cluster 2', 'centroids']);
  assert.deepEqual(o.series[3]!.data, [[0, 0], [0, 1]]);
  assert.equal((o.series[3]!.itemStyle as { color: string }).color, PALETTE[0]);
  assert.equal((o.series[4]!.itemStyle as { color: string }).color, PALETTE[1]);
  assert.deepEqual(o.series[1]!.data, [[0, 0], [0, 0], '-', [0, 1], [0, 0], '-']);
  assert.equal((o.series[0]!.data as unknown[]).length, 16);
  assert.equal((o.xAxis as { name: string; min: number }).name, 'petal length');
  assert.equal((o.xAxis as { min: number }).min, -0.5);
  // The region renderer draws a translucent rect in the cluster's colour.
  const render = o.series[0]!.renderItem as (p: unknown, api: { value(d: number): number; coord(p: [number, number]): number[] }) => { shape: { width: number }; style: { fill: string } };
  const cell = [0, 0, 1, 1, 1];
  const r = render({}, { value: (d) => cell[d]!, coord: ([x, y]) => [x * 10, 100 - y * 10] });
  assert.equal(r.style.fill, 'rgba(242,142,43,0.13)');
  assert.equal(r.shape.width, 10.5);
  km.step();
  const moved = kmeansOption({ points: pts, state: km.state, xName: 'x', yName: 'y', bounds: b, trails: km.trails() });
  assert.ok(moved.series.some((s) => s.name === 'trail 1'));
  assert.deepEqual(voronoiCells(Float64Array.from([0, 0, 10, 0]), { x0: 0, x1: 10, y0: 0, y1: 1 }, 2).map((c) => c[4]), [0, 1, 0, 1]);
  const pending = kmeansOption({ points: pts, state: null, xName: 'x', yName: 'y', bounds: b, pending: [[1, 1]] });
  assert.deepEqual(pending.series.map((s) => s.name), ['points', 'placed centroids']);
  const io = inertiaOption([10, 5, 4], true);
  assert.deepEqual(io.series[0]!.data, [10, 5, 4]);
  assert.match((io.title as { text: string }).text, /converged/);
});

test('asColor: categories stay, few distinct numbers become levels, many stay numeric', async () => {
  const { asColor } = await import('../../src-renderer/lib/charts/scatter.ts');
  const c = asColor('target', Float64Array.from([2, 0, NaN, 1, 2]), null);
  assert.deepEqual(c.levels, ['0', '1', '2']);
  assert.deepEqual([...c.values], [2, 0, NaN, 1, 2]);
  const k = asColor('k', Float64Array.from([10, 20]), null);
  assert.deepEqual([...k.values], [0, 1]);
  assert.equal(asColor('x', Float64Array.from({ length: 50 }, (_, i) => i), null).levels, null);
  assert.deepEqual(asColor('s', Float64Array.from([1, 0]), ['a', 'b']).levels, ['a', 'b']);
});
