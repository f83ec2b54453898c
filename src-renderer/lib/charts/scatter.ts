/**
 * Scatter plot of two columns: colour by a class (one series per level) or a
 * numeric column (binned into a sequential ramp, so it still works in
 * ECharts' large mode), size by a numeric column (small data only), a
 * least-squares line with its R² computed on the plotted points, zoom and
 * pan on both axes, and a brush whose selection is computed here on the
 * typed arrays (ECharts' own selection does not see points in large mode).
 * Up to RASTER_THRESHOLD points go to ECharts as typed arrays; above, the
 * option keeps the axes, legend, line, zoom and brush, and the points are
 * drawn as pixels by lib/point-raster.ts on a canvas under the chart (every
 * point, none thinned; the plot says so), which keeps a million interactive.
 */
import { formatCount, formatNumber } from '../format.ts';
import { AXIS, colorAt, rgbOf } from './palette.ts';

export interface ScatterSpec {
  x: string;
  y: string;
  xs: Float64Array;
  ys: Float64Array;
  /** Dataset row ids aligned with xs/ys when they are a sample; else index = row id. */
  rowIds?: Int32Array;
  color?: { name: string; values: Float64Array; levels: string[] | null };
  size?: { name: string; values: Float64Array };
  /** Rows of the dataset (to say "sampled"). */
  totalRows: number;
  /** Draw the least-squares line (default true). */
  fit?: boolean;
  /** Above this many points the view keeps an even stride of them (default 2,000,000). */
  maxPoints?: number;
}

export interface LineFit {
  slope: number;
  intercept: number;
  r2: number;
  n: number;
}

export interface ScatterModel {
  option: Record<string, unknown> & { series: Record<string, unknown>[] };
  /** Per point series (the first `pointSeries`), the input index of each of its points. */
  seriesIndex: Int32Array[];
  pointSeries: number;
  fit: LineFit | null;
  /** Points drawn, pairs left out for a missing x or y, and whether the view thinned them. */
  plotted: number;
  missing: number;
  thinned: boolean;
  /** What the plot says about itself (sampling, thinning, missing, fit). */
  notes: string[];
  /** Set when the points are drawn as pixels (above RASTER_THRESHOLD) instead of by ECharts. */
  raster: PointCloud | null;
}

/** Points for the pixel layer: coordinates, a colour group per point, the groups' colours and legend names. */
export interface PointCloud {
  xs: Float64Array;
  ys: Float64Array;
  /** Group code per point (index into colors/names), null for one colour. */
  group: Uint8Array | null;
  /** 0xRRGGBB per group. */
  colors: number[];
  /** Legend name per group (a legend click hides the group). */
  names: string[];
  /** The grid's margins in the option, in CSS pixels (the layer lines up with the plot area). */
  grid: { left: number; right: number; top: number; bottom: number };
}

/** Above this many points a series is drawn in ECharts' large mode. */
export const LARGE_THRESHOLD = 5000;
/** Above this many points they are drawn as pixels (ECharts redraws every point each frame: ~0.1 s per 100k on a CPU canvas). */
export const RASTER_THRESHOLD = 50_000;
/** The plot area's margins (fixed pixels, so the pixel layer can line up with the grid). */
export const GRID = { left: 56, right: 56, top: 76, bottom: 64 } as const;
/** Codes above this share a code (levels 250, 500, … get level 0's code and colour). */
const MAX_CODES = 250;
/** Size encoding only below this many points (large mode draws one size). */
export const SIZE_LIMIT = 20_000;
export const NUMERIC_BINS = 6;
/** Sequential ramp (viridis stops) for a numeric colour column. */
export const RAMP = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#fde725'] as const;
export const MISSING_COLOR = '#9aa0a8';

/** Ordinary least squares y = a + b·x over the finite pairs; R² = 1 − SSres/SStot. */
export function leastSquares(xs: ArrayLike<number>, ys: ArrayLike<number>, index?: ArrayLike<number>): LineFit | null {
  let n = 0;
  let mx = 0;
  let my = 0;
  const len = index ? index.length : xs.length;
  for (let k = 0; k < len; k++) {
    const i = index ? index[k]! : k;
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    n++;
    mx += (x - mx) / n;
    my += (y - my) / n;
  }
  if (n < 2) return null;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let k = 0; k < len; k++) {
    const i = index ? index[k]! : k;
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
    syy += (y - my) * (y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2, n };
}

