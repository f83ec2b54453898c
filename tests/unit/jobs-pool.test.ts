import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { JobSystem } from '../../src-main/engine/jobs/pool.ts';
import { workerExecArgv } from '../../src-main/engine/jobs/spawn.ts';
import { LatheError } from '../../src-shared/errors.ts';
import type { JobInfo } from '../../src-shared/jobs.ts';

const FIXTURE = new URL('./jobs-tasks.fixture.ts', import.meta.url).href;
const events: JobInfo[] = [];
const jobs = new JobSystem({ size: 2, onChange: (i) => events.push(i), resourceLimits: { maxOldGenerationSizeMb: 96 } });
after(() => jobs.close());

const spec = (input: unknown, title = 'fixture') => ({ kind: 'other' as const, title, task: 'fixture', module: FIXTURE, input });

async function rejectsWith(p: Promise<unknown>, code: string): Promise<LatheError> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof LatheError, `expected a LatheError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

test('execArgv: tsx is never registered twice and test-runner flags are dropped', () => {
  assert.deepEqual(workerExecArgv(['--import', 'tsx', '--test', '--enable-source-maps', '--import=tsx']), ['--enable-source-maps']);
  assert.deepEqual(workerExecArgv(['--require', '/x/node_modules/tsx/dist/cjs/index.cjs', '--conditions', 'dev']), ['--conditions', 'dev']);
  assert.deepEqual(workerExecArgv(['--import', './other.mjs']), ['--import', './other.mjs']);
});

test('a job runs in a worker, reports progress and returns its result; events follow every change', async () => {
  const seen: number[] = [];
  const { id, done } = jobs.start<{ slept: number }>(spec({ action: 'sleep', ms: 300, steps: 6 }, 'sleepy'), {
    onProgress: (p) => seen.push(p.fraction ?? -1),
  });
  assert.deepEqual(await done, { slept: 300 });
  assert.ok(seen.length >= 2, `progress reports: ${seen.length}`);
  assert.equal(jobs.get(id)?.state, 'done');
  const mine = events.filter((e) => e.id === id).map((e) => e.state);
  assert.equal(mine[0], 'queued');
  assert.ok(mine.includes('running'));
  assert.equal(mine.at(-1), 'done');
  assert.ok(jobs.list().some((j) => j.id === id && j.title === 'sleepy'));
});

test('a typed error from the task keeps its code', async () => {
  const { id, done } = jobs.start(spec({ action: 'fail' }));
  const e = await rejectsWith(done, 'BAD_DATA');
  assert.equal(e.details.param, 'action');
  assert.equal(jobs.get(id)?.state, 'failed');
  assert.equal(jobs.get(id)?.error?.code, 'BAD_DATA');
});

test('jobs queue when every worker is busy and use at most `size` workers', async () => {
  const t0 = Date.now();
  const runs = [0, 1, 2].map(() => jobs.start(spec({ action: 'sleep', ms: 300, steps: 3 })));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(jobs.get(runs[2]!.id)?.state, 'queued');
  await Promise.all(runs.map((r) => r.done));
  assert.ok(Date.now() - t0 >= 550, 'the third job waited for a free worker');
  assert.ok(jobs.workerCount <= 2);
});

test('cancel: a cooperative task stops with CANCELLED; a queued one never starts', async () => {
  const a = jobs.start(spec({ action: 'sleep', ms: 5000, steps: 100 }));
  const b = jobs.start(spec({ action: 'sleep', ms: 5000, steps: 100 }));
  const c = jobs.start(spec({ action: 'sleep', ms: 5000, steps: 100 }));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(jobs.get(c.id)?.state, 'queued');
  assert.equal(jobs.cancel(c.id), true);
  await rejectsWith(c.done, 'CANCELLED');
  const t0 = Date.now();
  jobs.cancel(a.id);
  jobs.cancel(b.id);
  await rejectsWith(a.done, 'CANCELLED');
  await rejectsWith(b.done, 'CANCELLED');
  assert.ok(Date.now() - t0 < 900, 'stopped cooperatively, before the deadline');
  assert.equal(jobs.get(a.id)?.state, 'cancelled');
  assert.equal(jobs.cancel(a.id), false, 'an ended job cannot be cancelled again');
  assert.throws(() => jobs.cancel('no-such-job'), (e: unknown) => e instanceof LatheError && e.code === 'NOT_FOUND');
});

test('cancel through an AbortSignal (the RPC call is aborted)', async () => {
  const ctrl = new AbortController();
  const r = jobs.start(spec({ action: 'sleep', ms: 5000, steps: 100 }), { signal: ctrl.signal });
  setTimeout(() => ctrl.abort(), 100);
  await rejectsWith(r.done, 'CANCELLED');
});

test('a task that ignores cancel is terminated after the grace period; its worker is replaced', async () => {
  const r = jobs.start(spec({ action: 'ignore-cancel', ms: 20000 }));
  await new Promise((res) => setTimeout(res, 400));
  const t0 = Date.now();
  jobs.cancel(r.id);
  await rejectsWith(r.done, 'CANCELLED');
  const waited = Date.now() - t0;
  // the default grace is 500 ms; the answer waits for terminate() at most 200 ms more
  assert.ok(waited >= 450 && waited < 1000, `terminated after ${waited} ms`);
  assert.deepEqual(await jobs.start(spec({ action: 'echo', value: 'still here' })).done, 'still here');
});

test('a task busy in synchronous code sees the cancel at its next signal check (shared flag), well before the deadline', async () => {
  const r = jobs.start(spec({ action: 'busy-check', ms: 20000 }));
  await new Promise((res) => setTimeout(res, 400));
  const before = jobs.workerCount;
  const t0 = Date.now();
  jobs.cancel(r.id);
  const e = await rejectsWith(r.done, 'CANCELLED');
  const waited = Date.now() - t0;
  assert.ok(waited < 300, `stopped after ${waited} ms`);
  assert.doesNotMatch(e.message, /worker was stopped/, 'the task stopped itself; its worker was not terminated');
  assert.equal(jobs.workerCount, before, 'the worker is kept');
});

test('crash isolation: throw outside the job, process.exit, out of memory', async () => {
  const thrown = await rejectsWith(jobs.start(spec({ action: 'throw-outside' }, 'thrower')).done, 'WORKER_CRASHED');
  assert.match(thrown.message, /boom outside the job/);
  const exited = await rejectsWith(jobs.start(spec({ action: 'exit', code: 7 }, 'exiter')).done, 'WORKER_CRASHED');
  assert.match(exited.message, /exit code 7/);
  const oom = await rejectsWith(jobs.start(spec({ action: 'oom' }, 'hog')).done, 'OUT_OF_MEMORY');
  assert.match(oom.message, /hog ran out of memory/);
  // The pool is still whole.
  const results = await Promise.all([1, 2, 3].map((v) => jobs.start(spec({ action: 'echo', value: v })).done));
  assert.deepEqual(results, [1, 2, 3]);
  assert.ok(jobs.workerCount <= 2);
});

test('an unknown task name fails with NOT_IMPLEMENTED', async () => {
  await rejectsWith(jobs.start({ kind: 'other', title: 'x', task: 'no-such-task', input: null }).done, 'NOT_IMPLEMENTED');
});

test('progress is throttled in the worker (about 10 a second) and the last report is never lost', async () => {
  const seen: string[] = [];
  const r = jobs.start(spec({ action: 'sleep', ms: 1000, steps: 200 }), { onProgress: (p) => seen.push(p.message ?? String(p.fraction)) });
  await r.done;
  assert.ok(seen.length >= 5 && seen.length <= 16, `${seen.length} progress reports for 201 calls in 1 s`);
  assert.equal(seen.at(-1), '1');
});

test('close() ends running and queued jobs as cancelled and refuses new ones', async () => {
  const own = new JobSystem({ size: 1 });
  const a = own.start(spec({ action: 'sleep', ms: 5000, steps: 50 }));
  const b = own.start(spec({ action: 'sleep', ms: 5000, steps: 50 }));
  await new Promise((res) => setTimeout(res, 100));
  await own.close();
  await rejectsWith(a.done, 'CANCELLED');
  await rejectsWith(b.done, 'CANCELLED');
  assert.equal(own.workerCount, 0);
  assert.throws(() => own.start(spec({ action: 'echo', value: 1 })), (e: unknown) => e instanceof LatheError && e.code === 'CANCELLED');
});
