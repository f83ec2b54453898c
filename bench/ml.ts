/**
 * Classical ML benchmark: Lathe's estimators against scikit-learn in the same
 * run, on the SAME data files. Each dataset is written once (seeded) to
 * bench/.data/ as raw little-endian arrays — X float64 row-major, y int32,
 * already shuffled and standardised with the training rows' statistics — and
 * both sides read those bytes, fit on the first 75% and predict the rest.
 *
 *   classifiers: knn, gnb, logreg, tree, forest (+ svm) on breast_cancer,
 *                digits and synthetic two-class data of 10k, 100k, 1M × 20
 *   clustering:  k-means, k = 8, n_init = 1, on 1M × 2 (100k × 2 with --quick)
 *
 * Times are fit + predict wall seconds. scikit-learn runs at its fastest
 * setting (n_jobs=-1 where it has one and it helps); Lathe's forest uses its
 * thread pool, and each Lathe learner is warmed up by one small fit first
 * (JIT), so both sides are timed as compiled code. A run under a second is
 * repeated, timeit-style, on both sides alike (up to 200 runs in all, while
 * the runs so far took under 2 s together) and the best time is kept: a
 * fit of a fraction of a millisecond is otherwise measured mostly as JIT
 * warm-up, which a long-running app pays once.
 * The five classifiers of the target run at every size (the 1M rows of KNN
 * and the forest take minutes on each side); SVM, which the target does not
 * name, is skipped where its time, extrapolated from the previous size,
 * would pass about two minutes, and says so.
 *
 *   npm run bench:ml [-- --quick]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, cpus } from 'node:os';
import { createEstimator } from '../src-main/engine/ml/registry.ts';
import type { Matrix } from '../src-main/engine/ml/estimator.ts';
import { Random } from '../src-main/engine/ml/random.ts';
import { loadXY } from '../tests/helpers/data.ts';
import { PYTHON } from '../tests/helpers/sklearn.ts';
import type { Params } from '../src-shared/ml/params.ts';

const QUICK = process.argv.includes('--quick');
const LIMIT_S = 120;
/** Runs under a second are repeated (up to this many in all, while the total stays under REPEAT_BUDGET_S) on both sides; the best time counts. */
const REPEATS = 200;
const REPEAT_BUDGET_S = 2;
const DIR = fileURLToPath(new URL('./.data/ml/', import.meta.url));
mkdirSync(DIR, { recursive: true });

const ALGOS = ['knn', 'gnb', 'logreg', 'tree', 'forest', 'svm'] as const;
type Algo = (typeof ALGOS)[number];
/** The classifiers the speed target names: never skipped. */
const FIVE = new Set<Algo>(['knn', 'gnb', 'logreg', 'tree', 'forest']);

/** Lathe's parameters; scikit-learn's equivalents are in the Python below. */
const LATHE_PARAMS: Record<Algo, Params> = {
  knn: {},
  gnb: {},
  logreg: {},
  tree: { random_state: 0 },
  forest: { random_state: 0 },
  svm: {},
};

/** How time grows with rows when a size is ten times the last (for the skip rule). */
const GROWTH: Record<Algo, number> = { knn: 100, gnb: 10, logreg: 12, tree: 14, forest: 14, svm: 100 };

interface DataFile {
  name: string;
  rows: number;
  cols: number;
  train: number;
  /** path prefix: <p>.X.f64, <p>.y.i32 */
  prefix: string;
}

