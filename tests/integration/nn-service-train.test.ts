/**
 * Networks through the engine's contract on real files: ml.train with algo
 * 'mlp' on digits (accuracy, live epoch progress, the stored model, the
 * backend report), cancel, nn.predictImage on a digit drawn from a dataset
 * row, networks on the comparison board, custom layer lists, bad requests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkTrainPartial } from '../../src-shared/contract/nn.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { rowToRgba } from '../../src-shared/ml/digit-image.ts';
import { getModel } from '../../src-main/engine/store/ml.ts';
import { stateFromString } from '../../src-main/engine/ml/state.ts';
import { DATA, parseCsv, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-nn-service-');
let h: Harness;
let digits: DatasetMeta;
let iris: DatasetMeta;
let wine: DatasetMeta;
let modelId = '';

const rows = parseCsv(readFileSync(join(DATA, 'digits.csv'), 'utf8'));
const header = rows[0]!;
const labelAt = header.indexOf('target');

before(async () => {
  h = await startEngine(tmp.dir);
  digits = (await h.client.call('datasets.importPath', { path: join(DATA, 'digits.csv') })).dataset;
  iris = (await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') })).dataset;
  wine = (await h.client.call('datasets.importPath', { path: join(DATA, 'wine.csv') })).dataset;
});
after(async () => {
  await h.close();
  tmp.remove();
});

test('ml.train with mlp on digits: > 0.9 held-out accuracy, live epoch progress, stored and listed, backend reported', async () => {
  const partials: NetworkTrainPartial[] = [];
  const r = await h.client.call(
    'ml.train',
    {
      datasetId: digits.id,
      target: 'target',
      algo: 'mlp',
      params: { hidden_layer_sizes: [64], epochs: 8, random_state: 1 },
      protocol: { kind: 'holdout', testSize: 0.2, seed: 0 },
    },
    { onProgress: (p) => p.partial && partials.push(p.partial as NetworkTrainPartial) },
  );
  assert.ok(r.metrics.accuracy!.mean > 0.9, `held-out accuracy ${r.metrics.accuracy!.mean}`);
  // The same metrics as the classical board.
  for (const k of ['accuracy', 'balanced_accuracy', 'f1_macro', 'precision_macro', 'recall_macro']) assert.ok(k in r.metrics, `${k} in ${Object.keys(r.metrics).join(', ')}`);
  assert.equal(r.model.algo, 'mlp');
  assert.equal(r.model.backend, 'wasm');
  const net = r.network!;
  assert.equal(net.backend.used, 'wasm');
  assert.deepEqual(
    net.backend.notUsed.map((n) => n.backend),
    ['tensorflow-gpu', 'tensorflow', 'webgpu'],
  );
  for (const n of net.backend.notUsed) assert.ok(n.reason.length > 10, `a reason for ${n.backend}`);
  assert.equal(net.history.epochs.length, 8);
  assert.ok(net.history.epochs.every((e) => e.valLoss !== undefined && e.accuracy !== undefined));
  assert.ok(net.history.epochs[7]!.loss < net.history.epochs[0]!.loss, 'the loss falls');
  assert.equal(net.summary.totalParams, 64 * 64 + 64 + 64 * 10 + 10);
  assert.equal(net.evaluatedOn, 'holdout');
  assert.equal(net.trainRows, 1797 - Math.ceil(1797 * 0.2));
  assert.equal(net.confusion!.flat().reduce((a, b) => a + b, 0), Math.ceil(1797 * 0.2));

  // Live progress: batch and epoch events, each carrying the epochs so far (growing).
  assert.ok(partials.some((p) => p.event.kind === 'epoch'));
  const lengths = partials.map((p) => p.epochs.length);
  assert.ok(lengths.every((n, i) => i === 0 || n >= lengths[i - 1]!), 'epoch history only grows');
  assert.ok(lengths.at(-1)! >= 7, `epochs in the last progress report: ${lengths.join(",")}`);

  const list = await h.client.call('models.list', undefined);
  assert.ok(list.some((m) => m.id === r.model.id && m.backend === 'wasm'));
  // The stored state is the network (spec + float32 weights), as model files expect.
  const stored = getModel(h.engine.store.db, r.model.id);
  const st = stateFromString(stored.estimator).state as { spec: { inputs: number; outputs: number }; weights: { data: unknown }[] };
  assert.equal(st.spec.inputs, 64);
  assert.equal(st.spec.outputs, 10);
  assert.ok(st.weights.every((w) => w.data instanceof Float32Array));
  modelId = r.model.id;
});

test('nn.predictImage: a digit drawn from a dataset row (20× scaled bitmap) gives its label', async () => {
  assert.ok(modelId, 'needs the trained model');
  let right = 0;
  const tried: string[] = [];
  // Rows from the end of the file (mostly held out by the split above).
  for (let i = rows.length - 10; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length < header.length) continue;
    const label = row[labelAt]!;
    const pixels = header.map((_, j) => j).filter((j) => j !== labelAt).map((j) => Number(row[j]));
    const image = rowToRgba(pixels, 8, 8, 16, 20);
    const r = await h.client.call('nn.predictImage', { modelId, image: { width: image.width, height: image.height, data: new Uint8Array(image.data) } });
    assert.equal(r.probabilities.length, 10);
    assert.ok(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.deepEqual([r.input.width, r.input.height], [8, 8]);
    assert.equal(r.empty, false);
    tried.push(`${label}→${r.predicted}`);
    if (r.predicted === label) right++;
  }
  assert.ok(right >= 8, `drawn digits recognised: ${tried.join(' ')}`);

  // The preprocessed row itself, and an empty canvas.
  const row = rows[rows.length - 1]!;
  const px = header.map((_, j) => j).filter((j) => j !== labelAt).map((j) => Number(row[j]));
  const direct = await h.client.call('nn.predictImage', { modelId, pixels: px });
  assert.equal(direct.predicted, row[labelAt]);
  const blank = await h.client.call('nn.predictImage', { modelId, image: { width: 40, height: 40, data: new Uint8Array(40 * 40 * 4) } });
  assert.equal(blank.empty, true);
});

test('nn.predictImage refuses bad requests with codes', async () => {
  await rejectsWith(h.client.call('nn.predictImage', { modelId, pixels: [1, 2, 3] }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('nn.predictImage', { modelId }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('nn.predictImage', { modelId: 'no-such-model', pixels: [] }), 'NOT_FOUND');
  const knn = await h.client.call('ml.train', { datasetId: iris.id, target: 'target', algo: 'knn' });
  const e = await rejectsWith(h.client.call('nn.predictImage', { modelId: knn.model.id, pixels: [1, 2, 3, 4] }), 'BAD_REQUEST');
  assert.match(e.message, /784 .*64/);
});

test('cancel stops a network training within two seconds (CANCELLED)', async () => {
  const ac = new AbortController();
  let at = 0;
  const p = h.client.call(
    'ml.train',
    { datasetId: digits.id, target: 'target', algo: 'mlp', params: { epochs: 500 } },
    {
      signal: ac.signal,
      onProgress: (pr) => {
        if (!at && (pr.partial as NetworkTrainPartial | undefined)?.kind === 'network') {
          at = performance.now();
          ac.abort();
        }
      },
    },
  );
  await rejectsWith(p, 'CANCELLED');
  assert.ok(at > 0, 'training had started');
  const took = performance.now() - at;
  assert.ok(took < 2000, `stopped ${took.toFixed(0)} ms after cancel`);
});

test('networks run on the comparison board like any learner', async () => {
  const r = await h.client.call('ml.compare', {
    datasetId: digits.id,
    target: 'target',
    learners: [{ algo: 'gnb' }, { algo: 'mlp', params: { hidden_layer_sizes: [64], epochs: 12 } }],
    protocol: { kind: 'cv', folds: 3, seed: 0 },
  });
  const mlp = r.learners.find((l) => l.algo === 'mlp')!;
  assert.equal(mlp.error, undefined, JSON.stringify(mlp.error));
  assert.equal(mlp.metrics.accuracy!.folds.length, 3);
  assert.ok(mlp.metrics.accuracy!.mean > 0.9, `mlp cv accuracy ${mlp.metrics.accuracy!.mean}`);
  assert.equal(mlp.confusion!.flat().reduce((a, b) => a + b, 0), 1797);
  assert.ok(mlp.roc && mlp.roc.length === 10);
  assert.equal(r.tests.length, 1);
});

test('a free layer list (conv → pool → flatten → dense) trains a CNN on the 8×8 digits', async () => {
  const r = await h.client.call('ml.train', {
    datasetId: digits.id,
    target: 'target',
    algo: 'cnn',
    params: { epochs: 5, batch_size: 16, validation_split: 0 },
    protocol: { kind: 'holdout', testSize: 0.25, seed: 0 },
    network: {
      layout: {
        layers: [
          { type: 'conv2d', filters: 16, kernel: 3, activation: 'relu' },
          { type: 'maxPooling2d', pool: 2 },
          { type: 'flatten' },
          { type: 'dense', units: 32, activation: 'relu' },
        ],
      },
    },
  });
  const types = r.network!.summary.layers.map((l) => l.type);
  assert.deepEqual(types, ['Reshape', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  assert.equal(r.network!.spec.scaling.kind, 'divide');
  assert.ok(r.metrics.accuracy!.mean > 0.9, `cnn accuracy ${r.metrics.accuracy!.mean}`);
});

test('bad network requests fail at once with codes naming the parameter', async () => {
  let e = await rejectsWith(h.client.call('ml.train', { datasetId: digits.id, target: 'target', algo: 'mlp', params: { hidden_layer_sizes: [0] } }), 'INVALID_PARAM');
  assert.match(e.message, /'hidden_layer_sizes' parameter of MLPClassifier/);
  e = await rejectsWith(h.client.call('ml.train', { datasetId: digits.id, target: 'target', algo: 'mlp', params: { backend: 'cuda' as never } }), 'INVALID_PARAM');
  assert.match(e.message, /'auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'/);
  e = await rejectsWith(
    h.client.call('ml.train', { datasetId: digits.id, target: 'target', algo: 'mlp', network: { layout: { layers: [{ type: 'dense', units: -3 }] } } }),
    'INVALID_PARAM',
  );
  assert.match(e.message, /layers\[0\]\.units/);
  // Wine has 13 feature columns: not an image.
  e = await rejectsWith(h.client.call('ml.train', { datasetId: wine.id, target: 'target', algo: 'cnn', params: { epochs: 1 } }), 'INVALID_PARAM');
  assert.match(e.message, /image/);
});