/** Equal-width bin edges of the finite values (NUMERIC_BINS bins). */
export function binEdges(values: Float64Array, bins = NUMERIC_BINS): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [];
  if (lo === hi) return [lo, hi];
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

function binOf(v: number, edges: number[]): number {
  const b = edges.length - 1;
  if (b <= 1) return 0;
  const t = Math.floor(((v - edges[0]!) / (edges[b]! - edges[0]!)) * b);
  return Math.min(b - 1, Math.max(0, t));
}

interface Group {
  name: string;
  color: string;
  idx: number[];
}

function groupsOf(spec: ScatterSpec, keep: Int32Array): Group[] {
  const c = spec.color;
  if (!c) return [{ name: `${spec.y} vs ${spec.x}`, color: '#4b6fa8', idx: Array.from(keep) }];
  const missing: Group = { name: `${c.name}: missing`, color: MISSING_COLOR, idx: [] };
  let groups: Group[];
  if (c.levels) {
    groups = c.levels.map((l, i) => ({ name: l, color: colorAt(i), idx: [] }));
    for (const i of keep) {
      const v = c.values[i]!;
      if (Number.isNaN(v)) missing.idx.push(i);
      else groups[v]?.idx.push(i);
    }
  } else {
    const edges = binEdges(c.values);
    const bins = Math.max(1, edges.length - 1);
    groups = Array.from({ length: bins }, (_, b) => ({
      name: edges.length < 2 ? c.name : `${c.name} ${formatNumber(edges[b]!, 3)} – ${formatNumber(edges[b + 1]!, 3)}`,
      color: RAMP[Math.round((b * (RAMP.length - 1)) / Math.max(1, bins - 1))]!,
      idx: [],
    }));
    for (const i of keep) {
      const v = c.values[i]!;
      if (!Number.isFinite(v)) missing.idx.push(i);
      else groups[binOf(v, edges)]!.idx.push(i);
    }
  }
  if (missing.idx.length) groups.push(missing);
  return groups;
}

/** Legend groups and a group code per point, without per-group index lists (the pixel layer's colouring). */
function groupCodes(spec: ScatterSpec): { groups: { name: string; color: string }[]; codes: Uint8Array | null } {
  const c = spec.color;
  if (!c) return { groups: [{ name: `${spec.y} vs ${spec.x}`, color: '#4b6fa8' }], codes: null };
  const n = c.values.length;
  const codes = new Uint8Array(n);
  let groups: { name: string; color: string }[];
  let missing = false;
  const MISSING = 255;
  if (c.levels) {
    groups = c.levels.slice(0, MAX_CODES).map((l, i) => ({ name: l, color: colorAt(i) }));
    for (let i = 0; i < n; i++) {
      const v = c.values[i]!;
      if (Number.isNaN(v)) {
        codes[i] = MISSING;
        missing = true;
      } else codes[i] = v % MAX_CODES;
    }
  } else {
    const edges = binEdges(c.values);
    const bins = Math.max(1, edges.length - 1);
    groups = Array.from({ length: bins }, (_, b) => ({
      name: edges.length < 2 ? c.name : `${c.name} ${formatNumber(edges[b]!, 3)} – ${formatNumber(edges[b + 1]!, 3)}`,
      color: RAMP[Math.round((b * (RAMP.length - 1)) / Math.max(1, bins - 1))]!,
    }));
    for (let i = 0; i < n; i++) {
      const v = c.values[i]!;
      if (!Number.isFinite(v)) {
        codes[i] = MISSING;
        missing = true;
      } else codes[i] = binOf(v, edges);
    }
  }
  if (missing) {
    // The missing group gets the next code, so the legend can hide it like any other.
    const k = groups.length;
    for (let i = 0; i < n; i++) if (codes[i] === MISSING) codes[i] = k;
    groups.push({ name: `${c.name}: missing`, color: MISSING_COLOR });
  }
  return { groups, codes };
}

