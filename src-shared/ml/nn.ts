/**
 * Neural networks, as the renderer, the CLI and the engine all see them:
 * the network spec (layers, input scaling, task), the presets, the training
 * options with their schema, the backend report, progress, history and the
 * layer summary. Pure data: the engine (src-main/engine/nn) turns a spec
 * into a TensorFlow.js model.
 */
import { LatheError } from '../errors.ts';
import { validateParams } from './params.ts';
import type { ParamSchema } from './params.ts';

// ---------------------------------------------------------------- backends

/** What a person can ask for. 'tensorflow' = tfjs-node-gpu, then tfjs-node. */
export const NN_BACKEND_SETTINGS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type NnBackendSetting = (typeof NN_BACKEND_SETTINGS)[number];

/** The backends Lathe knows, best first. */
export const NN_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type NnBackend = (typeof NN_BACKENDS)[number];

export interface NnBackendReport {
  requested: NnBackendSetting;
  /** The backend that trains. */
  used: NnBackend;
  /** A line about it (e.g. "WebAssembly with SIMD, 1 thread"). */
  detail: string;
  /** Every better backend (or, when forced, every other one tried) and why it was not used. */
  notUsed: { backend: NnBackend; reason: string }[];
}

// ---------------------------------------------------------------- spec

export const NN_ACTIVATIONS = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softplus', 'softmax', 'linear'] as const;
export type NnActivation = (typeof NN_ACTIVATIONS)[number];

export type NnLayerSpec =
  /** A fully connected layer, optionally followed by dropout. */
  | { type: 'dense'; units: number; activation?: NnActivation; dropout?: number }
  /** 2-D convolution over the image (square kernel, default 3, stride 1, 'valid' padding). */
  | { type: 'conv2d'; filters: number; kernel?: number; stride?: number; padding?: 'valid' | 'same'; activation?: NnActivation }
  /** Max pooling (default 2×2, stride = pool). */
  | { type: 'maxPooling2d'; pool?: number; stride?: number }
  | { type: 'flatten' }
  | { type: 'dropout'; rate: number };

export type NnLayerType = NnLayerSpec['type'];

/**
 * Input scaling is part of the model: applied to every row before the
 * network, in training and prediction, and saved with the model.
 * 'standardize' is fitted on the training rows when mean/std are absent.
 */
export type NnScaling =
  | { kind: 'none' }
  | { kind: 'divide'; by: number }
  | { kind: 'standardize'; mean?: number[]; std?: number[] };

export interface NnImageShape {
  width: number;
  height: number;
  channels: 1;
}

export type NnTask = 'classification' | 'regression';

/**
 * A network. `layers` are the hidden layers; the head is added from the task
 * (softmax over the classes, or one linear unit with a mean-squared-error
 * loss). `inputs`, `outputs`, the fitted scaling and `target` are filled in
 * by training so that the spec alone rebuilds the model.
 */
export interface NnSpec {
  task: NnTask;
  layers: NnLayerSpec[];
  scaling: NnScaling;
  /** Needed by conv layers; inferred for 784 (28×28) and 64 (8×8) columns, or any square count. */
  image?: NnImageShape;
  /** Number of input columns (set by training). */
  inputs?: number;
  /** Classes (classification) or 1 (regression) (set by training). */
  outputs?: number;
  /** Regression targets are standardised for training; predictions are mapped back. */
  target?: { mean: number; std: number };
}

// ---------------------------------------------------------------- presets

export const NN_PRESET_NAMES = ['mlp-mnist', 'cnn-mnist', 'mlp-digits', 'cnn-digits', 'mlp-regression'] as const;
export type NnPresetName = (typeof NN_PRESET_NAMES)[number];

export interface NnPreset {
  name: NnPresetName;
  title: string;
  summary: string;
  spec: NnSpec;
  /** Options the preset was tuned with (merged over the defaults). */
  options: Partial<NnTrainOptions>;
}

