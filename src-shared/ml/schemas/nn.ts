/**
 * Hyper-parameters of the two network learners in the catalogue, 'mlp' (a
 * multi-layer perceptron, named after scikit-learn's MLPClassifier /
 * MLPRegressor) and 'cnn' (a small convolutional network for image-shaped
 * rows), and the network spec they stand for. Flat parameters, so networks
 * go through the same forms, `--param k=v`, validation and comparison board
 * as every other learner; the network builder can still give a free layer
 * list (`layers`), which replaces the hidden layers the parameters describe.
 */
import { LatheError } from '../../errors.ts';
import { NN_BACKEND_SETTINGS, NN_OPTIMIZERS } from '../nn.ts';
import type { NnActivation, NnImageShape, NnLayerSpec, NnSpec, NnTask, NnTrainOptions } from '../nn.ts';
import type { ParamSchema, Params } from '../params.ts';

export const NETWORK_ALGOS = ['mlp', 'cnn'] as const;
export type NetworkAlgo = (typeof NETWORK_ALGOS)[number];

export function isNetworkAlgo(a: unknown): a is NetworkAlgo {
  return a === 'mlp' || a === 'cnn';
}

export const MLP_CLASSIFIER_OWNER = 'MLPClassifier';
export const MLP_REGRESSOR_OWNER = 'MLPRegressor';
export const CNN_CLASSIFIER_OWNER = 'ConvNetClassifier';

/** How rows are scaled before the network (saved with it). */
export const NN_SCALINGS = ['auto', 'standardize', 'divide', 'none'] as const;
export type NnScalingParam = (typeof NN_SCALINGS)[number];

const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu'] as const;

function training(epochs: number, batch: number): ParamSchema {
  return {
    optimizer: { type: 'enum', default: 'adam', values: NN_OPTIMIZERS, doc: 'adam (adaptive, the usual choice), sgd (with momentum) or rmsprop.' },
    learning_rate: { type: 'float', default: null, min: 0, exclusiveMin: true, max: 10, nullable: true, doc: "Step size; None = the optimiser's default (adam and rmsprop 0.001, sgd 0.01)." },
    momentum: { type: 'float', default: 0.9, min: 0, max: 1, exclusiveMax: true, doc: 'Momentum of sgd (ignored by adam and rmsprop).' },
    batch_size: { type: 'int', default: batch, min: 1, max: 65536, doc: 'Rows per gradient step.' },
    epochs: { type: 'int', default: epochs, min: 1, max: 100000, doc: 'Passes over the training rows.' },
    validation_split: {
      type: 'float',
      default: 0.1,
      min: 0,
      max: 1,
      exclusiveMax: true,
      doc: 'Fraction of the training rows (picked with the seed) held out to measure validation loss and accuracy after every epoch.',
    },
    patience: {
      type: 'int',
      default: null,
      min: 1,
      nullable: true,
      doc: 'Early stopping: stop after this many epochs without a better validation loss, and keep the best weights. None = train every epoch.',
    },
    random_state: { type: 'int', default: 0, min: 0, max: 4294967295, doc: 'Seeds the initial weights, dropout and the shuffles: the same seed gives the same network on the same backend.' },
    backend: {
      type: 'enum',
      default: 'auto',
      values: NN_BACKEND_SETTINGS,
      doc: 'TensorFlow.js backend: auto picks the best one present (tfjs-node-gpu, tfjs-node, WebGPU, WASM, CPU); or force one.',
    },
    scaling: {
      type: 'enum',
      default: 'auto',
      values: NN_SCALINGS,
      doc: "Input scaling saved with the network: 'standardize' (mean 0, variance 1 from the training rows), 'divide' (pixels: by 16 or 255, from the largest training value), 'none'. auto = standardize for the MLP, divide for the CNN.",
    },
  };
}

export const MLP_SCHEMA: ParamSchema = {
  hidden_layer_sizes: { type: 'int_list', default: [128, 128], min: 1, doc: 'Units of each hidden dense layer, e.g. 128,128 (the MNIST MLP 784-128-128-10).' },
  activation: { type: 'enum', default: 'relu', values: HIDDEN_ACTIVATIONS, doc: 'Activation of the hidden layers.' },
  dropout: { type: 'float', default: 0, min: 0, max: 1, exclusiveMax: true, doc: 'Dropout after each hidden layer (0 = none).' },
  ...training(20, 32),
};

export const CNN_SCHEMA: ParamSchema = {
  filters: { type: 'int_list', default: [32, 64], min: 1, doc: 'Filters of each 3×3 convolution, in order (Keras\'s MNIST convnet: 32,64).' },
  kernel_size: { type: 'int', default: 3, min: 1, max: 15, doc: 'Side of the square convolution kernels.' },
  pool_size: { type: 'int', default: 2, min: 1, max: 8, doc: 'Max pooling after the convolutions (1 = none).' },
  conv_dropout: { type: 'float', default: 0.25, min: 0, max: 1, exclusiveMax: true, doc: 'Dropout after the pooling.' },
  dense_units: { type: 'int_list', default: [128], min: 1, doc: 'Units of the dense layers after flattening.' },
  dropout: { type: 'float', default: 0.5, min: 0, max: 1, exclusiveMax: true, doc: 'Dropout after each dense layer.' },
  activation: { type: 'enum', default: 'relu', values: HIDDEN_ACTIVATIONS, doc: 'Activation of the convolutions and dense layers.' },
  image_width: { type: 'int', default: null, min: 1, max: 4096, nullable: true, doc: 'Image width in pixels; None = square (784 columns → 28×28, 64 → 8×8).' },
  image_height: { type: 'int', default: null, min: 1, max: 4096, nullable: true, doc: 'Image height in pixels; None = square.' },
  ...training(10, 64),
};

