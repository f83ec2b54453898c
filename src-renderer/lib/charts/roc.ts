/**
 * ROC curves of every learner overlaid, for one class (binary: the positive
 * class; more classes: the chosen one-vs-rest class), AUC in the legend and
 * the chance diagonal. A pure function from a spec to an ECharts option.
 */
import type { LearnerResult, RocCurve } from '../../../src-shared/contract/ml.ts';
import { AXIS, colorAt } from './palette.ts';

export interface RocSpec {
  /** The class the curves are for (legend title). */
  label: string;
  curves: { display: string; color: string; fpr: readonly number[]; tpr: readonly number[]; auc: number }[];
}

export interface RocSeries {
  type: 'line';
  name: string;
  data: [number, number][];
  showSymbol: boolean;
  lineStyle: { width: number; color: string; type?: 'dashed' };
  itemStyle: { color: string };
  silent?: boolean;
}

export interface RocOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'axis'; confine: boolean };
  legend: { orient: 'vertical'; right: number; bottom: number; data: string[]; textStyle: { fontSize: number }; backgroundColor: string };
  xAxis: { type: 'value'; min: number; max: number; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  yAxis: { type: 'value'; min: number; max: number; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string }; splitLine: { lineStyle: { color: string } } };
  series: RocSeries[];
}

/** The classes learners have curves for, in the order of the first learner that has them. */
export function rocLabels(learners: readonly Pick<LearnerResult, 'roc'>[]): string[] {
  const seen: string[] = [];
  for (const l of learners) for (const c of l.roc ?? []) if (!seen.includes(c.label)) seen.push(c.label);
  return seen;
}

/** Each learner's curve for a class (learners without one are left out), coloured by learner position. */
export function rocSpec(learners: readonly Pick<LearnerResult, 'roc' | 'display' | 'error'>[], label: string): RocSpec {
  const curves: RocSpec['curves'] = [];
  learners.forEach((l, i) => {
    const c: RocCurve | undefined = l.error ? undefined : l.roc?.find((r) => r.label === label);
    if (c) curves.push({ display: l.display, color: colorAt(i), fpr: c.fpr, tpr: c.tpr, auc: c.auc });
  });
  return { label, curves };
}

export function rocName(display: string, auc: number): string {
  return `${display} (AUC ${Number.isFinite(auc) ? auc.toFixed(3) : '–'})`;
}

export function rocOption(spec: RocSpec): RocOption {
  const series: RocSeries[] = spec.curves.map((c) => {
    if (c.fpr.length !== c.tpr.length) throw new RangeError(`The ROC curve of ${c.display} has ${c.fpr.length} false-positive rates for ${c.tpr.length} true-positive rates.`);
    return {
      type: 'line',
      name: rocName(c.display, c.auc),
      data: c.fpr.map((x, i) => [x, c.tpr[i] as number]),
      showSymbol: false,
      lineStyle: { width: 2, color: c.color },
      itemStyle: { color: c.color },
    };
  });
  series.push({
    type: 'line',
    name: 'chance',
    data: [
      [0, 0],
      [1, 1],
    ],
    showSymbol: false,
    lineStyle: { width: 1, color: '#9aa1ac', type: 'dashed' },
    itemStyle: { color: '#9aa1ac' },
    silent: true,
  });
  return {
    animation: false,
    grid: { left: 4, right: 14, top: 12, bottom: 4, outerBoundsMode: 'same' as const, outerBoundsContain: 'all' as const },
    tooltip: { trigger: 'axis', confine: true },
    legend: {
      orient: 'vertical',
      right: 18,
      bottom: 44,
      data: series.filter((s) => s.name !== 'chance').map((s) => s.name),
      textStyle: { fontSize: 11 },
      backgroundColor: 'rgba(255,255,255,0.85)',
    },
    xAxis: { type: 'value', min: 0, max: 1, name: 'false positive rate', nameLocation: 'middle', nameGap: 24, axisLabel: { fontSize: 10, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
    yAxis: { type: 'value', min: 0, max: 1, name: 'true positive rate', nameLocation: 'middle', nameGap: 34, axisLabel: { fontSize: 10, color: AXIS.label }, splitLine: { lineStyle: { color: AXIS.split } } },
    series,
  };
}
