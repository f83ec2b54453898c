/**
 * Points drawn as pixels (src-renderer/lib/point-raster.ts) and the scatter
 * model's pixel mode: where a point lands, what counts as inside the window,
 * colour and opacity of stacked points, hidden groups, the cell index giving
 * the same pixels as the plain pass, bad inputs, and a real dataset (wine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PointIndex, RasterScratch, pixelOf, rasterizeIndex, rasterizePoints, type RasterView } from '../../src-renderer/lib/point-raster.ts';
import { RASTER_THRESHOLD, scatterModel } from '../../src-renderer/lib/charts/scatter.ts';

const V10: RasterView = { x0: 0, x1: 10, y0: 0, y1: 10, width: 10, height: 10 };
const BLUE = 0x4b6fa8;

function lit(pixels: Uint32Array, width: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < pixels.length; p++) if (pixels[p] !== 0) out.push([p % width, Math.floor(p / width)]);
  return out;
}

function rgbaOf(px: number): [number, number, number, number] {
  return [px & 255, (px >>> 8) & 255, (px >>> 16) & 255, px >>> 24];
}

test('a point lands on its pixel (row 0 at the top, y1); a dot of 2 also covers right and below', () => {
  const xs = Float64Array.from([2.5]);
  const ys = Float64Array.from([7.5]);
  const one = rasterizePoints(xs, ys, V10, { colors: [BLUE], dot: 1 });
  assert.deepEqual(lit(one.pixels, 10), [[2, 2]]);
  assert.deepEqual(pixelOf(2.5, 7.5, V10), [2, 2]);
  assert.deepEqual(rgbaOf(one.pixels[22]!), [0x4b, 0x6f, 0xa8, Math.round(255 * 0.45)]);
  assert.equal(one.inside, 1);
  const two = rasterizePoints(xs, ys, V10, { colors: [BLUE] });
  assert.deepEqual(lit(two.pixels, 10), [
    [2, 2],
    [3, 2],
    [2, 3],
    [3, 3],
  ]);
});

test('the window is closed: edges drawn on the border pixels, outside and NaN points skipped', () => {
  const xs = Float64Array.from([0, 10, 10, 0, -0.001, 10.001, NaN, 5, 5]);
  const ys = Float64Array.from([0, 10, 0, 10, 5, 5, 5, NaN, -1]);
  const r = rasterizePoints(xs, ys, V10, { colors: [BLUE], dot: 1 });
  assert.equal(r.inside, 4);
  assert.deepEqual(lit(r.pixels, 10), [
    [0, 0],
    [9, 0],
    [0, 9],
    [9, 9],
  ]);
  assert.equal(pixelOf(10.001, 5, V10), null);
  assert.deepEqual(pixelOf(10, 0, V10), [9, 9]);
});

test('stacked points: opacity 1 − (1 − a)^k, colours averaged by group, hidden groups not drawn', () => {
  const xs = Float64Array.from([1.5, 1.5, 1.5, 6.5]);
  const ys = Float64Array.from([1.5, 1.5, 1.5, 6.5]);
  const group = Uint8Array.from([0, 1, 1, 2]);
  const style = { group, colors: [0xff0000, 0x0000ff, 0x00ff00], dot: 1 as const, shade: false };
  const r = rasterizePoints(xs, ys, V10, style);
  const [red, green, blue, alpha] = rgbaOf(r.pixels[8 * 10 + 1]!);
  assert.deepEqual([red, green, blue], [85, 0, 170]);
  assert.equal(alpha, Math.round(255 * (1 - Math.pow(0.55, 3))));
  assert.equal(r.maxCount, 3);
  const hidden = rasterizePoints(xs, ys, V10, { ...style, hidden: [false, true] });
  assert.deepEqual(rgbaOf(hidden.pixels[8 * 10 + 1]!).slice(0, 3), [255, 0, 0]);
  assert.equal(hidden.inside, 2);
  // A code with no colour is drawn in the missing colour.
  const miss = rasterizePoints(Float64Array.from([5]), Float64Array.from([5]), V10, { group: Uint8Array.from([7]), colors: [0xff0000], missingColor: 0x102030, dot: 1, shade: false });
  assert.deepEqual(rgbaOf(miss.pixels[5 * 10 + 5]!).slice(0, 3), [0x10, 0x20, 0x30]);
  // Shading darkens the densest pixel, not a lone point.
  const shaded = rasterizePoints(xs, ys, V10, { colors: [0xffffff], dot: 1 });
  assert.ok(rgbaOf(shaded.pixels[8 * 10 + 1]!)[0] < rgbaOf(shaded.pixels[3 * 10 + 6]!)[0]);
});

function seeded(n: number, seed: number): { xs: Float64Array; ys: Float64Array; group: Uint8Array } {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const group = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = i % 97 === 0 ? NaN : rnd() * 20 - 5 + rnd();
    ys[i] = rnd() * rnd() * 300;
    group[i] = i % 4;
  }
  return { xs, ys, group };
}

test('the cell index gives the same pixels and counts as the plain pass, for any window', () => {
  const { xs, ys, group } = seeded(40_000, 7);
  const index = new PointIndex(xs, ys, group, 32);
  assert.equal(index.xs.length, 40_000 - Math.ceil(40_000 / 97));
  const scratch = new RasterScratch();
  const views: RasterView[] = [
    { x0: -6, x1: 17, y0: -1, y1: 301, width: 200, height: 120 },
    { x0: 2, x1: 3, y0: 10, y1: 40, width: 64, height: 50 },
    { x0: 14.9, x1: 40, y0: 250, y1: 290, width: 33, height: 17 },
    { x0: 100, x1: 200, y0: 0, y1: 1, width: 10, height: 10 },
  ];
  for (const v of views) {
    for (const style of [{ colors: [BLUE] }, { group, colors: [0xff0000, 0x00ff00, 0x0000ff], hidden: [false, false, true] }]) {
      const plain = rasterizePoints(xs, ys, v, style);
      const viaIndex = rasterizeIndex(index, v, style, scratch);
      assert.equal(viaIndex.inside, plain.inside, `inside ${JSON.stringify(v)}`);
      assert.deepEqual(viaIndex.pixels, plain.pixels, `pixels ${JSON.stringify(v)}`);
      // Inside = the points in the closed window (hidden group left out), counted by brute force.
      let expect = 0;
      for (let i = 0; i < xs.length; i++) {
        if ('hidden' in style && style.hidden?.[group[i]!]) continue;
        if (xs[i]! >= v.x0 && xs[i]! <= v.x1 && ys[i]! >= v.y0 && ys[i]! <= v.y1) expect++;
      }
      assert.equal(plain.inside, expect);
    }
  }
  // A window far off the data reads no cell.
  assert.deepEqual(index.runs(views[3]!), []);
});

test('bad inputs are refused with what was wrong', () => {
  const xs = Float64Array.from([1, 2]);
  assert.throws(() => rasterizePoints(xs, new Float64Array(3), V10, { colors: [BLUE] }), /x has 2 values and y 3/);
  assert.throws(() => rasterizePoints(xs, xs, { ...V10, x1: 0 }, { colors: [BLUE] }), /x1 > x0/);
  assert.throws(() => rasterizePoints(xs, xs, { ...V10, y0: NaN }, { colors: [BLUE] }), /y0 must be a finite number/);
  assert.throws(() => rasterizePoints(xs, xs, { ...V10, width: 0 }, { colors: [BLUE] }), /width must be an integer from 1/);
  assert.throws(() => rasterizePoints(xs, xs, { ...V10, height: 2.5 }, { colors: [BLUE] }), /height must be an integer/);
  assert.throws(() => rasterizePoints(xs, xs, V10, { colors: [] }), /At least one colour/);
  assert.throws(() => rasterizePoints(xs, xs, V10, { colors: [BLUE], group: new Uint8Array(1) }), /group has 1 codes for 2 points/);
  assert.throws(() => new PointIndex(xs, xs, null, 0), /cells must be an integer from 1 to 256/);
  assert.throws(() => new PointIndex(xs, new Float64Array(1), null), /aligned/);
});

test('wine (real data): every point of alcohol × proline lights its pixel and nothing else is lit', () => {
  const text = readFileSync(join(import.meta.dirname, '../../datasets/wine.csv'), 'utf8').trim().split('\n');
  const head = text[0]!.split(',');
  const rows = text.slice(1).map((l) => l.split(',').map(Number));
  const xs = Float64Array.from(rows, (r) => r[head.indexOf('alcohol')]!);
  const ys = Float64Array.from(rows, (r) => r[head.indexOf('proline')]!);
  assert.equal(xs.length, 178);
  const view: RasterView = { x0: 11, x1: 15, y0: 278, y1: 1680, width: 400, height: 300 };
  const r = rasterizeIndex(new PointIndex(xs, ys, null), view, { colors: [BLUE], dot: 1 });
  const want = new Set<string>();
  for (let i = 0; i < xs.length; i++) {
    const p = pixelOf(xs[i]!, ys[i]!, view);
    assert.ok(p, `wine row ${i} is inside the window`);
    want.add(p.join(','));
  }
  assert.equal(r.inside, 178);
  assert.deepEqual(new Set(lit(r.pixels, 400).map((p) => p.join(','))), want);
});

test('scatter model: above the threshold the points go to the pixel layer, said on the plot', () => {
  const n = RASTER_THRESHOLD + 1000;
  const { xs, ys } = seeded(n, 3);
  const cls = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : i % 3));
  const m = scatterModel({ x: 'a', y: 'b', xs, ys, color: { name: 'k', values: cls, levels: ['p', 'q', 'r'] }, totalRows: n });
  const complete = n - Math.ceil(n / 97);
  assert.ok(m.raster);
  assert.equal(m.plotted, complete);
  assert.equal(m.thinned, false);
  assert.match(m.notes[0]!, new RegExp(`^${complete.toLocaleString('en-US')} points, drawn as pixels`));
  assert.match((m.option.title as { subtext: string }).subtext, /drawn as pixels/);
  // Legend series are empty (ECharts draws no point); an invisible extent series spans the data; then the fit line.
  const series = m.option.series;
  assert.deepEqual(series.slice(0, 4).map((s) => [s.name, (s.data as unknown[]).length]), [
    ['p', 0],
    ['q', 0],
    ['r', 0],
    ['k: missing', 0],
  ]);
  assert.equal(series[4]!.name, 'extent');
  assert.equal(series[5]!.type, 'line');
  assert.deepEqual(m.raster.names, ['p', 'q', 'r', 'k: missing']);
  assert.equal(m.raster.colors.length, 4);
  assert.equal(m.raster.group![0], 3);
  assert.equal(m.raster.group![1], 1);
  assert.equal(m.raster.group![2], 2);
  assert.equal(m.raster.xs, xs);
  // Below the threshold ECharts still draws the points.
  const small = scatterModel({ x: 'a', y: 'b', xs: xs.subarray(0, 1000), ys: ys.subarray(0, 1000), totalRows: 1000 });
  assert.equal(small.raster, null);
  assert.ok((small.option.series[0]!.data as Float64Array).length > 0);
});
