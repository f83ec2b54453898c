/**
 * The ml.* methods: comparison board, decision boundaries, training into the
 * model library and correlations run as worker jobs; the requests are checked
 * here first (dataset, columns, algorithms, parameters, protocol) so a bad
 * one fails at once with a message naming the parameter. Finished
 * comparisons are stored as runs, trained models in the library.
 */
import { randomUUID } from 'node:crypto';
import type { BoundaryRequest, CompareRequest, CompareResult, CorrelationResult, LearnerSpec, Protocol, TrainRequest, TrainResult } from '../../../src-shared/contract/ml.ts';
import type { ColumnInfo, DatasetMeta } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { ALGO_NAMES, CATALOG, isAlgoName, validateAlgoParams, type AlgoName, type Task } from '../../../src-shared/ml/catalog.ts';
import type { CallContext, Handlers } from '../../../src-shared/rpc/core.ts';
import { writeTransaction } from '../store/db.ts';
import * as mq from '../store/ml.ts';
import { columnOf } from '../store/store.ts';
import type { BoundaryInput } from '../workers/tasks/boundary.ts';
import type { CompareInput, CompareOutput } from '../workers/tasks/compare.ts';
import type { CorrelateInput } from '../workers/tasks/correlate.ts';
import { DEFAULT_CLASSIFIERS, DEFAULT_REGRESSORS } from '../workers/tasks/learners.ts';
import type { TrainInput, TrainOutput } from '../workers/tasks/train.ts';
import { UNSUPERVISED_TASK } from '../workers/tasks/train-unsupervised.ts';
import { paramsOf, type ServiceDeps } from './context.ts';
import { trainNetworkModel } from './nn.ts';
import { isNetworkAlgo } from '../../../src-shared/ml/schemas/nn.ts';

/** Integer targets with at most this many distinct values are classes (as prepare.ts decides). */
const MAX_INTEGER_CLASSES = 20;
export const MAX_RESOLUTION = 400;

type SupervisedTask = 'classification' | 'regression';

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The task a target column implies (the worker's prepare step decides the same way from the data). */
export function taskForTarget(col: ColumnInfo, given?: unknown): SupervisedTask {
  if (given !== undefined && given !== null) {
    if (given !== 'classification' && given !== 'regression') {
      throw new LatheError('BAD_REQUEST', `task must be "classification" or "regression"; got ${JSON.stringify(given)}.`, { param: 'task' });
    }
    return given;
  }
  if (col.kind === 'categorical' || col.kind === 'boolean' || col.kind === 'text') return 'classification';
  if (col.kind === 'integer' && col.distinct <= MAX_INTEGER_CLASSES) return 'classification';
  return 'regression';
}

/** columnOf, with every column listed when the name is unknown (a person picks from that list). */
function columnNamed(meta: DatasetMeta, name: unknown, param: string): ColumnInfo {
  try {
    return columnOf(meta, name, param);
  } catch (e) {
    if (!(e instanceof LatheError) || e.code !== 'UNKNOWN_COLUMN') throw e;
    throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${String(name)}" (${param}). Its columns are: ${meta.columns.map((c) => `"${c.name}"`).join(', ')}.`, {
      ...e.details,
    });
  }
}

function columns(meta: DatasetMeta, names: unknown, param: string): string[] | undefined {
  if (names === undefined || names === null) return undefined;
  if (!Array.isArray(names) || names.length === 0) {
    throw new LatheError('BAD_REQUEST', `${param} must be a non-empty list of column names; got ${JSON.stringify(names)}.`, { param });
  }
  return names.map((n) => columnNamed(meta, n, param).name);
}

function integer(v: unknown, param: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new LatheError('INVALID_PARAM', `${param} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}; got ${JSON.stringify(v)}.`, { param });
  }
  return v;
}

