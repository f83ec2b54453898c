import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient, RpcServer } from '../../src-shared/rpc/core.ts';
import { memoryTransportPair } from '../../src-shared/rpc/memory.ts';
import { decodeMessage, encodeMessage } from '../../src-shared/rpc/wire.ts';
import { fakeHandlers, rpcSuite } from '../helpers/rpc-suite.ts';

rpcSuite('memory', async () => {
  const [a, b] = memoryTransportPair();
  new RpcServer(fakeHandlers, b);
  const client = new RpcClient(a);
  return { client, close: () => a.close() };
});

test('wire: typed arrays and nested binaries round-trip as bytes', () => {
  const f = new Float64Array([1.5, -2, Number.MAX_VALUE]);
  const i = new Int32Array([1, 2, 3]);
  const enc = encodeMessage({ t: 'reply', id: 7, result: { f, nested: { i, s: 'ü' } } });
  const dec = decodeMessage(enc) as { t: string; id: number; result: { f: Float64Array; nested: { i: Int32Array; s: string } } };
  assert.equal(dec.id, 7);
  assert.ok(dec.result.f instanceof Float64Array);
  assert.deepEqual([...dec.result.f], [...f]);
  assert.ok(dec.result.nested.i instanceof Int32Array);
  assert.deepEqual([...dec.result.nested.i], [1, 2, 3]);
  assert.equal(dec.result.nested.s, 'ü');
});

test('wire: truncated frames are refused', () => {
  const enc = encodeMessage({ t: 'reply', id: 1, result: new Uint8Array(100) });
  assert.throws(() => decodeMessage(enc.subarray(0, enc.length - 10)), /past the frame/);
  assert.throws(() => decodeMessage(new Uint8Array(2)), /too short/);
});

test('client: a closed carrier fails pending calls with DISCONNECTED', async () => {
  const [a, b] = memoryTransportPair();
  new RpcServer({ 'app.info': () => new Promise(() => {}) }, b);
  const client = new RpcClient(a);
  const p = client.call('app.info', undefined);
  a.close();
  await assert.rejects(p, { code: 'DISCONNECTED' });
});

test('server: throttled progress keeps the latest report and delivers it before the reply', async () => {
  const [a, b] = memoryTransportPair();
  new RpcServer(
    {
      'datasets.importPath': async (_p, ctx) => {
        // A burst far faster than the throttle: only some get through, but the last must.
        for (let i = 1; i <= 100; i++) ctx.progress({ fraction: i / 200, phase: 'parse', rows: i });
        return { dataset: null as never, skippedRows: 0, seconds: 0 };
      },
    },
    b,
  );
  const client = new RpcClient(a);
  const seen: number[] = [];
  await client.call('datasets.importPath', { path: '/x' }, { onProgress: (p) => seen.push(p.rows ?? -1) });
  assert.ok(seen.length < 100, `throttled (${seen.length} reports)`);
  assert.equal(seen.at(-1), 100, 'the latest report arrives before the reply');
});
