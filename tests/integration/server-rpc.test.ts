/**
 * The RPC suite over the real browser-mode server and a real WebSocket
 * (ws + wire.ts), plus what only this carrier has: broadcast events and
 * malformed frames that must not take the server down.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer, type RunningServer, type ServedEngine } from '../../src-main/server/server.ts';
import { connectWs } from '../../src-main/server/ws-client.ts';
import { decodeMessage, encodeMessage } from '../../src-shared/rpc/wire.ts';
import { fakeHandlers, rpcSuite } from '../helpers/rpc-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'lathe-server-rpc-'));
const listeners = new Set<(topic: string, data: unknown) => void>();
let n = 0;
const engine: ServedEngine = {
  handlers: fakeHandlers,
  subscribe(cb) {
    listeners.add(cb);
    return () => listeners.delete(cb);
  },
  newUpload: () => ({ id: `u${++n}`, path: join(dir, 'uploads', `u${n}`) }),
};
let server: RunningServer;

before(async () => {
  server = await startServer({ engine, staticDir: dir });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

rpcSuite('websocket', async () => {
  const { client, close } = await connectWs(server.url);
  return { client, close };
});

test('websocket: engine events reach every open socket', async () => {
  const a = await connectWs(server.url);
  const b = await connectWs(server.url);
  const got = (c: typeof a) => new Promise((resolve) => c.client.on('datasets.changed', resolve));
  const pa = got(a);
  const pb = got(b);
  for (const cb of listeners) cb('datasets.changed', { ids: ['x', 'y'] });
  assert.deepEqual(await pa, { ids: ['x', 'y'] });
  assert.deepEqual(await pb, { ids: ['x', 'y'] });
  await a.close();
  await b.close();
});

/** Opens a raw socket and collects decoded frames. */
async function rawSocket(): Promise<{ ws: WebSocket; next: () => Promise<unknown> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { 'X-Lathe-Token': server.token } });
  const queue: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const m = decodeMessage(new Uint8Array(data));
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) };
}

test('websocket: malformed frames are refused and the server keeps serving', async () => {
  const { ws, next } = await rawSocket();
  ws.send('{"t":"call","id":1,"method":"app.info"}'); // text frame: dropped
  ws.send(Buffer.from([1, 2])); // too short to decode: dropped
  ws.send(Buffer.from([255, 255, 255, 0, 1, 2, 3])); // header runs past the frame: dropped
  // Decodes, but is not an RPC message: answered by id with BAD_REQUEST.
  ws.send(encodeMessage({ t: 'bogus', id: 5 } as never), { binary: true });
  const refused = (await next()) as { t: string; id: number; error: { code: string } };
  assert.equal(refused.t, 'error');
  assert.equal(refused.id, 5);
  assert.equal(refused.error.code, 'BAD_REQUEST');
  // Not valid JSON inside a well-formed frame: dropped.
  const junk = Buffer.alloc(8);
  junk.writeUInt32LE(4, 0);
  junk.write('{{{{', 4);
  ws.send(junk);
  // An unknown method is an error reply, not a crash.
  ws.send(encodeMessage({ t: 'call', id: 6, method: 'no.such', params: null }), { binary: true });
  const unknown = (await next()) as { id: number; error: { code: string } };
  assert.equal(unknown.id, 6);
  assert.equal(unknown.error.code, 'NOT_IMPLEMENTED');
  // The same socket still works.
  ws.send(encodeMessage({ t: 'call', id: 7, method: 'app.info', params: null }), { binary: true });
  const reply = (await next()) as { t: string; id: number; result: { version: string } };
  assert.equal(reply.t, 'reply');
  assert.equal(reply.id, 7);
  assert.equal(reply.result.version, 'test');
  ws.close();
});

test('websocket: a socket that closes mid-call cancels its work', async () => {
  const { client, socket } = await connectWs(server.url);
  const p = client.call('datasets.importPath', { path: '/x' }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 30));
  socket.terminate();
  const e = (await p) as { code: string };
  assert.equal(e.code, 'DISCONNECTED');
});
