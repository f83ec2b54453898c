import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, chunks, threadCount, transferablesOf } from '../../src-main/engine/ml/parallel.ts';

const FIX = new URL('./ml-parallel.fixture.ts', import.meta.url).href;
const pool = new WorkerPool(2);
after(() => pool.close());

test('map runs tasks on workers over shared memory and keeps the order of the specs', async () => {
  const data = new Float64Array(new SharedArrayBuffer(8 * 1000));
  for (let i = 0; i < 1000; i++) data[i] = i;
  const parts = chunks(1000, 5);
  const sums = await pool.map<number>(parts.map(([from, to]) => ({ module: FIX, fn: 'sumRange', args: { data, from, to } })));
  assert.deepEqual(
    sums,
    parts.map(([a, b]) => ((b - 1) * b) / 2 - ((a - 1) * a) / 2),
  );
  // typed-array results come back intact
  const arr = await pool.run<Float64Array>({ module: FIX, fn: 'squares', args: 4 });
  assert.deepEqual(Array.from(arr), [0, 1, 4, 9]);
});

test('errors keep their code; an unknown function fails the task, not the pool', async () => {
  await assert.rejects(pool.run({ module: FIX, fn: 'fails', args: null }), (e: { code: string }) => e.code === 'BAD_DATA');
  await assert.rejects(pool.run({ module: FIX, fn: 'nope', args: null }), (e: { code: string }) => e.code === 'INTERNAL');
  assert.equal(await pool.run({ module: FIX, fn: 'sumRange', args: { data: Float64Array.of(1, 2), from: 0, to: 2 } }), 3);
});

test('abort cancels running tasks (they poll ctx.cancelled) and drops queued ones', async () => {
  const ac = new AbortController();
  const msgs: unknown[] = [];
  const p = pool.map(
    [0, 1, 2, 3].map(() => ({ module: FIX, fn: 'spin', args: null })),
    { signal: ac.signal, onMessage: (m) => msgs.push(m) },
  );
  setTimeout(() => ac.abort(), 300);
  await assert.rejects(p, (e: { code: string }) => e.code === 'CANCELLED');
  // the pool still works afterwards
  assert.equal(await pool.run({ module: FIX, fn: 'sumRange', args: { data: Float64Array.of(5), from: 0, to: 1 } }), 5);
});

test('a crashing worker fails its task with WORKER_CRASHED and is replaced', async () => {
  await assert.rejects(pool.run({ module: FIX, fn: 'crash', args: null }), (e: { code: string }) => e.code === 'WORKER_CRASHED');
  assert.equal(await pool.run({ module: FIX, fn: 'sumRange', args: { data: Float64Array.of(2, 2), from: 0, to: 2 } }), 4);
});

test('helpers: threadCount, chunks, transferablesOf', () => {
  assert.ok(threadCount(-1) >= 1);
  assert.equal(threadCount(1), 1);
  assert.equal(threadCount(0), 1);
  assert.deepEqual(chunks(10, 3), [
    [0, 3],
    [3, 6],
    [6, 10],
  ]);
  assert.deepEqual(chunks(2, 5), [
    [0, 1],
    [1, 2],
  ]);
  const a = new Float64Array(3);
  const shared = new Float64Array(new SharedArrayBuffer(8));
  assert.deepEqual(transferablesOf({ a, b: [a, shared] }), [a.buffer]);
});
