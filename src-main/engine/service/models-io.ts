/**
 * Models as files and their use: models.exportFile (.lathe / ONNX / TF.js,
 * built in a worker), models.importFile (a .lathe file checked completely —
 * format, checksum, manifest, the model rebuilds — before it enters the
 * library), models.predict (a job: drift check + predictions, stored as a
 * new dataset) and ml.search (a job: k-fold CV per candidate; the best is
 * saved in the library).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EXPORT_FORMATS, type ExportResult, type ModelsIoMethods, type SearchResult } from '../../../src-shared/contract/models-io.ts';
import type { ModelSummary } from '../../../src-shared/contract/ml.ts';
import type { ImportResult } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { CATALOG } from '../../../src-shared/ml/catalog.ts';
import type { CallContext } from '../../../src-shared/rpc/core.ts';
import { loadBundle, storedOfBundle } from '../models/library.ts';
import { candidates, normaliseGrid } from '../models/search.ts';
import { writeTransaction } from '../store/db.ts';
import * as mq from '../store/ml.ts';
import { columnOf } from '../store/store.ts';
import type { ExportInput } from '../workers/tasks/export.ts';
import type { ImportTaskInput, ImportTaskResult } from '../workers/tasks/import.ts';
import type { PredictInput, PredictOutput } from '../workers/tasks/predict.ts';
import type { SearchInput, SearchOutput } from '../workers/tasks/search.ts';
import { UPLOAD_ID } from './datasets.ts';
import { checkLearner, taskForTarget } from './ml.ts';
import { paramsOf, type ServiceDeps } from './context.ts';

type IoHandlers = { [M in keyof ModelsIoMethods]: (p: ModelsIoMethods[M]['params'], ctx: CallContext) => Promise<ModelsIoMethods[M]['result']> };

/** The largest .lathe file accepted (a KNN model holds its training rows). */
export const MAX_MODEL_FILE = 1024 * 1024 * 1024;

function idOf(v: unknown, param = 'id'): string {
  if (typeof v !== 'string' || !v) throw new LatheError('BAD_REQUEST', `${param} must be the id of a model; got ${JSON.stringify(v) ?? 'nothing'}.`, { param });
  return v;
}

