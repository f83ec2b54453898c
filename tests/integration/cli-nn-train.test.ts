/**
 * `lathe train --algo mlp|cnn`, spawned as a person would run it: the JSON
 * has the classical learners' shape plus "backend" and per-epoch "history";
 * bad network flags exit 2 with {"error":{code,message}} naming the choices.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { datasetPath } from '../helpers/data.ts';
import { cliSession, one } from '../helpers/cli.ts';

const { lathe } = cliSession('lathe-cli-nn-', { timeoutMs: 180_000 });

before(async () => {
  const r = await lathe(['import', datasetPath('digits.csv'), '--json']);
  assert.equal(r.code, 0, r.stderr);
});

test('train digits --algo mlp --layers 64 --epochs 5 --json: model, metrics, backend and history', async () => {
  const r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'mlp', '--layers', '64', '--epochs', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = one(r) as {
    model: { id: string; algo: string; params: Record<string, unknown> };
    metrics: Record<string, number>;
    fit_seconds: number;
    backend: { used: string; requested: string; detail: string; not_used: { backend: string; reason: string }[] };
    history: { epoch: number; loss: number; accuracy: number; val_loss: number; val_accuracy: number; seconds: number }[];
    parameters: number;
  };
  assert.equal(o.model.algo, 'mlp');
  assert.deepEqual(o.model.params.hidden_layer_sizes, [64]);
  assert.equal(o.model.params.epochs, 5);
  assert.ok(o.metrics.accuracy! > 0.85, `accuracy ${o.metrics.accuracy}`);
  assert.ok(o.fit_seconds > 0);
  assert.equal(o.backend.used, 'wasm');
  assert.equal(o.backend.requested, 'auto');
  assert.deepEqual(
    o.backend.not_used.map((n) => n.backend),
    ['tensorflow-gpu', 'tensorflow', 'webgpu'],
  );
  assert.equal(o.history.length, 5);
  assert.deepEqual(
    o.history.map((e) => e.epoch),
    [1, 2, 3, 4, 5],
  );
  for (const e of o.history) for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds'] as const) assert.ok(Number.isFinite(e[k]), `${k} in epoch ${e.epoch}`);
  assert.equal(o.parameters, 64 * 64 + 64 + 64 * 10 + 10);
});

test('the human output names the backend, the layers and the epochs', async () => {
  const r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'mlp', '--layers', '16', '--epochs', '2', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Backend: wasm \(WebAssembly/);
  assert.match(r.stdout, /dense_1 +Dense +\(None, 16\) +1040/);
  assert.match(r.stdout, /epoch +loss +accuracy +val loss/);
});

test('a bad --backend exits 2 naming the choices', async () => {
  const r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'mlp', '--backend', 'cuda', '--json']);
  assert.equal(r.code, 2, r.stderr);
  const o = one(r) as { error: { code: string; message: string } };
  assert.equal(o.error.code, 'INVALID_PARAM');
  for (const b of ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']) assert.ok(o.error.message.includes(b), `${b} in ${o.error.message}`);
});

test('network flags with a classical learner, and bad --layers / --epochs, exit 2', async () => {
  let r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'knn', '--epochs', '3', '--json']);
  assert.equal(r.code, 2);
  assert.match((one(r) as { error: { message: string } }).error.message, /--epochs is for networks/);
  r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'mlp', '--layers', '64,x', '--json']);
  assert.equal(r.code, 2);
  assert.equal((one(r) as { error: { code: string } }).error.code, 'INVALID_PARAM');
  r = await lathe(['train', 'digits', '--target', 'target', '--algo', 'mlp', '--epochs', '0', '--json']);
  assert.equal(r.code, 2);
});
