/**
 * Under tsx the importer's workers start from a cached esbuild bundle of
 * their sources (start-worker.ts): it is rebuilt whenever a source it holds
 * differs from what it was built from, and a worker started from it works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle, startIngestWorker, workerCacheDir } from '../../src-main/engine/ingest/start-worker.ts';

test('the parse worker bundle lists its sources and is rebuilt when their hash differs', () => {
  const url = cachedBundle('pipe-worker');
  assert.ok(url, 'esbuild (tsx\'s dependency) builds the bundle');
  const metaFile = join(workerCacheDir(), 'pipe-worker.json');
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { entry: string; inputs: string[]; hash: string };
  assert.ok(meta.entry.endsWith('pipe-worker.ts'));
  for (const f of ['csv-kernel.ts', 'tokenizer.ts', 'infer.ts', 'stats.ts']) assert.ok(meta.inputs.some((p) => p.endsWith(`/ingest/${f}`)), f);
  // a cache whose hash no longer matches the sources (a source was edited) is rebuilt
  const built = statSync(fileURLToPath(url)).mtimeMs;
  writeFileSync(metaFile, JSON.stringify({ ...meta, hash: 'stale' }));
  const again = cachedBundle('pipe-worker');
  assert.equal(again?.href, url.href);
  const fresh = JSON.parse(readFileSync(metaFile, 'utf8')) as { hash: string };
  assert.equal(fresh.hash, meta.hash);
  assert.ok(statSync(fileURLToPath(url)).mtimeMs >= built);
  // and a valid cache is used as it is
  assert.equal(cachedBundle('pipe-worker')?.href, url.href);
});

test('a worker started from the bundle says hello without tsx', async () => {
  const w = startIngestWorker('pipe-worker', 'lathe-pipe-test');
  assert.ok(w);
  const hello = await new Promise<unknown>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  assert.deepEqual(hello, { t: 'hello' });
  await w.terminate();
});
