/**
 * The network builder's logic, pure so it is unit-tested without a browser:
 * presets as a builder setup, whether a dataset is image-shaped, the layer
 * summary with parameter counts computed from the spec (the same shapes and
 * counts TensorFlow.js reports once trained), and the ml.train request.
 */
import type { TrainRequest } from '../../../src-shared/contract/ml.ts';
import type { DatasetMeta } from '../../../src-shared/dataset.ts';
import { NN_PRESETS, type NnBackendSetting, type NnLayerSpec, type NnOptimizer, type NnPresetName } from '../../../src-shared/ml/nn.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import type { NetworkAlgo, NnScalingParam } from '../../../src-shared/ml/schemas/nn.ts';

export interface BuilderOptions {
  optimizer: NnOptimizer;
  /** null = the optimiser's default. */
  learningRate: number | null;
  momentum: number;
  batchSize: number;
  epochs: number;
  validationSplit: number;
  /** null = no early stopping. */
  patience: number | null;
  seed: number;
  backend: NnBackendSetting;
  scaling: NnScalingParam;
}

export interface BuilderSetup {
  algo: NetworkAlgo;
  layers: NnLayerSpec[];
  options: BuilderOptions;
}

export const DEFAULT_OPTIONS: BuilderOptions = {
  optimizer: 'adam',
  learningRate: null,
  momentum: 0.9,
  batchSize: 32,
  epochs: 20,
  validationSplit: 0.1,
  patience: null,
  seed: 0,
  backend: 'auto',
  scaling: 'auto',
};

/** The presets the builder offers (the seeds' MLP and CNN, for MNIST and the 8×8 digits). */
export const BUILDER_PRESETS: readonly NnPresetName[] = ['mlp-mnist', 'cnn-mnist', 'mlp-digits', 'cnn-digits'];

export function presetSetup(name: NnPresetName): BuilderSetup {
  const p = NN_PRESETS[name];
  const algo: NetworkAlgo = p.spec.layers.some((l) => l.type === 'conv2d') ? 'cnn' : 'mlp';
  const o = p.options;
  return {
    algo,
    layers: p.spec.layers.map((l) => ({ ...l })),
    options: {
      ...DEFAULT_OPTIONS,
      optimizer: o.optimizer ?? 'adam',
      learningRate: o.learningRate ?? null,
      batchSize: o.batchSize ?? DEFAULT_OPTIONS.batchSize,
      epochs: o.epochs ?? DEFAULT_OPTIONS.epochs,
      validationSplit: o.validationSplit ?? DEFAULT_OPTIONS.validationSplit,
      patience: o.patience ?? null,
      scaling: p.spec.scaling.kind === 'divide' ? 'divide' : p.spec.scaling.kind === 'standardize' ? 'standardize' : 'none',
    },
  };
}

/** The preset that fits a dataset: digits-sized (64 pixels) or MNIST-sized (784). */
export function presetFor(features: number, algo: NetworkAlgo): NnPresetName {
  const digits = features === 64;
  return algo === 'cnn' ? (digits ? 'cnn-digits' : 'cnn-mnist') : digits ? 'mlp-digits' : 'mlp-mnist';
}

/** The target column a person most likely wants: the one whose role is target, else 'label'/'target'/'class', else the last. */
export function defaultTarget(meta: DatasetMeta): string {
  const byRole = meta.columns.find((c) => c.role === 'target');
  if (byRole) return byRole.name;
  const named = meta.columns.find((c) => /^(label|target|class|y)$/i.test(c.name));
  return (named ?? meta.columns.at(-1))?.name ?? '';
}

/** Feature columns: every column whose role is feature, minus the target. */
export function featureColumns(meta: DatasetMeta, target: string): string[] {
  return meta.columns.filter((c) => c.role === 'feature' && c.name !== target).map((c) => c.name);
}

/** Image shape of n pixel columns: 784 → 28×28, 64 → 8×8, else the given width × height when they multiply to n. */
export function imageOf(n: number, given?: { width: number; height: number } | null): { width: number; height: number } | null {
  if (given && given.width > 0 && given.height > 0 && given.width * given.height === n) return given;
  if (n === 784) return { width: 28, height: 28 };
  if (n === 64) return { width: 8, height: 8 };
  return null;
}

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: (number | null)[];
  params: number;
}

export interface SpecSummary {
  rows: SummaryRow[];
  total: number;
  /** Set when the layers do not fit the input (the reason, naming the layer). */
  error?: string;
}