const cnnLayers = (): NnLayerSpec[] => [
  { type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' },
  { type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' },
  { type: 'maxPooling2d', pool: 2 },
  { type: 'dropout', rate: 0.25 },
  { type: 'flatten' },
  { type: 'dense', units: 128, activation: 'relu', dropout: 0.5 },
];

export const NN_PRESETS: Readonly<Record<NnPresetName, NnPreset>> = {
  'mlp-mnist': {
    name: 'mlp-mnist',
    title: 'MLP 784-128-128-10',
    summary: 'Two hidden ReLU layers of 128 and a softmax over the 10 digits; pixels / 255.',
    spec: {
      task: 'classification',
      layers: [
        { type: 'dense', units: 128, activation: 'relu' },
        { type: 'dense', units: 128, activation: 'relu' },
      ],
      scaling: { kind: 'divide', by: 255 },
      image: { width: 28, height: 28, channels: 1 },
    },
    // Keras's default batch of 32 for 10 epochs: 95.7 % held out on the 10k MNIST sample (seeded 80/20),
    // against 95.2 % with batches of 128 for 15 epochs (it overfits 8,000 rows).
    options: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 10 },
  },
  'cnn-mnist': {
    name: 'cnn-mnist',
    title: 'CNN (Conv 32, Conv 64, MaxPool, Dense 128)',
    summary: 'Keras\'s MNIST convnet: two 3×3 ReLU convolutions, 2×2 max pooling, dropout .25, dense 128, dropout .5, softmax; pixels / 255.',
    spec: { task: 'classification', layers: cnnLayers(), scaling: { kind: 'divide', by: 255 }, image: { width: 28, height: 28, channels: 1 } },
    options: { optimizer: 'adam', learningRate: 0.001, batchSize: 128, epochs: 12 },
  },
  'mlp-digits': {
    name: 'mlp-digits',
    title: 'MLP 64-128-128-10',
    summary: 'The MNIST MLP for the 8×8 digits sample; pixels / 16.',
    spec: {
      task: 'classification',
      layers: [
        { type: 'dense', units: 128, activation: 'relu' },
        { type: 'dense', units: 128, activation: 'relu' },
      ],
      scaling: { kind: 'divide', by: 16 },
      image: { width: 8, height: 8, channels: 1 },
    },
    options: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 40 },
  },
  'cnn-digits': {
    name: 'cnn-digits',
    title: 'CNN for 8×8 digits',
    summary: 'The MNIST convnet on the 8×8 digits sample; pixels / 16.',
    spec: { task: 'classification', layers: cnnLayers(), scaling: { kind: 'divide', by: 16 }, image: { width: 8, height: 8, channels: 1 } },
    options: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 30 },
  },
  'mlp-regression': {
    name: 'mlp-regression',
    title: 'MLP regressor 64-64-1',
    summary: 'Two hidden ReLU layers of 64 and one linear output (mean squared error); features standardised.',
    spec: {
      task: 'regression',
      layers: [
        { type: 'dense', units: 64, activation: 'relu' },
        { type: 'dense', units: 64, activation: 'relu' },
      ],
      scaling: { kind: 'standardize' },
    },
    options: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 200, validationSplit: 0.1, patience: 20 },
  },
};

/** A deep copy of a preset's spec, for the task asked (a preset's layers fit both tasks). */
export function presetSpec(name: NnPresetName, task?: NnTask): NnSpec {
  const p = NN_PRESETS[name];
  if (!p) {
    throw new LatheError('INVALID_PARAM', `There is no network preset '${String(name)}'. Presets: ${NN_PRESET_NAMES.join(', ')}.`, {
      param: 'preset',
    });
  }
  const spec = JSON.parse(JSON.stringify(p.spec)) as NnSpec;
  if (task) spec.task = task;
  return spec;
}

// ---------------------------------------------------------------- training options

export const NN_OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export type NnOptimizer = (typeof NN_OPTIMIZERS)[number];

export interface NnTrainOptions {
  optimizer: NnOptimizer;
  /** null = the optimiser's usual default (adam 0.001, sgd 0.01, rmsprop 0.001). */
  learningRate: number | null;
  /** sgd only. */
  momentum: number;
  batchSize: number;
  epochs: number;
  /** Fraction of the training rows (picked at random with the seed) held out to validate each epoch. */
  validationSplit: number;
  /** Early stopping: epochs without improvement of the monitored loss before stopping (best weights restored); null = off. */
  patience: number | null;
  seed: number;
  backend: NnBackendSetting;
}

export const NN_OWNER = 'NeuralNetwork';

