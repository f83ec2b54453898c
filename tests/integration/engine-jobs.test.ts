/**
 * Jobs through the engine: cancel an import, kill its worker or the whole
 * process mid-transaction (the store stays consistent), a crashing task
 * leaves the engine serving, samples are seeded once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { JobInfo } from '../../src-shared/jobs.ts';
import { DATA, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const BIG = join(DATA, 'mnist_10k.csv'); // 18 MB: long enough to stop in the middle

/** Resolves with the import job once it reports rows: the importer reports rows after writing a chunk, so the transaction holds chunks by then. */
function importUnderWay(h: Harness): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = h.engine.subscribe((topic, data) => {
      const j = data as JobInfo;
      if (topic === 'job' && j.kind === 'import' && j.state === 'running' && (j.progress.rows ?? 0) > 0) {
        off();
        resolve(j);
      }
    });
  });
}

function assertConsistent(file: string): void {
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    const orphans = db.prepare('SELECT count(*) AS n FROM chunks WHERE dataset_id NOT IN (SELECT id FROM datasets)').get() as { n: number };
    assert.equal(orphans.n, 0, 'no orphan chunks');
    const half = db.prepare("SELECT count(*) AS n FROM datasets WHERE sha256 = '' OR rows = 0").get() as { n: number };
    assert.equal(half.n, 0, 'no half-written dataset rows');
  } finally {
    db.close();
  }
}

test('cancelling the import call (its AbortSignal) cancels the job and stores nothing', async () => {
  const tmp = tempDir();
  const h = await startEngine(tmp.dir);
  try {
    const ctrl = new AbortController();
    const call = h.client.call('datasets.importPath', { path: BIG }, { signal: ctrl.signal });
    const job = await importUnderWay(h);
    ctrl.abort();
    await rejectsWith(call, 'CANCELLED');
    const ended = (await h.client.call('jobs.list', undefined)).find((j) => j.id === job.id);
    assert.equal(ended?.state, 'cancelled');
    assert.deepEqual(await h.client.call('datasets.list', undefined), []);
    // The write lock is free again: a small import goes straight through.
    const iris = await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') });
    assert.equal(iris.dataset.rows, 150);
  } finally {
    await h.close();
  }
  assertConsistent(join(tmp.dir, 'lathe.db'));
  tmp.remove();
});

test('jobs.cancel on a running import; cancelling an ended job answers false', async () => {
  const tmp = tempDir();
  const h = await startEngine(tmp.dir);
  try {
    const call = h.client.call('datasets.importPath', { path: BIG });
    const job = await importUnderWay(h);
    assert.deepEqual(await h.client.call('jobs.cancel', { jobId: job.id }), { cancelled: true });
    await rejectsWith(call, 'CANCELLED');
    assert.deepEqual(await h.client.call('jobs.cancel', { jobId: job.id }), { cancelled: false });
    assert.equal(h.engine.store.count(), 0);
  } finally {
    await h.close();
  }
  tmp.remove();
});

test('a worker killed mid-import leaves no dataset, no chunks, a sound file, and the engine keeps working', async () => {
  const tmp = tempDir();
  let h = await startEngine(tmp.dir);
  try {
    const first = await h.client.call('datasets.importPath', { path: join(DATA, 'wine.csv') });
    const call = h.client.call('datasets.importPath', { path: BIG });
    const job = await importUnderWay(h);
    assert.equal(h.engine.jobs.kill(job.id), true);
    const e = await rejectsWith(call, 'WORKER_CRASHED');
    assert.match(e.message, /Import mnist_10k\.csv/);
    // The dead worker's transaction is gone: the main thread can write at once.
    const renamed = await h.client.call('datasets.rename', { id: first.dataset.id, name: 'wine kept' });
    assert.equal(renamed.name, 'wine kept');
    assert.deepEqual((await h.client.call('datasets.list', undefined)).map((d) => d.name), ['wine kept']);
    await h.close();
    assertConsistent(join(tmp.dir, 'lathe.db'));
    h = await startEngine(tmp.dir);
    assert.deepEqual((await h.client.call('datasets.list', undefined)).map((d) => d.name), ['wine kept']);
    const again = await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') });
    assert.equal(again.dataset.name, 'iris');
  } finally {
    await h.close();
  }
  tmp.remove();
});

