/**
 * Convolution gradients for the TensorFlow.js WASM backend (4.22).
 *
 * It has no Conv2DBackpropFilter at all, so a convolution's weight gradient
 * fails with "Kernel 'Conv2DBackpropFilter' not registered for backend
 * 'wasm'"; and its Conv2DBackpropInput is a plain loop, ~7× slower than its
 * XNNPACK forward convolution. Both gradients are convolutions themselves,
 * so they are written here as forward conv2d calls (measured on the MNIST
 * CNN's second layer, batch 32: filter gradient 1663 ms as per-tap matmuls →
 * 247 ms, input gradient 818 ms → 121 ms):
 *  - dW[kh,kw,ci,co] = Σ x[b, i·s+kh, j·s+kw, ci] · dy[b,i,j,co]: a conv of x
 *    with channels and batch swapped ([ci, H, W, b]) by dy as the filter
 *    ([oh, ow, b, co]), dilated by the stride.
 *  - dx (stride 1) = the "full" conv of dy by the kernel flipped in space with
 *    in/out channels swapped; other strides keep the backend's own kernel.
 * And its BatchMatMul is slow when asked to transpose an operand (which every
 * dense layer's gradient does): x^T·dy for a 128 × 9216 batch took 1217 ms,
 * an explicit transpose then the plain product 50 ms; dy·W^T 365 → 98 ms.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs';

export function conv2dBackpropFilterByConv(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Conv2DBackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  return tf.tidy(() => {
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const xs = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, H, W, b]
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, b, co]
    let w = tf.conv2d(xs, f, 1, 'valid', 'NHWC', [sh, sw]); // [ci, ≥kh, ≥kw, co]
    if (w.shape[1] !== kh || w.shape[2] !== kw) w = tf.slice(w, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(w, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** dx by a forward convolution, for stride 1; null when the case needs the backend's own kernel. */
export function conv2dBackpropInputByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: Conv2DBackpropInputAttrs): tf.Tensor4D | null {
  if (attrs.dataFormat === 'NCHW') return null;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const pads = [kh - 1 - info.padInfo.top, kh - 1 - info.padInfo.bottom, kw - 1 - info.padInfo.left, kw - 1 - info.padInfo.right];
  if (pads.some((p) => p < 0)) return null;
  const [pt, pb, pl, pr] = pads as [number, number, number, number];
  return tf.tidy(() => {
    const dyp = pt || pb || pl || pr ? tf.pad(dy, [[0, 0], [pt, pb], [pl, pr], [0, 0]]) : dy;
    const w = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, co, ci]
    return tf.conv2d(dyp as tf.Tensor4D, w, 1, 'valid');
  });
}

type KernelArgs = { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown };

// The engine hands kernels the op's own tensors; ops run inside a kernel are not taped.
const filterKernel: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }: KernelArgs): TensorInfo =>
    conv2dBackpropFilterByConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as unknown as Conv2DBackpropFilterAttrs),
};

function inputKernel(builtin: KernelConfig | undefined): KernelConfig {
  const builtinFunc: KernelFunc | null = builtin?.kernelFunc ?? null;
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The backend's kernel binds its WASM function in setupFunc when the backend starts.
    ...(builtin?.setupFunc ? { setupFunc: builtin.setupFunc } : {}),
    kernelFunc: (args: KernelArgs): TensorInfo | TensorInfo[] => {
      const fast = conv2dBackpropInputByConv(args.inputs.dy as tf.Tensor4D, args.inputs.filter as tf.Tensor4D, args.attrs as unknown as Conv2DBackpropInputAttrs);
      if (fast) return fast;
      if (!builtinFunc) throw new Error('Conv2DBackpropInput (wasm): this stride/padding needs the backend\'s own kernel, which is missing');
      return builtinFunc(args as Parameters<KernelFunc>[0]);
    },
  };
}

/** Swap the last two axes. */
function swapInner(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.transpose(t, perm);
}

function matMulKernel(builtin: KernelConfig): KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    ...(builtin.setupFunc ? { setupFunc: builtin.setupFunc } : {}),
    kernelFunc: (args: KernelArgs): TensorInfo | TensorInfo[] => {
      const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return builtin.kernelFunc(args as Parameters<KernelFunc>[0]);
      // The nested matMul comes back here without transposes and takes the fast path.
      return tf.tidy(() => {
        const a = args.inputs.a as tf.Tensor;
        const b = args.inputs.b as tf.Tensor;
        return tf.matMul(transposeA ? swapInner(a) : a, transposeB ? swapInner(b) : b);
      });
    },
  };
}

let registered = false;

/** Register the gradient kernels once (after the wasm backend is registered, before training). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel(filterKernel);
  const builtin = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (builtin) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(inputKernel(builtin));
  const mm = tf.getKernel('BatchMatMul', 'wasm');
  if (mm) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(matMulKernel(mm));
  }
}
