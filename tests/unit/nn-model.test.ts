/**
 * The network engine in this thread (on the backend `auto` picks here: wasm):
 * builder and summary, seeds, save/restore, the TF.js layers export, tensor
 * hygiene, the regression head, and the errors for bad inputs.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { presetSpec } from '../../src-shared/ml/nn.ts';
import type { NnSpec } from '../../src-shared/ml/nn.ts';
import { initBackend, tf } from '../../src-main/engine/nn/backend.ts';
import { fitNetwork, isOutOfMemory, outOfMemoryError } from '../../src-main/engine/nn/fit.ts';
import { buildModel, predictNetwork, restoreNetwork, summarize } from '../../src-main/engine/nn/model.ts';
import { exportTfjsLayers, loadTfjsLayers } from '../../src-main/engine/nn/export.ts';
import { applyScaling } from '../../src-main/engine/nn/scaling.ts';
import type { NnMatrix } from '../../src-main/engine/nn/scaling.ts';
import { loadXY } from '../helpers/data.ts';
import { Random } from '../../src-main/engine/ml/random.ts';

const digits = loadXY('digits.csv', 'target');
/** The first `n` rows of the digits sample (rows are in mixed class order). */
function head(n: number): { X: NnMatrix; y: Int32Array } {
  return { X: { data: digits.X.data.slice(0, n * 64), rows: n, cols: 64 }, y: digits.y.slice(0, n) };
}
const code = (c: string, pattern?: RegExp) => (e: unknown) => e instanceof LatheError && e.code === c && (!pattern || pattern.test(e.message));

before(async () => {
  await initBackend('auto');
});

test('auto picks wasm here and says why each better backend was not used', async () => {
  const r = await initBackend('auto');
  assert.equal(r.used, 'wasm');
  assert.match(r.detail, /SIMD/);
  assert.deepEqual(
    r.notUsed.map((n) => n.backend),
    ['tensorflow-gpu', 'tensorflow', 'webgpu'],
  );
  assert.match(r.notUsed[0]!.reason, /@tensorflow\/tfjs-node-gpu is not installed: install it with `npm install @tensorflow\/tfjs-node-gpu` on a machine with CUDA/);
  assert.match(r.notUsed[2]!.reason, /webgpu/);
  await assert.rejects(initBackend('tensorflow'), code('INVALID_PARAM', /'tensorflow' backend cannot be used here.*tfjs-node-gpu is not installed/));
  await assert.rejects(initBackend('webgpu'), code('INVALID_PARAM', /webgpu/));
  await assert.rejects(initBackend('metal' as never), code('INVALID_PARAM'));
  assert.equal((await initBackend('cpu')).used, 'cpu');
  assert.equal((await initBackend('auto')).used, 'wasm');
});

test('presets build with the expected layers and parameter counts', () => {
  const mlp = buildModel({ ...presetSpec('mlp-mnist'), inputs: 784, outputs: 10 });
  const s = summarize(mlp);
  assert.equal(s.totalParams, 784 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10); // 118,282
  assert.deepEqual(
    s.layers.map((l) => [l.type, l.outputShape, l.params]),
    [
      ['Dense', [null, 128], 100480],
      ['Dense', [null, 128], 16512],
      ['Dense', [null, 10], 1290],
    ],
  );
  mlp.dispose();
  const cnn = buildModel({ ...presetSpec('cnn-mnist'), inputs: 784, outputs: 10 });
  const c = summarize(cnn);
  assert.deepEqual(
    c.layers.map((l) => [l.type, l.outputShape]),
    [
      ['Reshape', [null, 28, 28, 1]],
      ['Conv2D', [null, 26, 26, 32]],
      ['Conv2D', [null, 24, 24, 64]],
      ['MaxPooling2D', [null, 12, 12, 64]],
      ['Dropout', [null, 12, 12, 64]],
      ['Flatten', [null, 9216]],
      ['Dense', [null, 128]],
      ['Dropout', [null, 128]],
      ['Dense', [null, 10]],
    ],
  );
  assert.equal(c.totalParams, 1_199_882); // Keras's MNIST convnet
  assert.equal(c.trainableParams, c.totalParams);
  cnn.dispose();
});

