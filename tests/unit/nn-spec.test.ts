import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { NN_PRESETS, NN_PRESET_NAMES, imageShapeFor, presetSpec, resolveTrainOptions, validateSpec } from '../../src-shared/ml/nn.ts';
import type { NnSpec } from '../../src-shared/ml/nn.ts';

const invalid = (param: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof LatheError && e.code === 'INVALID_PARAM' && e.details.param === param && (!pattern || pattern.test(e.message));

test('every preset is a valid spec, and presetSpec hands out copies', () => {
  for (const name of NN_PRESET_NAMES) {
    validateSpec(NN_PRESETS[name].spec);
    resolveTrainOptions(NN_PRESETS[name].options);
  }
  const a = presetSpec('mlp-mnist');
  a.layers.push({ type: 'dense', units: 3 });
  assert.equal(NN_PRESETS['mlp-mnist'].spec.layers.length, 2);
  assert.equal(presetSpec('mlp-digits', 'regression').task, 'regression');
  assert.throws(() => presetSpec('nope' as never), invalid('preset', /mlp-mnist/));
});

test('the CNN preset is Conv 32 → Conv 64 → MaxPool → Dropout .25 → Dense 128 → Dropout .5 (3×3, relu)', () => {
  const l = NN_PRESETS['cnn-mnist'].spec.layers;
  assert.deepEqual(
    l.map((x) => x.type),
    ['conv2d', 'conv2d', 'maxPooling2d', 'dropout', 'flatten', 'dense'],
  );
  assert.deepEqual(l[0], { type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' });
  assert.deepEqual(l[1], { type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' });
  assert.deepEqual(l[3], { type: 'dropout', rate: 0.25 });
  assert.deepEqual(l[5], { type: 'dense', units: 128, activation: 'relu', dropout: 0.5 });
});

test('training options: defaults filled, bad values named with scikit-learn wording', () => {
  const o = resolveTrainOptions({});
  assert.equal(o.optimizer, 'adam');
  assert.equal(o.learningRate, null);
  assert.equal(o.patience, null);
  assert.equal(o.backend, 'auto');
  assert.throws(
    () => resolveTrainOptions({ batchSize: 0 }),
    (e: unknown) => e instanceof LatheError && e.code === 'INVALID_PARAM' && e.message === "The 'batchSize' parameter of NeuralNetwork must be an int in the range [1, 65536]. Got 0 instead.",
  );
  assert.throws(() => resolveTrainOptions({ optimizer: 'adagrad' as never }), invalid('optimizer', /'adam', 'sgd', 'rmsprop'/));
  assert.throws(() => resolveTrainOptions({ learningRate: -1 }), invalid('learningRate'));
  assert.throws(() => resolveTrainOptions({ validationSplit: 1 }), invalid('validationSplit'));
  assert.throws(() => resolveTrainOptions({ backend: 'cuda' as never }), invalid('backend'));
  assert.throws(() => resolveTrainOptions({ epochs: 2.5 }), invalid('epochs'));
  assert.throws(() => resolveTrainOptions({ lr: 0.1 } as never), invalid('lr', /has no parameter 'lr'/));
});

test('spec validation names the layer and field', () => {
  const base = (): NnSpec => ({ task: 'classification', layers: [], scaling: { kind: 'none' } });
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'dense', units: 0 }] }), invalid('layers[0].units'));
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'dense', units: 4, activation: 'gelu' as never }] }), invalid('layers[0].activation'));
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'dense', units: 4, dropout: 1 }] }), invalid('layers[0].dropout'));
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'dense', units: 4 }, { type: 'conv2d', filters: 8 }] }), invalid('layers[1].type', /convolutions must come first/));
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'lstm' } as never] }), invalid('layers[0].type'));
  assert.throws(() => validateSpec({ ...base(), layers: [{ type: 'conv2d', filters: 8, padding: 'full' as never }] }), invalid('layers[0].padding'));
  assert.throws(() => validateSpec({ ...base(), scaling: { kind: 'divide', by: 0 } }), invalid('scaling.by'));
  assert.throws(() => validateSpec({ ...base(), scaling: { kind: 'log' } as never }), invalid('scaling.kind'));
  assert.throws(() => validateSpec({ ...base(), task: 'clustering' as never }), invalid('task'));
  assert.throws(() => validateSpec({ ...base(), image: { width: 8, height: 8, channels: 3 as never } }), invalid('image.channels'));
});

test('image shape: 784 → 28×28, 64 → 8×8, a given shape must match the column count', () => {
  assert.deepEqual(imageShapeFor(784), { width: 28, height: 28, channels: 1 });
  assert.deepEqual(imageShapeFor(64), { width: 8, height: 8, channels: 1 });
  assert.equal(imageShapeFor(50), null);
  assert.deepEqual(imageShapeFor(50, { width: 10, height: 5, channels: 1 }), { width: 10, height: 5, channels: 1 });
  assert.equal(imageShapeFor(64, { width: 10, height: 5, channels: 1 }), null);
});
