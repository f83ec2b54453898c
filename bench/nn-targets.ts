/**
 * Checks the accuracy targets of the network presets on the real samples,
 * with a seeded 80/20 split (rows shuffled first: mnist_10k.csv is grouped
 * by label), training in the worker thread on the best backend present.
 *   node --import tsx bench/nn-targets.ts [mlp-mnist|cnn-mnist|mlp-digits|cnn-digits ...]
 * Targets: mlp-mnist ≥ 95 %, cnn-mnist ≥ 97.5 %, mlp-digits ≥ 97 %.
 */
import { loadXY } from '../tests/helpers/data.ts';
import type { LabelledData } from '../tests/helpers/data.ts';
import { trainNetwork } from '../src-main/engine/nn/train.ts';
import { describeBackendReport } from '../src-main/engine/nn/backend.ts';
import { NN_PRESETS, presetSpec } from '../src-shared/ml/nn.ts';
import type { NnPresetName } from '../src-shared/ml/nn.ts';
import { Random } from '../src-main/engine/ml/random.ts';
import type { NnMatrix } from '../src-main/engine/nn/scaling.ts';

const TARGETS: Partial<Record<NnPresetName, number>> = { 'mlp-mnist': 0.95, 'cnn-mnist': 0.975, 'mlp-digits': 0.97 };
const SEED = 42;

function rows(X: NnMatrix, idx: Int32Array): NnMatrix {
  const out = new Float64Array(idx.length * X.cols);
  idx.forEach((r, i) => out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { data: out, rows: idx.length, cols: X.cols };
}

const cache = new Map<string, LabelledData>();
function load(preset: NnPresetName): LabelledData {
  const file = preset.endsWith('mnist') ? 'mnist_10k.csv' : 'digits.csv';
  if (!cache.has(file)) cache.set(file, loadXY(file, file === 'digits.csv' ? 'target' : 'label'));
  return cache.get(file)!;
}

const names = (process.argv.slice(2).length ? process.argv.slice(2) : ['mlp-digits', 'mlp-mnist']) as NnPresetName[];
for (const name of names) {
  const d = load(name);
  const n = d.X.rows;
  const perm = new Random(SEED).permutation(n);
  const nTest = Math.round(n * 0.2);
  const test = perm.subarray(0, nTest);
  const train = perm.subarray(nTest);
  const t0 = performance.now();
  const r = await trainNetwork(
    presetSpec(name),
    { X: rows(d.X, train), y: Int32Array.from(train, (i) => d.y[i]!), test: { X: rows(d.X, test), y: Int32Array.from(test, (i) => d.y[i]!) } },
    { ...NN_PRESETS[name].options, seed: SEED },
    {
      onProgress: (p) => {
        if (p.kind === 'epoch') console.log(`  ${name} epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, accuracy ${p.accuracy?.toFixed(4)}, ${p.seconds.toFixed(1)} s`);
      },
    },
  );
  const acc = r.evaluation?.metrics?.accuracy ?? NaN;
  const target = TARGETS[name];
  console.log(
    `${name}: ${n - nTest} train / ${nTest} held-out rows, ${r.summary.totalParams.toLocaleString('en')} params, held-out accuracy ${(acc * 100).toFixed(2)} %` +
      `${target ? ` (target ${(target * 100).toFixed(1)} %: ${acc >= target ? 'met' : 'NOT met'})` : ''}; fit ${r.seconds.fit.toFixed(1)} s, wall ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(`  backend: ${describeBackendReport(r.backend)}`);
}
