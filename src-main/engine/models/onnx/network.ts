/**
 * ONNX writer for the neural networks (src-shared/ml/nn.ts specs, weights as
 * TensorFlow.js keeps them): the input scaling in double then float32 (as
 * nn/scaling.ts), dense layers as MatMul + Add, conv2d / max pooling in
 * NCHW (TF.js works in NHWC: the image is transposed in, and back before
 * flattening so dense weights line up), activations as their ONNX ops,
 * dropout left out (it is the identity at inference). Float32 throughout,
 * as the network computes in TF.js.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { imageShapeFor, type NnActivation, type NnSpec, type NnWeight } from '../../../../src-shared/ml/nn.ts';
import { A, type GraphBuilder } from './graph.ts';
import { argmax, type Head } from './linear.ts';
import { DT } from './proto.ts';

function activation(g: GraphBuilder, x: string, a: NnActivation | undefined, fallback: NnActivation): string {
  switch (a ?? fallback) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'elu':
      return g.op('Elu', [x], { alpha: A.f(1) });
    case 'selu':
      return g.op('Selu', [x], { alpha: A.f(1.6732632423543772), gamma: A.f(1.0507009873554805) });
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'softplus':
      return g.op('Softplus', [x]);
    case 'softmax':
      return g.op('Softmax', [x], { axis: A.i(-1) });
    case 'linear':
      return x;
  }
}

export function networkOps(g: GraphBuilder, x: string, cols: number, spec: NnSpec, weights: readonly NnWeight[]): Head {
  if (spec.inputs !== undefined && spec.inputs !== cols) {
    throw new LatheError('BAD_MODEL_FILE', `The network takes ${spec.inputs} inputs but its pipeline gives ${cols}.`);
  }
  let wi = 0;
  const next = (what: string): NnWeight => {
    const w = weights[wi++];
    if (!w) throw new LatheError('BAD_MODEL_FILE', `The network lacks the weights of ${what}.`);
    return w;
  };
  // Scaling (double, as applyScaling), then float32.
  let cur = x;
  const sc = spec.scaling;
  if (sc.kind === 'standardize') {
    if (!sc.mean || !sc.std) throw new LatheError('BAD_MODEL_FILE', 'The network standardises its inputs but has no fitted mean/std.');
    cur = g.op('Mul', [g.op('Sub', [cur, g.const('double', [cols], sc.mean, 'nn_mean')]), g.const('double', [cols], sc.std.map((s) => 1 / s), 'nn_inv_std')]);
  } else if (sc.kind === 'divide') {
    cur = g.op('Mul', [cur, g.scalar('double', 1 / sc.by)]);
  }
  cur = g.op('Cast', [cur], { to: A.i(DT.FLOAT) });

  const needsImage = spec.layers.some((l) => l.type === 'conv2d' || l.type === 'maxPooling2d');
  let spatial = false;
  let shape: [number, number, number] = [0, 0, 0]; // C, H, W while spatial
  if (needsImage) {
    const img = imageShapeFor(cols, spec.image);
    if (!img) throw new LatheError('BAD_MODEL_FILE', `The network has convolution layers but ${cols} inputs are not an image.`);
    cur = g.op('Transpose', [g.op('Reshape', [cur, g.int64s([-1, img.height, img.width, img.channels])])], { perm: A.ints([0, 3, 1, 2]) });
    shape = [img.channels, img.height, img.width];
    spatial = true;
  }
  const flatten = (): void => {
    if (!spatial) return;
    cur = g.op('Flatten', [g.op('Transpose', [cur], { perm: A.ints([0, 2, 3, 1]) })], { axis: A.i(1) });
    spatial = false;
  };
  const dense = (units: number, act: NnActivation | undefined, fallback: NnActivation, what: string): void => {
    flatten();
    const k = next(`${what} (kernel)`);
    const b = next(`${what} (bias)`);
    if (k.shape.length !== 2 || k.shape[1] !== units) throw new LatheError('BAD_MODEL_FILE', `The ${what} kernel has shape [${k.shape.join(', ')}], not [inputs, ${units}].`);
    const y = g.op('Add', [g.op('MatMul', [cur, g.const('float', k.shape, k.data, 'kernel')]), g.const('float', [units], b.data, 'bias')]);
    cur = activation(g, y, act, fallback);
  };
  spec.layers.forEach((l, i) => {
    switch (l.type) {
      case 'dense':
        dense(l.units, l.activation, 'relu', `layer ${i} (dense)`);
        break;
      case 'conv2d': {
        const k = next(`layer ${i} (conv2d kernel)`);
        const b = next(`layer ${i} (conv2d bias)`);
        const [kh, kw, cin, cout] = k.shape as [number, number, number, number];
        // TF.js [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw]
        const w = new Float32Array(k.data.length);
        for (let a = 0; a < kh; a++)
          for (let c = 0; c < kw; c++)
            for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) w[((co * cin + ci) * kh + a) * kw + c] = k.data[((a * kw + c) * cin + ci) * cout + co]!;
        const stride = l.stride ?? 1;
        const same = l.padding === 'same';
        const y = g.op('Conv', [cur, g.const('float', [cout, cin, kh, kw], w, 'conv_w'), g.const('float', [cout], b.data, 'conv_b')], {
          kernel_shape: A.ints([kh, kw]),
          strides: A.ints([stride, stride]),
          ...(same ? { auto_pad: A.s('SAME_UPPER') } : { pads: A.ints([0, 0, 0, 0]) }),
        });
        cur = activation(g, y, l.activation, 'relu');
        shape = [cout, same ? Math.ceil(shape[1] / stride) : Math.floor((shape[1] - kh) / stride) + 1, same ? Math.ceil(shape[2] / stride) : Math.floor((shape[2] - kw) / stride) + 1];
        break;
      }
      case 'maxPooling2d': {
        const pool = l.pool ?? 2;
        const stride = l.stride ?? pool;
        cur = g.op('MaxPool', [cur], { kernel_shape: A.ints([pool, pool]), strides: A.ints([stride, stride]) });
        shape = [shape[0], Math.floor((shape[1] - pool) / stride) + 1, Math.floor((shape[2] - pool) / stride) + 1];
        break;
      }
      case 'flatten':
        flatten();
        break;
      case 'dropout':
        break;
    }
  });
  const classification = spec.task === 'classification';
  dense(classification ? (spec.outputs ?? 1) : 1, classification ? 'softmax' : 'linear', 'linear', 'the output layer');
  if (wi !== weights.length) throw new LatheError('BAD_MODEL_FILE', `The network has ${weights.length} weight arrays but its layers use ${wi}.`);
  if (classification) return { kind: 'classifier', label: argmax(g, cur), proba: cur };
  const { mean, std } = spec.target ?? { mean: 0, std: 1 };
  const value = g.op('Add', [g.op('Mul', [g.op('Cast', [cur], { to: A.i(DT.DOUBLE) }), g.scalar('double', std)]), g.scalar('double', mean)]);
  return { kind: 'regressor', value };
}
