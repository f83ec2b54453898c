/**
 * The live training chart of a network: loss (or accuracy) per epoch for the
 * training and validation rows, and the per-batch training values smoothed
 * (an exponential moving average with TensorBoard's debiasing) on the same
 * fractional-epoch axis. A pure function from the history to an ECharts option.
 */
import type { NnEpochLog } from '../../../src-shared/ml/nn.ts';
import { AXIS, colorAt } from './palette.ts';

/** One per-batch report: x = epoch - 1 + batch / batches (so batch points sit between epoch marks). */
export interface BatchPoint {
  x: number;
  loss: number;
  accuracy?: number;
}

export interface TrainingCurves {
  epochs: readonly NnEpochLog[];
  batches: readonly BatchPoint[];
}

export type CurveMetric = 'loss' | 'accuracy';

/** Exponential moving average, debiased as TensorBoard does (the first values are not pulled to 0). */
export function emaSmooth(values: readonly number[], weight = 0.6): number[] {
  const out: number[] = [];
  let last = 0;
  let k = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    last = last * weight + (1 - weight) * v;
    k++;
    out.push(last / (1 - weight ** k));
  }
  return out;
}

export interface LineSeries {
  type: 'line';
  name: string;
  data: [number, number][];
  showSymbol: boolean;
  symbolSize?: number;
  lineStyle: { width: number; color: string; type?: 'dashed'; opacity?: number };
  itemStyle: { color: string };
}

export interface LossOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'axis'; confine: boolean; valueFormatter: (v: unknown) => string };
  legend: { top: number; data: string[]; textStyle: { fontSize: number } };
  xAxis: { type: 'value'; min: number; max: number; name: string; nameLocation: 'middle'; nameGap: number; minInterval: number; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  yAxis: { type: 'value'; min?: number; max?: number; scale: boolean; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  series: LineSeries[];
}

export const SERIES_NAMES = { batch: 'training (per batch, smoothed)', train: 'training', val: 'validation' } as const;

function fmt(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '–';
}

/** The option for one metric; `totalEpochs` fixes the x range while training runs. */
export function lossOption(c: TrainingCurves, metric: CurveMetric, totalEpochs?: number): LossOption {
  const valKey = metric === 'loss' ? 'valLoss' : 'valAccuracy';
  const train: [number, number][] = [];
  const val: [number, number][] = [];
  for (const e of c.epochs) {
    const t = e[metric];
    if (t !== undefined) train.push([e.epoch, t]);
    const v = e[valKey];
    if (v !== undefined) val.push([e.epoch, v]);
  }
  const raw = c.batches.filter((b) => b[metric] !== undefined);
  const smooth = emaSmooth(raw.map((b) => b[metric]!));
  const batch = raw.map((b, i): [number, number] => [b.x, smooth[i]!]);
  const series: LineSeries[] = [
    { type: 'line', name: SERIES_NAMES.batch, data: batch, showSymbol: false, lineStyle: { width: 1, color: colorAt(0), opacity: 0.45 }, itemStyle: { color: colorAt(0) } },
    { type: 'line', name: SERIES_NAMES.train, data: train, showSymbol: true, symbolSize: 5, lineStyle: { width: 2, color: colorAt(0) }, itemStyle: { color: colorAt(0) } },
  ];
  if (val.length) series.push({ type: 'line', name: SERIES_NAMES.val, data: val, showSymbol: true, symbolSize: 5, lineStyle: { width: 2, color: colorAt(1), type: 'dashed' }, itemStyle: { color: colorAt(1) } });
  const lastEpoch = Math.max(1, totalEpochs ?? 0, c.epochs.at(-1)?.epoch ?? 0, Math.ceil(batch.at(-1)?.[0] ?? 0));
  const axis = { fontSize: 10, color: AXIS.label };
  return {
    animation: false,
    grid: { left: 8, right: 12, top: 30, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: fmt },
    legend: { top: 0, data: series.map((s) => s.name), textStyle: { fontSize: 10 } },
    xAxis: { type: 'value', min: 0, max: lastEpoch, name: 'epoch', nameLocation: 'middle', nameGap: 22, minInterval: 1, axisLabel: axis, splitLine: { lineStyle: { color: AXIS.split } } },
    yAxis: {
      type: 'value',
      ...(metric === 'accuracy' ? { max: 1 } : { min: 0 }),
      scale: metric === 'accuracy',
      name: metric,
      nameLocation: 'middle',
      nameGap: 36,
      axisLabel: axis,
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    series,
  };
}

/** Number of points drawn (what the e2e test reads to see the chart grow). */
export function pointCount(o: LossOption): number {
  return o.series.reduce((n, s) => n + s.data.length, 0);
}
