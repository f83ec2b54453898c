/**
 * Correlation heatmap: the matrix of `ml.correlate` as an ECharts heatmap on
 * two category axes, the value in every cell, in the dataset's order or the
 * clustered order the engine suggests. Pure, so it is tested without a browser.
 */
import type { CorrelationResult } from '../../../src-shared/contract/ml.ts';
import { AXIS } from './palette.ts';

export const MEASURE_TEXT: Record<string, { short: string; text: string }> = {
  pearson: { short: 'r', text: 'Pearson r: linear association of two numeric columns, −1 to 1.' },
  spearman: { short: 'ρ', text: 'Spearman ρ: monotone association of two numeric columns (Pearson on ranks), −1 to 1.' },
  cramers_v: { short: 'V', text: "Cramér's V: association of two categorical columns, 0 (none) to 1 (one determines the other)." },
  correlation_ratio: {
    short: 'η',
    text: 'Correlation ratio η: how much of a numeric column is explained by a categorical one, 0 to 1 (no sign).',
  },
};

export interface HeatmapSpec {
  result: CorrelationResult;
  /** Clustered order (result.order) instead of the dataset's. */
  clustered: boolean;
}

/** [x, y, value]; value '-' where the pair had too few complete rows. */
export type HeatCell = [number, number, number | '-'];

export interface HeatmapOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; containLabel: boolean };
  tooltip: { position: 'top'; confine: boolean };
  xAxis: { type: 'category'; data: string[]; axisLabel: { rotate: number; fontSize: number; color: string; interval: 0 }; splitArea: { show: boolean } };
  yAxis: { type: 'category'; data: string[]; inverse: boolean; axisLabel: { fontSize: number; color: string; interval: 0 }; splitArea: { show: boolean } };
  visualMap: { min: number; max: number; calculable: boolean; orient: 'vertical'; right: number; top: 'middle'; itemHeight: number; inRange: { color: string[] }; text: [string, string] };
  series: {
    type: 'heatmap';
    name: string;
    data: HeatCell[];
    label: { show: boolean; fontSize: number; formatter: (p: { value: HeatCell }) => string };
    emphasis: { itemStyle: { borderColor: string; borderWidth: number } };
    itemStyle: { borderColor: string; borderWidth: number };
  }[];
}

/** The order of the columns on both axes. */
export function heatmapOrder(result: CorrelationResult, clustered: boolean): number[] {
  const n = result.columns.length;
  if (clustered && result.order.length === n) return [...result.order];
  return Array.from({ length: n }, (_, i) => i);
}

/** The distinct measures used in the matrix (off the diagonal), in a fixed order, with their explanations. */
export function measuresUsed(result: CorrelationResult): { measure: string; short: string; text: string }[] {
  const seen = new Set<string>();
  result.measures.forEach((row, i) => row.forEach((m, j) => i !== j && m && seen.add(m)));
  return Object.keys(MEASURE_TEXT)
    .filter((m) => seen.has(m))
    .map((m) => ({ measure: m, ...MEASURE_TEXT[m]! }));
}

export function cellText(v: number | '-'): string {
  return v === '-' ? '–' : v.toFixed(2);
}

/** The pair behind a clicked cell: [column on x, column on y]. */
export function pairAt(result: CorrelationResult, clustered: boolean, xi: number, yi: number): [string, string] {
  const order = heatmapOrder(result, clustered);
  return [result.columns[order[xi]!]!, result.columns[order[yi]!]!];
}

export function heatmapOption(spec: HeatmapSpec): HeatmapOption {
  const { result } = spec;
  const n = result.columns.length;
  if (result.matrix.length !== n || result.matrix.some((r) => r.length !== n)) {
    throw new RangeError(`The correlation matrix is not ${n} × ${n} for ${n} columns.`);
  }
  const order = heatmapOrder(result, spec.clustered);
  const names = order.map((i) => result.columns[i]!);
  const data: HeatCell[] = [];
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      const v = result.matrix[order[y]!]![order[x]!];
      data.push([x, y, v === null || v === undefined || Number.isNaN(v) ? '-' : v]);
    }
  }
  const small = n > 16;
  return {
    animation: false,
    grid: { left: 8, right: 70, top: 8, bottom: 8, containLabel: true },
    tooltip: { position: 'top', confine: true },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 40, fontSize: 10, color: AXIS.label, interval: 0 }, splitArea: { show: false } },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { fontSize: 10, color: AXIS.label, interval: 0 }, splitArea: { show: false } },
    visualMap: {
      min: -1,
      max: 1,
      calculable: true,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 160,
      // Diverging: negative blue, none white, positive red.
      inRange: { color: ['#2c6aa0', '#9cc3e4', '#f7f7f7', '#f1a58c', '#b2302b'] },
      text: ['+1', '−1'],
    },
    series: [
      {
        type: 'heatmap',
        name: 'correlation',
        data,
        label: { show: !small, fontSize: n > 10 ? 9 : 11, formatter: (p) => cellText(p.value[2]) },
        emphasis: { itemStyle: { borderColor: '#222', borderWidth: 1.5 } },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  };
}

/** Tooltip text of a cell: the pair, the value and the measure used. */
export function cellTooltip(result: CorrelationResult, clustered: boolean, xi: number, yi: number): string {
  const order = heatmapOrder(result, clustered);
  const i = order[yi]!;
  const j = order[xi]!;
  const v = result.matrix[i]![j];
  const m = result.measures[i]![j] ?? '';
  const name = MEASURE_TEXT[m]?.short ?? m;
  return `${result.columns[i]} × ${result.columns[j]}: ${name} = ${v === null || v === undefined ? 'too few rows' : v.toFixed(3)}`;
}
