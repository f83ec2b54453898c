/**
 * The network builder's pure logic: presets as setups, image detection, the
 * layer summary (checked against what TensorFlow.js builds from the same
 * spec), the ml.train request it sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILDER_PRESETS, defaultTarget, featureColumns, imageOf, layerTypes, newLayer, presetFor, presetSetup, summarizeSpec, trainParams, trainRequest } from '../../src-renderer/lib/nn/builder.ts';
import { NN_PRESETS } from '../../src-shared/ml/nn.ts';
import { validateAlgoParams } from '../../src-shared/ml/catalog.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { buildModel, summarize } from '../../src-main/engine/nn/model.ts';
import { initBackend } from '../../src-main/engine/nn/backend.ts';

test('presets become builder setups with the preset options', () => {
  const mlp = presetSetup('mlp-mnist');
  assert.equal(mlp.algo, 'mlp');
  assert.deepEqual(
    mlp.layers.map((l) => (l.type === 'dense' ? l.units : l.type)),
    [128, 128],
  );
  assert.equal(mlp.options.batchSize, NN_PRESETS['mlp-mnist'].options.batchSize);
  assert.equal(mlp.options.epochs, NN_PRESETS['mlp-mnist'].options.epochs);
  assert.equal(mlp.options.scaling, 'divide');
  const cnn = presetSetup('cnn-mnist');
  assert.equal(cnn.algo, 'cnn');
  assert.deepEqual(
    cnn.layers.map((l) => l.type),
    ['conv2d', 'conv2d', 'maxPooling2d', 'dropout', 'flatten', 'dense'],
  );
  // Editing a setup does not touch the shared preset.
  (mlp.layers[0] as { units: number }).units = 7;
  assert.equal((NN_PRESETS['mlp-mnist'].spec.layers[0] as { units: number }).units, 128);
  assert.equal(presetFor(64, 'mlp'), 'mlp-digits');
  assert.equal(presetFor(784, 'cnn'), 'cnn-mnist');
});

test('image shapes: 784 and 64 pixel columns, or a width × height that fits', () => {
  assert.deepEqual(imageOf(784), { width: 28, height: 28 });
  assert.deepEqual(imageOf(64), { width: 8, height: 8 });
  assert.equal(imageOf(13), null);
  assert.deepEqual(imageOf(12, { width: 4, height: 3 }), { width: 4, height: 3 });
  assert.equal(imageOf(12, { width: 5, height: 3 }), null);
  assert.deepEqual(layerTypes(false), ['dense', 'dropout']);
  assert.ok(layerTypes(true).includes('conv2d'));
  assert.equal(newLayer('conv2d').type, 'conv2d');
});

test('the layer summary equals what TensorFlow.js builds, for every preset on both image sizes', async () => {
  await initBackend('cpu');
  for (const name of BUILDER_PRESETS) {
    for (const side of [28, 8]) {
      const s = presetSetup(name);
      const inputs = side * side;
      const mine = summarizeSpec(inputs, { width: side, height: side }, s.layers, 10);
      assert.equal(mine.error, undefined);
      const model = buildModel({ task: 'classification', layers: s.layers, scaling: { kind: 'none' }, image: { width: side, height: side, channels: 1 }, inputs, outputs: 10 });
      const tf = summarize(model);
      model.dispose();
      assert.deepEqual(
        mine.rows.map((r) => [r.name, r.type, r.outputShape.join('x'), r.params]),
        tf.layers.map((r) => [r.name, r.type, r.outputShape.join('x'), r.params]),
        `${name} on ${side}×${side}`,
      );
      assert.equal(mine.total, tf.totalParams);
    }
  }
  // The seed's MLP: 784-128-128-10.
  assert.equal(summarizeSpec(784, null, presetSetup('mlp-mnist').layers, 10).total, 784 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10);
});

test('the summary says why layers do not fit', () => {
  assert.match(summarizeSpec(13, null, [newLayer('conv2d')], 3).error!, /image-shaped/);
  assert.match(summarizeSpec(64, { width: 8, height: 8 }, [newLayer('dense'), newLayer('conv2d')], 10).error!, /Layer 2 \(conv2d\)/);
  assert.match(summarizeSpec(4, { width: 2, height: 2 }, [newLayer('conv2d')], 2).error!, /too small/);
});

const meta = {
  id: 'd1',
  name: 'digits',
  columns: [
    { name: 'a', role: 'feature' },
    { name: 'b', role: 'ignored' },
    { name: 'label', role: 'feature' },
  ],
} as unknown as DatasetMeta;

test('target and features; the train request carries the catalogue params and the layer list', () => {
  assert.equal(defaultTarget(meta), 'label');
  assert.deepEqual(featureColumns(meta, 'label'), ['a']);
  const s = presetSetup('mlp-digits');
  s.options.epochs = 3;
  const p = trainParams(s);
  assert.deepEqual(p.hidden_layer_sizes, [128, 128]);
  // The params validate against the catalogue as they are.
  assert.equal(validateAlgoParams('mlp', 'classification', p).epochs, 3);
  const r = trainRequest(meta, 'label', s, 0.2, { width: 8, height: 8 }, 'my net');
  assert.deepEqual(r.protocol, { kind: 'holdout', testSize: 0.2, seed: 0 });
  assert.equal(r.network!.layout!.layers.length, 2);
  assert.equal(r.network!.layout!.image, undefined, 'dense-only networks need no image');
  assert.equal(r.name, 'my net');
  const c = trainRequest(meta, 'label', presetSetup('cnn-digits'), 0, { width: 8, height: 8 });
  assert.equal(c.protocol, undefined);
  assert.deepEqual(c.network!.layout!.image, { width: 8, height: 8 });
  assert.equal(validateAlgoParams('cnn', 'classification', c.params).scaling, 'divide');
});