function convOut(size: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

/**
 * The layers TensorFlow.js will build from the spec (as src-main/engine/nn/model.ts:
 * a reshape to the image before convolutions, flatten inserted before the
 * first dense layer, dropout after a dense layer with dropout, the output
 * layer), with output shapes and parameter counts.
 */
export function summarizeSpec(inputs: number, image: { width: number; height: number } | null, layers: readonly NnLayerSpec[], outputs: number): SpecSummary {
  const rows: SummaryRow[] = [];
  const counts: Record<string, number> = {};
  const name = (t: string): string => `${t}_${(counts[t] = (counts[t] ?? 0) + 1)}`;
  const spatialLayers = layers.some((l) => l.type === 'conv2d' || l.type === 'maxPooling2d');
  let shape: number[];
  if (spatialLayers) {
    if (!image) return { rows, total: 0, error: `Convolution and pooling layers need image-shaped rows; ${inputs} columns is not 784 or 64 pixels — enter the width × height.` };
    shape = [image.height, image.width, 1];
    rows.push({ name: 'image', type: 'Reshape', outputShape: [null, ...shape], params: 0 });
  } else {
    shape = [inputs];
  }
  const flatten = (): void => {
    if (shape.length === 3) {
      shape = [shape[0]! * shape[1]! * shape[2]!];
      rows.push({ name: name('flatten'), type: 'Flatten', outputShape: [null, ...shape], params: 0 });
    }
  };
  for (const [i, l] of layers.entries()) {
    switch (l.type) {
      case 'conv2d': {
        if (shape.length !== 3) return { rows, total: 0, error: `Layer ${i + 1} (conv2d) comes after a flatten or dense layer; convolutions must come first.` };
        const k = l.kernel ?? 3;
        const s = l.stride ?? 1;
        const pad = l.padding ?? 'valid';
        const h = convOut(shape[0]!, k, s, pad);
        const w = convOut(shape[1]!, k, s, pad);
        if (h < 1 || w < 1) return { rows, total: 0, error: `Layer ${i + 1} (conv2d, ${k}×${k}) gets a ${shape[0]}×${shape[1]} image, which is too small for it.` };
        const params = k * k * shape[2]! * l.filters + l.filters;
        shape = [h, w, l.filters];
        rows.push({ name: name('conv2d'), type: 'Conv2D', outputShape: [null, ...shape], params });
        break;
      }
      case 'maxPooling2d': {
        if (shape.length !== 3) return { rows, total: 0, error: `Layer ${i + 1} (maxPooling2d) comes after a flatten or dense layer; pooling must come before them.` };
        const p = l.pool ?? 2;
        const s = l.stride ?? p;
        const h = convOut(shape[0]!, p, s, 'valid');
        const w = convOut(shape[1]!, p, s, 'valid');
        if (h < 1 || w < 1) return { rows, total: 0, error: `Layer ${i + 1} (maxPooling2d, ${p}×${p}) gets a ${shape[0]}×${shape[1]} image, which is too small for it.` };
        shape = [h, w, shape[2]!];
        rows.push({ name: name('max_pooling2d'), type: 'MaxPooling2D', outputShape: [null, ...shape], params: 0 });
        break;
      }
      case 'flatten':
        flatten();
        break;
      case 'dropout':
        if (l.rate > 0) rows.push({ name: name('dropout'), type: 'Dropout', outputShape: [null, ...shape], params: 0 });
        break;
      case 'dense': {
        flatten();
        const params = shape[0]! * l.units + l.units;
        shape = [l.units];
        rows.push({ name: name('dense'), type: 'Dense', outputShape: [null, l.units], params });
        if (l.dropout) rows.push({ name: name('dropout'), type: 'Dropout', outputShape: [null, l.units], params: 0 });
        break;
      }
    }
  }
  flatten();
  rows.push({ name: 'output', type: 'Dense', outputShape: [null, outputs], params: shape[0]! * outputs + outputs });
  return { rows, total: rows.reduce((s, r) => s + r.params, 0) };
}

/** The catalogue parameters of the builder's options (the layer list travels as network.layout). */
export function trainParams(s: BuilderSetup): Params {
  const o = s.options;
  const p: Params = {
    optimizer: o.optimizer,
    learning_rate: o.learningRate,
    momentum: o.momentum,
    batch_size: o.batchSize,
    epochs: o.epochs,
    validation_split: o.validationSplit,
    patience: o.patience,
    random_state: o.seed,
    backend: o.backend,
    scaling: o.scaling,
  };
  // Keep the library's parameter list truthful for plain dense stacks.
  if (s.algo === 'mlp' && s.layers.every((l) => l.type === 'dense')) p.hidden_layer_sizes = s.layers.map((l) => (l as { units: number }).units);
  return p;
}

export function trainRequest(
  meta: DatasetMeta,
  target: string,
  s: BuilderSetup,
  testSize: number,
  image: { width: number; height: number } | null,
  name?: string,
): TrainRequest {
  const needsImage = s.layers.some((l) => l.type === 'conv2d' || l.type === 'maxPooling2d');
  return {
    datasetId: meta.id,
    target,
    algo: s.algo,
    params: trainParams(s),
    ...(testSize > 0 ? { protocol: { kind: 'holdout', testSize, seed: s.options.seed } } : {}),
    network: { layout: { layers: s.layers.map((l) => ({ ...l })), ...(needsImage && image ? { image } : {}) } },
    ...(name ? { name } : {}),
  };
}

/** A new layer of a type, with the usual settings. */
export function newLayer(type: NnLayerSpec['type']): NnLayerSpec {
  switch (type) {
    case 'dense':
      return { type: 'dense', units: 64, activation: 'relu' };
    case 'conv2d':
      return { type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' };
    case 'maxPooling2d':
      return { type: 'maxPooling2d', pool: 2 };
    case 'flatten':
      return { type: 'flatten' };
    case 'dropout':
      return { type: 'dropout', rate: 0.25 };
  }
}

/** The layer types offered: conv/pool/flatten only for image-shaped data. */
export function layerTypes(image: boolean): NnLayerSpec['type'][] {
  return image ? ['dense', 'dropout', 'conv2d', 'maxPooling2d', 'flatten'] : ['dense', 'dropout'];
}
