/**
 * Networks in the service: `ml.train` with algo 'mlp'/'cnn' (ml.ts hands
 * those requests here) as a 'train-network' worker job whose progress
 * carries the live epoch history; the stored model keeps pipeline + network
 * state (spec, weights, summary, history, backend report) and names the
 * backend; `nn.predictImage` for draw-a-digit; `nn.backend` says which
 * backend would train here and why the better ones are not used.
 *
 * Predictions run in this thread (one row; no job queue to wait in while a
 * training holds a worker), TensorFlow.js being loaded on first use.
 */
import { randomUUID } from 'node:crypto';
import type { TrainRequest, TrainResult } from '../../../src-shared/contract/ml.ts';
import type { NetworkLayout, PredictImageResult } from '../../../src-shared/contract/nn.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { CATALOG } from '../../../src-shared/ml/catalog.ts';
import { digitToDigits8x8, digitToMnist } from '../../../src-shared/ml/digit-image.ts';
import { NN_BACKEND_SETTINGS, validateSpec, type NnBackendSetting } from '../../../src-shared/ml/nn.ts';
import { isNetworkAlgo } from '../../../src-shared/ml/schemas/nn.ts';
import type { CallContext, Handlers } from '../../../src-shared/rpc/core.ts';
import type { Classifier } from '../ml/estimator.ts';
import { Pipeline, type PipelineState } from '../ml/preprocess/pipeline.ts';
import { estimatorFromJSON } from '../ml/registry.ts';
import { stateFromString } from '../ml/state.ts';
import { NeuralNetwork, loadNetworkRuntime } from '../nn/estimator.ts';
import { writeTransaction } from '../store/db.ts';
import * as mq from '../store/ml.ts';
import { columnOf } from '../store/store.ts';
import type { TrainNetworkInput, TrainNetworkOutput } from '../workers/tasks/train-network.ts';
import { checkLearner, checkProtocol, taskForTarget } from './ml.ts';
import { paramsOf, type ServiceDeps } from './context.ts';

function checkLayout(v: unknown, task: 'classification' | 'regression'): NetworkLayout | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as { layout?: unknown };
  if (typeof o !== 'object' || o.layout === undefined || o.layout === null) return undefined;
  const l = o.layout as Partial<NetworkLayout>;
  if (!l || typeof l !== 'object' || !Array.isArray(l.layers)) {
    throw new LatheError('BAD_REQUEST', 'network.layout must be {layers: [...], image?: {width, height}}.', { param: 'network.layout' });
  }
  // Layer fields are checked here (names the layer and field), before a worker starts.
  validateSpec({ task, layers: l.layers, scaling: { kind: 'none' }, ...(l.image ? { image: { width: l.image.width, height: l.image.height, channels: 1 } } : {}) });
  return { layers: l.layers, ...(l.image ? { image: { width: l.image.width, height: l.image.height } } : {}) };
}

/** ml.train for algo 'mlp' / 'cnn'. */
export async function trainNetworkModel(deps: ServiceDeps, p: TrainRequest, ctx: CallContext): Promise<TrainResult> {
  const { store, jobs, emit } = deps;
  const q = paramsOf(p, 'ml.train');
  if (typeof q.datasetId !== 'string' || !q.datasetId) {
    throw new LatheError('BAD_REQUEST', `datasetId must be the id of a dataset; got ${JSON.stringify(q.datasetId) ?? 'nothing'}.`, { param: 'datasetId' });
  }
  const meta = store.get(q.datasetId);
  const target = columnOf(meta, q.target, 'target');
  const features = q.features === undefined || q.features === null ? undefined : (q.features as unknown[]).map((n) => columnOf(meta, n, 'features').name);
  const task = taskForTarget(target, q.task);
  const learner = checkLearner({ algo: q.algo, params: q.params }, task, 'learner');
  const protocol = q.protocol === undefined || q.protocol === null ? undefined : checkProtocol(q.protocol);
  if (q.name !== undefined && q.name !== null) mq.validateModelName(q.name);
  const layout = checkLayout(q.network, task);
  const request: TrainRequest = {
    datasetId: meta.id,
    target: target.name,
    algo: learner.algo,
    task,
    ...(learner.params ? { params: learner.params } : {}),
    ...(features ? { features } : {}),
    ...(protocol ? { protocol } : {}),
    ...(layout ? { network: { layout } } : {}),
  };
  const input: TrainNetworkInput = { dbFile: store.file, request };
  const title = `Train ${CATALOG[learner.algo].display} on ${meta.name} → ${target.name}`;
  const out = await jobs.start<TrainNetworkOutput>({ kind: 'train', title, task: 'train-network', input }, { signal: ctx.signal, onProgress: (pr) => ctx.progress(pr) }).done;
  const id = randomUUID();
  const model = await writeTransaction(store.db, () => {
    const name = q.name ? mq.validateModelName(q.name) : mq.uniqueModelName(store.db, `${out.algo} on ${out.datasetName}`);
    if (q.name && mq.modelNameTaken(store.db, name)) {
      throw new LatheError('NAME_TAKEN', `Another model is already called "${name}". Choose another name.`, { param: 'name', name });
    }
    mq.insertModel(store.db, {
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
      backend: out.backend,
      datasetSha256: out.datasetSha256,
      datasetSchema: out.datasetSchema,
      classes: out.classes,
      pipeline: out.pipeline,
      estimator: out.estimator,
      latheVersion: deps.info.version,
      fingerprint: out.fingerprint,
    });
    return mq.getModelSummary(store.db, id);
  });
  emit('models.changed', { ids: [id] });
  return { model, metrics: out.metrics, fitSeconds: out.fitSeconds, predictSeconds: out.predictSeconds, network: out.network };
}

