/**
 * Regression: one learner's out-of-fold predictions against the actual
 * values, with the y = x line a perfect model would sit on. A pure function
 * from a spec to an ECharts option.
 */
import { AXIS, strideIndices } from './palette.ts';

type Values = ArrayLike<number>;

export interface PredSpec {
  target: string;
  actual: Values;
  predicted: Values;
  color: string;
  maxPoints?: number;
}

export interface XYAxis {
  type: 'value';
  min: number;
  max: number;
  name: string;
  nameLocation: 'middle';
  nameGap: number;
  axisLabel: { fontSize: number; color: string; hideOverlap: boolean; showMinLabel: boolean; showMaxLabel: boolean };
  splitLine: { lineStyle: { color: string } };
}

export interface XYOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'item'; confine: boolean };
  xAxis: XYAxis;
  yAxis: XYAxis;
  series: (
    | { type: 'scatter'; name: string; data: [number, number][]; symbolSize: number; itemStyle: { color: string; opacity: number }; large: boolean }
    | { type: 'line'; name: string; data: [number, number][]; showSymbol: boolean; silent: boolean; lineStyle: { color: string; type: 'dashed'; width: number } }
  )[];
}

/** A range with a little room (5% each side), never empty. */
export function padded(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi <= lo) return [lo - 1, hi + 1];
  const m = (hi - lo) * 0.05;
  return [lo - m, hi + m];
}

/** Paired finite points of two aligned arrays, at most maxPoints (strided). */
export function pairs(xs: Values, ys: Values, maxPoints: number): [number, number][] {
  const n = Math.min(xs.length, ys.length);
  const out: [number, number][] = [];
  for (const i of strideIndices(n, maxPoints)) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  }
  return out;
}

export function axisOf(name: string, range: [number, number], gap: number): XYAxis {
  return {
    type: 'value',
    min: range[0],
    max: range[1],
    name,
    nameLocation: 'middle',
    nameGap: gap,
    // The padded ends are not round numbers: label only the nice ticks inside.
    axisLabel: { fontSize: 9, color: AXIS.label, hideOverlap: true, showMinLabel: false, showMaxLabel: false },
    splitLine: { lineStyle: { color: AXIS.split } },
  };
}

export const XY_GRID = { left: 2, right: 10, top: 8, bottom: 2, outerBoundsMode: 'same' as const, outerBoundsContain: 'all' as const };

export function predOption(spec: PredSpec): XYOption {
  const data = pairs(spec.actual, spec.predicted, spec.maxPoints ?? 4000);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, y] of data) {
    lo = Math.min(lo, x, y);
    hi = Math.max(hi, x, y);
  }
  // Same range on both axes, so y = x is the diagonal of a square.
  const range = padded(lo, hi);
  return {
    animation: false,
    grid: { ...XY_GRID },
    tooltip: { trigger: 'item', confine: true },
    xAxis: axisOf(`actual ${spec.target}`, range, 22),
    yAxis: axisOf('predicted', range, 34),
    series: [
      { type: 'scatter', name: 'rows', data, symbolSize: 4, itemStyle: { color: spec.color, opacity: 0.6 }, large: data.length > 2000 },
      { type: 'line', name: 'y = x', data: [[range[0], range[0]], [range[1], range[1]]], showSymbol: false, silent: true, lineStyle: { color: '#1f2329', type: 'dashed', width: 1 } },
    ],
  };
}
