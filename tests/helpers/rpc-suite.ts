/**
 * One RPC suite, run over every carrier: the in-memory pair (unit) and the
 * real WebSocket server (integration). `connect` gives a client whose other
 * end is served by `handlers`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Handlers } from '../../src-shared/rpc/core.ts';
import { RpcClient } from '../../src-shared/rpc/core.ts';
import { LatheError } from '../../src-shared/errors.ts';

export const fakeHandlers: Partial<Handlers> = {
  'app.info': () => ({ version: 'test', shell: 'test', dataDir: '/tmp', canOpenPaths: false }),
  'datasets.rows': ({ offset, limit }) => {
    const ipc = new Uint8Array(limit);
    for (let i = 0; i < limit; i++) ipc[i] = (offset + i) & 255;
    return { offset, count: limit, columns: ['a'], ipc };
  },
  'datasets.get': ({ id }) => {
    throw new LatheError('NOT_FOUND', `No dataset with id "${id}".`, { id });
  },
  'datasets.importPath': async (_p, ctx) => {
    for (let i = 0; i < 1000; i++) {
      if (ctx.signal.aborted) throw new LatheError('CANCELLED', 'Import cancelled.');
      ctx.progress({ fraction: i / 1000, phase: 'parse' });
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('should have been cancelled');
  },
};

export function rpcSuite(name: string, connect: () => Promise<{ client: RpcClient; close: () => Promise<void> | void }>): void {
  test(`${name}: call and reply`, async () => {
    const { client, close } = await connect();
    const info = await client.call('app.info', undefined);
    assert.equal(info.version, 'test');
    await close();
  });

  test(`${name}: binary payloads arrive as bytes`, async () => {
    const { client, close } = await connect();
    const page = await client.call('datasets.rows', { id: 'x', offset: 10, limit: 300 });
    assert.ok(page.ipc instanceof Uint8Array);
    assert.equal(page.ipc.length, 300);
    assert.equal(page.ipc[0], 10);
    assert.equal(page.ipc[299], (10 + 299) & 255);
    await close();
  });

  test(`${name}: typed errors keep code, message and details`, async () => {
    const { client, close } = await connect();
    await assert.rejects(client.call('datasets.get', { id: 'nope' }), (e: unknown) => {
      assert.ok(e instanceof LatheError);
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /nope/);
      assert.equal(e.details.id, 'nope');
      return true;
    });
    await close();
  });

  test(`${name}: unknown methods fail with NOT_IMPLEMENTED`, async () => {
    const { client, close } = await connect();
    await assert.rejects(client.call('datasets.list', undefined), { code: 'NOT_IMPLEMENTED' });
    await close();
  });

  test(`${name}: progress arrives and cancel stops the call`, async () => {
    const { client, close } = await connect();
    const ac = new AbortController();
    let seen = 0;
    const p = client.call('datasets.importPath', { path: '/x' }, {
      signal: ac.signal,
      onProgress: () => {
        seen++;
        if (seen === 3) ac.abort();
      },
    });
    await assert.rejects(p, { code: 'CANCELLED' });
    assert.ok(seen >= 3);
    await close();
  });
}
