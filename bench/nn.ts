/**
 * Neural-network benchmark: one epoch of the seed's MLP (784-128-128-10,
 * ReLU, softmax, adam 0.001, batch 128, pixels / 255) on the 10,000 MNIST
 * rows, on every TensorFlow.js backend present (wasm and cpu here), against
 * scikit-learn's MLPClassifier with the same layers, batch size and one
 * epoch (max_iter=1), in the same run. Seconds are the epoch alone (data
 * loaded, backend started); scikit-learn runs with its BLAS threads as they
 * come and with one thread (TF.js WASM here runs one thread).
 *
 *   node --import tsx bench/nn.ts [--rows N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetPath, loadXY } from '../tests/helpers/data.ts';
import { PYTHON } from '../tests/helpers/sklearn.ts';
import { fitNetwork } from '../src-main/engine/nn/fit.ts';
import { describeBackendReport, initBackend } from '../src-main/engine/nn/backend.ts';
import { presetSpec } from '../src-shared/ml/nn.ts';
import type { NnBackend, NnBackendSetting } from '../src-shared/ml/nn.ts';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 10_000;
const BATCH = 128;

interface Result {
  name: string;
  seconds: number;
  loss: number;
  trainAccuracy: number;
}

const t0 = performance.now();
const all = loadXY('mnist_10k.csv', 'label');
const n = Math.min(ROWS, all.X.rows);
const X = { data: all.X.data.subarray(0, n * 784), rows: n, cols: 784 };
const y = all.y.subarray(0, n);
console.log(`MNIST: ${n} rows × 784 pixels loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const auto = await initBackend('auto');
console.log(`auto backend: ${describeBackendReport(auto)}\n`);
const settingOf: Record<NnBackend, NnBackendSetting> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', webgpu: 'webgpu', wasm: 'wasm', cpu: 'cpu' };
const backends = [...new Set<NnBackendSetting>([settingOf[auto.used], 'wasm', 'cpu'])];

const results: Result[] = [];
for (const backend of backends) {
  const r = await fitNetwork(presetSpec('mlp-mnist'), { X, y, test: { X, y } }, { epochs: 1, batchSize: BATCH, seed: 0, backend });
  const e = r.history.epochs[0]!;
  results.push({ name: `Lathe TF.js ${r.backend.used} (${r.backend.detail})`, seconds: r.seconds.fit, loss: e.loss, trainAccuracy: r.evaluation!.metrics!.accuracy! });
  console.log(`  done: ${results.at(-1)!.name}: ${r.seconds.fit.toFixed(2)} s`);
}

const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-nn-'));
try {
  const script = join(dir, 'mlp.py');
  writeFileSync(
    script,
    `
import json, sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter('ignore', ConvergenceWarning)
d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, max_rows=int(sys.argv[2]))
X = d[:, 1:] / 255.0
y = d[:, 0].astype(int)
m = MLPClassifier(hidden_layer_sizes=(128, 128), activation='relu', solver='adam', learning_rate_init=0.001,
                  batch_size=${BATCH}, max_iter=1, shuffle=True, random_state=0, alpha=0.0)
t = time.perf_counter()
m.fit(X, y)
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'loss': float(m.loss_), 'acc': float(m.score(X, y))}))
`,
  );
  for (const [label, env] of [
    ['scikit-learn MLPClassifier (BLAS threads as they come)', {}],
    ['scikit-learn MLPClassifier (1 BLAS thread)', { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }],
  ] as const) {
    const out = execFileSync(PYTHON, [script, datasetPath('mnist_10k.csv'), String(n)], { env: { ...process.env, ...env }, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; loss: number; acc: number };
    results.push({ name: label, seconds: r.seconds, loss: r.loss, trainAccuracy: r.acc });
    console.log(`  done: ${label}: ${r.seconds.toFixed(2)} s`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ref = results.find((r) => r.name.startsWith('scikit-learn MLPClassifier (BLAS'))!;
console.log(`\nOne epoch of MLP 784-128-128-10 (batch ${BATCH}, adam) on ${n} MNIST rows:`);
console.log(`${'contender'.padEnd(62)} ${'seconds'.padStart(8)} ${'× sklearn'.padStart(10)} ${'loss'.padStart(7)} ${'train acc'.padStart(9)}`);
for (const r of results) {
  console.log(`${r.name.padEnd(62)} ${r.seconds.toFixed(2).padStart(8)} ${(r.seconds / ref.seconds).toFixed(2).padStart(10)} ${r.loss.toFixed(3).padStart(7)} ${(r.trainAccuracy * 100).toFixed(1).padStart(8)}%`);
}
console.log('(× sklearn: seconds divided by scikit-learn\'s with its default threads; below 1 is faster. loss: mean training loss over the epoch; train acc: accuracy on the same rows after the epoch.)');