test('conv layers need image-shaped data and room for their kernels', () => {
  const conv: NnSpec = { task: 'classification', layers: [{ type: 'conv2d', filters: 4 }], scaling: { kind: 'none' }, inputs: 50, outputs: 2 };
  assert.throws(() => buildModel(conv), code('INVALID_PARAM', /50 feature columns.*width × height = 50/));
  const m = buildModel({ ...conv, image: { width: 10, height: 5, channels: 1 } });
  assert.deepEqual(summarize(m).layers[1]!.outputShape, [null, 3, 8, 4]);
  m.dispose();
  const tooSmall: NnSpec = { ...conv, inputs: 64, layers: [{ type: 'conv2d', filters: 4, kernel: 5 }, { type: 'conv2d', filters: 4, kernel: 5 }] };
  assert.throws(() => buildModel(tooSmall), code('INVALID_PARAM', /Layer 1 \(conv2d, 5×5\) gets a 4×4 image/));
});

test('the same seed gives the same model; another seed another one', async () => {
  const data = head(300);
  const spec: NnSpec = { task: 'classification', layers: [{ type: 'dense', units: 16, dropout: 0.2 }], scaling: { kind: 'divide', by: 16 } };
  const opts = { epochs: 2, batchSize: 32, seed: 7, validationSplit: 0.2 };
  const a = await fitNetwork(spec, data, opts);
  const b = await fitNetwork(spec, data, opts);
  const c = await fitNetwork(spec, data, { ...opts, seed: 8 });
  assert.deepEqual(a.weights, b.weights);
  assert.deepEqual(a.history.epochs.map((e) => e.loss), b.history.epochs.map((e) => e.loss));
  assert.notDeepEqual(a.weights[0]!.data, c.weights[0]!.data);
});

test('save → restore gives identical predictions, and the TF.js layers export reloads identically', async () => {
  const data = head(400);
  const test_ = { X: { data: digits.X.data.slice(400 * 64, 600 * 64), rows: 200, cols: 64 }, y: digits.y.slice(400, 600) };
  const spec = presetSpec('cnn-digits');
  spec.layers = [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'maxPooling2d', pool: 2 }, { type: 'flatten' }, { type: 'dense', units: 16, dropout: 0.1 }];
  const r = await fitNetwork(spec, { ...data, test: test_ }, { epochs: 2, batchSize: 32, seed: 3 });
  assert.equal(r.evaluation!.rows, 200);
  // The weights are plain Float32Arrays that survive JSON-free transport.
  const copy = r.weights.map((w) => ({ name: w.name, shape: [...w.shape], data: new Float32Array(w.data) }));
  const model = restoreNetwork(JSON.parse(JSON.stringify(r.spec)) as NnSpec, copy);
  const p = predictNetwork(model, r.spec, test_.X);
  assert.deepEqual(p.probabilities, r.evaluation!.probabilities);
  assert.deepEqual(p.predictions, r.evaluation!.predictions);

  const exp = await exportTfjsLayers(model, r.spec);
  assert.equal(exp.modelJson.format, 'layers-model');
  assert.deepEqual(exp.modelJson.weightsManifest[0]!.paths, ['weights.bin']);
  assert.equal(exp.weightsBin.byteLength, r.summary.totalParams * 4);
  assert.deepEqual((exp.modelJson.userDefinedMetadata!.lathe as { scaling: unknown }).scaling, { kind: 'divide', by: 16 });
  // What a file round trip does: JSON text and raw bytes.
  const reloaded = await loadTfjsLayers({ modelJson: JSON.parse(JSON.stringify(exp.modelJson)), weightsBin: new Uint8Array(exp.weightsBin) });
  const scaled = applyScaling(r.spec.scaling, test_.X);
  const q = tf.tidy(() => (reloaded.predict(tf.tensor2d(scaled, [200, 64])) as tf.Tensor).dataSync());
  assert.deepEqual(new Float32Array(q), r.evaluation!.probabilities);
  model.dispose();
  reloaded.dispose();

  assert.throws(() => restoreNetwork(r.spec, copy.slice(1)), code('BAD_MODEL_FILE'));
  const bad = copy.map((w, i) => (i === 0 ? { ...w, shape: [1, ...w.shape] } : w));
  assert.throws(() => restoreNetwork(r.spec, bad), code('BAD_MODEL_FILE', /shape/));
});

