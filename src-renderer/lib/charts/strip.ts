/**
 * Fold-score strip plot: learners down the side, one dot per fold score
 * (jittered within the learner's band so equal scores stay visible) and a
 * bar at the mean. A pure function from a spec to an ECharts option.
 */
import { AXIS, colorAt } from './palette.ts';
import { formatFixed } from '../compare/board.ts';

export interface StripSpec {
  /** The metric's display name (axis title). */
  metric: string;
  learners: { display: string; folds: readonly number[]; mean: number }[];
}

export interface StripPoint {
  value: [number, number];
  name: string;
}

export interface StripSeries {
  type: 'scatter';
  name: string;
  data: StripPoint[];
  symbol: string;
  symbolSize: number | [number, number];
  itemStyle: { color: string; opacity?: number; borderColor?: string; borderWidth?: number };
  z: number;
}

export interface StripOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; containLabel: boolean };
  tooltip: { trigger: 'item'; confine: boolean; formatter: (p: { seriesName: string; name: string; value: [number, number] }) => string };
  xAxis: { type: 'value'; scale: boolean; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  yAxis: {
    type: 'value';
    min: number;
    max: number;
    interval: number;
    inverse: boolean;
    axisLabel: { fontSize: number; color: string; formatter: (v: number) => string };
    splitLine: { show: boolean };
    axisLine: { lineStyle: { color: string } };
  };
  series: StripSeries[];
}

/** Offsets in (−0.3, 0.3) of the band: fold i of k spread evenly, the same every render. */
export function jitter(i: number, k: number): number {
  if (k <= 1) return 0;
  return -0.25 + (0.5 * i) / (k - 1);
}

export function stripOption(spec: StripSpec): StripOption {
  const names = spec.learners.map((l) => l.display);
  const folds: StripSeries[] = spec.learners.map((l, li) => ({
    type: 'scatter',
    name: l.display,
    data: l.folds.map((v, fi) => ({ value: [v, li + jitter(fi, l.folds.length)], name: `fold ${fi + 1}` })),
    symbol: 'circle',
    symbolSize: 7,
    itemStyle: { color: colorAt(li), opacity: 0.75 },
    z: 2,
  }));
  const mean: StripSeries = {
    type: 'scatter',
    name: 'mean',
    data: spec.learners.flatMap((l, li) => (Number.isFinite(l.mean) ? [{ value: [l.mean, li] as [number, number], name: l.display }] : [])),
    symbol: 'rect',
    symbolSize: [3, 26],
    itemStyle: { color: '#1f2329' },
    z: 3,
  };
  return {
    animation: false,
    grid: { left: 8, right: 18, top: 10, bottom: 34, containLabel: true },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => (p.seriesName === 'mean' ? `${p.name}: mean ${formatFixed(p.value[0])}` : `${p.seriesName}, ${p.name}: ${formatFixed(p.value[0])}`),
    },
    xAxis: {
      type: 'value',
      scale: true,
      name: `${spec.metric} per fold`,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { fontSize: 10, color: AXIS.label },
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    yAxis: {
      type: 'value',
      min: -0.5,
      max: Math.max(0, names.length - 0.5),
      interval: 1,
      inverse: true,
      // Bands are centred on whole numbers; the half-way ticks carry no name.
      axisLabel: { fontSize: 11, color: AXIS.label, formatter: (v) => (Number.isInteger(v) ? (names[v] ?? '') : '') },
      splitLine: { show: false },
      axisLine: { lineStyle: { color: AXIS.line } },
    },
    series: [...folds, mean],
  };
}
