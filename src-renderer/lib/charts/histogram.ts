/**
 * Histogram chart: a pure function from a column's histogram to an ECharts
 * option, so it is tested without a browser.
 */
import type { ColumnKind, Histogram } from '../../../src-shared/dataset.ts';
import { formatCount, formatNumber, formatStat } from '../format.ts';

export interface HistogramSpec {
  histogram: Histogram;
  kind: ColumnKind;
  column: string;
  /** Bar colour (defaults to the neutral accent). */
  color?: string;
}

export interface HistogramOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; containLabel: boolean };
  tooltip: { trigger: 'axis'; axisPointer: { type: 'shadow' }; confine: boolean };
  xAxis: {
    type: 'category';
    data: string[];
    name: string;
    nameLocation: 'middle';
    nameGap: number;
    axisLabel: { hideOverlap: boolean; fontSize: number; color: string };
    axisTick: { alignWithLabel: boolean };
    axisLine: { lineStyle: { color: string } };
  };
  yAxis: {
    type: 'value';
    minInterval: number;
    axisLabel: { fontSize: number; color: string };
    splitLine: { lineStyle: { color: string } };
  };
  series: {
    type: 'bar';
    name: string;
    data: number[];
    barCategoryGap: string;
    itemStyle: { color: string; borderRadius: number[] };
  }[];
}

/** Bin edges are rounded to 4 significant digits: labels, not data. */
function edge(x: number, kind: ColumnKind): string {
  return kind === 'date' || kind === 'datetime' ? formatStat(x, kind) : formatNumber(x, 4);
}

/** Category labels: "a – b" bins for numeric and date columns, the given labels otherwise. */
export function histogramLabels(h: Histogram, kind: ColumnKind): string[] {
  if (h.edges.length >= 2) {
    const out: string[] = [];
    for (let i = 0; i < h.counts.length; i++) {
      const lo = h.edges[i];
      const hi = h.edges[i + 1];
      out.push(lo === undefined || hi === undefined ? '' : `${edge(lo, kind)} – ${edge(hi, kind)}`);
    }
    return out;
  }
  return h.counts.map((_, i) => h.labels?.[i] ?? `#${i + 1}`);
}

export function histogramOption(spec: HistogramSpec): HistogramOption {
  const { histogram: h, kind, column } = spec;
  if (h.edges.length >= 2 && h.edges.length !== h.counts.length + 1) {
    throw new RangeError(`Histogram of "${column}" has ${h.edges.length} edges for ${h.counts.length} bins; expected ${h.counts.length + 1}.`);
  }
  const numeric = h.edges.length >= 2;
  const total = h.counts.reduce((a, b) => a + b, 0);
  return {
    animation: false,
    grid: { left: 8, right: 12, top: 12, bottom: 28, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'category',
      data: histogramLabels(h, kind),
      name: `${column}  (${formatCount(total)} values)`,
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { hideOverlap: true, fontSize: 10, color: '#5b6270' },
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: '#c9ced6' } },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { fontSize: 10, color: '#5b6270' },
      splitLine: { lineStyle: { color: '#eceef2' } },
    },
    series: [
      {
        type: 'bar',
        name: 'count',
        data: [...h.counts],
        // Numeric bins touch (a histogram); categories stand apart (a bar chart).
        barCategoryGap: numeric ? '4%' : '30%',
        itemStyle: { color: spec.color ?? '#4b6fa8', borderRadius: [2, 2, 0, 0] },
      },
    ],
  };
}