function writeData(name: string, X: Float64Array, y: Int32Array, rows: number, cols: number, standardise = true): DataFile {
  const prefix = join(DIR, name);
  const train = Math.floor(rows * 0.75);
  if (standardise) {
    for (let j = 0; j < cols; j++) {
      let m = 0;
      for (let i = 0; i < train; i++) m += X[i * cols + j]!;
      m /= train;
      let v = 0;
      for (let i = 0; i < train; i++) v += (X[i * cols + j]! - m) ** 2;
      const sd = Math.sqrt(v / train) || 1;
      for (let i = 0; i < rows; i++) X[i * cols + j] = (X[i * cols + j]! - m) / sd;
    }
  }
  writeFileSync(`${prefix}.X.f64`, new Uint8Array(X.buffer, X.byteOffset, X.byteLength));
  writeFileSync(`${prefix}.y.i32`, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  return { name, rows, cols, train, prefix };
}

function cached(name: string, rows: number, cols: number, make: () => { X: Float64Array; y: Int32Array }, standardise = true): DataFile {
  const prefix = join(DIR, name);
  if (existsSync(`${prefix}.X.f64`) && existsSync(`${prefix}.y.i32`)) return { name, rows, cols, train: Math.floor(rows * 0.75), prefix };
  const { X, y } = make();
  return writeData(name, X, y, rows, cols, standardise);
}

/** A real file, rows shuffled with a seed. */
function realSet(file: string, target: string): DataFile {
  const d = loadXY(file, target);
  const name = file.replace('.csv', '');
  return cached(name, d.X.rows, d.X.cols, () => {
    const perm = new Random(7).permutation(d.X.rows);
    const X = new Float64Array(d.X.data.length);
    const y = new Int32Array(d.X.rows);
    perm.forEach((src, dst) => {
      X.set(d.X.data.subarray(src * d.X.cols, (src + 1) * d.X.cols), dst * d.X.cols);
      y[dst] = d.y[src]!;
    });
    return { X, y };
  });
}

/**
 * Two classes in 20 dimensions: 6 informative features (class-dependent
 * means, one interaction so trees and linear models differ), 14 noise.
 */
function synthetic(rows: number): DataFile {
  const cols = 20;
  return cached(`synth_${rows}x${cols}`, rows, cols, () => {
    const r = new Random(42);
    const X = new Float64Array(rows * cols);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const c = r.uniform() < 0.5 ? 1 : 0;
      y[i] = c;
      const s = c ? 1 : -1;
      for (let j = 0; j < cols; j++) X[i * cols + j] = r.normal();
      for (let j = 0; j < 6; j++) X[i * cols + j]! += s * (0.25 + 0.1 * j);
      // A sign interaction on two features.
      X[i * cols + 6]! += s * 0.8 * Math.sign(X[i * cols + 7]!);
    }
    return { X, y };
  });
}

/** Eight Gaussian blobs in the plane (not standardised). */
function blobs(rows: number): DataFile {
  return cached(
    `blobs_${rows}x2`,
    rows,
    2,
    () => {
      const r = new Random(11);
      const centres = Array.from({ length: 8 }, () => [r.range(-10, 10), r.range(-10, 10)] as const);
      const X = new Float64Array(rows * 2);
      const y = new Int32Array(rows);
      for (let i = 0; i < rows; i++) {
        const k = r.int(8);
        y[i] = k;
        X[2 * i] = centres[k]![0] + r.normal();
        X[2 * i + 1] = centres[k]![1] + r.normal();
      }
      return { X, y };
    },
    false,
  );
}

function load(d: DataFile): { X: Float64Array; y: Int32Array } {
  const xb = readFileSync(`${d.prefix}.X.f64`);
  const yb = readFileSync(`${d.prefix}.y.i32`);
  return { X: new Float64Array(xb.buffer.slice(xb.byteOffset, xb.byteOffset + xb.byteLength)), y: new Int32Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.byteLength)) };
}

interface Timing {
  seconds: number;
  fit: number;
  predict: number;
  accuracy: number;
  extra?: string;
}

async function latheRun(algo: Algo, d: DataFile, data: { X: Float64Array; y: Int32Array }): Promise<Timing> {
  const { train, cols, rows } = d;
  const Xtr: Matrix = { data: data.X.subarray(0, train * cols), rows: train, cols };
  const Xte: Matrix = { data: data.X.subarray(train * cols), rows: rows - train, cols };
  const ytr = data.y.subarray(0, train);
  // One small fit first, so the timing is of compiled code (scikit-learn's is compiled ahead of time).
  const warm = Math.min(train, 300);
  const w = createEstimator(algo, 'classification', LATHE_PARAMS[algo]);
  await w.fit({ data: data.X.subarray(0, warm * cols), rows: warm, cols }, ytr.subarray(0, warm));
  w.predict({ data: data.X.subarray(0, warm * cols), rows: warm, cols });
  // Short runs are repeated (up to REPEATS, while under a second each and REPEAT_BUDGET_S in all) and the best is kept — the same rule as the scikit-learn side.
  let best: Timing | undefined;
  let total = 0;
  for (let r = 0; r < REPEATS; r++) {
    const est = createEstimator(algo, 'classification', LATHE_PARAMS[algo]);
    const t0 = performance.now();
    await est.fit(Xtr, ytr);
    const t1 = performance.now();
    const pred = est.predict(Xte);
    const t2 = performance.now();
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === data.y[train + i]) right++;
    const t = { seconds: (t2 - t0) / 1000, fit: (t1 - t0) / 1000, predict: (t2 - t1) / 1000, accuracy: right / pred.length };
    if (!best || t.seconds < best.seconds) best = t;
    total += t.seconds;
    if (t.seconds >= 1 || total >= REPEAT_BUDGET_S) break;
  }
  return best!;
}