interface Loaded {
  key: string;
  pipeline: Pipeline;
  estimator: Classifier;
  features: string[];
  classes: string[];
}

const CACHE_SIZE = 4;

function imageSideFor(features: number): 28 | 8 {
  if (features === 784) return 28;
  if (features === 64) return 8;
  throw new LatheError(
    'BAD_REQUEST',
    `Draw-a-digit needs a model trained on 784 (28×28, MNIST) or 64 (8×8, digits) pixel columns; this one has ${features} features. Train a network on mnist_10k or digits.`,
    { param: 'modelId', features },
  );
}

export function nnHandlers(deps: ServiceDeps): Pick<Handlers, 'nn.predictImage' | 'nn.backend'> {
  const { store } = deps;
  const cache = new Map<string, Loaded>();

  async function load(id: string): Promise<Loaded> {
    const summary = mq.getModelSummary(store.db, id);
    const key = `${id}@${summary.createdAt}`;
    const hit = cache.get(id);
    if (hit && hit.key === key) {
      cache.delete(id);
      cache.set(id, hit); // most recent last
      return hit;
    }
    if (summary.task !== 'classification') {
      throw new LatheError('BAD_REQUEST', `Draw-a-digit needs a classifier; "${summary.name}" does ${summary.task}.`, { param: 'modelId' });
    }
    imageSideFor(summary.features.length);
    const m = mq.getModel(store.db, id);
    const state = stateFromString(m.estimator);
    let estimator: Classifier;
    if (isNetworkAlgo(state.algo)) {
      estimator = await NeuralNetwork.restore(state.algo, state).ready();
    } else {
      const e = estimatorFromJSON(state) as Partial<Classifier>;
      if (typeof e.predictProba !== 'function') {
        throw new LatheError('BAD_REQUEST', `"${summary.name}" (${summary.algo}) gives no class probabilities; draw-a-digit needs a classifier that does.`, { param: 'modelId' });
      }
      estimator = e as Classifier;
    }
    const loaded: Loaded = { key, pipeline: Pipeline.fromJSON(m.pipeline as PipelineState), estimator, features: m.features, classes: m.classes };
    cache.set(id, loaded);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return loaded;
  }

  return {
    'nn.predictImage': async (p): Promise<PredictImageResult> => {
      const q = paramsOf(p, 'nn.predictImage');
      if (typeof q.modelId !== 'string' || !q.modelId) throw new LatheError('BAD_REQUEST', 'modelId must be the id of a model in the library.', { param: 'modelId' });
      const m = await load(q.modelId);
      const side = imageSideFor(m.features.length);
      let pixels: Float64Array;
      let empty = false;
      if (q.pixels !== undefined && q.pixels !== null) {
        if (!Array.isArray(q.pixels) && !(q.pixels instanceof Float64Array) && !(q.pixels instanceof Float32Array)) {
          throw new LatheError('BAD_REQUEST', 'pixels must be a list of numbers.', { param: 'pixels' });
        }
        pixels = Float64Array.from(q.pixels as ArrayLike<number>);
        if (pixels.length !== m.features.length) {
          throw new LatheError('BAD_REQUEST', `pixels has ${pixels.length} values but the model takes ${m.features.length} (${side}×${side}).`, { param: 'pixels' });
        }
        if (pixels.some((v) => !Number.isFinite(v))) throw new LatheError('BAD_REQUEST', 'pixels must all be finite numbers.', { param: 'pixels' });
        empty = pixels.every((v) => v === 0);
      } else if (q.image) {
        const img = q.image;
        if (!(img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray)) {
          throw new LatheError('BAD_REQUEST', 'image.data must be the RGBA bytes of the bitmap (Uint8Array).', { param: 'image.data' });
        }
        const row = side === 28 ? digitToMnist(img) : digitToDigits8x8(img);
        pixels = row.pixels;
        empty = row.empty;
      } else {
        throw new LatheError('BAD_REQUEST', 'Give pixels (the preprocessed row) or image (an RGBA bitmap).', { param: 'pixels' });
      }
      const table = { rows: 1, columns: m.features.map((name, j) => ({ name, kind: 'numeric' as const, values: Float64Array.of(pixels[j]!) })) };
      const X = m.pipeline.transform(table);
      const proba = m.estimator.predictProba(X);
      const probabilities = Array.from(proba);
      let best = 0;
      for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[best]!) best = c;
      return {
        classes: m.classes,
        probabilities,
        predicted: m.classes[best] ?? String(best),
        input: { width: side, height: side, pixels: Array.from(pixels) },
        empty,
      };
    },

    'nn.backend': async (p) => {
      const setting = (p && typeof p === 'object' && p.setting !== undefined ? p.setting : 'auto') as NnBackendSetting;
      if (!(NN_BACKEND_SETTINGS as readonly string[]).includes(setting)) {
        throw new LatheError('INVALID_PARAM', `setting must be one of ${NN_BACKEND_SETTINGS.join(', ')}; got ${JSON.stringify(setting)}.`, { param: 'setting' });
      }
      const rt = await loadNetworkRuntime();
      return rt.backend.initBackend(setting);
    },
  };
}
