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
  yAxisIndex: 1;
  name: string;
  data: StripPoint[];
  symbol: string;
  symbolSize: number | [number, number];
  itemStyle: { color: string; opacity?: number; borderColor?: string; borderWidth?: number };
  z: number;
}

export interface StripOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'item'; confine: boolean; formatter: (p: { seriesName: string; name: string; value: [number, number] }) => string };
  xAxis: { type: 'value'; scale: boolean; name: string; nameLocation: 'middle'; nameGap: number; axisLine: { onZero: boolean; lineStyle: { color: string } }; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  /** [0]: the learners' names, one band each; [1]: the hidden value axis the dots sit on (band i centred on i). */
  yAxis: [
    { type: 'category'; data: string[]; inverse: boolean; axisTick: { show: boolean }; axisLabel: { fontSize: number; color: string }; axisLine: { lineStyle: { color: string } }; splitLine: { show: boolean; lineStyle: { color: string } } },
    { type: 'value'; min: number; max: number; inverse: boolean; show: boolean },
  ];
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
    yAxisIndex: 1,
    name: l.display,
    data: l.folds.map((v, fi) => ({ value: [v, li + jitter(fi, l.folds.length)], name: `fold ${fi + 1}` })),
    symbol: 'circle',
    symbolSize: 7,
    itemStyle: { color: colorAt(li), opacity: 0.75 },
    z: 2,
  }));
  const mean: StripSeries = {
    type: 'scatter',
    yAxisIndex: 1,
    name: 'mean',
    data: spec.learners.flatMap((l, li) => (Number.isFinite(l.mean) ? [{ value: [l.mean, li] as [number, number], name: l.display }] : [])),
    symbol: 'rect',
    symbolSize: [3, 26],
    itemStyle: { color: '#1f2329' },
    z: 3,
  };
  return {
    animation: false,
    grid: { left: 4, right: 18, top: 10, bottom: 4, outerBoundsMode: 'same' as const, outerBoundsContain: 'all' as const },
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
      axisLine: { onZero: false, lineStyle: { color: AXIS.line } },
      axisLabel: { fontSize: 10, color: AXIS.label },
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    yAxis: [
      {
        type: 'category',
        data: names,
        inverse: true,
        axisTick: { show: false },
        axisLabel: { fontSize: 11, color: AXIS.label },
        axisLine: { lineStyle: { color: AXIS.line } },
        splitLine: { show: true, lineStyle: { color: AXIS.split } },
      },
      // A category band i of n spans [i, i + 1] / n of the height: the same as value i on [−0.5, n − 0.5].
      { type: 'value', min: -0.5, max: Math.max(0.5, names.length - 0.5), inverse: true, show: false },
    ],
    series: [...folds, mean],
  };
}
