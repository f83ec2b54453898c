/**
 * Network spec → TensorFlow.js layers model, and back: the layer summary,
 * weights as plain Float32Arrays, rebuilding a trained model from its spec
 * and weights, and predictions. The spec must be resolved (inputs and
 * outputs known; see resolveSpec in fit.ts).
 */
import { tf } from './backend.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { imageShapeFor, validateSpec } from '../../../src-shared/ml/nn.ts';
import type { NnLayerSpec, NnSpec, NnSummary, NnWeight } from '../../../src-shared/ml/nn.ts';
import { deriveSeed } from '../ml/random.ts';
import { applyScaling } from './scaling.ts';
import type { NnMatrix } from './scaling.ts';

type Shape3 = [number, number, number];

function convOut(size: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

/** The image shape the conv layers work on, or null for a plain vector network. */
export function spatialInput(spec: NnSpec): Shape3 | null {
  const first = spec.layers[0];
  const needsImage = spec.layers.some((l) => l.type === 'conv2d' || l.type === 'maxPooling2d');
  if (!needsImage || !first) return null;
  const inputs = spec.inputs ?? 0;
  const img = imageShapeFor(inputs, spec.image);
  if (!img) {
    const given = spec.image ? ` (the spec says ${spec.image.width}×${spec.image.height}, which is ${spec.image.width * spec.image.height} pixels)` : '';
    throw new LatheError(
      'INVALID_PARAM',
      `Convolution and pooling layers need image-shaped rows, but the data has ${inputs} feature columns${given}. Give image {width, height} with width × height = ${inputs}, or use dense layers only.`,
      { param: 'image', inputs },
    );
  }
  return [img.height, img.width, img.channels];
}

/** Check that every conv/pool layer still has room (a 3×3 kernel needs at least 3×3 pixels). */
function checkSpatial(spec: NnSpec, start: Shape3): void {
  let [h, w] = start;
  spec.layers.forEach((l, i) => {
    if (l.type !== 'conv2d' && l.type !== 'maxPooling2d') return;
    const k = l.type === 'conv2d' ? (l.kernel ?? 3) : (l.pool ?? 2);
    const s = l.stride ?? (l.type === 'conv2d' ? 1 : k);
    const pad = l.type === 'conv2d' ? (l.padding ?? 'valid') : 'valid';
    const nh = convOut(h, k, s, pad);
    const nw = convOut(w, k, s, pad);
    if (nh < 1 || nw < 1) {
      throw new LatheError(
        'INVALID_PARAM',
        `Layer ${i} (${l.type}, ${k}×${k}) gets a ${h}×${w} image, which is too small for it. Use a smaller kernel or pool, 'same' padding, or fewer layers.`,
        { param: `layers[${i}]`, height: h, width: w },
      );
    }
    h = nh;
    w = nw;
  });
}

function initializer(seed: number, i: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: deriveSeed(seed, i) });
}

/**
 * Build (and compile nothing: see fit.ts) a sequential model. Layer names are
 * fixed (dense_1, conv2d_1, ..., output) so weights line up by name across
 * builds. `seed` seeds every kernel initialiser.
 */
export function buildModel(spec: NnSpec, seed = 0): tf.Sequential {
  validateSpec(spec);
  const inputs = spec.inputs;
  const outputs = spec.outputs;
  if (!inputs || !outputs) throw new LatheError('INTERNAL', 'buildModel needs a resolved spec (inputs and outputs set by training).');
  const image = spatialInput(spec);
  if (image) checkSpatial(spec, image);
  const model = tf.sequential({ name: 'lathe_network' });
  model.add(tf.layers.inputLayer({ inputShape: [inputs], name: 'input' }));
  const counts: Record<string, number> = {};
  const name = (t: string): string => `${t}_${(counts[t] = (counts[t] ?? 0) + 1)}`;
  let spatial = image !== null;
  if (image) model.add(tf.layers.reshape({ targetShape: image, name: 'image' }));
  let li = 0;
  const flattenIfNeeded = (): void => {
    if (spatial) {
      model.add(tf.layers.flatten({ name: name('flatten') }));
      spatial = false;
    }
  };
  for (const l of spec.layers as NnLayerSpec[]) {
    li++;
    switch (l.type) {
      case 'conv2d':
        model.add(
          tf.layers.conv2d({
            filters: l.filters,
            kernelSize: l.kernel ?? 3,
            strides: l.stride ?? 1,
            padding: l.padding ?? 'valid',
            activation: l.activation ?? 'relu',
            kernelInitializer: initializer(seed, li),
            name: name('conv2d'),
          }),
        );
        break;
      case 'maxPooling2d':
        model.add(tf.layers.maxPooling2d({ poolSize: l.pool ?? 2, strides: l.stride ?? l.pool ?? 2, name: name('max_pooling2d') }));
        break;
      case 'flatten':
        flattenIfNeeded();
        break;
      case 'dropout':
        if (l.rate > 0) model.add(tf.layers.dropout({ rate: l.rate, name: name('dropout') }));
        break;
      case 'dense':
        flattenIfNeeded();
        model.add(tf.layers.dense({ units: l.units, activation: l.activation ?? 'relu', kernelInitializer: initializer(seed, li), name: name('dense') }));
        if (l.dropout) model.add(tf.layers.dropout({ rate: l.dropout, name: name('dropout') }));
        break;
    }
  }
  flattenIfNeeded();
  const classification = spec.task === 'classification';
  model.add(
    tf.layers.dense({
      units: classification ? outputs : 1,
      activation: classification ? 'softmax' : 'linear',
      kernelInitializer: initializer(seed, li + 1),
      name: 'output',
    }),
  );
  return model;
}

