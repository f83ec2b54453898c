/**
 * The comparison board through the engine's contract (in-memory RPC pair,
 * real SQLite, real workers) on real files: the five classifiers on
 * breast_cancer under 5-fold CV, the regression board on diabetes, a learner
 * that fails in its own row, cancellation, stored runs, bad requests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeBatch } from '../../src-main/engine/arrow/ipc.ts';
import type { CompareResult } from '../../src-shared/contract/ml.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { DATA, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-ml-compare-');
let h: Harness;
const ds = new Map<string, DatasetMeta>();

before(async () => {
  h = await startEngine(tmp.dir);
  for (const f of ['breast_cancer.csv', 'diabetes.csv', 'iris.csv', 'digits.csv']) {
    ds.set(f, (await h.client.call('datasets.importPath', { path: join(DATA, f) })).dataset);
  }
});
after(async () => {
  await h.close();
  tmp.remove();
});

let board: CompareResult;

test('compares the five classifiers on breast_cancer with 5-fold CV on the same folds', async () => {
  const meta = ds.get('breast_cancer.csv')!;
  const partials: { learner: number; algo: string; fraction: number }[] = [];
  board = await h.client.call(
    'ml.compare',
    { datasetId: meta.id, target: 'target', protocol: { kind: 'cv', folds: 5, seed: 0 } },
    { onProgress: (p) => p.partial && partials.push(p.partial as (typeof partials)[number]) },
  );
  assert.equal(board.task, 'classification');
  assert.deepEqual(board.classes, ['0', '1']);
  assert.deepEqual(
    board.learners.map((l) => l.algo),
    ['knn', 'gnb', 'logreg', 'tree', 'forest'],
  );
  assert.equal(board.features.length, 30);
  assert.equal(board.rowIds.length, 569, 'every row is evaluated once under CV');
  assert.equal(board.actual.length, 569);
  for (const l of board.learners) {
    assert.equal(l.error, undefined, `${l.algo}: ${l.error?.message}`);
    const acc = l.metrics.accuracy!;
    assert.ok(acc.mean > 0.9, `${l.algo} accuracy ${acc.mean}`);
    assert.equal(acc.folds.length, 5);
    assert.ok(acc.std >= 0);
    for (const m of ['f1_macro', 'precision_macro', 'recall_macro', 'balanced_accuracy', 'roc_auc', 'log_loss']) assert.ok(l.metrics[m], `${l.algo} has ${m}`);
    assert.ok(l.fitSeconds > 0 && l.predictSeconds > 0);
    const cm = l.confusion!;
    assert.equal(cm.length, 2);
    assert.equal(cm.flat().reduce((a, b) => a + b, 0), 569, `${l.algo}: confusion sums to the rows`);
    // The confusion diagonal agrees with the out-of-fold predictions.
    const pred = l.predictions as Int32Array;
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === board.actual[i]) right++;
    assert.equal(right, cm[0]![0]! + cm[1]![1]!);
    assert.equal(l.roc?.length, 1);
    assert.ok(l.roc![0]!.auc > 0.9);
  }
  // Scale-sensitive learners say so.
  assert.ok(board.learners.find((l) => l.algo === 'knn')!.warnings?.some((w) => /standardised/.test(w)));
  assert.ok(!board.learners.find((l) => l.algo === 'tree')!.warnings?.some((w) => /standardised/.test(w)));
  // Pairwise tests between every pair, with verdicts.
  assert.equal(board.tests.length, 10);
  for (const t of board.tests) {
    assert.equal(t.metric, 'accuracy');
    assert.ok(t.p >= 0 && t.p <= 1);
    assert.match(t.verdict, /(better than|not distinguishable from) .* at 5% \(p/);
  }
  // Per-learner progress, in order (throttled to ~10 a second, so a fast learner may be skipped).
  const seen = partials.map((p) => p.learner);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]!), 'learners in order');
  assert.equal(seen.at(-1), 4);
  assert.ok(partials.some((p) => p.algo === 'forest' && p.fraction > 0 && p.fraction < 1), 'fractions within a learner');
  assert.ok(partials.every((p) => p.fraction >= 0 && p.fraction <= 1));
});

test('the run is stored, listed and reopens as it was answered', async () => {
  const runs = await h.client.call('ml.runs', undefined);
  const r = runs.find((x) => x.runId === board.runId);
  assert.ok(r, 'listed');
  assert.equal(r.datasetName, 'breast_cancer');
  assert.deepEqual(r.learners, ['knn', 'gnb', 'logreg', 'tree', 'forest']);
  assert.equal(r.best?.metric, 'accuracy');
  assert.ok(h.events.some((e) => e.topic === 'runs.changed' && (e.data as { runIds: string[] }).runIds.includes(board.runId)));
  const again = await h.client.call('ml.run', { runId: board.runId });
  assert.deepEqual(again.learners.map((l) => l.metrics.accuracy!.mean), board.learners.map((l) => l.metrics.accuracy!.mean));
  assert.ok(again.rowIds instanceof Int32Array && again.learners[0]!.predictions instanceof Int32Array);
  assert.deepEqual(Array.from(again.rowIds), Array.from(board.rowIds));
  await rejectsWith(h.client.call('ml.run', { runId: 'nope' }), 'NOT_FOUND');
});

test('the misclassified rows of a confusion cell read back through datasets.rows with rowIds', async () => {
  const l = board.learners.find((x) => x.algo === 'tree')!;
  const pred = l.predictions as Int32Array;
  const wrong: number[] = [];
  for (let i = 0; i < pred.length; i++) if (pred[i] === 0 && board.actual[i] === 1) wrong.push(board.rowIds[i]!);
  assert.equal(wrong.length, l.confusion![1]![0]);
  const page = await h.client.call('datasets.rows', { id: board.datasetId, offset: 0, limit: wrong.length, rowIds: wrong, columns: ['target'] });
  const b = decodeBatch(page.ipc);
  const t = b.columns[0]!;
  assert.equal(b.rows, wrong.length);
  for (let i = 0; i < b.rows; i++) assert.equal(t.storage === 'string' ? t.dictionary[t.codes[i]!] : Number((t as { values: ArrayLike<number> }).values[i]), t.storage === 'string' ? '1' : 1);
});

test('regression board on diabetes: linreg, ridge, knn, tree, forest with r2/mae/rmse and residuals', async () => {
  const meta = ds.get('diabetes.csv')!;
  const r = await h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: { kind: 'cv', folds: 5, seed: 1 } });
  assert.equal(r.task, 'regression');
  assert.equal(r.classes, undefined);
  assert.deepEqual(
    r.learners.map((l) => l.algo),
    ['linreg', 'ridge', 'knn', 'tree', 'forest'],
  );
  for (const l of r.learners) {
    assert.equal(l.error, undefined, l.error?.message);
    assert.deepEqual(Object.keys(l.metrics).sort(), ['mae', 'r2', 'rmse']);
    assert.equal(l.residuals?.length, 442);
    assert.equal(l.confusion, undefined);
    // residual = actual − predicted
    const p = l.predictions as Float64Array;
    assert.ok(Math.abs(l.residuals![7]! - (r.actual[7]! - p[7]!)) < 1e-9);
  }
  const lin = r.learners[0]!.metrics.r2!.mean;
  assert.ok(lin > 0.4 && lin < 0.6, `linreg r2 ${lin}`);
  assert.ok(r.tests.every((t) => t.metric === 'r2'));
  assert.equal(r.tests.length, 10);
});

test('a learner that fails reports its error in its row; the others still run (hold-out: no t-tests)', async () => {
  const meta = ds.get('iris.csv')!;
  const r = await h.client.call('ml.compare', {
    datasetId: meta.id,
    target: 'target',
    protocol: { kind: 'holdout', testSize: 0.3, seed: 3 },
    learners: [{ algo: 'knn', params: { n_neighbors: 500 } }, { algo: 'gnb' }, { algo: 'tree', params: { max_depth: 3 } }],
  });
  const [knn, gnb, tree] = r.learners;
  assert.equal(knn!.error?.code, 'BAD_DATA');
  assert.match(knn!.error!.message, /n_neighbors/);
  assert.ok(gnb!.metrics.accuracy!.mean > 0.85);
  assert.equal(gnb!.metrics.accuracy!.folds.length, 1);
  assert.equal(tree!.params.max_depth, 3);
  assert.equal(r.rowIds.length, 45, 'hold-out evaluates the test rows');
  assert.equal(gnb!.confusion!.flat().reduce((a, b) => a + b, 0), 45);
  assert.equal(gnb!.roc!.length, 3, 'one-vs-rest curves');
  assert.deepEqual(r.tests, []);
  assert.ok(r.warnings?.some((w) => /cross-validation/.test(w)));
});

test('cancelling a comparison ends it as CANCELLED within a second', async () => {
  const meta = ds.get('digits.csv')!;
  const ac = new AbortController();
  let cancelledAt = 0;
  const call = h.client.call(
    'ml.compare',
    { datasetId: meta.id, target: 'target', protocol: { kind: 'cv', folds: 10, repeats: 3, seed: 0 }, learners: [{ algo: 'forest', params: { n_estimators: 300 } }, { algo: 'knn' }] },
    {
      signal: ac.signal,
      onProgress: (p) => {
        if (!cancelledAt && p.phase === 'evaluate') {
          cancelledAt = performance.now();
          ac.abort();
        }
      },
    },
  );
  await rejectsWith(call, 'CANCELLED');
  assert.ok(cancelledAt > 0, 'it had started');
  // The job itself has ended (not just the call).
  for (let i = 0; i < 50; i++) {
    const job = (await h.client.call('jobs.list', undefined)).find((j) => j.kind === 'compare' && j.state === 'running');
    if (!job) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const elapsed = performance.now() - cancelledAt;
  assert.ok(elapsed < 1500, `stopped ${elapsed.toFixed(0)} ms after the cancel`);
  const jobs = await h.client.call('jobs.list', undefined);
  assert.equal(jobs.filter((j) => j.kind === 'compare' && j.state === 'running').length, 0);
  assert.ok(jobs.some((j) => j.kind === 'compare' && j.state === 'cancelled'));
});

test('bad requests fail at once with codes that name the problem', async () => {
  const meta = ds.get('iris.csv')!;
  const cv = { kind: 'cv', folds: 5, seed: 0 } as const;
  const e1 = await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'nope', protocol: cv }), 'UNKNOWN_COLUMN');
  assert.match(e1.message, /"nope".*sepal length/);
  await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', features: ['petal width (cm)', 'zzz'], protocol: cv }), 'UNKNOWN_COLUMN');
  const e2 = await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: cv, learners: [{ algo: 'knn', params: { n_neighbors: 0 } }] }), 'INVALID_PARAM');
  assert.equal(e2.message, "The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.");
  await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: cv, learners: [{ algo: 'linreg' }] }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: cv, learners: [{ algo: 'magic' as never }] }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: { kind: 'cv', folds: 1, seed: 0 } }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: { kind: 'holdout', testSize: 1.5, seed: 0 } }), 'INVALID_PARAM');
  await rejectsWith(h.client.call('ml.compare', { datasetId: 'missing', target: 'target', protocol: cv }), 'NOT_FOUND');
  const e3 = await h.client.call('ml.compare', { datasetId: meta.id, target: 'target', protocol: { kind: 'bootstrap' } as never }).catch((e: unknown) => e);
  assert.ok(e3 instanceof LatheError && e3.code === 'BAD_REQUEST');
});
