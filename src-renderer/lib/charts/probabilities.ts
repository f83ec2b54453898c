/**
 * Draw-a-digit's answer: one bar per class with its probability, the most
 * probable class in the accent colour. A pure function to an ECharts option.
 */
import { AXIS } from './palette.ts';

export const BAR = { top: '#4e79a7', rest: '#bab0ac' } as const;

export interface ProbabilityOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'axis'; confine: boolean; valueFormatter: (v: unknown) => string };
  xAxis: { type: 'category'; data: string[]; axisLabel: { fontSize: number; color: string; interval: 0 }; axisTick: { show: boolean } };
  yAxis: { type: 'value'; min: number; max: number; axisLabel: { fontSize: number; color: string; formatter: (v: number) => string }; splitLine: { lineStyle: { color: string } } };
  series: {
    type: 'bar';
    data: { value: number; itemStyle: { color: string } }[];
    barMaxWidth: number;
    label: { show: boolean; position: 'top'; fontSize: number; formatter: (p: { value: number }) => string };
  }[];
}

export function percent(p: number): string {
  return `${(p * 100).toFixed(p >= 0.995 || p < 0.005 ? 0 : 1)}%`;
}

/** Index of the largest probability (-1 when empty). */
export function argmax(p: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < p.length; i++) if (best < 0 || p[i]! > p[best]!) best = i;
  return best;
}

export function probabilitiesOption(classes: readonly string[], probabilities: readonly number[]): ProbabilityOption {
  if (classes.length !== probabilities.length) throw new RangeError(`${classes.length} classes but ${probabilities.length} probabilities.`);
  const top = argmax(probabilities);
  return {
    animation: false,
    grid: { left: 4, right: 4, top: 18, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => (typeof v === 'number' ? percent(v) : '–') },
    xAxis: { type: 'category', data: [...classes], axisLabel: { fontSize: 12, color: AXIS.label, interval: 0 }, axisTick: { show: false } },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { fontSize: 10, color: AXIS.label, formatter: (v) => percent(v) }, splitLine: { lineStyle: { color: AXIS.split } } },
    series: [
      {
        type: 'bar',
        data: probabilities.map((value, i) => ({ value, itemStyle: { color: i === top ? BAR.top : BAR.rest } })),
        barMaxWidth: 28,
        label: { show: true, position: 'top', fontSize: 10, formatter: (p) => (p.value >= 0.01 ? percent(p.value) : '') },
      },
    ],
  };
}