export function checkProtocol(p: unknown, param = 'protocol'): Protocol {
  if (!isObject(p)) throw new LatheError('BAD_REQUEST', `${param} must be {kind: "holdout", testSize, seed} or {kind: "cv", folds, seed}; got ${JSON.stringify(p)}.`, { param });
  const seed = p.seed === undefined ? 0 : integer(p.seed, `${param}.seed`, 0, 2 ** 32 - 1);
  const stratify = p.stratify === undefined ? undefined : p.stratify === true;
  if (p.kind === 'holdout') {
    const t = p.testSize;
    if (typeof t !== 'number' || !(t > 0) || (t >= 1 && !Number.isInteger(t))) {
      throw new LatheError('INVALID_PARAM', `${param}.testSize must be a fraction between 0 and 1 (e.g. 0.2) or a whole number of rows; got ${JSON.stringify(t)}.`, {
        param: `${param}.testSize`,
      });
    }
    return { kind: 'holdout', testSize: t, seed, ...(stratify !== undefined ? { stratify } : {}) };
  }
  if (p.kind === 'cv') {
    const folds = integer(p.folds, `${param}.folds`, 2, 1000);
    const repeats = p.repeats === undefined ? undefined : integer(p.repeats, `${param}.repeats`, 1, 100);
    return { kind: 'cv', folds, seed, ...(repeats !== undefined ? { repeats } : {}), ...(stratify !== undefined ? { stratify } : {}) };
  }
  throw new LatheError('BAD_REQUEST', `${param}.kind must be "holdout" or "cv"; got ${JSON.stringify(p.kind)}.`, { param: `${param}.kind` });
}

/** Algorithm names and parameters checked against the catalogue (the standard scikit-learn message). */
export function checkLearner(l: unknown, task: Task, param: string): LearnerSpec {
  if (!isObject(l) || typeof l.algo !== 'string') throw new LatheError('BAD_REQUEST', `${param} must be {algo, params?}; got ${JSON.stringify(l)}.`, { param });
  if (!isAlgoName(l.algo)) {
    throw new LatheError('INVALID_PARAM', `Unknown algorithm '${l.algo}'. Choose one of: ${ALGO_NAMES.join(', ')}.`, { param: `${param}.algo`, value: l.algo });
  }
  if (!CATALOG[l.algo].tasks.includes(task)) {
    throw new LatheError('INVALID_PARAM', `${CATALOG[l.algo].display} ('${l.algo}') does not do ${task}; it does ${CATALOG[l.algo].tasks.join(', ')}. Choose another algorithm.`, {
      param: `${param}.algo`,
      value: l.algo,
    });
  }
  if (l.params !== undefined && !isObject(l.params)) throw new LatheError('BAD_REQUEST', `${param}.params must be an object of parameter values.`, { param: `${param}.params` });
  const given = (l.params ?? {}) as LearnerSpec['params'];
  validateAlgoParams(l.algo, task, given);
  return { algo: l.algo, ...(given && Object.keys(given).length ? { params: given } : {}) };
}