/** Extent of the values over the complete (x, y) pairs. */
function pairExtent(v: Float64Array, xs: Float64Array, ys: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) continue;
    const x = v[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

function extent(v: Float64Array, idx: Int32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of idx) {
    const x = v[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

export function scatterModel(spec: ScatterSpec): ScatterModel {
  const { xs, ys } = spec;
  if (xs.length !== ys.length) throw new RangeError(`x has ${xs.length} values and y ${ys.length}; they must be aligned.`);
  const n = xs.length;
  const max = spec.maxPoints ?? 2_000_000;
  // The complete pairs, then an even stride of them above the cap.
  let complete = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!)) complete++;
  if (complete > RASTER_THRESHOLD) return rasterModel(spec, complete);
  const thinned = complete > max;
  const keep = new Int32Array(Math.min(complete, max));
  const step = complete / keep.length;
  for (let i = 0, seen = 0, k = 0; i < n && k < keep.length; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) continue;
    if (!thinned || seen >= Math.floor(k * step)) keep[k++] = i;
    seen++;
  }
  const plotted = keep.length;
  const large = plotted > LARGE_THRESHOLD;
  const sized = spec.size && plotted <= SIZE_LIMIT ? spec.size : undefined;
  const groups = groupsOf(spec, keep);
  const dims = sized ? ['x', 'y', 'size'] : ['x', 'y'];
  const seriesIndex: Int32Array[] = [];
  const series: Record<string, unknown>[] = groups.map((g) => {
    const idx = Int32Array.from(g.idx);
    seriesIndex.push(idx);
    const data = new Float64Array(idx.length * dims.length);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      data[k * dims.length] = xs[i]!;
      data[k * dims.length + 1] = ys[i]!;
      if (sized) data[k * dims.length + 2] = sized.values[i]!;
    }
    return {
      type: 'scatter',
      name: g.name,
      data,
      dimensions: dims,
      symbolSize: large ? 2 : 6,
      large,
      largeThreshold: LARGE_THRESHOLD,
      // Draw in one pass: a progressive draw would show a half-drawn plot while panning.
      progressive: 0,
      itemStyle: { color: g.color, opacity: large ? 0.6 : 0.8 },
      emphasis: { disabled: large },
      animation: false,
    };
  });
  const fit = spec.fit === false ? null : leastSquares(xs, ys, keep);
  const [x0, x1] = extent(xs, keep);
  if (fit) series.push(fitLine(fit, x0, x1));
  const notes: string[] = [];
  const total = spec.totalRows;
  if (spec.rowIds && n < total) notes.push(`Sampled: ${formatCount(n)} of ${formatCount(total)} rows`);
  if (thinned) notes.push(`Thinned: ${formatCount(plotted)} of ${formatCount(complete)} points drawn (an even stride)`);
  if (n - complete > 0) notes.push(`${formatCount(n - complete)} rows with a missing ${spec.x} or ${spec.y} left out`);
  if (spec.size && !sized) notes.push(`Size by ${spec.size.name} is off above ${formatCount(SIZE_LIMIT)} points`);
  if (fit) notes.push(`y = ${formatNumber(fit.intercept, 4)} ${fit.slope < 0 ? '−' : '+'} ${formatNumber(Math.abs(fit.slope), 4)}·x,  R² = ${fit.r2.toFixed(3)} (${formatCount(fit.n)} points)`);
  const option = baseOption(spec, notes, groups.map((g) => g.name).concat(fit ? [series[series.length - 1]!.name as string] : []), series);
  if (sized) {
    option.visualMap = {
      type: 'continuous',
      dimension: 2,
      seriesIndex: groups.map((_, i) => i),
      min: extent(sized.values, keep)[0],
      max: extent(sized.values, keep)[1],
      inRange: { symbolSize: [3, 18] },
      text: [sized.name, ''],
      orient: 'horizontal',
      right: 40,
      top: 4,
      itemWidth: 10,
      itemHeight: 80,
      calculable: false,
    };
  }
  return { option, seriesIndex, pointSeries: groups.length, fit, plotted, missing: n - complete, thinned, notes, raster: null };
}

