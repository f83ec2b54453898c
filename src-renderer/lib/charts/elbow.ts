/**
 * The elbow plot (k-means inertia for k = 1..10) with the silhouette score
 * on a second axis, and the chosen k marked.
 */
import type { ElbowResult } from '../../../src-shared/contract/explore.ts';
import { AXIS } from './palette.ts';

export function elbowOption(spec: { result: ElbowResult; k?: number }): Record<string, unknown> & { series: Record<string, unknown>[] } {
  const r = spec.result;
  if (r.inertia.length !== r.ks.length || r.silhouette.length !== r.ks.length) throw new RangeError('The elbow result has ks, inertia and silhouette of different lengths.');
  const ks = r.ks.map(String);
  const at = spec.k === undefined ? -1 : r.ks.indexOf(spec.k);
  return {
    animation: false,
    title: { text: 'Elbow and silhouette', left: 8, top: 0, textStyle: { fontSize: 12 } },
    legend: { top: 0, right: 8, textStyle: { fontSize: 10 } },
    grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'category', data: ks, name: 'k', nameLocation: 'middle', nameGap: 22, axisLabel: { fontSize: 10, color: AXIS.label } },
    yAxis: [
      { type: 'value', name: 'inertia', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
      { type: 'value', name: 'silhouette', min: -0.1, max: 1, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9, color: AXIS.label }, splitLine: { show: false } },
    ],
    series: [
      {
        type: 'line',
        name: 'inertia',
        yAxisIndex: 0,
        data: [...r.inertia],
        symbolSize: 6,
        itemStyle: { color: '#4b6fa8' },
        ...(at >= 0 ? { markPoint: { symbol: 'circle', symbolSize: 14, itemStyle: { color: 'transparent', borderColor: '#b2302b', borderWidth: 2 }, data: [{ coord: [at, r.inertia[at]] }] } } : {}),
      },
      { type: 'line', name: 'silhouette', yAxisIndex: 1, data: r.silhouette.map((s) => (s === null ? '-' : s)), symbolSize: 6, itemStyle: { color: '#e0803b' }, lineStyle: { type: 'dashed' } },
    ],
  };
}
