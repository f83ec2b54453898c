/**
 * What the comparison board computes from a run, apart from the charts: the
 * task a target implies, the table's columns and the best value per column,
 * and the rows behind a confusion-matrix cell. Pure: unit-tested under Node.
 */
import type { ColumnInfo } from '../../../src-shared/dataset.ts';
import type { CompareResult, LearnerResult, MetricSummary } from '../../../src-shared/contract/ml.ts';
import { CLASSIFICATION_METRICS, METRICS, REGRESSION_METRICS, type MetricName } from '../../../src-shared/ml/metrics.ts';
import { formatNumber } from '../format.ts';
import type { SupervisedTask } from './params.ts';

/** Integer targets with at most this many distinct values are classes (as the engine's prepare step). */
export const MAX_INTEGER_CLASSES = 20;

/** The task the engine will pick for a target column. */
export function taskFor(col: ColumnInfo): SupervisedTask {
  if (col.kind === 'float' || col.kind === 'date' || col.kind === 'datetime') return 'regression';
  if (col.kind === 'integer') return col.distinct <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
  return 'classification';
}

/** The default target: the column whose role is target, else the last non-ignored column. */
export function defaultTarget(columns: readonly ColumnInfo[]): string | null {
  const t = columns.find((c) => c.role === 'target');
  if (t) return t.name;
  const usable = columns.filter((c) => c.role !== 'ignored' && c.kind !== 'text');
  return usable[usable.length - 1]?.name ?? null;
}

/** The default features: every non-ignored column except the target. */
export function defaultFeatures(columns: readonly ColumnInfo[], target: string | null): string[] {
  return columns.filter((c) => c.role !== 'ignored' && c.name !== target).map((c) => c.name);
}

export interface TableColumn {
  key: string;
  label: string;
  doc: string;
  higherIsBetter: boolean;
  kind: 'metric' | 'time';
}

/** The table's columns: every metric the run has (catalogue order), then fit and predict time. */
export function tableColumns(task: SupervisedTask, learners: readonly LearnerResult[]): TableColumn[] {
  const names: readonly MetricName[] = task === 'regression' ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
  const present = new Set(learners.flatMap((l) => Object.keys(l.metrics)));
  const cols: TableColumn[] = names
    .filter((n) => present.has(n))
    .map((n) => ({ key: n, label: METRICS[n].display, doc: METRICS[n].doc, higherIsBetter: METRICS[n].higherIsBetter, kind: 'metric' }));
  // Metrics the engine sent that the catalogue does not name still show, last.
  for (const n of present) {
    if (!(names as readonly string[]).includes(n)) cols.push({ key: n, label: n, doc: '', higherIsBetter: !/loss|error|mae|mse/.test(n), kind: 'metric' });
  }
  cols.push(
    { key: 'fitSeconds', label: 'Fit s', doc: 'Seconds spent fitting, summed over folds.', higherIsBetter: false, kind: 'time' },
    { key: 'predictSeconds', label: 'Predict s', doc: 'Seconds spent predicting, summed over folds.', higherIsBetter: false, kind: 'time' },
  );
  return cols;
}

/** The number a column compares learners on; null when the learner has none (failed, or no such metric). */
export function cellValue(l: LearnerResult, col: TableColumn): number | null {
  if (l.error) return null;
  if (col.kind === 'time') {
    const v = col.key === 'fitSeconds' ? l.fitSeconds : l.predictSeconds;
    return Number.isFinite(v) ? v : null;
  }
  const m: MetricSummary | undefined = l.metrics[col.key];
  return m && Number.isFinite(m.mean) ? m.mean : null;
}

/**
 * Per column, the indices of the learners holding its best value (ties all
 * win; direction from higherIsBetter). A column where fewer than two learners
 * have a value has no best.
 */
export function bestPerColumn(learners: readonly LearnerResult[], cols: readonly TableColumn[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const col of cols) {
    const vals = learners.map((l) => cellValue(l, col));
    const present = vals.filter((v): v is number => v !== null);
    if (present.length < 2) {
      out[col.key] = [];
      continue;
    }
    const best = col.higherIsBetter ? Math.max(...present) : Math.min(...present);
    // Compare at display precision so that 0.95613 and 0.956130000001 tie.
    const same = (v: number): boolean => Math.abs(v - best) <= 1e-12 * Math.max(1, Math.abs(best));
    out[col.key] = vals.flatMap((v, i) => (v !== null && same(v) ? [i] : []));
  }
  return out;
}

/** "0.9561 ± 0.0123" (std left out when there is one fold). */
export function formatMeanStd(m: MetricSummary): string {
  const mean = formatFixed(m.mean);
  return m.folds.length > 1 ? `${mean} ± ${formatFixed(m.std)}` : mean;
}

/** Four decimals for scores in [-10, 10], significant digits for larger values (MAE, RMSE in target units). */
export function formatFixed(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  return Math.abs(x) < 10 ? x.toFixed(4) : formatNumber(x, 5);
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 0.001) return '<0.001';
  return s < 10 ? s.toFixed(3) : s.toFixed(1);
}

/** "p = 0.041", "p < 0.001". */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p = –';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/**
 * The dataset row ids of one confusion-matrix cell of a learner: evaluated
 * rows whose actual class is `actual` and whose out-of-fold prediction is
 * `predicted`, in the run's row order.
 */
export function cellRows(run: Pick<CompareResult, 'rowIds' | 'actual'>, learner: Pick<LearnerResult, 'predictions'>, actual: number, predicted: number): number[] {
  const preds = learner.predictions;
  if (!preds) return [];
  const n = Math.min(run.rowIds.length, run.actual.length, preds.length);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (run.actual[k] === actual && preds[k] === predicted) out.push(run.rowIds[k] as number);
  }
  return out;
}

/** The row count of one confusion cell. */
export function cellCount(l: Pick<LearnerResult, 'confusion'>, actual: number, predicted: number): number {
  return l.confusion?.[actual]?.[predicted] ?? 0;
}

/** Repeated CV sums confusion counts over repeats but keeps the first repeat's predictions. */
export function repeatsOf(run: Pick<CompareResult, 'protocol'>): number {
  return run.protocol.kind === 'cv' ? Math.max(1, run.protocol.repeats ?? 1) : 1;
}
