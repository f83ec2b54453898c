/**
 * Apply a stored model to a stored dataset: read the model's features from
 * the dataset in the kinds the model was trained with (a numeric feature
 * stored as text is parsed, unparseable values become missing; a
 * categorical one stored as numbers uses their text), run the drift check,
 * predict, and write the predictions as CSV in the input's row order: a
 * `prediction` column (the class label, the value, the cluster, or 0/1 for
 * anomalies) and, for classifiers with probabilities, one `proba_<label>`
 * column per class; k-means adds distance_<k>, anomaly log_density, and PCA
 * writes only its component scores pc1..pcN.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { DatasetMeta } from '../../../src-shared/dataset.ts';
import type { DriftReport, FeatureKind } from '../../../src-shared/model-bundle.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import type { FeatureColumn, FeatureTable } from '../ml/preprocess/table.ts';
import { sortLabels } from '../ml/prepare.ts';
import type { StoredModel } from '../store/ml.ts';
import { driftReport } from './drift.ts';
import { sourceOfStored } from './library.ts';
import { ModelRuntime, type Predictions } from './runtime.ts';

function labelOf(c: ColumnData, i: number): string | null {
  if (c.nulls?.[i] === 1) return null;
  switch (c.storage) {
    case 'string':
      return c.codes[i]! >= 0 ? (c.dictionary[c.codes[i]!] ?? null) : null;
    case 'bool':
      return c.values[i] ? 'true' : 'false';
    case 'timestamp':
      return Number.isNaN(c.values[i]!) ? null : new Date(c.values[i]!).toISOString();
    default:
      return Number.isNaN(c.values[i]!) ? null : String(c.values[i]!);
  }
}

function numberOf(c: ColumnData, i: number): number {
  if (c.nulls?.[i] === 1) return NaN;
  if (c.storage === 'string') {
    const s = c.codes[i]! >= 0 ? c.dictionary[c.codes[i]!] : undefined;
    const v = s === undefined || s.trim() === '' ? NaN : Number(s);
    return Number.isFinite(v) ? v : NaN;
  }
  return c.values[i]!;
}

/** The model's features from the dataset's batches, in the model's kinds. */
export function featureTableOf(features: { name: string; kind: FeatureKind }[], batches: Batch[]): FeatureTable {
  const rows = batches.reduce((s, b) => s + b.rows, 0);
  const columns = features.map((f): FeatureColumn => {
    const chunks = batches.map((b) => {
      const j = b.names.indexOf(f.name);
      if (j < 0) throw new LatheError('FEATURES_MISSING', `The data lacks the column '${f.name}' the model was trained with.`, { missing: [f.name] });
      return b.columns[j]!;
    });
    if (f.kind === 'numeric') {
      const values = new Float64Array(rows);
      let o = 0;
      batches.forEach((b, bi) => {
        for (let i = 0; i < b.rows; i++) values[o++] = numberOf(chunks[bi]!, i);
      });
      return { name: f.name, kind: 'numeric', values };
    }
    const labels: (string | null)[] = [];
    batches.forEach((b, bi) => {
      for (let i = 0; i < b.rows; i++) labels.push(labelOf(chunks[bi]!, i));
    });
    const categories = sortLabels(labels.filter((l): l is string => l !== null));
    const index = new Map(categories.map((c, k) => [c, k]));
    return { name: f.name, kind: 'categorical', codes: Int32Array.from(labels, (l) => (l === null ? -1 : index.get(l)!)), categories };
  });
  return { rows, columns };
}

/** FEATURES_MISSING naming every feature the dataset lacks. */
export function checkFeatures(model: Pick<StoredModel, 'name' | 'features'>, meta: DatasetMeta): void {
  const have = new Set(meta.columns.map((c) => c.name));
  const missing = model.features.filter((f) => !have.has(f));
  if (missing.length) {
    throw new LatheError(
      'FEATURES_MISSING',
      `The dataset "${meta.name}" lacks ${missing.length === 1 ? 'the feature' : `${missing.length} features`} ${missing.map((m) => `'${m}'`).join(', ')} that the model "${model.name}" needs. ` +
        `Choose data with ${missing.length === 1 ? 'that column' : 'those columns'} (its columns are: ${meta.columns.map((c) => c.name).join(', ')}).`,
      { missing, dataset: meta.name },
    );
  }
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function num(v: number): string {
  return Number.isNaN(v) ? '' : String(v);
}

/**
 * The predictions as CSV text (header + one line per input row, in order).
 * Clustering adds distance_<k> columns, anomaly log_density; decomposition
 * has no prediction column, only its component scores pc1..pcN.
 */
export function predictionsCsv(task: string, classes: string[], p: Predictions): string {
  const scoresOnly = task === 'decomposition';
  const header = scoresOnly ? [] : ['prediction'];
  const hasProba = task === 'classification' && p.proba !== undefined && p.proba.length === p.predictions.length * classes.length;
  if (hasProba) for (const c of classes) header.push(`proba_${c}`);
  const extra = p.columns ?? [];
  for (const c of extra) header.push(c.name);
  const lines = [header.map(csvField).join(',')];
  const K = classes.length;
  const rows = scoresOnly ? (extra[0]?.values.length ?? 0) : p.predictions.length;
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    if (!scoresOnly) {
      const v = p.predictions[i]!;
      cells.push(task === 'classification' ? csvField(classes[v] ?? String(v)) : num(v));
    }
    if (hasProba) for (let k = 0; k < K; k++) cells.push(num(p.proba![i * K + k]!));
    for (const c of extra) cells.push(num(c.values[i]!));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface PredictOutcome {
  csv: string;
  drift: DriftReport;
  rows: number;
}

/** Drift check + predictions of a stored model on a dataset's batches. */
export async function predictStored(model: StoredModel, meta: DatasetMeta, batches: Batch[]): Promise<PredictOutcome> {
  checkFeatures(model, meta);
  const source = sourceOfStored(model);
  const table = featureTableOf(source.features, batches);
  const drift = driftReport({
    features: source.features,
    fingerprint: model.fingerprint ?? [],
    dataColumns: meta.columns.map((c) => ({ name: c.name, kind: c.kind })),
    target: model.target,
    table: table.columns,
  });
  const runtime = await ModelRuntime.load(source);
  try {
    const p = await runtime.predict(table);
    return { csv: predictionsCsv(model.task, model.classes, p), drift, rows: table.rows };
  } finally {
    runtime.dispose();
  }
}
