/**
 * Between the model library's stored form (store/ml.ts StoredModel) and the
 * `.lathe` file: export builds the manifest (typed arrays of the estimator
 * state become weights blobs), import checks the file, rebuilds the model
 * (so a file that parses but cannot predict is refused) and gives back the
 * StoredModel to insert.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import { isAlgoName } from '../../../src-shared/ml/catalog.ts';
import type { NnSpec } from '../../../src-shared/ml/nn.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import { BUNDLE_FORMAT, type BundleFeature, type EstimatorPayload, type ModelManifest, type ModelPayload } from '../../../src-shared/model-bundle.ts';
import type { EstimatorState } from '../ml/estimator.ts';
import type { PipelineState } from '../ml/preprocess/pipeline.ts';
import { joinState, splitState, stateFromString, stateToString } from '../ml/state.ts';
import type { StoredModel } from '../store/ml.ts';
import { readBundle, writeBundle, type Bundle } from './bundle.ts';
import { ModelRuntime, payloadOfState, type ModelSource } from './runtime.ts';

function featuresOf(pipeline: PipelineState, names: string[]): BundleFeature[] {
  const kinds = new Map((pipeline.inputs ?? []).map((c) => [c.name, c.kind]));
  return names.map((name) => ({ name, kind: kinds.get(name) ?? 'numeric' }));
}

/** What predicting needs from a stored model. */
export function sourceOfStored(m: StoredModel): ModelSource {
  const pipeline = m.pipeline as PipelineState;
  return {
    algo: m.algo,
    task: m.task,
    classes: m.classes,
    features: featuresOf(pipeline, m.features),
    pipeline,
    payload: payloadOfState(stateFromString(m.estimator)),
  };
}

/** The bytes of the `.lathe` file of a stored model. */
export function bundleOfStored(m: StoredModel, latheVersion: string): Uint8Array {
  const state = stateFromString(m.estimator);
  const source = sourceOfStored(m);
  // The whole state, networks included (their spec, float32 weights, summary, history and backend report):
  // typed arrays become weights blobs, the rest stays JSON.
  const split = splitState(state);
  const blobs = split.buffers;
  const model: ModelPayload = { kind: 'estimator', state: split.json as EstimatorPayload['state'] };
  const pipeline = m.pipeline as PipelineState;
  const manifest: Omit<ModelManifest, 'blobs' | 'formatVersion'> = {
    format: BUNDLE_FORMAT,
    latheVersion,
    createdAt: m.createdAt,
    name: m.name,
    ...(m.description ? { description: m.description } : {}),
    algorithm: m.algo,
    task: m.task,
    params: m.params,
    backend: m.backend,
    target: m.target,
    features: source.features,
    classes: m.classes,
    metrics: m.metrics,
    preprocessing: pipeline as unknown as ModelManifest['preprocessing'],
    fingerprint: {
      sha256: m.datasetSha256,
      datasetName: m.datasetName,
      schema: m.datasetSchema,
      rows: m.fingerprint?.[0] ? m.fingerprint[0].count + m.fingerprint[0].missing : 0,
      columns: m.fingerprint ?? [],
    },
    model,
  };
  return writeBundle(manifest, blobs);
}

/** The model source of a checked bundle (typed arrays rebuilt from the blobs). */
export function sourceOfBundle(b: Bundle): ModelSource {
  const m = b.manifest;
  let payload: ModelSource['payload'];
  if (m.model.kind === 'network') {
    payload = {
      kind: 'network',
      spec: m.model.spec as unknown as NnSpec,
      weights: m.model.weights.map((w) => {
        const bytes = b.blobs[w.ref]!;
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
        return { name: w.name, shape: w.shape, data: new Float32Array(copy.buffer) };
      }),
    };
  } else {
    payload = payloadOfState(joinState(m.model.state, b.blobs));
  }
  const inputs = m.preprocessing.inputs.map((c) => c.name);
  const featureNames = m.features.map((f) => f.name);
  if (inputs.length !== featureNames.length || inputs.some((n) => !featureNames.includes(n))) {
    throw new LatheError('BAD_MODEL_FILE', `The model file's features (${featureNames.join(', ')}) differ from its preprocessing inputs (${inputs.join(', ')}); the file is damaged.`, {});
  }
  return { algo: m.algorithm, task: m.task, classes: m.classes, features: m.features, pipeline: m.preprocessing as unknown as PipelineState, payload };
}

/**
 * Read and check a `.lathe` file completely: format, checksum, manifest, and
 * that the pipeline and model rebuild. Returns the bundle and its runtime.
 */
export async function loadBundle(bytes: Uint8Array, file = 'The model file'): Promise<{ bundle: Bundle; source: ModelSource; runtime: ModelRuntime }> {
  const bundle = readBundle(bytes, file);
  const m = bundle.manifest;
  const source = sourceOfBundle(bundle);
  if (!isAlgoName(m.algorithm) && source.payload.kind !== 'network') {
    throw new LatheError('BAD_MODEL_FILE', `${file} holds a model of algorithm '${m.algorithm}', which this Lathe does not know.`, { file, algo: m.algorithm });
  }
  if (source.payload.kind === 'estimator' && source.payload.state.algo !== m.algorithm) {
    throw new LatheError('BAD_MODEL_FILE', `${file} says its algorithm is '${m.algorithm}' but its model state is '${source.payload.state.algo}'; the file is damaged.`, { file });
  }
  let runtime: ModelRuntime;
  try {
    runtime = await ModelRuntime.load(source);
  } catch (e) {
    if (e instanceof LatheError && e.code === 'BAD_MODEL_FILE') throw e;
    throw new LatheError('BAD_MODEL_FILE', `${file} passes its checks but its model cannot be rebuilt: ${(e as Error).message}`, { file });
  }
  return { bundle, source, runtime };
}

/** The library row for an imported bundle (id and name chosen by the caller). */
export function storedOfBundle(b: Bundle, source: ModelSource, id: string, name: string, latheVersion: string): StoredModel {
  const m = b.manifest;
  const state: EstimatorState =
    m.model.kind === 'estimator'
      ? joinState(m.model.state, b.blobs)
      : source.payload.kind === 'network'
        ? { algo: m.algorithm, params: m.params as Params, state: { task: source.payload.spec.task, spec: source.payload.spec, weights: source.payload.weights } }
        : source.payload.state;
  return {
    id,
    name,
    ...(m.description ? { description: m.description } : {}),
    algo: m.algorithm as StoredModel['algo'],
    task: m.task as StoredModel['task'],
    params: m.params as Params,
    datasetId: '',
    datasetName: m.fingerprint.datasetName,
    target: m.target,
    features: m.features.map((f) => f.name),
    metrics: Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => Number.isFinite(v))),
    createdAt: new Date().toISOString(),
    backend: m.backend,
    datasetSha256: m.fingerprint.sha256,
    datasetSchema: m.fingerprint.schema,
    classes: m.classes,
    pipeline: m.preprocessing,
    estimator: stateToString(state),
    latheVersion,
    ...(m.fingerprint.columns.length ? { fingerprint: m.fingerprint.columns } : {}),
  };
}
