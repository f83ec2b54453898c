/**
 * The browser-mode server's doors: token (query → cookie, header, cookie),
 * Host and Origin checks for HTTP and the WebSocket upgrade, static files
 * (types, CSP, SPA fallback, no traversal) and streamed uploads.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer, type RunningServer, type ServedEngine } from '../../src-main/server/server.ts';
import { connectWs } from '../../src-main/server/ws-client.ts';
import { fakeHandlers } from '../helpers/rpc-suite.ts';
import { datasetPath } from '../helpers/data.ts';

const dir = mkdtempSync(join(tmpdir(), 'lathe-server-sec-'));
const web = join(dir, 'web');
mkdirSync(join(web, 'assets'), { recursive: true });
writeFileSync(join(web, 'index.html'), '<!doctype html><title>Lathe</title><div id="app"></div>');
writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log("lathe")');
writeFileSync(join(web, 'assets', 'style.css'), 'body{}');
writeFileSync(join(web, 'assets', 'tf.wasm'), Buffer.from([0, 97, 115, 109]));
writeFileSync(join(dir, 'secret.txt'), 'do not serve');

let n = 0;
const engine: ServedEngine = {
  handlers: fakeHandlers,
  subscribe: () => () => undefined,
  newUpload: () => ({ id: `up-${++n}`, path: join(dir, 'uploads', `up-${n}.bin`) }),
};
let server: RunningServer;

before(async () => {
  server = await startServer({ engine, staticDir: web });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: lets the test send any Host/Origin and an unnormalised path. */
function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = (): Record<string, string> => ({ 'X-Lathe-Token': server.token });

test('the printed URL is http://127.0.0.1:PORT/?token=TOKEN with a long random token', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  const other = await startServer({ engine, staticDir: web });
  assert.notEqual(other.token, server.token);
  await other.close();
});

test('the server listens on 127.0.0.1 only', async () => {
  const { networkInterfaces } = await import('node:os');
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!external) return; // no other interface on this machine to try
  await assert.rejects(
    new Promise((resolve, reject) => {
      const req = request({ host: external.address, port: server.port, path: '/', headers: auth() }, resolve);
      req.on('error', reject);
      req.end();
    }),
    { code: 'ECONNREFUSED' },
  );
});

test('no token → 401 for pages, assets and uploads', async () => {
  for (const p of ['/', '/index.html', '/assets/app-1234.js', '/some/route']) {
    const r = await http(p);
    assert.equal(r.status, 401, p);
    assert.equal(JSON.parse(r.body.toString()).error.code, 'UNAUTHORIZED');
  }
  const up = await http('/api/upload?name=x.csv', { method: 'POST', body: Buffer.from('a\n1\n') });
  assert.equal(up.status, 401);
  const wrong = await http('/', { headers: { 'X-Lathe-Token': 'x'.repeat(32) } });
  assert.equal(wrong.status, 401);
  const wrongQuery = await http('/?token=nope');
  assert.equal(wrongQuery.status, 401);
});

test('the token in the URL becomes an HttpOnly SameSite=Strict cookie and a redirect to /', async () => {
  const r = await http(`/?token=${server.token}`);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, '/');
  const cookie = String(r.headers['set-cookie']);
  assert.match(cookie, new RegExp(`^lathe_token_${server.port}=${server.token};`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const page = await http('/', { headers: { Cookie: cookie.split(';')[0]! } });
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /<title>Lathe<\/title>/);
  // A cookie for another port's Lathe is not ours.
  const foreign = await http('/', { headers: { Cookie: `lathe_token_1=${server.token}` } });
  assert.equal(foreign.status, 401);
});

test('a foreign Host → 403 (DNS rebinding), even with the token', async () => {
  for (const host of ['evil.example:' + server.port, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `0.0.0.0:${server.port}`]) {
    const r = await http('/', { headers: { ...auth(), Host: host } });
    assert.equal(r.status, 403, host);
  }
  const ok = await http('/', { headers: { ...auth(), Host: `localhost:${server.port}` } });
  assert.equal(ok.status, 200);
});