export const NN_TRAIN_SCHEMA: ParamSchema = {
  optimizer: { type: 'enum', default: 'adam', values: NN_OPTIMIZERS, doc: 'Optimiser: adam, sgd (with momentum) or rmsprop.' },
  learningRate: { type: 'float', default: null, min: 0, exclusiveMin: true, max: 10, nullable: true, doc: 'Step size; None = the optimiser\'s default.' },
  momentum: { type: 'float', default: 0.9, min: 0, max: 1, exclusiveMax: true, doc: 'Momentum of sgd.' },
  batchSize: { type: 'int', default: 32, min: 1, max: 65536, doc: 'Rows per gradient step.' },
  epochs: { type: 'int', default: 10, min: 1, max: 100000, doc: 'Passes over the training rows.' },
  validationSplit: { type: 'float', default: 0, min: 0, max: 1, exclusiveMax: true, doc: 'Fraction of training rows held out to validate each epoch.' },
  patience: { type: 'int', default: null, min: 1, nullable: true, doc: 'Early stopping after this many epochs without improvement (restores the best weights); None = off.' },
  seed: { type: 'int', default: 0, min: 0, max: 4294967295, doc: 'Seeds the initial weights, dropout and the shuffles.' },
  backend: { type: 'enum', default: 'auto', values: NN_BACKEND_SETTINGS, doc: 'TensorFlow.js backend: auto picks the best one present.' },
};

/** Validate options (scikit-learn style messages), filling defaults. */
export function resolveTrainOptions(given: Partial<NnTrainOptions> = {}): NnTrainOptions {
  const clean: Record<string, NnTrainOptions[keyof NnTrainOptions]> = {};
  for (const [k, v] of Object.entries(given)) if (v !== undefined) clean[k] = v;
  return validateParams(NN_OWNER, NN_TRAIN_SCHEMA, clean) as unknown as NnTrainOptions;
}

export function defaultLearningRate(o: NnOptimizer): number {
  return o === 'sgd' ? 0.01 : 0.001;
}

// ---------------------------------------------------------------- spec validation

function bad(param: string, message: string): never {
  throw new LatheError('INVALID_PARAM', message, { param });
}

function checkInt(v: unknown, param: string, min: number, max = Infinity): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    bad(param, `The '${param}' of the network must be an int in the range [${min}, ${max === Infinity ? 'inf' : max}]. Got ${String(v)} instead.`);
  }
}

function checkRate(v: unknown, param: string): void {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    bad(param, `The '${param}' of the network must be a float in the range [0, 1). Got ${String(v)} instead.`);
  }
}

function checkActivation(v: unknown, param: string): void {
  if (v !== undefined && !(NN_ACTIVATIONS as readonly unknown[]).includes(v)) {
    bad(param, `The '${param}' of the network must be one of ${NN_ACTIVATIONS.join(', ')}. Got ${JSON.stringify(v)} instead.`);
  }
}

/** Infer the image shape of `cols` pixel columns: the spec's own, else a square (784 → 28×28, 64 → 8×8). */
export function imageShapeFor(cols: number, given?: NnImageShape): NnImageShape | null {
  if (given) return given.width * given.height * given.channels === cols ? given : null;
  const side = Math.round(Math.sqrt(cols));
  return side * side === cols && side >= 2 ? { width: side, height: side, channels: 1 } : null;
}

/**
 * Check a spec's structure (not yet against data). Throws INVALID_PARAM naming
 * the layer and field, e.g. "layers[1].units".
 */
