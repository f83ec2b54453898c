/**
 * Kernels the TensorFlow.js WASM backend (4.22) lacks but training needs.
 * It has no Conv2DBackpropFilter, so a convolution's weight gradient would
 * fail with "Kernel 'Conv2DBackpropFilter' not registered for backend
 * 'wasm'". This one is written with ops the backend does have: for each
 * kernel tap (r, c), the strided window of the padded input at that offset,
 * as an N × inChannels matrix, times dy as an N × outChannels matrix
 * (N = batch × outHeight × outWidth), so the work is kh·kw XNNPACK matmuls.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

export function conv2dBackpropFilterByTaps(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Conv2DBackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const b = x.shape[0];
  return tf.tidy(() => {
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const d = tf.reshape(dy, [b * oh * ow, co]);
    const taps: tf.Tensor2D[] = [];
    for (let r = 0; r < kh; r++) {
      for (let c = 0; c < kw; c++) {
        const win = tf.stridedSlice(xp, [0, r, c, 0], [b, r + (oh - 1) * sh + 1, c + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]);
        taps.push(tf.matMul(tf.reshape(win, [b * oh * ow, ci]), d, true, false));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, ci, co]);
  });
}

const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap }): TensorInfo =>
    // The engine hands kernels the op's own tensors; ops inside a kernel are not taped.
    conv2dBackpropFilterByTaps(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as unknown as Conv2DBackpropFilterAttrs),
};

/** Register the missing kernels once (call after the wasm backend is registered). */
export function registerWasmTrainingKernels(): void {
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel(conv2dBackpropFilterConfig);
}
