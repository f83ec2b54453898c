/**
 * Scatter-plot matrix: up to 8 columns against each other in one chart, one
 * grid per cell, histograms (as filled step lines) on the diagonal, points
 * coloured by an optional class. Every cell draws the same evenly strided
 * rows, at most `maxPerCell`, and the title says when it thinned them.
 */
import { formatCount } from '../format.ts';
import { AXIS, colorAt, strideIndices } from './palette.ts';

export const MAX_SPLOM_COLUMNS = 8;

export interface SplomSpec {
  columns: string[];
  values: Float64Array[];
  classBy?: { name: string; codes: Float64Array; levels: string[] };
  maxPerCell?: number;
  bins?: number;
}

/** Histogram of the finite values as [bin centre, count] pairs. */
export function histogramPairs(v: Float64Array, idx: number[], bins: number): [number, number][] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of idx) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo === Infinity) return [];
  if (lo === hi) return [[lo, idx.filter((i) => v[i] === lo).length]];
  const counts = new Array<number>(bins).fill(0);
  for (const i of idx) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    counts[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))]!++;
  }
  const w = (hi - lo) / bins;
  return counts.map((c, b) => [lo + (b + 0.5) * w, c]);
}

export function splomOption(spec: SplomSpec): Record<string, unknown> & { grid: unknown[]; series: Record<string, unknown>[] } {
  const n = spec.columns.length;
  if (n < 2 || n > MAX_SPLOM_COLUMNS) throw new RangeError(`A scatter-plot matrix takes 2 to ${MAX_SPLOM_COLUMNS} columns; got ${n}.`);
  if (spec.values.length !== n) throw new RangeError(`${spec.values.length} value arrays for ${n} columns.`);
  const rows = spec.values[0]!.length;
  const max = spec.maxPerCell ?? 1500;
  const idx = strideIndices(rows, max);
  const thinned = rows > max;
  const grid: Record<string, unknown>[] = [];
  const xAxis: Record<string, unknown>[] = [];
  const yAxis: Record<string, unknown>[] = [];
  const series: Record<string, unknown>[] = [];
  const left = 7;
  const top = 8;
  const size = (100 - left - 2) / n;
  const sizeY = (100 - top - 8) / n;
  const cls = spec.classBy;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const g = grid.length;
      grid.push({ left: `${left + c * size + 0.6}%`, top: `${top + r * sizeY + 0.6}%`, width: `${size - 1.2}%`, height: `${sizeY - 1.2}%` });
      const bottom = r === n - 1;
      const leftCol = c === 0;
      xAxis.push({ type: 'value', gridIndex: g, scale: true, name: bottom ? spec.columns[c] : '', nameLocation: 'middle', nameGap: 20, nameTextStyle: { fontSize: 10 }, axisLabel: { show: bottom, fontSize: 9, color: AXIS.label, hideOverlap: true }, splitLine: { show: false }, axisLine: { lineStyle: { color: AXIS.line } } });
      yAxis.push({ type: 'value', gridIndex: g, scale: r !== c, name: leftCol ? spec.columns[r] : '', nameLocation: 'middle', nameGap: 30, nameTextStyle: { fontSize: 10 }, axisLabel: { show: leftCol && r !== c, fontSize: 9, color: AXIS.label, hideOverlap: true }, splitLine: { show: false }, axisLine: { lineStyle: { color: AXIS.line } } });
      const xv = spec.values[c]!;
      const yv = spec.values[r]!;
      if (r === c) {
        series.push({ type: 'line', xAxisIndex: g, yAxisIndex: g, step: 'middle', showSymbol: false, silent: true, data: histogramPairs(xv, idx, spec.bins ?? 16), lineStyle: { color: '#4b6fa8', width: 1 }, areaStyle: { color: 'rgba(75,111,168,0.35)' }, animation: false });
        continue;
      }
      const groups = cls ? cls.levels.length : 1;
      for (let k = 0; k < groups; k++) {
        const pts: [number, number][] = [];
        for (const i of idx) {
          if (cls && cls.codes[i] !== k) continue;
          const x = xv[i]!;
          const y = yv[i]!;
          if (Number.isFinite(x) && Number.isFinite(y)) pts.push([x, y]);
        }
        series.push({ type: 'scatter', name: cls ? cls.levels[k] : 'rows', xAxisIndex: g, yAxisIndex: g, data: pts, symbolSize: 3, itemStyle: { color: cls ? colorAt(k) : '#4b6fa8', opacity: 0.7 }, animation: false });
      }
    }
  }
  return {
    animation: false,
    title: { text: `Scatter-plot matrix of ${n} columns`, subtext: thinned ? `Thinned: ${formatCount(idx.length)} of ${formatCount(rows)} rows drawn in each cell` : `${formatCount(rows)} rows`, left: 8, top: 0, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11, color: AXIS.label } },
    tooltip: { trigger: 'item', confine: true },
    legend: cls ? { top: 4, right: 8, data: cls.levels } : { show: false },
    grid,
    xAxis,
    yAxis,
    series,
  };
}
