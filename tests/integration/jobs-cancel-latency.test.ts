/**
 * Cancel answers within a second for every long job kind, on real data sized
 * so the job would run for several seconds: the RPC call is aborted once the
 * job is under way, and CANCELLED must arrive in under 1 s. (The latency
 * assertion checks behaviour, "the model stops within a second", not speed.)
 * Also: an ML job whose worker runs out of memory fails with OUT_OF_MEMORY and
 * the engine keeps serving.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobInfo } from '../../src-shared/jobs.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { DATA, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const LIMIT_MS = 1000;

let tmp: ReturnType<typeof tempDir>;
let h: Harness;
let cancer = '';
let digits = '';
let mnist = '';
let iris = '';

before(async () => {
  tmp = tempDir('lathe-cancel-');
  // two workers, as on a two-core machine: a cancelled job's worker may be replaced while the next starts
  h = await startEngine(tmp.dir, { workers: 2 });
  cancer = (await h.client.call('datasets.importPath', { path: join(DATA, 'breast_cancer.csv') })).dataset.id;
  digits = (await h.client.call('datasets.importPath', { path: join(DATA, 'digits.csv') })).dataset.id;
  mnist = (await h.client.call('datasets.importPath', { path: join(DATA, 'mnist_10k.csv') })).dataset.id;
  iris = (await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') })).dataset.id;
});

after(async () => {
  await h?.close();
  tmp?.remove();
});

/** Resolves once a job of `kind` other than `seen` reports progress past its start (or `maxMs` after it runs). */
function underWay(kind: string, seen: Set<string>, maxMs = 3000): Promise<JobInfo> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = h.engine.subscribe((topic, data) => {
      const j = data as JobInfo;
      if (topic !== 'job' || j.kind !== kind || seen.has(j.id) || j.state !== 'running') return;
      if (!timer) timer = setTimeout(() => (off(), resolve(j)), maxMs);
      if ((j.progress.fraction ?? 0) > 0) {
        clearTimeout(timer);
        off();
        resolve(j);
      }
    });
  });
}

const seenJobs = new Set<string>();

/**
 * Start `call` with an AbortSignal, wait until its job is under way (and a
 * little more, so the work is in its main loop), abort, and time the answer.
 */
async function cancelLatency(kind: string, call: (signal: AbortSignal) => Promise<unknown>, settleMs = 300): Promise<number> {
  const ctrl = new AbortController();
  const going = underWay(kind, seenJobs);
  const p = call(ctrl.signal);
  let ended: string | undefined;
  p.then(
    () => (ended = 'finished'),
    (e: unknown) => (ended = e instanceof LatheError ? e.code : String(e)),
  );
  const job = await Promise.race([going, p.then(() => undefined, () => undefined)]);
  assert.ok(job, `the ${kind} job ended (${ended}) before it could be cancelled: give it more work`);
  seenJobs.add(job.id);
  await new Promise((r) => setTimeout(r, settleMs));
  assert.equal(ended, undefined, `the ${kind} job ended (${ended}) before it could be cancelled: give it more work`);
  const t0 = performance.now();
  ctrl.abort();
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  const ms = performance.now() - t0;
  assert.ok(caught instanceof LatheError, `expected CANCELLED, got ${String(caught)}`);
  assert.equal(caught.code, 'CANCELLED', caught.message);
  const info = (await h.client.call('jobs.list', undefined)).find((j) => j.id === job.id);
  assert.equal(info?.state, 'cancelled');
  return ms;
}

function assertFast(t: TestContext, what: string, ms: number): void {
  t.diagnostic(`${what}: CANCELLED ${ms.toFixed(0)} ms after the abort`);
  assert.ok(ms < LIMIT_MS, `${what}: CANCELLED arrived ${ms.toFixed(0)} ms after the abort (limit ${LIMIT_MS} ms)`);
}

test('ml.compare: a 10 x 10 CV forest of 500 trees on breast_cancer stops within a second', async (t) => {
  const ms = await cancelLatency('compare', (signal) =>
    h.client.call(
      'ml.compare',
      { datasetId: cancer, target: 'target', protocol: { kind: 'cv', folds: 10, repeats: 10, seed: 1 }, learners: [{ algo: 'forest', params: { n_estimators: 500 } }] },
      { signal },
    ),
  );
  assertFast(t, 'ml.compare forest', ms);
});

