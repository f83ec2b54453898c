/**
 * Browser mode end to end with the real engine: the entry (src-main/server/
 * main.ts) started as `npm start -- --serve` starts it, a file uploaded over
 * HTTP and imported over the WebSocket, events pushed, and a clean stop on
 * SIGTERM. Also `lathe serve`, which runs the same code.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectWs } from '../../src-main/server/ws-client.ts';
import { datasetPath } from '../helpers/data.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lathe-serve-'));
const children = new Set<ChildProcess>();
after(() => {
  // A failed assertion must not leave a server running (it would hold the test runner open).
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a browser-mode process and waits for the URL it prints. */
function startProcess(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 30 s; output:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0], output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a URL:\n${out}`));
    });
  });
}

test('browser mode: upload over HTTP, import over the WebSocket, events, clean stop', async () => {
  const s = await startProcess(['--import', 'tsx', 'src-main/server/main.ts', '--no-open', '--no-samples', '--data-dir', dataDir], {
    LATHE_SERVE_REASON: "Electron's binary is not installed (it could not be downloaded)",
  });
  assert.match(s.output(), /Electron's binary is not installed \(it could not be downloaded\); serving Lathe at http:\/\/127\.0\.0\.1:\d+\/\?token=\S+ — open it in a browser/);
  const u = new URL(s.url);
  const token = u.searchParams.get('token')!;

  // The first visit swaps the token for a cookie; the cookie alone then opens the socket.
  const first = await fetch(s.url, { redirect: 'manual' });
  assert.equal(first.status, 302);
  const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
  const noToken = await fetch(`http://${u.host}/`);
  assert.equal(noToken.status, 401);

  const conn = await connectWs(`http://${u.host}/`, token);
  const info = await conn.client.call('app.info', undefined);
  assert.equal(info.shell, 'browser');
  assert.equal(info.canOpenPaths, false);
  const changed = new Promise((resolve) => conn.client.on('datasets.changed', resolve));

  const body = readFileSync(datasetPath('wine.csv'));
  const up = await fetch(`http://${u.host}/api/upload?name=wine.csv`, { method: 'POST', headers: { Cookie: cookie }, body });
  assert.equal(up.status, 200);
  const { uploadId } = (await up.json()) as { uploadId: string };
  let progressSeen = 0;
  const r = await conn.client.call('datasets.importUpload', { uploadId, fileName: 'wine.csv' }, { onProgress: () => progressSeen++ });
  assert.equal(r.dataset.name, 'wine');
  assert.equal(r.dataset.rows, 178);
  assert.equal(r.dataset.columns.length, 14);
  await changed;
  const page = await conn.client.call('datasets.rows', { id: r.dataset.id, offset: 0, limit: 10 });
  assert.ok(page.ipc instanceof Uint8Array && page.ipc.length > 0);
  await conn.close();

  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
  assert.match(s.output(), /Lathe stopped\./);
  void progressSeen;
});

test('lathe serve: same server, same data folder, stops on SIGINT', async () => {
  const s = await startProcess(['bin/lathe.mjs', 'serve', '--no-samples', '--data-dir', dataDir, '--port', '0']);
  assert.match(s.output(), /Lathe: serving Lathe at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  const conn = await connectWs(s.url);
  const list = await conn.client.call('datasets.list', undefined);
  assert.ok(list.some((d) => d.name === 'wine'), 'the dataset imported by the previous test is still there');
  await conn.close();
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
});

test('bad flags fail before anything starts', async () => {
  const bad = spawn(process.execPath, ['--import', 'tsx', 'src-main/server/main.ts', '--prot', '80'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((resolve) => bad.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /--prot/);
});