test('no tensor leak across 100 fits of a tiny net (and a cancelled and a failed one)', async () => {
  const data = head(40);
  const spec: NnSpec = { task: 'classification', layers: [{ type: 'dense', units: 4, dropout: 0.1 }], scaling: { kind: 'standardize' } };
  await fitNetwork(spec, data, { epochs: 1, batchSize: 16, validationSplit: 0.25 }); // warm-up
  const before = tf.memory().numTensors;
  const optimizers = ['adam', 'sgd', 'rmsprop'] as const; // sgd has momentum 0.9 by default
  for (let i = 0; i < 100; i++) await fitNetwork(spec, data, { epochs: 1, batchSize: 16, seed: i, validationSplit: 0.25, patience: 1, optimizer: optimizers[i % 3]! });
  // A fit cancelled mid-way and one that fails mid-way free their tensors too.
  const ac = new AbortController();
  await assert.rejects(fitNetwork(spec, data, { epochs: 5, batchSize: 8 }, { signal: ac.signal, progressEveryMs: 0, onProgress: () => ac.abort() }), code('CANCELLED'));
  const huge = { X: { ...data.X, data: Float64Array.from(data.X.data, (v) => v * 1e4) }, y: Float64Array.from(data.y) };
  await assert.rejects(
    fitNetwork({ task: 'regression', layers: [{ type: 'dense', units: 8 }], scaling: { kind: 'none' } }, huge, { optimizer: 'sgd', learningRate: 10, epochs: 20 }),
    code('NOT_CONVERGED'),
  );
  assert.equal(tf.memory().numTensors, before);
});

test('cancelling in-thread stops between batches with CANCELLED', async () => {
  const data = head(600);
  const ac = new AbortController();
  let batches = 0;
  const t0 = performance.now();
  await assert.rejects(
    fitNetwork(presetSpec('mlp-digits'), data, { epochs: 50, batchSize: 8 }, {
      signal: ac.signal,
      progressEveryMs: 0,
      onProgress: (p) => {
        if (p.kind === 'batch' && ++batches === 3) ac.abort();
      },
    }),
    code('CANCELLED'),
  );
  assert.equal(batches, 3);
  assert.ok(performance.now() - t0 < 10_000);
});

test('regression head: linear output, target scaled and mapped back, R² on held-out rows', async () => {
  const rng = new Random(5);
  const n = 400;
  const X = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(50, 10);
    const b = rng.normal(-3, 2);
    const c = rng.normal(0, 1);
    X.set([a, b, c], i * 3);
    y[i] = 200 + 3 * a - 20 * b + rng.normal(0, 2);
  }
  const train = { X: { data: X.slice(0, 300 * 3), rows: 300, cols: 3 }, y: y.slice(0, 300) };
  const held = { X: { data: X.slice(300 * 3), rows: 100, cols: 3 }, y: y.slice(300) };
  const r = await fitNetwork(presetSpec('mlp-regression'), { ...train, test: held }, { epochs: 40, batchSize: 32, learningRate: 0.01 });
  assert.equal(r.summary.layers.at(-1)!.outputShape.at(-1), 1);
  assert.ok(r.spec.target && Math.abs(r.spec.target.mean - 410) < 20, `target mean ${r.spec.target?.mean}`);
  assert.equal(r.spec.scaling.kind, 'standardize');
  assert.equal((r.spec.scaling as { mean: number[] }).mean.length, 3);
  assert.ok(r.evaluation!.metrics!.r2! > 0.95, `R² ${r.evaluation!.metrics!.r2}`);
  assert.ok(r.evaluation!.predictions instanceof Float64Array);
  assert.equal(r.evaluation!.probabilities, undefined);
});