function fitLine(fit: LineFit, x0: number, x1: number): Record<string, unknown> {
  return {
    type: 'line',
    name: `least squares (R² = ${fit.r2.toFixed(3)})`,
    data: [
      [x0, fit.intercept + fit.slope * x0],
      [x1, fit.intercept + fit.slope * x1],
    ],
    showSymbol: false,
    lineStyle: { color: '#222', width: 1.5, type: 'dashed' },
    itemStyle: { color: '#222' },
    silent: true,
    animation: false,
    z: 5,
  };
}

function baseOption(spec: ScatterSpec, notes: string[], legend: string[], series: Record<string, unknown>[]): ScatterModel['option'] {
  return {
    animation: false,
    title: { text: `${spec.y} vs ${spec.x}`, subtext: notes.join('   ·   '), left: 8, top: 0, textStyle: { fontSize: 13, fontWeight: 600 }, subtextStyle: { fontSize: 11, color: AXIS.label } },
    legend: { type: 'scroll', top: 40, left: 8, right: 120, data: legend },
    grid: { ...GRID, containLabel: false },
    tooltip: { trigger: 'item', confine: true },
    toolbox: { right: 12, top: 34, feature: { brush: { type: ['rect', 'polygon', 'clear'], title: { rect: 'Select a rectangle', polygon: 'Select freehand', clear: 'Clear the selection' } } } },
    brush: { xAxisIndex: 0, yAxisIndex: 0, seriesIndex: [], brushLink: 'none', throttleType: 'debounce', throttleDelay: 150, brushStyle: { color: 'rgba(75,111,168,0.12)', borderColor: '#4b6fa8' } },
    xAxis: { type: 'value', name: spec.x, nameLocation: 'middle', nameGap: 24, scale: true, axisLabel: { color: AXIS.label, fontSize: 10 }, axisLine: { lineStyle: { color: AXIS.line } }, splitLine: { lineStyle: { color: AXIS.split } } },
    yAxis: { type: 'value', name: spec.y, nameLocation: 'middle', nameGap: 40, scale: true, axisLabel: { color: AXIS.label, fontSize: 10 }, axisLine: { lineStyle: { color: AXIS.line } }, splitLine: { lineStyle: { color: AXIS.split } } },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 16, bottom: 6 },
      { type: 'slider', yAxisIndex: 0, filterMode: 'none', width: 16, right: 8 },
    ],
    series,
  };
}

/**
 * Many points: ECharts gets the legend (empty series in the groups' colours),
 * two invisible corner points so its axes span the data as they would with
 * the points, and the line; the points go to the pixel layer, all of them.
 */
