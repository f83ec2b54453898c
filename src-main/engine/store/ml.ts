/**
 * Comparison runs and the model library: plain synchronous queries over one
 * connection (callers own transactions), as datasets.ts. A run's full result
 * (typed arrays of predictions, residuals, row ids) is kept as one V8
 * structured-clone BLOB, so reopening it gives back exactly what was
 * answered; a model keeps its pipeline and estimator state as JSON text
 * (typed arrays tagged by state.ts), the form model files are written from.
 */
import { deserialize, serialize } from 'node:v8';
import type { CompareResult, ModelSummary, RunSummary } from '../../../src-shared/contract/ml.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { AlgoName, Task } from '../../../src-shared/ml/catalog.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import type { ColumnFingerprint } from '../../../src-shared/model-bundle.ts';
import type { Db } from './db.ts';

export const MAX_MODEL_NAME = 200;

// ---- runs ----

interface RunRow {
  id: string;
  dataset_name: string;
  target: string;
  task: string;
  learners: string;
  best: string | null;
  created_at: string;
}

/** The best learner on the primary metric (accuracy / r2), or null when none ran. */
export function bestOf(r: CompareResult): RunSummary['best'] {
  const metric = r.task === 'classification' ? 'accuracy' : 'r2';
  let best: RunSummary['best'] = null;
  for (const l of r.learners) {
    const v = l.metrics[metric]?.mean;
    if (l.error || v === undefined || !Number.isFinite(v)) continue;
    if (!best || v > best.value) best = { algo: l.algo, metric, value: v };
  }
  return best;
}

export function insertRun(db: Db, r: CompareResult): void {
  db.prepare(
    `INSERT INTO runs (id, dataset_id, dataset_name, target, task, learners, best, created_at, result)
     VALUES (@id, @datasetId, @datasetName, @target, @task, @learners, @best, @createdAt, @result)`,
  ).run({
    id: r.runId,
    datasetId: r.datasetId,
    datasetName: r.datasetName,
    target: r.target,
    task: r.task,
    learners: JSON.stringify(r.learners.map((l) => l.algo)),
    best: JSON.stringify(bestOf(r)),
    createdAt: r.createdAt,
    result: serialize(r),
  });
}

export function listRuns(db: Db): RunSummary[] {
  const rows = db.prepare('SELECT id, dataset_name, target, task, learners, best, created_at FROM runs ORDER BY created_at DESC, rowid DESC').all() as RunRow[];
  return rows.map((r) => ({
    runId: r.id,
    datasetName: r.dataset_name,
    target: r.target,
    task: r.task as RunSummary['task'],
    learners: JSON.parse(r.learners) as AlgoName[],
    best: r.best ? (JSON.parse(r.best) as RunSummary['best']) : null,
    createdAt: r.created_at,
  }));
}

export function getRun(db: Db, id: string): CompareResult {
  const r = db.prepare('SELECT result FROM runs WHERE id = ?').get(id) as { result: Buffer } | undefined;
  if (!r) throw new LatheError('NOT_FOUND', `There is no comparison run with id "${id}". "ml.runs" lists the stored runs.`, { id, param: 'runId' });
  return deserialize(r.result) as CompareResult;
}

export function deleteRun(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
}

// ---- models ----

/** Everything the library keeps about a fitted model. */
export interface StoredModel extends ModelSummary {
  datasetSha256: string;
  datasetSchema: { name: string; kind: string }[];
  classes: string[];
  /** Pipeline.toJSON() */
  pipeline: unknown;
  /** stateToString(estimator.toJSON()) */
  estimator: string;
  latheVersion: string;
  /** Per-feature distributions of the training rows (absent for models stored before fingerprints). */
  fingerprint?: ColumnFingerprint[];
}

interface ModelRow {
  id: string;
  name: string;
  description: string | null;
  algo: string;
  task: string;
  params: string;
  dataset_id: string;
  dataset_name: string;
  dataset_sha256: string;
  dataset_schema: string;
  target: string | null;
  features: string;
  classes: string;
  metrics: string;
  backend: string;
  pipeline: string;
  estimator: string;
  lathe_version: string;
  created_at: string;
  fingerprint: string | null;
}

const SUMMARY_COLUMNS = 'id, name, description, algo, task, params, dataset_id, dataset_name, target, features, metrics, backend, created_at';

function toSummary(r: Pick<ModelRow, 'id' | 'name' | 'description' | 'algo' | 'task' | 'params' | 'dataset_id' | 'dataset_name' | 'target' | 'features' | 'metrics' | 'backend' | 'created_at'>): ModelSummary {
  const m: ModelSummary = {
    id: r.id,
    name: r.name,
    algo: r.algo as AlgoName,
    task: r.task as Task,
    params: JSON.parse(r.params) as Params,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    target: r.target,
    features: JSON.parse(r.features) as string[],
    metrics: JSON.parse(r.metrics) as Record<string, number>,
    createdAt: r.created_at,
    backend: r.backend,
  };
  if (r.description) m.description = r.description;
  return m;
}

