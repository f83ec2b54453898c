/**
 * One learner's confusion matrix as a small heatmap: actual class down the
 * side, predicted class along the top, the count in each cell. Right answers
 * (the diagonal) in blue, mistakes in red, each shaded by its share of the
 * actual class's rows. Drawn as a grid of buttons (each cell opens its rows,
 * by mouse or keyboard), so this builds the cells' view model, not an
 * ECharts option. Pure.
 */
import { rgba } from './palette.ts';

export interface ConfusionSpec {
  classes: readonly string[];
  /** counts, rows = actual class, columns = predicted class */
  matrix: readonly (readonly number[])[];
  /** The selected cell [actual, predicted], outlined. */
  selected?: readonly [number, number] | null;
}

export interface ConfusionCell {
  actual: number;
  predicted: number;
  count: number;
  /** Share of the actual class's rows, 0..1. */
  share: number;
  background: string;
  color: string;
  selected: boolean;
  /** "actual M, predicted B: 3 rows (1.4%)" for the tooltip and screen readers. */
  label: string;
}

export interface ConfusionView {
  classes: string[];
  rows: { label: string; total: number; cells: ConfusionCell[] }[];
  total: number;
  correct: number;
}

const RIGHT = '#3d63a6';
const WRONG = '#c0392b';

/** Cell colour: the share of the actual class's rows, from a faint tint (0) to the full colour (1). */
export function cellColor(count: number, rowTotal: number, diagonal: boolean): string {
  if (count === 0) return '#f7f8fa';
  const share = rowTotal > 0 ? count / rowTotal : 0;
  return rgba(diagonal ? RIGHT : WRONG, 0.12 + 0.78 * share);
}

export function confusionView(spec: ConfusionSpec): ConfusionView {
  const k = spec.classes.length;
  if (spec.matrix.length !== k || spec.matrix.some((r) => r.length !== k)) {
    throw new RangeError(`A confusion matrix for ${k} classes must be ${k} × ${k}; got ${spec.matrix.length} rows of ${spec.matrix.map((r) => r.length).join('/')}.`);
  }
  const classes = [...spec.classes];
  let total = 0;
  let correct = 0;
  const rows = spec.matrix.map((row, a) => {
    const rowTotal = row.reduce((s, v) => s + v, 0);
    total += rowTotal;
    correct += row[a] ?? 0;
    const cells = row.map((count, p): ConfusionCell => {
      const share = rowTotal > 0 ? count / rowTotal : 0;
      return {
        actual: a,
        predicted: p,
        count,
        share,
        background: cellColor(count, rowTotal, a === p),
        color: share > 0.55 ? '#ffffff' : '#1f2329',
        selected: spec.selected?.[0] === a && spec.selected[1] === p,
        label: `actual ${classes[a]}, predicted ${classes[p]}: ${count} ${count === 1 ? 'row' : 'rows'} (${(share * 100).toFixed(1)}%)`,
      };
    });
    return { label: classes[a] as string, total: rowTotal, cells };
  });
  return { classes, rows, total, correct };
}
