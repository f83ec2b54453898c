import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src-main/engine/nn/backend.ts';

type Case = { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'valid' | 'same' };

// The CPU backend's kernel is the reference for the one Lathe adds to wasm.
test('wasm Conv2DBackpropFilter matches the CPU kernel (valid/same padding, strides 1 and 2)', async () => {
  const cases: Case[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
    { x: [2, 9, 7, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], f: [2, 2, 2, 3], s: [2, 1], pad: 'valid' },
    { x: [3, 5, 5, 1], f: [5, 5, 1, 2], s: 1, pad: 'same' },
  ];
  for (const c of cases) {
    await initBackend('cpu');
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
    const xv = tf.randomNormal(c.x, 0, 1, 'float32', 1).dataSync().slice();
    const dyv = tf.randomNormal([c.x[0], info.outHeight, info.outWidth, c.f[3]], 0, 1, 'float32', 2).dataSync().slice();
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f };
    const run = (): Float32Array =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, c.x);
        const dy = tf.tensor4d(dyv, [c.x[0], info.outHeight, info.outWidth, c.f[3]]);
        return (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor).dataSync() as Float32Array;
      });
    const ref = run();
    assert.equal((await initBackend('wasm')).used, 'wasm');
    const before = tf.memory().numTensors;
    const got = run();
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    assert.equal(got.length, ref.length);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i]! - ref[i]!) < 1e-4, `${JSON.stringify(c)} [${i}]: ${got[i]} vs ${ref[i]}`);
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