const PY = String.raw`
import json, sys, time
import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC
from sklearn.cluster import KMeans
spec = json.loads(sys.argv[1])
X = np.fromfile(spec['prefix'] + '.X.f64', dtype='<f8').reshape(spec['rows'], spec['cols'])
y = np.fromfile(spec['prefix'] + '.y.i32', dtype='<i4')
tr = spec['train']
make = {
  'knn': lambda: KNeighborsClassifier(n_jobs=-1),
  'gnb': lambda: GaussianNB(),
  # n_jobs only parallelises one-vs-rest fits; with lbfgs it would just start a process pool (seconds), so it is left out.
  'logreg': lambda: LogisticRegression(),
  'tree': lambda: DecisionTreeClassifier(random_state=0),
  'forest': lambda: RandomForestClassifier(random_state=0, n_jobs=-1),
  'svm': lambda: SVC(),
}
out = {}
for algo in spec['algos']:
    if algo == 'kmeans':
        best = None
        total = 0.0
        for r in range(spec['repeats']):
            m = KMeans(n_clusters=8, n_init=1, random_state=0, algorithm='lloyd')
            t0 = time.perf_counter(); m.fit(X); t1 = time.perf_counter()
            t = {'seconds': t1 - t0, 'fit': t1 - t0, 'predict': 0.0, 'accuracy': None, 'inertia': float(m.inertia_), 'iters': int(m.n_iter_)}
            if best is None or t['seconds'] < best['seconds']: best = t
            total += t['seconds']
            if t['seconds'] >= 1 or total >= spec['budget']: break
        out[algo] = best
        continue
    best = None
    total = 0.0
    for r in range(spec['repeats']):
        m = make[algo]()
        t0 = time.perf_counter(); m.fit(X[:tr], y[:tr]); t1 = time.perf_counter()
        p = m.predict(X[tr:]); t2 = time.perf_counter()
        t = {'seconds': t2 - t0, 'fit': t1 - t0, 'predict': t2 - t1, 'accuracy': float((p == y[tr:]).mean())}
        if best is None or t['seconds'] < best['seconds']: best = t
        total += t['seconds']
        if t['seconds'] >= 1 or total >= spec['budget']: break
    out[algo] = best
print(json.dumps(out))
`;

