/**
 * Shared by the bundle, ONNX and predict tests: fit a real model (pipeline +
 * estimator) on a shared dataset's training rows and give it in the model
 * library's stored form, with the held-out rows as a raw feature table.
 */
import { randomUUID } from 'node:crypto';
import type { AlgoName, Task } from '../../src-shared/ml/catalog.ts';
import type { Params } from '../../src-shared/ml/params.ts';
import { defaultPipeline } from '../../src-main/engine/ml/preprocess/pipeline.ts';
import { takeTableRows, type FeatureColumn, type FeatureTable } from '../../src-main/engine/ml/preprocess/table.ts';
import { createEstimator } from '../../src-main/engine/ml/registry.ts';
import { stateToString } from '../../src-main/engine/ml/state.ts';
import { sortLabels } from '../../src-main/engine/ml/prepare.ts';
import { tableFingerprint } from '../../src-main/engine/models/fingerprint.ts';
import type { StoredModel } from '../../src-main/engine/store/ml.ts';
import { fixedSplit, readCsv } from '../helpers/data.ts';

const MISSING = new Set(['', 'NA', 'na', 'NaN', 'nan']);

export interface CsvTable {
  table: FeatureTable;
  y: Int32Array;
  yNum: Float64Array;
  classes: string[];
}

/** Every column but the target: numeric where every value is a number or missing, else categorical. */
export function csvTable(file: string, target: string, opts: { features?: string[] } = {}): CsvTable {
  const { header, rows } = readCsv(file);
  const ti = header.indexOf(target);
  const kept = rows.filter((r) => !MISSING.has(r[ti] ?? ''));
  const columns: FeatureColumn[] = [];
  header.forEach((name, j) => {
    if (j === ti || (opts.features && !opts.features.includes(name))) return;
    const vals = kept.map((r) => r[j] ?? '');
    if (vals.every((v) => MISSING.has(v) || Number.isFinite(Number(v)))) {
      columns.push({ name, kind: 'numeric', values: Float64Array.from(vals, (v) => (MISSING.has(v) ? NaN : Number(v))) });
    } else {
      const cats = sortLabels(vals.filter((v) => !MISSING.has(v)));
      const index = new Map(cats.map((c, k) => [c, k]));
      columns.push({ name, kind: 'categorical', codes: Int32Array.from(vals, (v) => (MISSING.has(v) ? -1 : index.get(v)!)), categories: cats });
    }
  });
  const labels = kept.map((r) => r[ti]!);
  const classes = sortLabels(labels);
  const index = new Map(classes.map((c, k) => [c, k]));
  return { table: { rows: kept.length, columns }, y: Int32Array.from(labels, (l) => index.get(l)!), yNum: Float64Array.from(labels, Number), classes };
}

export interface Fitted {
  stored: StoredModel;
  train: FeatureTable;
  test: FeatureTable;
  yTest: Int32Array | Float64Array;
}

const SCALED = new Set(['knn', 'logreg', 'svm', 'kmeans', 'pca']);

/** Fit `algo` on 75 % of the rows of `file` (the same pipeline ml.train builds); the rest are held out. */
export async function fitStored(file: string, target: string, algo: AlgoName, task: Task, params: Params = {}, opts: { features?: string[]; seed?: number } = {}): Promise<Fitted> {
  const data = csvTable(file, target, opts);
  const { train, test } = fixedSplit(data.table.rows, 0.25, opts.seed ?? 7);
  const trainT = takeTableRows(data.table, train);
  const testT = takeTableRows(data.table, test);
  const pipeline = defaultPipeline(trainT, { impute: 'mean', scale: SCALED.has(algo) ? 'standard' : null });
  const X = pipeline.fitTransform(trainT);
  const est = createEstimator(algo, task, params);
  const pick = <T extends Int32Array | Float64Array>(y: T, idx: Int32Array): T => {
    const out = new (y.constructor as new (n: number) => T)(idx.length);
    idx.forEach((r, i) => (out[i] = y[r]!));
    return out;
  };
  const y = task === 'classification' ? data.y : data.yNum;
  // Unsupervised kinds are fitted without labels (as ml.train does when no label column is given).
  await est.fit(X, task === 'classification' || task === 'regression' ? pick(y, train) : undefined);
  const stored: StoredModel = {
    id: randomUUID(),
    name: `${algo} on ${file}`,
    algo,
    task,
    params: est.params,
    datasetId: 'test-dataset',
    datasetName: file.replace(/\.csv$/, ''),
    target,
    features: trainT.columns.map((c) => c.name),
    metrics: { accuracy: 0.9 },
    createdAt: new Date().toISOString(),
    backend: 'typed-arrays',
    datasetSha256: 'f'.repeat(64),
    datasetSchema: [...trainT.columns.map((c) => ({ name: c.name, kind: c.kind === 'numeric' ? 'float' : 'categorical' })), { name: target, kind: 'integer' }],
    classes: task === 'classification' ? data.classes : [],
    pipeline: pipeline.toJSON(),
    estimator: stateToString(est.toJSON()),
    latheVersion: '0.1.0',
    fingerprint: tableFingerprint(trainT),
  };
  return { stored, train: trainT, test: testT, yTest: pick(y, test) };
}
