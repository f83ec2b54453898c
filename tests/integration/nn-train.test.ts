/**
 * trainNetwork end to end: a real worker thread on the real digits sample,
 * progress on a clock, cancellation, the backend report, errors crossing the
 * thread as codes, and an out-of-memory worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { NN_PRESETS, presetSpec } from '../../src-shared/ml/nn.ts';
import type { NnProgress } from '../../src-shared/ml/nn.ts';
import { trainNetwork } from '../../src-main/engine/nn/train.ts';
import { restoreNetwork, predictNetwork } from '../../src-main/engine/nn/model.ts';
import { initBackend } from '../../src-main/engine/nn/backend.ts';
import { Random } from '../../src-main/engine/ml/random.ts';
import type { NnMatrix } from '../../src-main/engine/nn/scaling.ts';
import { loadXY } from '../helpers/data.ts';

const digits = loadXY('digits.csv', 'target');
function rows(idx: Int32Array): NnMatrix {
  const out = new Float64Array(idx.length * 64);
  idx.forEach((r, i) => out.set(digits.X.data.subarray(r * 64, (r + 1) * 64), i * 64));
  return { data: out, rows: idx.length, cols: 64 };
}
const perm = new Random(42).permutation(digits.X.rows);
const testIdx = perm.subarray(0, 360);
const trainIdx = perm.subarray(360);
const train = { X: rows(trainIdx), y: Int32Array.from(trainIdx, (i) => digits.y[i]!) };
const held = { X: rows(testIdx), y: Int32Array.from(testIdx, (i) => digits.y[i]!) };
const code = (c: string, pattern?: RegExp) => (e: unknown) => e instanceof LatheError && e.code === c && (!pattern || pattern.test(e.message));

test('a network trained for a few epochs in a worker beats 90 % on held-out digits, with progress and the backend report', async () => {
  const progress: { p: NnProgress; t: number }[] = [];
  const inputCopy = train.X.data.slice();
  const r = await trainNetwork(
    presetSpec('mlp-digits'),
    { ...train, test: held },
    { ...NN_PRESETS['mlp-digits'].options, epochs: 4, validationSplit: 0.1, seed: 1 },
    { onProgress: (p) => progress.push({ p, t: performance.now() }) },
  );
  const acc = r.evaluation!.metrics!.accuracy!;
  assert.ok(acc > 0.9, `held-out accuracy ${acc}`);
  // Scored by the ML engine's metrics module, like the classical models.
  const scores = r.evaluation!.metrics!;
  assert.ok(scores.f1_macro! > 0.85 && scores.roc_auc! > 0.95 && scores.log_loss! > 0, JSON.stringify(scores));
  assert.equal(r.evaluation!.probabilities!.length, 360 * 10);
  assert.deepEqual(train.X.data, inputCopy, 'the caller\'s data is not changed or detached');
  // Backend: wasm here, and why not the better ones.
  assert.equal(r.backend.used, 'wasm');
  assert.deepEqual(r.backend.notUsed.map((n) => n.backend), ['tensorflow-gpu', 'tensorflow', 'webgpu']);
  assert.ok(r.backend.notUsed.every((n) => n.reason.length > 10));
  // Per-epoch events with validation numbers; batch events on a ~125 ms clock.
  const epochs = progress.filter((x) => x.p.kind === 'epoch').map((x) => x.p);
  assert.equal(epochs.length, 4);
  for (const e of epochs) {
    assert.ok(e.kind === 'epoch' && e.loss > 0 && e.accuracy! > 0 && e.valLoss! > 0 && e.valAccuracy! > 0);
  }
  assert.equal(epochs.at(-1)!.fraction, 1);
  // Messages can arrive bunched on a busy main thread, so count them against the clock instead.
  const batchEvents = progress.filter((x) => x.p.kind === 'batch').length;
  const span = progress.at(-1)!.t - progress[0]!.t;
  assert.ok(batchEvents <= span / 125 + 4, `${batchEvents} batch events in ${span.toFixed(0)} ms`);
  assert.ok(batchEvents < 4 * 41, 'not one event per batch');
  assert.equal(r.history.epochs.length, 4);
  assert.equal(r.summary.totalParams, 26_122);
  assert.ok(r.seconds.fit > 0 && r.seconds.total >= r.seconds.fit);
  // The weights came back across the thread and rebuild the same model here.
  await initBackend('auto');
  const m = restoreNetwork(r.spec, r.weights);
  assert.deepEqual(predictNetwork(m, r.spec, held.X).predictions, r.evaluation!.predictions);
  m.dispose();
});

test('cancel stops training in the worker quickly with CANCELLED', async () => {
  const ac = new AbortController();
  let abortedAt = 0;
  const started = performance.now();
  await assert.rejects(
    trainNetwork(presetSpec('mlp-digits'), train, { epochs: 500, batchSize: 16 }, {
      signal: ac.signal,
      onProgress: (p) => {
        if (!abortedAt && p.kind === 'batch') {
          abortedAt = performance.now();
          ac.abort();
        }
      },
    }),
    code('CANCELLED'),
  );
  const stopMs = performance.now() - abortedAt;
  assert.ok(abortedAt > 0, 'training had started');
  assert.ok(stopMs < 1000, `stopped ${stopMs.toFixed(0)} ms after cancel`);
  assert.ok(performance.now() - started < 30_000);
  // Already aborted: rejected at once, no worker.
  await assert.rejects(trainNetwork(presetSpec('mlp-digits'), train, {}, { signal: ac.signal }), code('CANCELLED'));
});

test('errors in the worker arrive as codes: a forced backend that is absent, bad data', async () => {
  await assert.rejects(trainNetwork(presetSpec('mlp-digits'), train, { backend: 'webgpu' }), code('INVALID_PARAM', /webgpu.*not installed/));
  await assert.rejects(trainNetwork(presetSpec('mlp-digits'), { X: train.X, y: train.y.slice(3) }), code('BAD_DATA'));
});

test('a worker that runs out of heap fails with OUT_OF_MEMORY and advice, not a crash', async () => {
  // 4 MB of V8 heap cannot even load TensorFlow.js.
  await assert.rejects(
    trainNetwork(presetSpec('mlp-digits'), train, { batchSize: 64 }, { resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } }),
    code('OUT_OF_MEMORY', /smaller batch size/),
  );
});

test('the nn.train task runs in the engine\'s job pool too (fitNetwork inside an existing worker)', async () => {
  const { JobSystem } = await import('../../src-main/engine/jobs/pool.ts');
  const jobs = new JobSystem({ size: 1 });
  try {
    const phases = new Set<string>();
    let lastPartial: unknown;
    const { done } = jobs.start<import('../../src-shared/ml/nn.ts').NnTrained>(
      {
        kind: 'train',
        title: 'MLP on digits',
        task: 'nn.train',
        module: new URL('../../src-main/engine/nn/task.ts', import.meta.url).href,
        input: { spec: presetSpec('mlp-digits'), data: { ...train, test: held }, options: { epochs: 2, batchSize: 32, seed: 2 } },
      },
      {
        onProgress: (p) => {
          phases.add(p.phase);
          lastPartial = p.partial;
        },
      },
    );
    const r = await done;
    assert.ok(r.evaluation!.metrics!.accuracy! > 0.8, `accuracy ${r.evaluation!.metrics!.accuracy}`);
    assert.equal(r.history.epochs.length, 2);
    assert.deepEqual([...phases], ['training']);
    assert.equal((lastPartial as NnProgress).kind, 'epoch');
  } finally {
    await jobs.close();
  }
});