test('early stopping restores the best epoch', async () => {
  const data = head(200);
  // A big learning rate overfits the tiny set fast, so the validation loss turns up.
  const r = await fitNetwork(
    { task: 'classification', layers: [{ type: 'dense', units: 64 }], scaling: { kind: 'divide', by: 16 } },
    data,
    { epochs: 60, batchSize: 16, learningRate: 0.05, validationSplit: 0.3, patience: 3, seed: 1 },
  );
  const h = r.history;
  assert.equal(h.monitor, 'val_loss');
  assert.ok(h.stoppedEarly, 'stopped early');
  assert.equal(h.epochs.length, h.bestEpoch + 3);
  const best = Math.min(...h.epochs.map((e) => e.valLoss!));
  assert.equal(h.epochs[h.bestEpoch - 1]!.valLoss, best);
});

test('bad data and settings fail with their codes', async () => {
  const spec = presetSpec('mlp-digits');
  const data = head(50);
  const withNaN = new Float64Array(data.X.data);
  withNaN[3 * 64 + 5] = NaN;
  await assert.rejects(fitNetwork(spec, { X: { ...data.X, data: withNaN }, y: data.y }), (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA' && e.details.line === 4 && e.details.column === 6);
  await assert.rejects(fitNetwork(spec, { X: data.X, y: data.y.slice(1) }), code('BAD_DATA', /50 training rows but 49/));
  await assert.rejects(fitNetwork(spec, { X: { ...data.X, rows: 51 }, y: data.y }), code('BAD_DATA'));
  await assert.rejects(fitNetwork(spec, { X: data.X, y: Int32Array.from(data.y, (v) => (v === 3 ? -1 : v)) }), code('BAD_DATA', /class codes/));
  await assert.rejects(fitNetwork(spec, { X: data.X, y: new Int32Array(50) }), code('BAD_DATA', /at least two classes/));
  await assert.rejects(fitNetwork({ ...spec, task: 'regression' }, { X: data.X, y: Float64Array.from(data.y, (v, i) => (i === 7 ? NaN : v)) }), code('BAD_DATA'));
  await assert.rejects(fitNetwork(spec, data, { batchSize: -1 }), code('INVALID_PARAM', /'batchSize'/));
  await assert.rejects(fitNetwork(spec, data, { backend: 'tensorflow' }), code('INVALID_PARAM', /tfjs-node-gpu/));
  await assert.rejects(fitNetwork({ ...spec, layers: [{ type: 'dense', units: 0 }] }, data), code('INVALID_PARAM', /layers\[0\]\.units/));
  // Unscaled inputs in the thousands with a huge step diverge: NOT_CONVERGED, with advice.
  const big = { X: { ...data.X, data: Float64Array.from(data.X.data, (v) => v * 1e4) }, y: data.y };
  await assert.rejects(
    fitNetwork({ task: 'regression', layers: [{ type: 'dense', units: 32 }], scaling: { kind: 'none' } }, { ...big, y: Float64Array.from(big.y) }, { optimizer: 'sgd', learningRate: 10, epochs: 20 }),
    code('NOT_CONVERGED', /Lower the learning rate/),
  );
  const model = buildModel({ ...spec, inputs: 64, outputs: 10 });
  assert.throws(() => predictNetwork(model, { ...spec, inputs: 64, outputs: 10 }, { data: new Float64Array(10), rows: 1, cols: 10 }), code('FEATURES_MISSING'));
  model.dispose();
});

test('allocation failures become OUT_OF_MEMORY with advice', () => {
  assert.ok(isOutOfMemory(new RangeError('Array buffer allocation failed')));
  assert.ok(isOutOfMemory(new Error('Aborted(Cannot enlarge memory arrays to size 2147549184 bytes (OOM).')));
  assert.ok(isOutOfMemory({ code: 'ERR_WORKER_OUT_OF_MEMORY', message: 'Worker terminated due to reaching memory limit' }));
  assert.ok(!isOutOfMemory(new Error('shapes do not match')));
  const e = outOfMemoryError(new RangeError('Array buffer allocation failed'), { batchSize: 4096, params: 1_199_882 });
  assert.equal(e.code, 'OUT_OF_MEMORY');
  assert.match(e.message, /smaller batch size \(now 4096\).*smaller network \(now 1,199,882 parameters\)/);
});