export function summarize(model: tf.LayersModel): NnSummary {
  // An explicit input layer is bookkeeping, not a layer a person thinks of (Keras leaves it out too).
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => {
    const shape = l.outputShape;
    const first = Array.isArray(shape[0]) || shape[0] === undefined ? ((shape[0] as (number | null)[] | undefined) ?? []) : (shape as (number | null)[]);
    return { name: l.name, type: l.getClassName(), outputShape: [...first], params: l.countParams() };
  });
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const totalParams = model.weights.reduce((s, w) => s + size(w.shape as number[]), 0);
  const trainableParams = model.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0);
  return { layers, totalParams, trainableParams };
}

/** The model's weights as plain Float32Array copies, in model order. */
export function readWeights(model: tf.LayersModel): NnWeight[] {
  const vars = model.weights;
  return vars.map((v) => ({
    name: v.originalName,
    shape: [...(v.shape as number[])],
    data: Float32Array.from(v.read().dataSync() as Float32Array),
  }));
}

/** Overwrite the model's weights (same order and shapes); BAD_MODEL_FILE when they do not fit. */
export function writeWeights(model: tf.LayersModel, weights: readonly NnWeight[]): void {
  const vars = model.weights;
  if (vars.length !== weights.length) {
    throw new LatheError('BAD_MODEL_FILE', `The saved network has ${weights.length} weight arrays but its spec builds a model with ${vars.length}.`, {
      expected: vars.length,
      got: weights.length,
    });
  }
  const tensors = vars.map((v, i) => {
    const w = weights[i]!;
    const shape = v.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    if (w.shape.length !== shape.length || w.shape.some((d, j) => d !== shape[j]) || w.data.length !== n) {
      throw new LatheError('BAD_MODEL_FILE', `Weight ${i} (${w.name}) has shape [${w.shape.join(', ')}] (${w.data.length} values) but the model needs [${shape.join(', ')}].`, {
        param: w.name,
      });
    }
    return tf.tensor(w.data, shape, 'float32');
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Rebuild a trained network from its (resolved) spec and weights: identical predictions. */
export function restoreNetwork(spec: NnSpec, weights: readonly NnWeight[]): tf.Sequential {
  const model = buildModel(spec, 0);
  try {
    writeWeights(model, weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export interface NnPredictions {
  /** Class codes (classification) or values in the target's units (regression). */
  predictions: Int32Array | Float64Array;
  /** rows × classes, row-major (classification only). */
  probabilities?: Float32Array;
}

/** Predict raw (unscaled) rows: applies the spec's scaling, then the network, in chunks. */
export function predictNetwork(model: tf.LayersModel, spec: NnSpec, X: NnMatrix, chunk = 256): NnPredictions {
  if (spec.inputs !== undefined && X.cols !== spec.inputs) {
    throw new LatheError('FEATURES_MISSING', `The network takes ${spec.inputs} feature columns but the data has ${X.cols}.`, {
      expected: spec.inputs,
      got: X.cols,
    });
  }
  const scaled = applyScaling(spec.scaling, X);
  return predictScaled(model, spec, scaled, X.rows, X.cols, chunk);
}

/** Predict rows that are already scaled (n × cols Float32Array). */
export function predictScaled(model: tf.LayersModel, spec: NnSpec, scaled: Float32Array, rows: number, cols: number, chunk = 256): NnPredictions {
  const k = spec.task === 'classification' ? (spec.outputs ?? 1) : 1;
  const out = new Float32Array(rows * k);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const values = tf.tidy(() => {
      const x = tf.tensor2d(scaled.subarray(start * cols, (start + n) * cols), [n, cols]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, start * k);
  }
  if (spec.task === 'regression') {
    const { mean, std } = spec.target ?? { mean: 0, std: 1 };
    return { predictions: Float64Array.from(out, (v) => v * std + mean) };
  }
  const predictions = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[r * k + c]! > out[r * k + best]!) best = c;
    predictions[r] = best;
  }
  return { predictions, probabilities: out };
}