test('a foreign Origin → 403, our own origin is fine', async () => {
  for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
    const r = await http('/api/upload?name=a.csv', { method: 'POST', headers: { ...auth(), Origin: origin }, body: Buffer.from('a\n') });
    assert.equal(r.status, 403, origin);
  }
  const ok = await http('/', { headers: { ...auth(), Origin: `http://localhost:${server.port}` } });
  assert.equal(ok.status, 200);
});

function upgrade(headers: Record<string, string>, path = '/ws'): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

test('the WebSocket upgrade needs the token and our Host/Origin', async () => {
  assert.equal(await upgrade({}), 401);
  assert.equal(await upgrade({ 'X-Lathe-Token': 'wrong' }), 401);
  assert.equal(await upgrade({ 'X-Lathe-Token': server.token, Origin: 'http://evil.example' }), 403);
  assert.equal(await upgrade({ 'X-Lathe-Token': server.token, Host: `attacker.test:${server.port}` }), 403);
  assert.equal(await upgrade({ 'X-Lathe-Token': server.token }, '/other'), 404);
  assert.equal(await upgrade({ 'X-Lathe-Token': server.token, Origin: `http://127.0.0.1:${server.port}` }), 101);
  assert.equal(await upgrade({ Cookie: `lathe_token_${server.port}=${server.token}` }), 101);
  await assert.rejects(connectWs(`http://127.0.0.1:${server.port}/`, 'bad'), { code: 'UNAUTHORIZED' });
});

test('static files carry their content type, the CSP and nosniff', async () => {
  const cases: [string, RegExp][] = [
    ['/', /^text\/html/],
    ['/assets/app-1234.js', /^text\/javascript/],
    ['/assets/style.css', /^text\/css/],
    ['/assets/tf.wasm', /^application\/wasm$/],
  ];
  for (const [p, type] of cases) {
    const r = await http(p, { headers: auth() });
    assert.equal(r.status, 200, p);
    assert.match(String(r.headers['content-type']), type, p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${server.port} ws://localhost:${server.port}`));
    assert.match(csp, /img-src 'self' data: blob:/);
    assert.match(csp, /style-src 'self' 'unsafe-inline'/);
    assert.match(csp, /worker-src 'self' blob:/);
  }
});

test('app routes fall back to index.html; missing assets are 404', async () => {
  const route = await http('/datasets/abc', { headers: auth() });
  assert.equal(route.status, 200);
  assert.match(route.body.toString(), /<title>Lathe/);
  const missing = await http('/assets/nope.js', { headers: auth() });
  assert.equal(missing.status, 404);
  const api = await http('/api/nothing', { headers: auth() });
  assert.equal(api.status, 404);
  const icon = await http('/favicon.ico', { headers: auth() });
  assert.equal(icon.status, 200);
  assert.equal(icon.headers['content-type'], 'image/png');
});

test('no directory traversal, however it is spelled', async () => {
  for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A']) {
    const r = await http(p, { headers: auth() });
    assert.ok(!r.body.toString().includes('do not serve'), p);
    assert.ok(r.status === 404 || r.status === 200, `${p}: ${r.status}`);
  }
});

test('upload streams the body to the engine\'s upload path and answers its id', async () => {
  const body = readFileSync(datasetPath('iris.csv'));
  const r = await http('/api/upload?name=iris.csv', { method: 'POST', headers: auth(), body });
  assert.equal(r.status, 200);
  const { uploadId } = JSON.parse(r.body.toString()) as { uploadId: string };
  assert.match(uploadId, /^up-\d+$/);
  const stored = join(dir, 'uploads', `${uploadId}.bin`);
  assert.ok(existsSync(stored));
  assert.deepEqual(readFileSync(stored), body);
  const noName = await http('/api/upload', { method: 'POST', headers: auth(), body });
  assert.equal(noName.status, 400);
  const get = await http('/api/upload?name=a.csv', { headers: auth() });
  assert.equal(get.status, 405);
});

test('a port in use fails with INVALID_PARAM naming the port', async () => {
  await assert.rejects(startServer({ engine, staticDir: web, port: server.port }), (e: unknown) => {
    assert.equal((e as { code: string }).code, 'INVALID_PARAM');
    assert.match((e as Error).message, new RegExp(String(server.port)));
    return true;
  });
});