export function modelNotFound(id: string): LatheError {
  return new LatheError('NOT_FOUND', `There is no model with id "${id}" in the library. It may have been deleted; "models.list" lists them.`, { id, param: 'id' });
}

export function validateModelName(name: unknown, param = 'name'): string {
  if (typeof name !== 'string') throw new LatheError('BAD_REQUEST', `The model name must be a string; got ${JSON.stringify(name) ?? 'nothing'}.`, { param });
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!clean) throw new LatheError('BAD_REQUEST', 'The model name must not be empty.', { param });
  if (clean.length > MAX_MODEL_NAME) {
    throw new LatheError('BAD_REQUEST', `The model name is ${clean.length} characters long; the most is ${MAX_MODEL_NAME}.`, { param });
  }
  return clean;
}

export function modelNameTaken(db: Db, name: string, exceptId?: string): boolean {
  const r = db.prepare('SELECT id FROM models WHERE name = ?').get(name) as { id: string } | undefined;
  return !!r && r.id !== exceptId;
}

/** `base`, or `base (2)`, `base (3)`... whichever is free. */
export function uniqueModelName(db: Db, base: string): string {
  const b = base.slice(0, MAX_MODEL_NAME - 8);
  if (!modelNameTaken(db, b)) return b;
  for (let k = 2; ; k++) {
    const n = `${b} (${k})`;
    if (!modelNameTaken(db, n)) return n;
  }
}

export function insertModel(db: Db, m: StoredModel): void {
  db.prepare(
    `INSERT INTO models (id, name, description, algo, task, params, dataset_id, dataset_name, dataset_sha256, dataset_schema, target,
       features, classes, metrics, backend, pipeline, estimator, lathe_version, created_at, fingerprint)
     VALUES (@id, @name, @description, @algo, @task, @params, @datasetId, @datasetName, @datasetSha256, @datasetSchema, @target,
       @features, @classes, @metrics, @backend, @pipeline, @estimator, @latheVersion, @createdAt, @fingerprint)`,
  ).run({
    id: m.id,
    name: m.name,
    description: m.description ?? null,
    algo: m.algo,
    task: m.task,
    params: JSON.stringify(m.params),
    datasetId: m.datasetId,
    datasetName: m.datasetName,
    datasetSha256: m.datasetSha256,
    datasetSchema: JSON.stringify(m.datasetSchema),
    target: m.target,
    features: JSON.stringify(m.features),
    classes: JSON.stringify(m.classes),
    metrics: JSON.stringify(m.metrics),
    backend: m.backend,
    pipeline: JSON.stringify(m.pipeline),
    estimator: m.estimator,
    latheVersion: m.latheVersion,
    createdAt: m.createdAt,
    fingerprint: m.fingerprint ? JSON.stringify(m.fingerprint) : null,
  });
}

export function listModels(db: Db): ModelSummary[] {
  return (db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM models ORDER BY created_at DESC, rowid DESC`).all() as ModelRow[]).map(toSummary);
}

export function getModelSummary(db: Db, id: string): ModelSummary {
  const r = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM models WHERE id = ?`).get(id) as ModelRow | undefined;
  if (!r) throw modelNotFound(id);
  return toSummary(r);
}

/** The whole stored model, for loading it back (predict, export). */
export function getModel(db: Db, id: string): StoredModel {
  const r = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  if (!r) throw modelNotFound(id);
  return {
    ...toSummary(r),
    datasetSha256: r.dataset_sha256,
    datasetSchema: JSON.parse(r.dataset_schema) as StoredModel['datasetSchema'],
    classes: JSON.parse(r.classes) as string[],
    pipeline: JSON.parse(r.pipeline) as unknown,
    estimator: r.estimator,
    latheVersion: r.lathe_version,
    ...(r.fingerprint ? { fingerprint: JSON.parse(r.fingerprint) as ColumnFingerprint[] } : {}),
  };
}

export function renameModel(db: Db, id: string, name: string, description?: string): void {
  if (modelNameTaken(db, name, id)) {
    throw new LatheError('NAME_TAKEN', `Another model is already called "${name}". Choose another name.`, { param: 'name', name });
  }
  const changes =
    description === undefined
      ? db.prepare('UPDATE models SET name = ? WHERE id = ?').run(name, id).changes
      : db.prepare('UPDATE models SET name = ?, description = ? WHERE id = ?').run(name, description || null, id).changes;
  if (changes === 0) throw modelNotFound(id);
}

export function deleteModel(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
}