export function modelsIoHandlers(deps: ServiceDeps): IoHandlers {
  const { store, jobs, emit } = deps;

  function job<R>(kind: 'export' | 'search' | 'other' | 'import', title: string, task: string, input: unknown, ctx: CallContext): Promise<R> {
    return jobs.start<R>({ kind, title, task, input }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }).done;
  }

  function uploadPath(uploadId: unknown): string {
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) {
      throw new LatheError('BAD_REQUEST', `uploadId must be the id that POST /api/upload answered; got ${JSON.stringify(uploadId)}.`, { param: 'uploadId' });
    }
    const p = join(deps.uploadsDir, uploadId);
    if (!existsSync(p)) throw new LatheError('NOT_FOUND', `There is no upload with id "${uploadId}" (it was used already, or the engine restarted). Upload the file again.`, { param: 'uploadId' });
    return p;
  }

  async function importDataset(path: string, sourceName: string, ctx: CallContext): Promise<ImportResult> {
    const input: ImportTaskInput = { dbFile: store.file, path, sourceName, options: {} };
    if (deps.chunkRows) input.chunkRows = deps.chunkRows;
    const r = await job<ImportTaskResult>('import', `Import ${basename(sourceName)}`, 'import', input, ctx);
    emit('datasets.changed', { ids: [r.dataset.id] });
    return r;
  }

  return {
    'models.exportFile': async (p, ctx) => {
      const q = paramsOf(p, 'models.exportFile');
      const id = idOf(q.id);
      if (!(EXPORT_FORMATS as readonly string[]).includes(q.format)) {
        throw new LatheError('BAD_REQUEST', `format must be one of ${EXPORT_FORMATS.join(', ')}; got ${JSON.stringify(q.format)}.`, { param: 'format' });
      }
      const m = mq.getModelSummary(store.db, id);
      const input: ExportInput = { dbFile: store.file, modelId: id, format: q.format, latheVersion: deps.info.version };
      return job<ExportResult>('export', `Export ${m.name} as ${q.format}`, 'export', input, ctx);
    },

    'models.importFile': async (p) => {
      const q = paramsOf(p, 'models.importFile');
      const fileName = typeof q.fileName === 'string' && q.fileName.trim() ? basename(q.fileName.replace(/\\/g, '/')) : 'model.lathe';
      let bytes: Uint8Array;
      if (q.bytes !== undefined) {
        if (!(q.bytes instanceof Uint8Array)) throw new LatheError('BAD_REQUEST', 'bytes must be the file as binary (Uint8Array).', { param: 'bytes' });
        bytes = q.bytes;
      } else if (q.uploadId !== undefined || q.path !== undefined) {
        const path = q.uploadId !== undefined ? uploadPath(q.uploadId) : resolve(String(q.path));
        if (!existsSync(path)) throw new LatheError('FILE_NOT_FOUND', `There is no file ${path}.`, { file: path });
        bytes = readFileSync(path);
        if (q.uploadId !== undefined) rmSync(path, { force: true });
      } else {
        throw new LatheError('BAD_REQUEST', 'models.importFile needs the file: bytes, uploadId or path.', { param: 'bytes' });
      }
      if (bytes.byteLength > MAX_MODEL_FILE) throw new LatheError('BAD_MODEL_FILE', `${fileName} is ${bytes.byteLength} bytes, more than any Lathe model file.`, { file: fileName });
      const { bundle, source, runtime } = await loadBundle(bytes, fileName);
      runtime.dispose();
      if (q.name !== undefined && q.name !== null) mq.validateModelName(q.name);
      const id = randomUUID();
      const model: ModelSummary = await writeTransaction(store.db, () => {
        let name: string;
        if (q.name) {
          name = mq.validateModelName(q.name);
          if (mq.modelNameTaken(store.db, name)) throw new LatheError('NAME_TAKEN', `Another model is already called "${name}". Choose another name.`, { param: 'name', name });
        } else name = mq.uniqueModelName(store.db, mq.validateModelName(bundle.manifest.name));
        mq.insertModel(store.db, storedOfBundle(bundle, source, id, name, deps.info.version));
        return mq.getModelSummary(store.db, id);
      });
      emit('models.changed', { ids: [id] });
      return model;
    },

    'models.predict': async (p, ctx) => {
      const q = paramsOf(p, 'models.predict');
      const id = idOf(q.id);
      const model = mq.getModelSummary(store.db, id);
      let datasetId: string;
      if (typeof q.datasetId === 'string' && q.datasetId) datasetId = store.get(q.datasetId).id;
      else if (q.uploadId !== undefined || q.path !== undefined) {
        const fileName = typeof q.fileName === 'string' && q.fileName ? basename(q.fileName.replace(/\\/g, '/')) : q.path ? basename(String(q.path)) : 'data.csv';
        let path: string;
        if (q.uploadId !== undefined) {
          const up = uploadPath(q.uploadId);
          path = up + (/\.[A-Za-z0-9]+(\.gz)?$/.exec(fileName)?.[0] ?? '.csv');
          renameSync(up, path);
        } else path = resolve(String(q.path));
        datasetId = (await importDataset(path, fileName, ctx)).dataset.id;
      } else throw new LatheError('BAD_REQUEST', 'models.predict needs the rows: datasetId, uploadId or path.', { param: 'datasetId' });
      const meta = store.get(datasetId);
      const missing = model.features.filter((f) => !meta.columns.some((c) => c.name === f));
      if (missing.length) {
        throw new LatheError(
          'FEATURES_MISSING',
          `The dataset "${meta.name}" lacks ${missing.length === 1 ? 'the feature' : `${missing.length} features`} ${missing.map((m) => `'${m}'`).join(', ')} that the model "${model.name}" needs. Its columns are: ${meta.columns.map((c) => c.name).join(', ')}.`,
          { missing, dataset: meta.name, param: 'datasetId' },
        );
      }
      const outPath = join(deps.uploadsDir, `predictions-${randomUUID()}.csv`);
      try {
        const input: PredictInput = { dbFile: store.file, modelId: id, datasetId, outPath };
        const out = await job<PredictOutput>('other', `Predict ${meta.name} with ${model.name}`, 'predict', input, ctx);
        const csv = q.includeCsv ? readFileSync(outPath, 'utf8') : undefined;
        const imported = await importDataset(outPath, `${model.name} on ${meta.name} predictions.csv`, ctx);
        return {
          datasetId: imported.dataset.id,
          datasetName: imported.dataset.name,
          inputDatasetId: datasetId,
          rows: out.rows,
          drift: out.drift,
          ...(csv !== undefined ? { csv } : {}),
        };
      } finally {
        rmSync(outPath, { force: true });
      }
    },

    'ml.search': async (p, ctx) => {
      const q = paramsOf(p, 'ml.search');
      if (typeof q.datasetId !== 'string' || !q.datasetId) throw new LatheError('BAD_REQUEST', 'datasetId must be the id of a dataset.', { param: 'datasetId' });
      const meta = store.get(q.datasetId);
      const target = columnOf(meta, q.target, 'target');
      const features = q.features === undefined || q.features === null ? undefined : q.features.map((f) => columnOf(meta, f, 'features').name);
      const task = taskForTarget(target, q.task);
      const learner = checkLearner({ algo: q.algo, params: q.params ?? {} }, task, 'learner');
      if (!q.grid || typeof q.grid !== 'object' || Array.isArray(q.grid)) {
        throw new LatheError('BAD_REQUEST', 'grid must be an object of parameter name → list of values, e.g. {"n_neighbors": [1, 3, 5]}.', { param: 'grid' });
      }
      const grid = normaliseGrid(learner.algo, task, q.grid);
      const folds = q.folds ?? 5;
      if (!Number.isInteger(folds) || folds < 2 || folds > 100) throw new LatheError('INVALID_PARAM', `folds must be a whole number from 2 to 100; got ${JSON.stringify(folds)}.`, { param: 'folds' });
      const seed = q.seed ?? 0;
      if (!Number.isInteger(seed) || seed < 0) throw new LatheError('INVALID_PARAM', `seed must be a whole number ≥ 0; got ${JSON.stringify(seed)}.`, { param: 'seed' });
      if (q.mode !== undefined && q.mode !== 'grid' && q.mode !== 'random') throw new LatheError('BAD_REQUEST', `mode must be "grid" or "random"; got ${JSON.stringify(q.mode)}.`, { param: 'mode' });
      const list = candidates(learner.algo, task, grid, { mode: q.mode ?? 'grid', ...(q.nIter !== undefined ? { nIter: q.nIter } : {}), seed, fixed: learner.params ?? {} });
      if (q.name !== undefined && q.name !== null) mq.validateModelName(q.name);
      const input: SearchInput = {
        dbFile: store.file,
        request: { datasetId: meta.id, target: target.name, algo: learner.algo, grid, folds, seed, task, ...(features ? { features } : {}) },
        candidates: list,
      };
      const out = await job<SearchOutput>('search', `Search ${list.length} ${CATALOG[learner.algo].display} candidates on ${meta.name} → ${target.name}`, 'search', input, ctx);
      const t = out.train;
      const id = randomUUID();
      const model = await writeTransaction(store.db, () => {
        let name: string;
        if (q.name) {
          name = mq.validateModelName(q.name);
          if (mq.modelNameTaken(store.db, name)) throw new LatheError('NAME_TAKEN', `Another model is already called "${name}". Choose another name.`, { param: 'name', name });
        } else name = mq.uniqueModelName(store.db, `${t.algo} (best of ${list.length}) on ${t.datasetName}`);
        mq.insertModel(store.db, {
          id,
          name,
          description: `Best of ${list.length} candidates by ${folds}-fold CV ${out.metric}: ${JSON.stringify(out.candidates[out.best]!.params)}`,
          algo: t.algo,
          task: t.task,
          params: t.params,
          datasetId: t.datasetId,
          datasetName: t.datasetName,
          target: t.target,
          features: t.features,
          metrics: Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [k, v.mean])),
          createdAt: new Date().toISOString(),
          backend: 'typed-arrays',
          datasetSha256: t.datasetSha256,
          datasetSchema: t.datasetSchema,
          classes: t.classes,
          pipeline: t.pipeline,
          estimator: t.estimator,
          latheVersion: deps.info.version,
          fingerprint: t.fingerprint,
        });
        return mq.getModelSummary(store.db, id);
      });
      emit('models.changed', { ids: [id] });
      const result: SearchResult = { metric: out.metric, candidates: out.candidates, best: out.best, model, metrics: t.metrics };
      return result;
    },
  };
}
