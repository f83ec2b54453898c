/**
 * From a stored dataset's columns to what training needs: the raw feature
 * table (numeric and date columns as floats — dates as epoch ms — and
 * categorical/boolean columns as category codes with their labels), the
 * target (class codes + labels for classification, floats for regression),
 * and the original row numbers kept after dropping rows whose target is
 * missing. Text columns cannot be features and are refused by name.
 *
 * The task is decided from the target unless given: categorical, boolean or
 * text targets, and integer targets with at most 20 distinct values, are
 * classification; anything else is regression.
 *
 * Missing feature values stay missing (NaN / code −1): the preprocessing
 * pipeline imputes them from the training rows only.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { ColumnInfo, ColumnKind } from '../../../src-shared/dataset.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import type { FeatureColumn, FeatureTable } from './preprocess/table.ts';

export type SupervisedTask = 'classification' | 'regression';

/** Integer targets with at most this many distinct values are classes. */
export const MAX_INTEGER_CLASSES = 20;
/** A classification target with more distinct values than this is refused. */
export const MAX_CLASSES = 1000;

export interface PrepareInput {
  columns: ColumnInfo[];
  /** The dataset's decoded batches, in row order. */
  batches: Batch[];
  target: string;
  /** Feature columns; default: every column whose role is 'feature', except the target. */
  features?: string[];
  /** Override the automatic choice. */
  task?: SupervisedTask;
}

export interface PreparedData {
  table: FeatureTable;
  task: SupervisedTask;
  target: string;
  /** Class codes (Int32Array) for classification, values (Float64Array) for regression. */
  y: Int32Array | Float64Array;
  /** Class labels (code k ↔ classes[k]); empty for regression. */
  classes: string[];
  /** 0-based row numbers in the dataset of the rows kept. */
  rowIds: Int32Array;
  /** How many rows were dropped because the target was missing. */
  droppedMissingTarget: number;
  /** How the task was decided, for the UI ("integer target with 3 distinct values → classification"). */
  taskReason: string;
}

/** A column of the whole dataset, gathered across batches: numbers (NaN = missing) or labels (null = missing). */
type Gathered = { type: 'number'; values: Float64Array } | { type: 'label'; labels: (string | null)[] };

function chunkOf(b: Batch, name: string, bi: number): ColumnData {
  const idx = b.names.indexOf(name);
  const col = idx >= 0 ? b.columns[idx] : undefined;
  if (!col) throw new LatheError('UNKNOWN_COLUMN', `Column '${name}' is missing from batch ${bi} of the dataset; the stored data is inconsistent.`, { column: name });
  return col;
}

function gather(batches: Batch[], name: string, rows: number, asLabels: boolean): Gathered {
  if (asLabels) {
    const labels: (string | null)[] = new Array<string | null>(rows);
    let o = 0;
    batches.forEach((b, bi) => {
      const c = chunkOf(b, name, bi);
      for (let i = 0; i < b.rows; i++) {
        const missing = c.nulls?.[i] === 1;
        let v: string | null = null;
        if (!missing) {
          if (c.storage === 'string') v = c.codes[i]! >= 0 ? (c.dictionary[c.codes[i]!] ?? null) : null;
          else if (c.storage === 'bool') v = c.values[i] ? 'true' : 'false';
          else if (c.storage === 'timestamp') v = Number.isNaN(c.values[i]!) ? null : new Date(c.values[i]!).toISOString();
          else v = Number.isNaN(c.values[i]!) ? null : String(c.values[i]!);
        }
        labels[o++] = v;
      }
    });
    return { type: 'label', labels };
  }
  const values = new Float64Array(rows);
  let o = 0;
  batches.forEach((b, bi) => {
    const c = chunkOf(b, name, bi);
    for (let i = 0; i < b.rows; i++) {
      let v: number;
      if (c.nulls?.[i] === 1) v = NaN;
      else if (c.storage === 'string') {
        const s = c.codes[i]! >= 0 ? c.dictionary[c.codes[i]!] : undefined;
        v = s === undefined || s.trim() === '' ? NaN : Number(s);
        if (s !== undefined && s.trim() !== '' && !Number.isFinite(v)) {
          throw new LatheError('BAD_KIND', `Column '${name}' holds '${s}' (row ${o + 1}), which is not a number; change its kind to categorical or fix the value.`, {
            column: name,
            line: o + 1,
          });
        }
      } else if (c.storage === 'bool') v = c.values[i]!;
      else v = c.values[i]!;
      values[o++] = v;
    }
  });
  return { type: 'number', values };
}

