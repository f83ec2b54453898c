/**
 * The k-means teaching chart: points coloured by cluster over shaded Voronoi
 * regions (a low-resolution grid of nearest-centroid colours drawn as a
 * custom series), optional lines from every point to its centroid, centroid
 * trails and the centroids themselves; and the small live inertia chart.
 * Axes are fixed to the data's bounds so the picture does not jump between
 * steps.
 */
import { nearest, type KState } from '../../../src-shared/teach/kmeans.ts';
import { AXIS, colorAt, rgba } from './palette.ts';

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface KMeansChartSpec {
  points: Float64Array;
  state: KState | null;
  xName: string;
  yName: string;
  bounds: Bounds;
  trails?: [number, number][][];
  showVoronoi?: boolean;
  showLines?: boolean;
  showTrails?: boolean;
  /** Cells per side of the Voronoi grid (default 48). */
  voronoiRes?: number;
  /** Centroids placed by clicking so far (before the run starts). */
  pending?: [number, number][];
  /** Bigger symbols (presenter mode). */
  large?: boolean;
}

export const UNASSIGNED = '#8a9099';

/** The points' extent with a 5 % margin (a unit box for no points). */
export function dataBounds(points: Float64Array, extra: [number, number][] = []): Bounds {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  const see = (x: number, y: number): void => {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  };
  for (let i = 0; i + 1 < points.length; i += 2) see(points[i]!, points[i + 1]!);
  for (const [x, y] of extra) see(x, y);
  if (x0 === Infinity) return { x0: 0, x1: 1, y0: 0, y1: 1 };
  const mx = (x1 - x0 || 1) * 0.05;
  const my = (y1 - y0 || 1) * 0.05;
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/** Grid cells [x0, y0, x1, y1, cluster] of the nearest centroid at each cell centre. */
export function voronoiCells(centroids: Float64Array, b: Bounds, res: number): [number, number, number, number, number][] {
  const out: [number, number, number, number, number][] = [];
  const w = (b.x1 - b.x0) / res;
  const h = (b.y1 - b.y0) / res;
  for (let j = 0; j < res; j++) {
    for (let i = 0; i < res; i++) {
      const x = b.x0 + i * w;
      const y = b.y0 + j * h;
      out.push([x, y, x + w, y + h, nearest(centroids, x + w / 2, y + h / 2)]);
    }
  }
  return out;
}

interface RenderApi {
  value(dim: number): number;
  coord(p: [number, number]): number[];
}

export function kmeansOption(spec: KMeansChartSpec): Record<string, unknown> & { series: Record<string, unknown>[] } {
  const { points, state, bounds } = spec;
  const n = points.length / 2;
  const k = state ? state.centroids.length / 2 : 0;
  const series: Record<string, unknown>[] = [];
  if (state && spec.showVoronoi !== false) {
    series.push({
      type: 'custom',
      name: 'regions',
      silent: true,
      z: 0,
      data: voronoiCells(state.centroids, bounds, spec.voronoiRes ?? 48),
      renderItem: (_p: unknown, api: RenderApi) => {
        const a = api.coord([api.value(0), api.value(1)]);
        const c = api.coord([api.value(2), api.value(3)]);
        const x = Math.min(a[0]!, c[0]!);
        const y = Math.min(a[1]!, c[1]!);
        // +0.5 px overlap so no hairline gaps show between cells.
        return { type: 'rect', shape: { x, y, width: Math.abs(c[0]! - a[0]!) + 0.5, height: Math.abs(c[1]! - a[1]!) + 0.5 }, style: { fill: rgba(colorAt(api.value(4)), 0.13) } };
      },
      encode: { x: [0, 2], y: [1, 3] },
      animation: false,
    });
  }
  const assigned = state !== null && state.labels.length === n && (n === 0 || state.labels[0]! >= 0);
  if (state && assigned && spec.showLines) {
    for (let c = 0; c < k; c++) {
      const data: ([number, number] | '-')[] = [];
      const cx = state.centroids[2 * c]!;
      const cy = state.centroids[2 * c + 1]!;
      for (let i = 0; i < n; i++) {
        if (state.labels[i] !== c) continue;
        data.push([points[2 * i]!, points[2 * i + 1]!], [cx, cy], '-');
      }
      series.push({ type: 'line', name: `lines ${c + 1}`, data, showSymbol: false, connectNulls: false, silent: true, lineStyle: { color: rgba(colorAt(c), 0.35), width: 1 }, z: 1, animation: false });
    }
  }
  const symbolSize = spec.large ? 8 : 6;
  if (assigned && state) {
    for (let c = 0; c < k; c++) {
      const data: [number, number][] = [];
      for (let i = 0; i < n; i++) if (state.labels[i] === c) data.push([points[2 * i]!, points[2 * i + 1]!]);
      series.push({ type: 'scatter', name: `cluster ${c + 1}`, data, symbolSize, itemStyle: { color: colorAt(c), opacity: 1 }, z: 2, animation: false });
    }
  } else {
    const data: [number, number][] = [];
    for (let i = 0; i < n; i++) data.push([points[2 * i]!, points[2 * i + 1]!]);
    series.push({ type: 'scatter', name: 'points', data, symbolSize, itemStyle: { color: UNASSIGNED, opacity: 0.9 }, z: 2, animation: false });
  }
  if (state && spec.showTrails !== false && spec.trails) {
    spec.trails.forEach((t, c) => {
      if (t.length > 1) series.push({ type: 'line', name: `trail ${c + 1}`, data: t.map((p) => [...p]), symbol: 'circle', symbolSize: 4, silent: true, lineStyle: { color: '#222', width: 1.5, type: 'dotted' }, itemStyle: { color: colorAt(c), borderColor: '#222' }, z: 3, animation: false });
    });
  }
  if (state) {
    const data = Array.from({ length: k }, (_, c) => ({
      value: [state.centroids[2 * c]!, state.centroids[2 * c + 1]!],
      itemStyle: { color: colorAt(c), borderColor: '#111', borderWidth: 2 },
    }));
    series.push({ type: 'scatter', name: 'centroids', data, symbol: 'diamond', symbolSize: spec.large ? 26 : 20, z: 4, animation: false });
  }
  if (spec.pending && spec.pending.length) {
    series.push({
      type: 'scatter',
      name: 'placed centroids',
      data: spec.pending.map((p, c) => ({ value: [...p], itemStyle: { color: colorAt(c), borderColor: '#111', borderWidth: 2 } })),
      symbol: 'diamond',
      symbolSize: 20,
      z: 4,
      animation: false,
    });
  }
  const axis = (name: string, min: number, max: number, gap: number): Record<string, unknown> => ({
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: gap,
    min,
    max,
    // The bounds are padded data extents: their own labels (0.705…) would only be noise.
    axisLabel: { color: AXIS.label, fontSize: spec.large ? 13 : 10, showMinLabel: false, showMaxLabel: false },
    axisLine: { lineStyle: { color: AXIS.line } },
    splitLine: { show: false },
  });
  return {
    animation: false,
    grid: { left: 52, right: 16, top: 12, bottom: 40 },
    tooltip: { trigger: 'item', confine: true },
    xAxis: axis(spec.xName, bounds.x0, bounds.x1, 26),
    yAxis: axis(spec.yName, bounds.y0, bounds.y1, 38),
    series,
  };
}

/** The small live chart of inertia per iteration. */
export function inertiaOption(values: number[], converged: boolean): Record<string, unknown> & { series: Record<string, unknown>[] } {
  return {
    animation: false,
    title: { text: converged ? 'Inertia (converged)' : 'Inertia per iteration', left: 4, top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 8, right: 10, top: 24, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'category', data: values.map((_, i) => String(i + 1)), axisLabel: { fontSize: 9, color: AXIS.label } },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 9, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
    series: [{ type: 'line', name: 'inertia', data: [...values], symbolSize: 5, itemStyle: { color: converged ? '#59a14f' : '#4b6fa8' } }],
  };
}