/** The free layer list the network builder may send instead of the layer parameters. */
export interface NetworkLayout {
  layers: NnLayerSpec[];
  image?: { width: number; height: number };
}

/** A network's spec before training: the scaling still to be decided from the data when 'auto'/'divide'. */
export interface NetworkPlan {
  spec: NnSpec;
  scaling: Exclude<NnScalingParam, 'auto'>;
  options: Partial<NnTrainOptions>;
}

function num(p: Params, k: string): number {
  const v = p[k];
  if (typeof v !== 'number') throw new LatheError('INVALID_PARAM', `The '${k}' parameter must be a number. Got ${JSON.stringify(v)} instead.`, { param: k });
  return v;
}

function list(p: Params, k: string): number[] {
  const v = p[k];
  return Array.isArray(v) ? v : [];
}

/**
 * The padding the CNN uses: 'valid' (as Keras's MNIST convnet) when every
 * layer fits the image, else 'same' so small images (8×8 and below) still work.
 */
export function cnnPadding(filters: number, kernel: number, image: NnImageShape | undefined): 'valid' | 'same' {
  if (!image) return 'valid';
  const side = Math.min(image.width, image.height);
  return side - filters * (kernel - 1) >= 2 ? 'valid' : 'same';
}

/**
 * Turn validated parameters (validateAlgoParams fills the defaults) into a
 * network plan. `layout` replaces the hidden layers. `cols` is the number of
 * input columns when known (to place the CNN's image).
 */
export function networkPlan(algo: NetworkAlgo, task: NnTask, params: Params, layout?: NetworkLayout, cols?: number): NetworkPlan {
  const act = params.activation as NnActivation;
  let layers: NnLayerSpec[];
  let image: NnImageShape | undefined;
  if (algo === 'cnn') {
    const w = params.image_width;
    const h = params.image_height;
    if ((w === null) !== (h === null)) {
      throw new LatheError('INVALID_PARAM', 'Give both image_width and image_height, or neither (square images).', { param: w === null ? 'image_width' : 'image_height' });
    }
    if (typeof w === 'number' && typeof h === 'number') image = { width: w, height: h, channels: 1 };
    else if (cols !== undefined) {
      const side = Math.round(Math.sqrt(cols));
      if (side * side === cols) image = { width: side, height: side, channels: 1 };
    }
  }
  if (layout?.image) image = { width: layout.image.width, height: layout.image.height, channels: 1 };
  if (layout) {
    layers = layout.layers.map((l) => ({ ...l }));
  } else if (algo === 'mlp') {
    const dropout = num(params, 'dropout');
    layers = list(params, 'hidden_layer_sizes').map((units) => ({ type: 'dense', units, activation: act, ...(dropout > 0 ? { dropout } : {}) }));
  } else {
    const filters = list(params, 'filters');
    const kernel = num(params, 'kernel_size');
    const pool = num(params, 'pool_size');
    const padding = cnnPadding(filters.length, kernel, image);
    layers = filters.map((f) => ({ type: 'conv2d', filters: f, kernel, padding, activation: act }));
    if (pool > 1) layers.push({ type: 'maxPooling2d', pool });
    const convDrop = num(params, 'conv_dropout');
    if (convDrop > 0) layers.push({ type: 'dropout', rate: convDrop });
    layers.push({ type: 'flatten' });
    const dropout = num(params, 'dropout');
    for (const units of list(params, 'dense_units')) layers.push({ type: 'dense', units, activation: act, ...(dropout > 0 ? { dropout } : {}) });
  }
  const scalingParam = params.scaling as NnScalingParam;
  const scaling = scalingParam === 'auto' ? (algo === 'cnn' ? 'divide' : 'standardize') : scalingParam;
  const spec: NnSpec = { task, layers, scaling: { kind: 'none' }, ...(image ? { image } : {}) };
  const options: Partial<NnTrainOptions> = {
    optimizer: params.optimizer as NnTrainOptions['optimizer'],
    learningRate: params.learning_rate as number | null,
    momentum: num(params, 'momentum'),
    batchSize: num(params, 'batch_size'),
    epochs: num(params, 'epochs'),
    validationSplit: num(params, 'validation_split'),
    patience: params.patience as number | null,
    seed: num(params, 'random_state'),
    backend: params.backend as NnTrainOptions['backend'],
  };
  return { spec, scaling, options };
}

/** The divisor 'divide' scaling uses: 16 for 0–16 data (8×8 digits), 255 for bytes, else the largest value. */
export function pixelDivisor(max: number): number {
  if (!(max > 0)) return 1;
  if (max <= 1) return 1;
  if (max <= 16) return 16;
  if (max <= 255) return 255;
  return max;
}
