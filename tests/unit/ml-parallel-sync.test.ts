/**
 * runChunksSync's helpers are posted to directly: back-to-back synchronous
 * calls (the caller never yields to its event loop in between) each get a
 * helper, and a warmed pool's idle workers do not keep the process alive.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runChunksSync, sharedPool } from '../../src-main/engine/ml/parallel.ts';
import { whoRan } from './ml-parallel-sync.fixture.ts';

after(() => sharedPool().close());

const mod = new URL('./ml-parallel-sync.fixture.ts', import.meta.url).href;

test('a helper takes chunks in every one of several back-to-back synchronous calls', async () => {
  sharedPool().warm(1);
  // let the worker start and load the fixture once
  const first = new Int32Array(new SharedArrayBuffer(4 * 400));
  runChunksSync({ module: mod, fn: 'whoRan', args: { out: first } }, 400, (c) => whoRan({ out: first }, c), 1);
  await new Promise((r) => setTimeout(r, 1500));
  const n = 200;
  const outs: Int32Array[] = [];
  for (let call = 0; call < 5; call++) {
    const out = new Int32Array(new SharedArrayBuffer(4 * n));
    runChunksSync({ module: mod, fn: 'whoRan', args: { out } }, n, (c) => whoRan({ out }, c), 1);
    outs.push(out);
  }
  for (const [call, out] of outs.entries()) {
    assert.ok(out.every((v) => v === 1 || v === 2), `call ${call}: every chunk ran`);
    assert.ok(out.some((v) => v === 2), `call ${call}: the helper took some chunks`);
  }
});

test('runChunksSync with no helpers runs everything on the caller', () => {
  const out = new Int32Array(new SharedArrayBuffer(4 * 20));
  runChunksSync({ module: mod, fn: 'whoRan', args: { out } }, 20, (c) => whoRan({ out }, c), 0);
  assert.ok(out.every((v) => v === 1));
});

test('a process whose pool was only warmed (never used) still exits', () => {
  const url = new URL('../../src-main/engine/ml/parallel.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(url)}).then((m) => { m.sharedPool().warm(2); setTimeout(() => {}, 1000); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 30_000, encoding: 'utf8' });
  assert.equal(r.signal, null, 'the process had to be killed: an idle worker kept it alive');
  assert.equal(r.status, 0, r.stderr);
});
