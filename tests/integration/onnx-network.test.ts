/**
 * Networks as files: an MLP (iris, standardised inputs) and a small CNN
 * (digits, 8×8 images) trained with TF.js, stored as the library stores
 * them, then .lathe round trip (identical predictions), ONNX in
 * onnxruntime-node (identical labels, probabilities within 1e-5: both run
 * float32) and the TF.js layers export (loads back, same outputs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AlgoName } from '../../src-shared/ml/catalog.ts';
import type { NnSpec } from '../../src-shared/ml/nn.ts';
import { fitNetwork } from '../../src-main/engine/nn/fit.ts';
import { exportTfjsLayers, loadTfjsLayers } from '../../src-main/engine/nn/export.ts';
import { restoreNetwork } from '../../src-main/engine/nn/model.ts';
import { tf } from '../../src-main/engine/nn/backend.ts';
import { defaultPipeline } from '../../src-main/engine/ml/preprocess/pipeline.ts';
import { takeTableRows } from '../../src-main/engine/ml/preprocess/table.ts';
import { stateToString } from '../../src-main/engine/ml/state.ts';
import { tableFingerprint } from '../../src-main/engine/models/fingerprint.ts';
import { bundleOfStored, loadBundle, sourceOfStored } from '../../src-main/engine/models/library.ts';
import { exportOnnx } from '../../src-main/engine/models/onnx/export.ts';
import { ModelRuntime } from '../../src-main/engine/models/runtime.ts';
import type { StoredModel } from '../../src-main/engine/store/ml.ts';
import { fixedSplit } from '../helpers/data.ts';
import { csvTable } from '../unit/bundle-fixtures.ts';
import { onnxInput, runOnnx } from './onnx-helpers.ts';

async function trainedNetwork(file: string, algo: 'mlp' | 'cnn', spec: NnSpec, epochs: number): Promise<{ stored: StoredModel; test: ReturnType<typeof takeTableRows> }> {
  const data = csvTable(file, 'target');
  const { train, test } = fixedSplit(data.table.rows, 0.25, 5);
  const trainT = takeTableRows(data.table, train);
  const pipeline = defaultPipeline(trainT, { impute: 'mean', scale: null });
  const X = pipeline.fitTransform(trainT);
  const y = Int32Array.from(train, (r) => data.y[r]!);
  const net = await fitNetwork(spec, { X, y, nClasses: data.classes.length }, { epochs, batchSize: 32, seed: 1, backend: 'cpu', validationSplit: 0 });
  const stored: StoredModel = {
    id: randomUUID(),
    name: `${algo} on ${file}`,
    algo: algo as AlgoName,
    task: 'classification',
    params: {},
    datasetId: 'x',
    datasetName: file,
    target: 'target',
    features: trainT.columns.map((c) => c.name),
    metrics: {},
    createdAt: new Date().toISOString(),
    backend: net.backend.used,
    datasetSha256: '0'.repeat(64),
    datasetSchema: trainT.columns.map((c) => ({ name: c.name, kind: 'float' })),
    classes: data.classes,
    pipeline: pipeline.toJSON(),
    estimator: stateToString({ algo, params: {}, state: { task: 'classification', spec: net.spec, weights: net.weights, summary: net.summary, backend: net.backend } }),
    latheVersion: '0.1.0',
    fingerprint: tableFingerprint(trainT),
  };
  return { stored, test: takeTableRows(data.table, test) };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const CASES: [string, 'mlp' | 'cnn', NnSpec, number][] = [
  ['iris.csv', 'mlp', { task: 'classification', layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 8, activation: 'tanh' }], scaling: { kind: 'standardize' } }, 40],
  [
    'digits.csv',
    'cnn',
    {
      task: 'classification',
      layers: [{ type: 'conv2d', filters: 4, kernel: 3, activation: 'relu' }, { type: 'maxPooling2d', pool: 2 }, { type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }],
      scaling: { kind: 'divide', by: 16 },
    },
    3,
  ],
];

for (const [file, algo, spec, epochs] of CASES) {
  test(`${algo} on ${file}: .lathe round trip, ONNX in onnxruntime and TF.js layers export agree`, async (t) => {
    const { stored, test: held } = await trainedNetwork(file, algo, spec, epochs);
    const source = sourceOfStored(stored);
    assert.equal(source.payload.kind, 'network');
    const rt = await ModelRuntime.load(source);
    const { X, rows } = onnxInput(source, held);
    const mine = await rt.predict(rows);

    const { runtime, bundle } = await loadBundle(bundleOfStored(stored, '0.1.0'));
    const again = await runtime.predict(rows);
    assert.deepEqual(again.predictions, mine.predictions);
    assert.deepEqual(again.proba, mine.proba);
    assert.ok((bundle.manifest.model as { state: { state: { backend?: unknown } } }).state.state.backend, 'the whole network state travels');
    runtime.dispose();

    const out = await runOnnx(exportOnnx(source, { name: stored.name, latheVersion: '0.1.0' }), X, held.rows, source.features.length);
    assert.deepEqual(Array.from(out.label!.data as BigInt64Array, Number), Array.from(mine.predictions));
    const err = maxAbs(out.probabilities!.data as Float32Array, mine.proba!);
    t.diagnostic(`max probability difference ${err.toExponential(2)} on ${held.rows} rows`);
    assert.ok(err <= 1e-5, `probabilities differ by ${err}`);

    const payload = source.payload as Extract<typeof source.payload, { kind: 'network' }>;
    const net = restoreNetwork(payload.spec, payload.weights);
    const exp = await exportTfjsLayers(net, payload.spec);
    net.dispose();
    const back = await loadTfjsLayers(exp);
    const Xs = tf.tensor2d(Float32Array.from(rt.transform(rows).data), [held.rows, source.features.length]);
    // model.json carries the scaling for other tools; apply it here as they would.
    const meta = (exp.modelJson.userDefinedMetadata as { lathe: { scaling: NnSpec['scaling'] } }).lathe.scaling;
    const scaled = meta.kind === 'divide' ? Xs.div(meta.by) : meta.kind === 'standardize' ? Xs.sub(tf.tensor1d(meta.mean!)).div(tf.tensor1d(meta.std!)) : Xs;
    const p = (back.predict(scaled) as tf.Tensor).dataSync() as Float32Array;
    assert.ok(maxAbs(p, mine.proba!) <= 1e-5);
    back.dispose();
    rt.dispose();
  });
}