test('ml.compare: the five default classifiers and an SVM on digits stop within a second', async (t) => {
  const ms = await cancelLatency('compare', (signal) =>
    h.client.call(
      'ml.compare',
      {
        datasetId: digits,
        target: 'target',
        protocol: { kind: 'cv', folds: 10, repeats: 5, seed: 2 },
        learners: [{ algo: 'logreg' }, { algo: 'svm' }, { algo: 'tree' }, { algo: 'knn' }, { algo: 'gboost', params: { n_estimators: 300 } }],
      },
      { signal },
    ),
    1200,
  );
  assertFast(t, 'ml.compare default learners', ms);
});

test('ml.train: gradient boosting with 3000 stages stops within a second', async (t) => {
  const ms = await cancelLatency('train', (signal) =>
    h.client.call('ml.train', { datasetId: digits, target: 'target', algo: 'gboost', params: { n_estimators: 3000 } }, { signal }),
  );
  assertFast(t, 'ml.train gboost', ms);
});

test('ml.train: an MLP network stops within a second', async (t) => {
  const ms = await cancelLatency('train', (signal) =>
    h.client.call('ml.train', { datasetId: digits, target: 'target', algo: 'mlp', params: { epochs: 500 } }, { signal }),
  );
  assertFast(t, 'ml.train mlp', ms);
});

test('ml.boundary: a 400 x 400 grid of five learners stops within a second', async (t) => {
  const ms = await cancelLatency('other', (signal) =>
    h.client.call(
      'ml.boundary',
      {
        datasetId: cancer,
        target: 'target',
        x: 'mean radius',
        y: 'mean texture',
        resolution: 400,
        learners: [{ algo: 'forest', params: { n_estimators: 1000 } }, { algo: 'svm' }, { algo: 'knn' }, { algo: 'gboost', params: { n_estimators: 1000 } }],
      },
      { signal },
    ),
  );
  assertFast(t, 'ml.boundary', ms);
});

test('ml.correlate on MNIST (785 columns) and explore.projections on digits stop within a second', async (t) => {
  const corr = await cancelLatency('correlate', (signal) => h.client.call('ml.correlate', { datasetId: mnist, method: 'spearman' }, { signal }), 800);
  assertFast(t, 'ml.correlate', corr);
  const proj = await cancelLatency('other', (signal) =>
    h.client.call('explore.projections', { id: digits, classColumn: 'target', folds: 10, k: 15, maxRows: 1797 }, { signal }),
  );
  assertFast(t, 'explore.projections', proj);
});

test('explore.elbow on 200k points stops within a second', async (t) => {
  const n = 200_000;
  const points = new Float64Array(2 * n);
  let s = 12345;
  for (let i = 0; i < points.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    points[i] = (s / 2147483648) * 100 + (i % 7) * 10;
  }
  const ms = await cancelLatency('kmeans', (signal) => h.client.call('explore.elbow', { points, kMax: 20, seed: 1 }, { signal }));
  assertFast(t, 'explore.elbow', ms);
});

test('the engine keeps serving after the cancels', async () => {
  const r = await h.client.call('ml.compare', { datasetId: cancer, target: 'target', protocol: { kind: 'holdout', testSize: 0.25, seed: 1 }, learners: [{ algo: 'gnb' }] });
  assert.equal(r.learners[0]?.error, undefined);
  assert.ok((r.learners[0]?.metrics.accuracy?.mean ?? 0) > 0.9);
});

test('an ML job whose worker runs out of memory fails with OUT_OF_MEMORY; the engine keeps serving', async () => {
  // the same data folder, reopened with a 16 MiB heap per worker: enough for iris, not for MNIST
  await h.close();
  h = await startEngine(tmp.dir, { workers: 1, jobOptions: { resourceLimits: { maxOldGenerationSizeMb: 16 } } });
  const small = { datasetId: iris, target: 'target', algo: 'forest' as const, params: { n_estimators: 20 } };
  assert.ok((await h.client.call('ml.train', small)).model.id);
  const e = await rejectsWith(h.client.call('ml.train', { datasetId: mnist, target: 'label', algo: 'forest', params: { n_estimators: 20 } }), 'OUT_OF_MEMORY');
  assert.match(e.message, /ran out of memory .*16 MiB/);
  const failed = (await h.client.call('jobs.list', undefined)).filter((j) => j.kind === 'train' && j.state === 'failed');
  assert.equal(failed.at(-1)?.error?.code, 'OUT_OF_MEMORY');
  // the worker was replaced: the next job runs
  assert.ok((await h.client.call('ml.train', small)).model.id);
  assert.equal((await h.client.call('datasets.list', undefined)).length, 4);
});
