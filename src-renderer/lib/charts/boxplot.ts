/**
 * Distributions per column, split by a class: box plots from quartiles per
 * class (Tukey whiskers at 1.5 IQR, outliers as points) and class-stacked
 * histograms from `datasets.histogram` with `by`.
 */
import type { HistogramResult } from '../../../src-shared/contract/datasets.ts';
import type { ColumnKind } from '../../../src-shared/dataset.ts';
import { formatCount } from '../format.ts';
import { histogramLabels } from './histogram.ts';
import { AXIS, colorAt } from './palette.ts';

export interface BoxGroup {
  name: string;
  n: number;
  /** [lower whisker, Q1, median, Q3, upper whisker] */
  box: [number, number, number, number, number];
  outliers: number[];
}

/** Quantile of sorted values by linear interpolation (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function groupOf(name: string, vals: number[]): BoxGroup {
  const s = Float64Array.from(vals).sort();
  const q1 = quantile(s, 0.25);
  const med = quantile(s, 0.5);
  const q3 = quantile(s, 0.75);
  const iqr = q3 - q1;
  const loFence = q1 - 1.5 * iqr;
  const hiFence = q3 + 1.5 * iqr;
  let lo = med;
  let hi = med;
  const outliers: number[] = [];
  for (const v of s) {
    if (v < loFence || v > hiFence) outliers.push(v);
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { name, n: s.length, box: [lo, q1, med, q3, hi], outliers };
}

/** Box statistics of the finite values, one group per class level (or one for all). */
export function boxStats(values: Float64Array, classBy?: { codes: Float64Array; levels: string[] }): BoxGroup[] {
  if (!classBy) {
    const all: number[] = [];
    for (const v of values) if (Number.isFinite(v)) all.push(v);
    return all.length ? [groupOf('all rows', all)] : [];
  }
  const per: number[][] = classBy.levels.map(() => []);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const c = classBy.codes[i]!;
    if (Number.isFinite(v) && Number.isInteger(c) && c >= 0) per[c]?.push(v);
  }
  return per.flatMap((vals, c) => (vals.length ? [groupOf(classBy.levels[c]!, vals)] : []));
}

export function boxplotOption(spec: { column: string; groups: BoxGroup[]; maxOutliers?: number }): Record<string, unknown> & { series: Record<string, unknown>[] } {
  const max = spec.maxOutliers ?? 2000;
  const outliers: [number, number][] = [];
  spec.groups.forEach((g, i) => {
    for (const v of g.outliers) if (outliers.length < max) outliers.push([i, v]);
  });
  return {
    animation: false,
    title: { text: spec.column, left: 'center', top: 0, textStyle: { fontSize: 12 } },
    grid: { left: 8, right: 12, top: 26, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', confine: true },
    xAxis: { type: 'category', data: spec.groups.map((g) => `${g.name} (${formatCount(g.n)})`), axisLabel: { fontSize: 10, color: AXIS.label, interval: 0, hideOverlap: true } },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
    series: [
      {
        type: 'boxplot',
        name: spec.column,
        data: spec.groups.map((g, i) => ({ value: [...g.box], itemStyle: { color: colorAt(i) + '55', borderColor: colorAt(i) } })),
      },
      { type: 'scatter', name: 'outliers', data: outliers, symbolSize: 4, itemStyle: { color: '#555', opacity: 0.6 } },
    ],
  };
}

/** A histogram whose bars stack the classes (datasets.histogram with `by`), or plain bars without. */
export function classHistogramOption(spec: { column: string; kind: ColumnKind; histogram: HistogramResult }): Record<string, unknown> & { series: Record<string, unknown>[] } {
  const h = spec.histogram;
  const labels = histogramLabels(h, spec.kind);
  const numeric = h.edges.length >= 2;
  const series = h.by
    ? h.by.classes.map((c, i) => ({ type: 'bar', name: c, stack: 'class', data: [...(h.by!.counts[i] ?? [])], barCategoryGap: numeric ? '4%' : '30%', itemStyle: { color: colorAt(i) } }))
    : [{ type: 'bar', name: 'count', data: [...h.counts], barCategoryGap: numeric ? '4%' : '30%', itemStyle: { color: '#4b6fa8' } }];
  return {
    animation: false,
    title: { text: spec.column, left: 'center', top: 0, textStyle: { fontSize: 12 } },
    legend: h.by ? { top: 18, type: 'scroll', textStyle: { fontSize: 10 } } : { show: false },
    grid: { left: 8, right: 12, top: h.by ? 42 : 26, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 9, color: AXIS.label, hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
    series,
  };
}
