/**
 * One learner's confusion matrix as a small heatmap: actual class down the
 * side, predicted class along the bottom, the count in each cell. Right
 * answers (the diagonal) in blue, mistakes in red, each shaded by its share
 * of the actual class's rows. A pure function from a spec to an ECharts option.
 */
import { AXIS, rgba } from './palette.ts';

export interface ConfusionSpec {
  classes: readonly string[];
  /** counts, rows = actual class, columns = predicted class */
  matrix: readonly (readonly number[])[];
  /** The selected cell [actual, predicted], outlined. */
  selected?: [number, number] | null;
}

export interface ConfusionCell {
  /** [predicted, actual, count] */
  value: [number, number, number];
  itemStyle: { color: string; borderColor: string; borderWidth: number };
  label: { color: string };
}

export interface ConfusionOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; containLabel: boolean };
  tooltip: { trigger: 'item'; confine: boolean; formatter: (p: { value: [number, number, number] }) => string };
  xAxis: { type: 'category'; data: string[]; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string; interval: number; hideOverlap: boolean }; axisTick: { show: boolean }; axisLine: { lineStyle: { color: string } } };
  yAxis: { type: 'category'; data: string[]; name: string; nameLocation: 'middle'; nameGap: number; inverse: boolean; axisLabel: { fontSize: number; color: string; interval: number }; axisTick: { show: boolean }; axisLine: { lineStyle: { color: string } } };
  series: { type: 'heatmap'; data: ConfusionCell[]; label: { show: boolean; fontSize: number }; emphasis: { itemStyle: { borderColor: string; borderWidth: number } }; cursor: string }[];
}

const RIGHT = '#3d63a6';
const WRONG = '#c0392b';

/** Cell colour: the share of the actual class's rows, from a faint tint (0) to the full colour (1). */
export function cellColor(count: number, rowTotal: number, diagonal: boolean): string {
  if (count === 0) return '#f7f8fa';
  const share = rowTotal > 0 ? count / rowTotal : 0;
  return rgba(diagonal ? RIGHT : WRONG, 0.12 + 0.78 * share);
}

export function confusionOption(spec: ConfusionSpec): ConfusionOption {
  const k = spec.classes.length;
  if (spec.matrix.length !== k || spec.matrix.some((r) => r.length !== k)) {
    throw new RangeError(`A confusion matrix for ${k} classes must be ${k} × ${k}; got ${spec.matrix.length} rows of ${spec.matrix.map((r) => r.length).join('/')}.`);
  }
  const data: ConfusionCell[] = [];
  spec.matrix.forEach((row, a) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((count, p) => {
      const sel = spec.selected?.[0] === a && spec.selected[1] === p;
      const share = total > 0 ? count / total : 0;
      data.push({
        value: [p, a, count],
        itemStyle: { color: cellColor(count, total, a === p), borderColor: sel ? '#1f2329' : '#ffffff', borderWidth: sel ? 2 : 1 },
        label: { color: share > 0.55 ? '#ffffff' : '#1f2329' },
      });
    });
  });
  const labels = [...spec.classes];
  const small = k > 6 ? 9 : 10;
  return {
    animation: false,
    grid: { left: 6, right: 6, top: 6, bottom: 26, containLabel: true },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => `actual ${labels[p.value[1]] ?? ''}, predicted ${labels[p.value[0]] ?? ''}: ${p.value[2]} rows`,
    },
    xAxis: {
      type: 'category',
      data: labels,
      name: 'predicted',
      nameLocation: 'middle',
      nameGap: 18,
      axisLabel: { fontSize: small, color: AXIS.label, interval: 0, hideOverlap: true },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: AXIS.line } },
    },
    yAxis: {
      type: 'category',
      data: labels,
      name: 'actual',
      nameLocation: 'middle',
      nameGap: 22,
      inverse: true,
      axisLabel: { fontSize: small, color: AXIS.label, interval: 0 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: AXIS.line } },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: k <= 12, fontSize: k > 6 ? 9 : 11 },
        emphasis: { itemStyle: { borderColor: '#1f2329', borderWidth: 2 } },
        cursor: 'pointer',
      },
    ],
  };
}
