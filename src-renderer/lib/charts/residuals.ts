/**
 * Regression: one learner's residuals (actual − predicted) against its
 * predictions, around the zero line; a funnel or a curve shows what the
 * model misses. A pure function from a spec to an ECharts option.
 */
import { axisOf, padded, pairs, XY_GRID, type XYOption } from './scatter-pred.ts';

export interface ResidualSpec {
  predicted: ArrayLike<number>;
  residuals: ArrayLike<number>;
  color: string;
  maxPoints?: number;
}

export function residualOption(spec: ResidualSpec): XYOption {
  const data = pairs(spec.predicted, spec.residuals, spec.maxPoints ?? 4000);
  let xlo = Infinity;
  let xhi = -Infinity;
  let r = 0;
  for (const [x, y] of data) {
    xlo = Math.min(xlo, x);
    xhi = Math.max(xhi, x);
    r = Math.max(r, Math.abs(y));
  }
  const xr = padded(xlo, xhi);
  // Symmetric about zero so that a bias shows as a shift, not a rescale.
  const yr = padded(-(r || 1), r || 1);
  return {
    animation: false,
    grid: { ...XY_GRID },
    tooltip: { trigger: 'item', confine: true },
    xAxis: axisOf('predicted', xr, 22),
    yAxis: axisOf('residual', yr, 34),
    series: [
      { type: 'scatter', name: 'rows', data, symbolSize: 4, itemStyle: { color: spec.color, opacity: 0.6 }, large: data.length > 2000 },
      { type: 'line', name: 'zero', data: [[xr[0], 0], [xr[1], 0]], showSymbol: false, silent: true, lineStyle: { color: '#1f2329', type: 'dashed', width: 1 } },
    ],
  };
}