/** Sort labels numerically when they all are numbers, else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const arr = [...new Set(labels)];
  const numeric = arr.length > 0 && arr.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return arr.sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

function isCategoricalKind(k: ColumnKind): boolean {
  return k === 'categorical' || k === 'boolean';
}

export function prepare(input: PrepareInput): PreparedData {
  const { columns, batches, target } = input;
  const info = new Map(columns.map((c) => [c.name, c]));
  const t = info.get(target);
  if (!t) {
    throw new LatheError('UNKNOWN_COLUMN', `The dataset has no column '${target}' to predict. Its columns are: ${columns.map((c) => c.name).join(', ')}.`, {
      column: target,
    });
  }
  const featureNames = (input.features ?? columns.filter((c) => c.role === 'feature').map((c) => c.name)).filter((f) => f !== target);
  for (const f of featureNames) {
    const c = info.get(f);
    if (!c) throw new LatheError('UNKNOWN_COLUMN', `The dataset has no feature column '${f}'.`, { column: f });
    if (c.kind === 'text') {
      throw new LatheError(
        'BAD_KIND',
        `Column '${f}' is free text and cannot be a feature. Leave it out, or change its kind to categorical if it holds a few repeated values.`,
        { column: f },
      );
    }
  }
  if (featureNames.length === 0) throw new LatheError('BAD_DATA', `There are no feature columns besides the target '${target}'. Choose at least one feature.`);
  const rows = batches.reduce((s, b) => s + b.rows, 0);

  // Target and task.
  const targetAsLabels = isCategoricalKind(t.kind) || t.kind === 'text';
  const tg = gather(batches, target, rows, targetAsLabels);
  const present = (i: number): boolean => (tg.type === 'label' ? tg.labels[i] !== null : !Number.isNaN(tg.values[i]!));
  let kept = 0;
  for (let i = 0; i < rows; i++) if (present(i)) kept++;
  const rowIds = new Int32Array(kept);
  for (let i = 0, o = 0; i < rows; i++) if (present(i)) rowIds[o++] = i;
  if (kept === 0) throw new LatheError('BAD_DATA', `The target column '${target}' has no values; there is nothing to learn from.`, { column: target });

  let task: SupervisedTask;
  let taskReason: string;
  let distinct = -1;
  if (tg.type === 'number') {
    const set = new Set<number>();
    for (const i of rowIds) {
      set.add(tg.values[i]!);
      if (set.size > MAX_CLASSES) break;
    }
    distinct = set.size;
  }
  if (input.task) {
    task = input.task;
    taskReason = `${task} (chosen)`;
  } else if (tg.type === 'label') {
    task = 'classification';
    taskReason = `${t.kind} target → classification`;
  } else if (t.kind === 'integer' && distinct <= MAX_INTEGER_CLASSES) {
    task = 'classification';
    taskReason = `integer target with ${distinct} distinct values → classification`;
  } else {
    task = 'regression';
    taskReason = `${t.kind} target${t.kind === 'integer' ? ` with more than ${MAX_INTEGER_CLASSES} distinct values` : ''} → regression`;
  }
  let y: Int32Array | Float64Array;
  let classes: string[] = [];
  if (task === 'regression') {
    if (tg.type === 'label') {
      throw new LatheError('BAD_KIND', `The target '${target}' is ${t.kind}, so it cannot be predicted by regression. Choose classification.`, { column: target });
    }
    y = Float64Array.from(rowIds, (i) => tg.values[i]!);
  } else {
    const labelOf = (i: number): string => (tg.type === 'label' ? tg.labels[i]! : String(tg.values[i]!));
    if (tg.type === 'number' && distinct > MAX_CLASSES) {
      throw new LatheError('BAD_DATA', `The target '${target}' has more than ${MAX_CLASSES} distinct values; predict it by regression instead of classification.`, {
        column: target,
      });
    }
    classes = sortLabels(Array.from(rowIds, labelOf));
    if (classes.length > MAX_CLASSES) {
      throw new LatheError('BAD_DATA', `The target '${target}' has ${classes.length} distinct values (more than ${MAX_CLASSES}); it looks like an identifier, not a class.`, {
        column: target,
      });
    }
    const index = new Map(classes.map((c, k) => [c, k]));
    y = Int32Array.from(rowIds, (i) => index.get(labelOf(i))!);
  }

  // Features, on the kept rows only.
  const featureColumns: FeatureColumn[] = featureNames.map((f): FeatureColumn => {
    const c = info.get(f)!;
    if (isCategoricalKind(c.kind)) {
      const g = gather(batches, f, rows, true) as Extract<Gathered, { type: 'label' }>;
      const cats = sortLabels(Array.from(rowIds, (i) => g.labels[i]).filter((l): l is string => l !== null));
      const index = new Map(cats.map((l, k) => [l, k]));
      const codes = Int32Array.from(rowIds, (i) => {
        const l = g.labels[i];
        return l === null || l === undefined ? -1 : index.get(l)!;
      });
      return { name: f, kind: 'categorical', codes, categories: cats };
    }
    const g = gather(batches, f, rows, false) as Extract<Gathered, { type: 'number' }>;
    return { name: f, kind: 'numeric', values: Float64Array.from(rowIds, (i) => g.values[i]!) };
  });

  return {
    table: { rows: kept, columns: featureColumns },
    task,
    target,
    y,
    classes,
    rowIds,
    droppedMissingTarget: rows - kept,
    taskReason,
  };
}