test('the whole process SIGKILLed mid-import: reopening shows only what was committed', async () => {
  const tmp = tempDir();
  let h = await startEngine(tmp.dir);
  await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') });
  await h.close();
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./engine-kill-child.ts', import.meta.url).pathname, tmp.dir, BIG], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const outcome = await new Promise<string>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      if (/rows [1-9]/.test(d.toString())) {
        child.kill('SIGKILL');
        resolve('killed');
      } else if (/finished/.test(d.toString())) resolve('finished');
    });
    child.on('exit', () => resolve('exited'));
  });
  await new Promise((r) => child.once('exit', r).once('close', r));
  assert.equal(outcome, 'killed', err);
  assertConsistent(join(tmp.dir, 'lathe.db'));
  h = await startEngine(tmp.dir);
  try {
    assert.deepEqual((await h.client.call('datasets.list', undefined)).map((d) => d.name), ['iris']);
  } finally {
    await h.close();
  }
  tmp.remove();
});

test('a task that crashes its worker fails alone; the engine and its pool keep serving', async () => {
  const tmp = tempDir();
  const h = await startEngine(tmp.dir);
  try {
    const fixture = new URL('../unit/jobs-tasks.fixture.ts', import.meta.url).href;
    const crash = h.engine.jobs.start({ kind: 'other', title: 'crasher', task: 'fixture', module: fixture, input: { action: 'exit', code: 9 } });
    await rejectsWith(crash.done, 'WORKER_CRASHED');
    const thrown = h.engine.jobs.start({ kind: 'other', title: 'thrower', task: 'fixture', module: fixture, input: { action: 'throw-outside' } });
    await rejectsWith(thrown.done, 'WORKER_CRASHED');
    const listed = await h.client.call('jobs.list', undefined);
    assert.equal(listed.find((j) => j.id === crash.id)?.error?.code, 'WORKER_CRASHED');
    const r = await h.client.call('datasets.importPath', { path: join(DATA, 'penguins.csv') });
    assert.equal(r.dataset.rows, 344);
    assert.equal((await h.client.call('app.info', undefined)).shell, 'test');
  } finally {
    await h.close();
  }
  tmp.remove();
});

test('samples are imported on the first run only; a deleted sample stays deleted', async () => {
  const tmp = tempDir();
  const samples = join(tmp.dir, 'samples');
  mkdirSync(samples);
  copyFileSync(join(DATA, 'iris.csv'), join(samples, 'iris.csv'));
  writeFileSync(join(samples, 'penguins.csv.gz'), gzipSync(readFileSync(join(DATA, 'penguins.csv'))));
  writeFileSync(join(samples, 'README.md'), 'not a dataset');
  const dataDir = join(tmp.dir, 'data');
  let h = await startEngine(dataDir, { seedSamples: true, samplesDir: samples });
  try {
    const seeded = await h.engine.seeding;
    assert.equal(seeded.imported.length, 2);
    assert.deepEqual(seeded.failed, []);
    const list = await h.client.call('datasets.list', undefined);
    assert.deepEqual(list.map((d) => [d.name, d.rows, d.sample]).sort(), [['iris', 150, true], ['penguins', 344, true]]);
    assert.ok(h.events.filter((e) => e.topic === 'datasets.changed').length >= 2);
    await h.client.call('datasets.delete', { id: list.find((d) => d.name === 'iris')!.id });
  } finally {
    await h.close();
  }
  h = await startEngine(dataDir, { seedSamples: true, samplesDir: samples });
  try {
    assert.equal((await h.engine.seeding).skipped, true);
    assert.deepEqual((await h.client.call('datasets.list', undefined)).map((d) => d.name), ['penguins']);
  } finally {
    await h.close();
  }
  tmp.remove();
});

test('imports running side by side in two workers take turns at the write lock; names stay unique', async () => {
  const tmp = tempDir();
  const h = await startEngine(tmp.dir, { workers: 2 });
  try {
    const phases: string[] = [];
    const files = ['weather.csv', 'titanic.csv', 'titanic.csv', 'cars.csv'];
    const results = await Promise.all(
      files.map((f) => h.client.call('datasets.importPath', { path: join(DATA, f) }, { onProgress: (p) => phases.push(p.phase) })),
    );
    assert.deepEqual(results.map((r) => r.dataset.name).sort(), ['cars', 'titanic', 'titanic (2)', 'weather']);
    assert.deepEqual(results.map((r) => r.dataset.rows), [2922, 1309, 1309, 406]);
    const jobs = await h.client.call('jobs.list', undefined);
    assert.equal(jobs.filter((j) => j.kind === 'import' && j.state === 'done').length, 4);
    assert.ok(h.engine.jobs.workerCount <= 2);
  } finally {
    await h.close();
  }
  assertConsistent(join(tmp.dir, 'lathe.db'));
  tmp.remove();
});