function sklearnRun(d: DataFile, algos: string[]): Record<string, Timing & { inertia?: number; iters?: number }> {
  if (!algos.length) return {};
  const out = execFileSync(PYTHON, ['-c', PY, JSON.stringify({ ...d, algos, repeats: REPEATS, budget: REPEAT_BUDGET_S })], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 30 * 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, Timing>;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

interface Row {
  data: string;
  algo: string;
  lathe?: Timing;
  sk?: Timing;
  note?: string;
}

const rows: Row[] = [];

function printRow(r: Row): void {
  const f = (t?: Timing): string => (t ? t.seconds.toFixed(3) : '—');
  const a = (t?: Timing): string => (t && typeof t.accuracy === 'number' && Number.isFinite(t.accuracy) ? (100 * t.accuracy).toFixed(2) : '—');
  const ratio = r.lathe && r.sk ? (r.lathe.seconds / r.sk.seconds).toFixed(2) : '—';
  const dAcc = r.lathe && r.sk && Number.isFinite(r.lathe.accuracy) ? (100 * (r.lathe.accuracy - r.sk.accuracy)).toFixed(2) : '—';
  console.log(
    [pad(r.data, 18), pad(r.algo, 7), pad(f(r.lathe), 10, true), pad(f(r.sk), 10, true), pad(ratio, 7, true), pad(a(r.lathe), 8, true), pad(a(r.sk), 8, true), pad(dAcc, 7, true), r.note ? `  ${r.note}` : ''].join(' '),
  );
}

async function main(): Promise<void> {
  console.log(`bench:ml — Lathe vs scikit-learn, fit + predict seconds (${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} threads)${QUICK ? ' --quick' : ''}`);
  console.log([pad('data', 18), pad('algo', 7), pad('lathe s', 10, true), pad('sklearn s', 10, true), pad('ratio', 7, true), pad('lathe %', 8, true), pad('skl %', 8, true), pad('Δ pts', 7, true)].join(' '));
  const sets: DataFile[] = [realSet('breast_cancer.csv', 'target'), realSet('digits.csv', 'target'), synthetic(10_000), synthetic(100_000)];
  if (!QUICK) sets.push(synthetic(1_000_000));
  const last = new Map<Algo, number>(); // slowest side's seconds at the previous synthetic size
  for (const d of sets) {
    const data = load(d);
    const label = d.name.startsWith('synth') ? `synth ${d.rows}×${d.cols}` : `${d.name} ${d.rows}×${d.cols}`;
    const run: Algo[] = [];
    const skipped = new Map<Algo, string>();
    for (const algo of ALGOS) {
      const prev = last.get(algo);
      if (!FIVE.has(algo) && d.name.startsWith('synth') && prev !== undefined) {
        const estimate = prev * GROWTH[algo]; // sizes grow tenfold
        if (estimate > LIMIT_S) {
          skipped.set(algo, `skipped: about ${Math.round(estimate)} s expected (${prev.toFixed(1)} s at a tenth of the rows × ${GROWTH[algo]})`);
          last.set(algo, estimate);
          continue;
        }
      }
      run.push(algo);
    }
    const sk = sklearnRun(d, run);
    for (const algo of ALGOS) {
      const note = skipped.get(algo);
      if (note) {
        const r: Row = { data: label, algo, note };
        rows.push(r);
        printRow(r);
        continue;
      }
      const lt = await latheRun(algo, d, data);
      const r: Row = { data: label, algo, lathe: lt, sk: sk[algo] };
      rows.push(r);
      printRow(r);
      if (d.name.startsWith('synth')) last.set(algo, Math.max(lt.seconds, sk[algo]?.seconds ?? 0));
    }
  }

  // k-means, k = 8, one initialisation.
  const kd = blobs(QUICK ? 100_000 : 1_000_000);
  const kdata = load(kd);
  // warmed up and repeated like the classifiers (the same rule on the scikit-learn side)
  const kmParams = { n_clusters: 8, n_init: 1, random_state: 0 };
  await createEstimator('kmeans', 'clustering', kmParams).fit({ data: kdata.X.subarray(0, 600), rows: 300, cols: 2 });
  let secs = Infinity;
  let st: { inertia?: number; nIter?: number; n_iter?: number } = {};
  let kmTotal = 0;
  for (let r = 0; r < REPEATS; r++) {
    const km = createEstimator('kmeans', 'clustering', kmParams);
    const t0 = performance.now();
    await km.fit({ data: kdata.X, rows: kd.rows, cols: 2 });
    const s = (performance.now() - t0) / 1000;
    if (s < secs) {
      secs = s;
      st = km.toJSON().state as typeof st;
    }
    kmTotal += s;
    if (s >= 1 || kmTotal >= REPEAT_BUDGET_S) break;
  }
  const skm = sklearnRun(kd, ['kmeans']).kmeans!;
  const kr: Row = {
    data: `blobs ${kd.rows}×2`,
    algo: 'kmeans',
    lathe: { seconds: secs, fit: secs, predict: 0, accuracy: NaN },
    sk: skm,
    note: `inertia ${st.inertia?.toExponential(4) ?? '?'} vs ${skm.inertia?.toExponential(4)}, iterations ${st.nIter ?? st.n_iter ?? '?'} vs ${skm.iters}`,
  };
  rows.push(kr);
  printRow(kr);

  const slower = rows.filter((r) => r.lathe && r.sk && r.lathe.seconds > r.sk.seconds);
  console.log(`\nratio = Lathe / scikit-learn (below 1: Lathe faster). Δ pts = Lathe − scikit-learn accuracy, percentage points.`);
  console.log(`Lathe slower on ${slower.length} of ${rows.filter((r) => r.lathe && r.sk).length} pairs${slower.length ? `: ${slower.map((r) => `${r.algo}@${r.data}`).join(', ')}` : ''}.`);
  writeFileSync(join(DIR, 'last-run.json'), JSON.stringify(rows, null, 1));
}

await main();