function rasterModel(spec: ScatterSpec, complete: number): ScatterModel {
  const { xs, ys } = spec;
  const n = xs.length;
  const { groups, codes } = groupCodes(spec);
  const fit = spec.fit === false ? null : leastSquares(xs, ys);
  const [x0, x1] = pairExtent(xs, xs, ys);
  const [y0, y1] = pairExtent(ys, xs, ys);
  const series: Record<string, unknown>[] = groups.map((g) => ({
    type: 'scatter',
    name: g.name,
    data: [],
    symbolSize: 6,
    itemStyle: { color: g.color },
    animation: false,
  }));
  series.push({
    type: 'scatter',
    name: 'extent',
    data: [
      [x0, y0],
      [x1, y1],
    ],
    symbolSize: 0,
    itemStyle: { opacity: 0 },
    silent: true,
    tooltip: { show: false },
    animation: false,
  });
  if (fit) series.push(fitLine(fit, x0, x1));
  const notes: string[] = [`${formatCount(complete)} points, drawn as pixels (every point; darker = denser)`];
  if (spec.rowIds && n < spec.totalRows) notes.push(`Sampled: ${formatCount(n)} of ${formatCount(spec.totalRows)} rows`);
  if (n - complete > 0) notes.push(`${formatCount(n - complete)} rows with a missing ${spec.x} or ${spec.y} left out`);
  if (spec.size) notes.push(`Size by ${spec.size.name} is off above ${formatCount(SIZE_LIMIT)} points`);
  if (fit) notes.push(`y = ${formatNumber(fit.intercept, 4)} ${fit.slope < 0 ? '−' : '+'} ${formatNumber(Math.abs(fit.slope), 4)}·x,  R² = ${fit.r2.toFixed(3)} (${formatCount(fit.n)} points)`);
  const legend = groups.map((g) => g.name).concat(fit ? [series[series.length - 1]!.name as string] : []);
  const option = baseOption(spec, notes, legend, series);
  // The grid lines are drawn over the pixel layer: keep them faint.
  for (const axis of [option.xAxis, option.yAxis] as { splitLine: { lineStyle: { color: string } } }[]) axis.splitLine = { lineStyle: { color: 'rgba(60,70,90,0.10)' } };
  // No item to point at in the layer: an axis cross shows the coordinates instead.
  option.tooltip = { trigger: 'none', axisPointer: { type: 'cross' } };
  option.axisPointer = { show: true, type: 'line', snap: false, label: { precision: 3 } };
  const raster: PointCloud = {
    xs,
    ys,
    group: codes,
    colors: groups.map((g) => {
      const [r, gg, b] = rgbOf(g.color);
      return (r << 16) | (gg << 8) | b;
    }),
    names: groups.map((g) => g.name),
    grid: { ...GRID },
  };
  return { option, seriesIndex: groups.map(() => new Int32Array(0)), pointSeries: groups.length, fit, plotted: complete, missing: n - complete, thinned: false, notes, raster };
}

/** A brush area as ECharts reports it (data coordinates when the brush is bound to the axes). */
export interface BrushArea {
  brushType: string;
  coordRange?: unknown;
}

function inPolygon(x: number, y: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Input indices of the points inside any of the areas (rect: [[x0, x1], [y0, y1]];
 * polygon: [[x, y], …]), in input order, among the `plotted` ones.
 */
export function selectInAreas(xs: Float64Array, ys: Float64Array, areas: BrushArea[], plotted?: ArrayLike<number>): number[] {
  const tests: ((x: number, y: number) => boolean)[] = [];
  for (const a of areas) {
    const r = a.coordRange;
    if (a.brushType === 'rect' && Array.isArray(r) && r.length === 2) {
      const [[x0, x1], [y0, y1]] = r as [[number, number], [number, number]];
      const [xl, xh] = [Math.min(x0, x1), Math.max(x0, x1)];
      const [yl, yh] = [Math.min(y0, y1), Math.max(y0, y1)];
      tests.push((x, y) => x >= xl && x <= xh && y >= yl && y <= yh);
    } else if (a.brushType === 'polygon' && Array.isArray(r) && r.length >= 3) {
      const poly = r as [number, number][];
      tests.push((x, y) => inPolygon(x, y, poly));
    }
  }
  const out: number[] = [];
  if (!tests.length) return out;
  const len = plotted ? plotted.length : xs.length;
  for (let k = 0; k < len; k++) {
    const i = plotted ? plotted[k]! : k;
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    for (const t of tests) {
      if (t(x, y)) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/** Dataset row ids of input indices. */
export function rowIdsOf(indices: number[], rowIds?: Int32Array): number[] {
  return rowIds ? indices.map((i) => rowIds[i]!) : indices;
}

/**
 * A colour column as the plot uses it: categories keep their levels; a
 * numeric column with at most `maxLevels` distinct values (a class coded as
 * integers, like iris's target) becomes levels too; any other stays numeric.
 */
export function asColor(name: string, values: Float64Array, levels: string[] | null, maxLevels = 12): { name: string; values: Float64Array; levels: string[] | null } {
  if (levels) return { name, values, levels };
  const distinct = new Set<number>();
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    distinct.add(v);
    if (distinct.size > maxLevels) return { name, values, levels: null };
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((v, i) => [v, i]));
  return { name, values: Float64Array.from(values, (v) => (Number.isNaN(v) ? NaN : index.get(v)!)), levels: sorted.map((v) => String(v)) };
}