export function mlHandlers(deps: ServiceDeps): Pick<Handlers, 'ml.compare' | 'ml.boundary' | 'ml.train' | 'ml.correlate' | 'ml.runs' | 'ml.run'> {
  const { store, jobs, emit } = deps;

  function startJob<R>(kind: 'compare' | 'train' | 'correlate' | 'other', title: string, task: string, input: unknown, ctx: CallContext): Promise<R> {
    return jobs.start<R>({ kind, title, task, input }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }).done;
  }

  function datasetOf(p: { datasetId?: unknown }): DatasetMeta {
    if (typeof p.datasetId !== 'string' || !p.datasetId) {
      throw new LatheError('BAD_REQUEST', `datasetId must be the id of a dataset; got ${JSON.stringify(p.datasetId) ?? 'nothing'}.`, { param: 'datasetId' });
    }
    return store.get(p.datasetId);
  }

  return {
    'ml.compare': async (p, ctx) => {
      const q = paramsOf(p, 'ml.compare');
      const meta = datasetOf(q);
      const target = columnNamed(meta, q.target, 'target');
      const features = columns(meta, q.features, 'features');
      const task = taskForTarget(target, q.task);
      const protocol = checkProtocol(q.protocol);
      let learners: LearnerSpec[] | undefined;
      if (q.learners !== undefined && q.learners !== null) {
        if (!Array.isArray(q.learners) || q.learners.length === 0) throw new LatheError('BAD_REQUEST', 'learners must be a non-empty list of {algo, params?}.', { param: 'learners' });
        learners = q.learners.map((l, i) => checkLearner(l, task, `learners[${i}]`));
      }
      const request: CompareRequest = {
        datasetId: meta.id,
        target: target.name,
        protocol,
        task,
        learners: learners ?? (task === 'classification' ? DEFAULT_CLASSIFIERS : DEFAULT_REGRESSORS).map((algo) => ({ algo })),
        ...(features ? { features } : {}),
      };
      const input: CompareInput = { dbFile: store.file, request };
      const out = await startJob<CompareOutput>('compare', `Compare ${request.learners!.length} learners on ${meta.name} → ${target.name}`, 'compare', input, ctx);
      const result: CompareResult = { runId: randomUUID(), createdAt: new Date().toISOString(), ...out };
      await writeTransaction(store.db, () => mq.insertRun(store.db, result));
      emit('runs.changed', { runIds: [result.runId] });
      return result;
    },

    'ml.boundary': async (p, ctx) => {
      const q = paramsOf(p, 'ml.boundary');
      const meta = datasetOf(q);
      const target = columnNamed(meta, q.target, 'target');
      const x = columnNamed(meta, q.x, 'x');
      const y = columnNamed(meta, q.y, 'y');
      for (const [c, param] of [[x, 'x'], [y, 'y']] as const) {
        if (!['integer', 'float', 'date', 'datetime'].includes(c.kind)) {
          throw new LatheError('BAD_KIND', `Decision boundaries need numeric features; "${c.name}" (${param}) is ${c.kind}. Choose a numeric column.`, { param, column: c.name });
        }
      }
      if (x.name === y.name) throw new LatheError('BAD_REQUEST', `x and y are both "${x.name}"; choose two different columns.`, { param: 'y' });
      const resolution = q.resolution === undefined ? undefined : integer(q.resolution, 'resolution', 2, MAX_RESOLUTION);
      let learners: LearnerSpec[] | undefined;
      if (q.learners !== undefined && q.learners !== null) {
        if (!Array.isArray(q.learners) || q.learners.length === 0) throw new LatheError('BAD_REQUEST', 'learners must be a non-empty list of {algo, params?}.', { param: 'learners' });
        learners = q.learners.map((l, i) => checkLearner(l, 'classification', `learners[${i}]`));
      }
      const request: BoundaryRequest = {
        datasetId: meta.id,
        target: target.name,
        x: x.name,
        y: y.name,
        ...(learners ? { learners } : {}),
        ...(resolution ? { resolution } : {}),
      };
      const input: BoundaryInput = { dbFile: store.file, request };
      return startJob('other', `Decision boundaries of ${meta.name}: ${x.name} × ${y.name}`, 'boundary', input, ctx);
    },

    'ml.train': async (p, ctx) => {
      // Networks train in their own task, with live epoch progress (service/nn.ts).
      if (isNetworkAlgo((p as { algo?: unknown } | null)?.algo)) return trainNetworkModel(deps, p, ctx);
      const q = paramsOf(p, 'ml.train');
      const meta = datasetOf(q);
      // k-means, anomaly detection and PCA have their own task; their target (a label column) is optional.
      const own = isAlgoName(q.algo) ? UNSUPERVISED_TASK[q.algo] : undefined;
      const noTarget = q.target === undefined || q.target === null || q.target === '';
      if (noTarget && !own) {
        const needs = isAlgoName(q.algo) ? `${CATALOG[q.algo].display} ('${q.algo}') does ${CATALOG[q.algo].tasks.join(', ')} and needs` : 'Training needs';
        throw new LatheError('BAD_REQUEST', `${needs} a target: the column to predict. Give target.`, { param: 'target' });
      }
      const target = noTarget ? null : columnNamed(meta, q.target, 'target');
      const features = columns(meta, q.features, 'features');
      if (own && q.task !== undefined && q.task !== null && q.task !== own) {
        throw new LatheError('INVALID_PARAM', `${CATALOG[q.algo as AlgoName].display} ('${String(q.algo)}') does ${own}, not ${JSON.stringify(q.task)}.`, { param: 'task', value: q.task });
      }
      const task: Task = own ?? taskForTarget(target!, q.task);
      const learner = checkLearner({ algo: q.algo, params: q.params }, task, 'learner');
      if (target && features?.includes(target.name) && own) {
        throw new LatheError('BAD_REQUEST', `"${target.name}" is the label column (target) and cannot also be a feature of ${q.algo}; leave it out of features.`, { param: 'features' });
      }
      if (q.anomalyLabel !== undefined && q.anomalyLabel !== null) {
        if (learner.algo !== 'anomaly' || !target) {
          throw new LatheError('BAD_REQUEST', 'anomalyLabel applies only to anomaly detection with a label column (target).', { param: 'anomalyLabel' });
        }
        if (typeof q.anomalyLabel !== 'string' || !q.anomalyLabel) throw new LatheError('BAD_REQUEST', `anomalyLabel must be a value of "${target.name}".`, { param: 'anomalyLabel' });
      }
      const protocol = q.protocol === undefined || q.protocol === null ? undefined : checkProtocol(q.protocol);
      if (q.name !== undefined && q.name !== null) mq.validateModelName(q.name);
      const request: TrainRequest = {
        datasetId: meta.id,
        ...(target ? { target: target.name } : {}),
        algo: learner.algo,
        task,
        ...(typeof q.anomalyLabel === 'string' ? { anomalyLabel: q.anomalyLabel } : {}),
        ...(learner.params ? { params: learner.params } : {}),
        ...(features ? { features } : {}),
        ...(protocol ? { protocol } : {}),
      };
      const input: TrainInput = { dbFile: store.file, request };
      const out = await startJob<TrainOutput>('train', `Train ${CATALOG[learner.algo].display} on ${meta.name}${target ? ` → ${target.name}` : ''}`, 'train', input, ctx);
      const id = randomUUID();
      const model = await writeTransaction(store.db, () => {
        const name = q.name ? mq.validateModelName(q.name) : mq.uniqueModelName(store.db, `${out.algo} on ${out.datasetName}`);
        if (q.name && mq.modelNameTaken(store.db, name)) {
          throw new LatheError('NAME_TAKEN', `Another model is already called "${name}". Choose another name.`, { param: 'name', name });
        }
        const stored: mq.StoredModel = {
          id,
          name,
          algo: out.algo,
          task: out.task,
          params: out.params,
          datasetId: out.datasetId,
          datasetName: out.datasetName,
          target: out.target,
          features: out.features,
          metrics: Object.fromEntries(Object.entries(out.metrics).map(([k, v]) => [k, v.mean])),
          createdAt: new Date().toISOString(),
          backend: 'typed-arrays',
          datasetSha256: out.datasetSha256,
          datasetSchema: out.datasetSchema,
          classes: out.classes,
          pipeline: out.pipeline,
          estimator: out.estimator,
          latheVersion: deps.info.version,
          fingerprint: out.fingerprint,
        };
        mq.insertModel(store.db, stored);
        return mq.getModelSummary(store.db, id);
      });
      emit('models.changed', { ids: [id] });
      const result: TrainResult = {
        model,
        metrics: out.metrics,
        fitSeconds: out.fitSeconds,
        predictSeconds: out.predictSeconds,
        ...(out.details && Object.keys(out.details).length ? { details: out.details } : {}),
      };
      return result;
    },

    'ml.correlate': async (p, ctx) => {
      const q = paramsOf(p, 'ml.correlate');
      const meta = datasetOf(q);
      const method = q.method ?? 'auto';
      if (method !== 'auto' && method !== 'pearson' && method !== 'spearman') {
        throw new LatheError('INVALID_PARAM', `method must be "pearson", "spearman" or "auto"; got ${JSON.stringify(method)}.`, { param: 'method' });
      }
      const cols = columns(meta, q.columns, 'columns');
      const input: CorrelateInput = { dbFile: store.file, datasetId: meta.id, method: method === 'spearman' ? 'spearman' : 'pearson', ...(cols ? { columns: cols } : {}) };
      return startJob<CorrelationResult>('correlate', `Correlations of ${meta.name}`, 'correlate', input, ctx);
    },

    'ml.runs': () => mq.listRuns(store.db),

    'ml.run': (p) => {
      const q = paramsOf(p, 'ml.run');
      if (typeof q.runId !== 'string' || !q.runId) throw new LatheError('BAD_REQUEST', 'runId must be the id of a stored run.', { param: 'runId' });
      return mq.getRun(store.db, q.runId);
    },
  };
}
