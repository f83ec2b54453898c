import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src-main/engine/nn/backend.ts';

type Case = { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'valid' | 'same' };

// The CPU backend's kernels are the reference for the ones Lathe puts on wasm.
test('wasm Conv2DBackpropFilter and Conv2DBackpropInput match the CPU kernels (valid/same padding, strides 1 and 2)', async () => {
  const cases: Case[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
    { x: [2, 9, 7, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], f: [2, 2, 2, 3], s: [2, 1], pad: 'valid' },
    { x: [3, 5, 5, 1], f: [5, 5, 1, 2], s: 1, pad: 'same' },
    { x: [2, 7, 6, 4], f: [3, 2, 4, 3], s: 1, pad: 'same' },
  ];
  for (const c of cases) {
    await initBackend('cpu');
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
    const dyShape: [number, number, number, number] = [c.x[0], info.outHeight, info.outWidth, c.f[3]];
    const xv = tf.randomNormal(c.x, 0, 1, 'float32', 1).dataSync().slice();
    const wv = tf.randomNormal(c.f, 0, 1, 'float32', 3).dataSync().slice();
    const dyv = tf.randomNormal(dyShape, 0, 1, 'float32', 2).dataSync().slice();
    const run = (): [Float32Array, Float32Array] =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, c.f);
        const dy = tf.tensor4d(dyv, dyShape);
        const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }) as tf.Tensor;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor;
        return [dW.dataSync() as Float32Array, dx.dataSync() as Float32Array];
      });
    const ref = run();
    assert.equal((await initBackend('wasm')).used, 'wasm');
    const before = tf.memory().numTensors;
    const got = run();
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    for (const k of [0, 1]) {
      assert.equal(got[k]!.length, ref[k]!.length);
      for (let i = 0; i < ref[k]!.length; i++) {
        assert.ok(Math.abs(got[k]![i]! - ref[k]![i]!) < 1e-4, `${JSON.stringify(c)} ${k ? 'dx' : 'dW'}[${i}]: ${got[k]![i]} vs ${ref[k]![i]}`);
      }
    }
  }
  await initBackend('auto');
});

test('wasm BatchMatMul with transposed operands matches the CPU backend (rank 2 and 3)', async () => {
  const shapes: [number[], number[], boolean, boolean][] = [
    [[5, 7], [5, 3], true, false],
    [[4, 6], [3, 6], false, true],
    [[6, 4], [3, 6], true, true],
    [[2, 5, 7], [2, 5, 3], true, false],
    [[2, 4, 6], [2, 3, 6], false, true],
    [[3, 4], [4, 2], false, false],
  ];
  for (const [sa, sb, ta, tb] of shapes) {
    const av = tf.randomNormal(sa, 0, 1, 'float32', 4).dataSync().slice();
    const bv = tf.randomNormal(sb, 0, 1, 'float32', 5).dataSync().slice();
    const run = (): Float32Array => tf.tidy(() => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), ta, tb).dataSync() as Float32Array);
    await initBackend('cpu');
    const ref = run();
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const got = run();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(got.length, ref.length);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i]! - ref[i]!) < 1e-4, `${sa} ${sb} ${ta} ${tb} [${i}]`);
  }
  await initBackend('auto');
});

test('a conv layer trains on wasm (its weight gradient flows)', async () => {
  await initBackend('wasm');
  const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'linear' }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
  m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const k0 = m.layers[0]!.getWeights()[0]!.dataSync().slice();
  const x = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 3);
  const y = tf.ones([4, 1]);
  await m.trainOnBatch(x, y);
  const k1 = m.layers[0]!.getWeights()[0]!.dataSync();
  assert.ok(k1.some((v, i) => v !== k0[i]));
  tf.dispose([x, y]);
  m.dispose();
});