export function validateSpec(spec: NnSpec): void {
  if (!spec || typeof spec !== 'object') bad('spec', 'The network spec must be an object with task, layers and scaling.');
  if (spec.task !== 'classification' && spec.task !== 'regression') {
    bad('task', `The 'task' of the network must be 'classification' or 'regression'. Got ${JSON.stringify(spec.task)} instead.`);
  }
  if (!Array.isArray(spec.layers)) bad('layers', 'The \'layers\' of the network must be a list of layer specs.');
  if (spec.layers.length > 64) bad('layers', `A network may have at most 64 hidden layers. Got ${spec.layers.length}.`);
  let spatial = true; // still image-shaped (before flatten/dense)
  spec.layers.forEach((l, i) => {
    const at = `layers[${i}]`;
    switch (l?.type) {
      case 'dense':
        checkInt(l.units, `${at}.units`, 1, 65536);
        checkActivation(l.activation, `${at}.activation`);
        if (l.dropout !== undefined) checkRate(l.dropout, `${at}.dropout`);
        spatial = false;
        break;
      case 'conv2d':
        if (!spatial) bad(`${at}.type`, `Layer ${i} (conv2d) comes after a flatten or dense layer; convolutions must come first, on the image.`);
        checkInt(l.filters, `${at}.filters`, 1, 4096);
        if (l.kernel !== undefined) checkInt(l.kernel, `${at}.kernel`, 1, 64);
        if (l.stride !== undefined) checkInt(l.stride, `${at}.stride`, 1, 64);
        if (l.padding !== undefined && l.padding !== 'valid' && l.padding !== 'same') {
          bad(`${at}.padding`, `The '${at}.padding' of the network must be 'valid' or 'same'. Got ${JSON.stringify(l.padding)} instead.`);
        }
        checkActivation(l.activation, `${at}.activation`);
        break;
      case 'maxPooling2d':
        if (!spatial) bad(`${at}.type`, `Layer ${i} (maxPooling2d) comes after a flatten or dense layer; pooling must come before them, on the image.`);
        if (l.pool !== undefined) checkInt(l.pool, `${at}.pool`, 1, 64);
        if (l.stride !== undefined) checkInt(l.stride, `${at}.stride`, 1, 64);
        break;
      case 'flatten':
        spatial = false;
        break;
      case 'dropout':
        checkRate(l.rate, `${at}.rate`);
        break;
      default:
        bad(`${at}.type`, `The '${at}.type' of the network must be one of dense, conv2d, maxPooling2d, flatten, dropout. Got ${JSON.stringify((l as { type?: unknown } | undefined)?.type)} instead.`);
    }
  });
  const s = spec.scaling;
  if (!s || typeof s !== 'object') bad('scaling', 'The \'scaling\' of the network must be {kind: \'none\' | \'divide\' | \'standardize\'}.');
  if (s.kind === 'divide') {
    if (typeof s.by !== 'number' || !Number.isFinite(s.by) || s.by <= 0) {
      bad('scaling.by', `The 'scaling.by' of the network must be a float in the range (0, inf). Got ${String(s.by)} instead.`);
    }
  } else if (s.kind === 'standardize') {
    if ((s.mean === undefined) !== (s.std === undefined)) bad('scaling', 'A fitted standardisation needs both mean and std.');
    if (s.mean && s.std && s.mean.length !== s.std.length) bad('scaling', `scaling.mean has ${s.mean.length} values but scaling.std has ${s.std.length}.`);
  } else if (s.kind !== 'none') {
    bad('scaling.kind', `The 'scaling.kind' of the network must be 'none', 'divide' or 'standardize'. Got ${JSON.stringify((s as { kind?: unknown }).kind)} instead.`);
  }
  if (spec.image) {
    checkInt(spec.image.width, 'image.width', 1, 4096);
    checkInt(spec.image.height, 'image.height', 1, 4096);
    if (spec.image.channels !== 1) bad('image.channels', `Only grayscale images (channels = 1) are supported. Got ${String(spec.image.channels)}.`);
  }
}

// ---------------------------------------------------------------- summary, progress, history

export interface NnLayerSummary {
  name: string;
  /** TensorFlow.js class name: Dense, Conv2D, MaxPooling2D, Dropout, Flatten, Reshape. */
  type: string;
  /** null = the batch dimension. */
  outputShape: (number | null)[];
  params: number;
}

export interface NnSummary {
  layers: NnLayerSummary[];
  totalParams: number;
  trainableParams: number;
}

export interface NnEpochLog {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
}

export interface NnHistory {
  epochs: NnEpochLog[];
  /** The epoch whose weights the model has (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** The monitored quantity: 'val_loss' when there is validation, else 'loss'. */
  monitor: 'loss' | 'val_loss';
}

export type NnProgress =
  | { kind: 'batch'; epoch: number; epochs: number; batch: number; batches: number; loss: number; accuracy?: number; fraction: number }
  | ({ kind: 'epoch'; epochs: number; fraction: number } & NnEpochLog);

/** Weights as plain typed arrays, in the model's weight order. */
export interface NnWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface NnEvaluation {
  rows: number;
  /** Class codes (classification) or values (regression). */
  predictions: Int32Array | Float64Array;
  /** rows × classes, row-major (classification only). */
  probabilities?: Float32Array;
  /** Metrics computed when the true values were given. */
  metrics?: Record<string, number>;
}

/** What training gives back: enough to rebuild, show and evaluate the model. */
export interface NnTrained {
  spec: NnSpec;
  options: NnTrainOptions;
  weights: NnWeight[];
  summary: NnSummary;
  history: NnHistory;
  backend: NnBackendReport;
  /** Wall seconds of the fit (not counting backend start-up) and of the whole call. */
  seconds: { fit: number; total: number };
  evaluation?: NnEvaluation;
}
