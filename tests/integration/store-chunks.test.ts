/**
 * The store with small chunks (1,000 rows) so that pages, row picks, kind
 * changes and histograms all cross chunk boundaries; the decoded-chunk LRU.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBatch } from '../../src-main/engine/arrow/ipc.ts';
import { ChunkCache } from '../../src-main/engine/store/cache.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { DATA, assertCell, readCsv, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-store-');
let h: Harness;
let weather: DatasetMeta;
let codes: DatasetMeta;

before(async () => {
  h = await startEngine(tmp.dir, { chunkRows: 1000 });
  weather = (await h.client.call('datasets.importPath', { path: join(DATA, 'weather.csv') })).dataset;
  // 2,600 rows of a 0/1 flag, except a 2 at data row 2,501 (the third chunk).
  const lines = ['id,flag'];
  for (let i = 1; i <= 2600; i++) lines.push(`${i},${i === 2501 ? 2 : i % 2}`);
  writeFileSync(join(tmp.dir, 'codes.csv'), lines.join('\n') + '\n');
  codes = (await h.client.call('datasets.importPath', { path: join(tmp.dir, 'codes.csv') })).dataset;
});
after(async () => {
  await h.close();
  tmp.remove();
});

test('a dataset is stored as chunks of the asked size with contiguous row ranges', () => {
  const rows = h.engine.store.db
    .prepare('SELECT chunk_index AS i, row_start AS s, row_count AS n FROM chunks WHERE dataset_id = ? ORDER BY chunk_index')
    .all(weather.id) as { i: number; s: number; n: number }[];
  assert.deepEqual(rows, [
    { i: 0, s: 0, n: 1000 },
    { i: 1, s: 1000, n: 1000 },
    { i: 2, s: 2000, n: 922 },
  ]);
});

test('pages that span two and three chunks hold the CSV values; dictionaries are merged', async () => {
  const csv = readCsv(join(DATA, 'weather.csv'));
  for (const [offset, limit] of [[950, 100], [990, 1100], [0, 2922], [1999, 2]]) {
    const page = await h.client.call('datasets.rows', { id: weather.id, offset: offset!, limit: limit! });
    const b = decodeBatch(page.ipc);
    assert.equal(b.rows, Math.min(limit!, 2922 - offset!));
    b.columns.forEach((c, j) => {
      for (let i = 0; i < b.rows; i++) assertCell(c, i, csv.rows[offset! + i]![j]!, `row ${offset! + i} ${csv.header[j]}`);
    });
  }
  const ids = [2921, 5, 1000, 999, 2000, 1999];
  const b = decodeBatch((await h.client.call('datasets.rows', { id: weather.id, offset: 0, limit: 100, rowIds: ids })).ipc);
  ids.forEach((r, k) => b.columns.forEach((c, j) => assertCell(c, k, csv.rows[r]![j]!, `rowIds ${r} ${csv.header[j]}`)));
});

test('kind override across chunks: BAD_KIND names data row 2501 in the third chunk and changes nothing', async () => {
  const col = codes.columns.find((c) => c.name === 'flag')!;
  assert.equal(col.kind, 'integer');
  const e = await rejectsWith(h.client.call('datasets.setColumn', { id: codes.id, column: 'flag', kind: 'boolean' }), 'BAD_KIND');
  assert.equal(e.details.row, 2501);
  assert.equal(e.details.value, '2');
  assert.match(e.message, /2501/);
  const same = await h.client.call('datasets.get', { id: codes.id });
  assert.deepEqual(same.columns, codes.columns);
  const page = decodeBatch((await h.client.call('datasets.rows', { id: codes.id, offset: 0, limit: 2, columns: ['flag'] })).ipc);
  assert.equal(page.columns[0]!.storage, 'int32');
  const job = (await h.client.call('jobs.list', undefined)).find((j) => j.title.includes('"flag"'));
  assert.equal(job?.state, 'failed');
  assert.equal(job?.error?.code, 'BAD_KIND');
});

test('kind override across chunks that succeeds rewrites every chunk and recomputes the stats', async () => {
  const r = await h.client.call('datasets.setColumn', { id: weather.id, column: 'temp_max', kind: 'text' });
  const col = r.columns.find((c) => c.name === 'temp_max')!;
  assert.equal(col.storage, 'string');
  assert.ok(col.top && col.top.length > 0);
  assert.equal(col.stats, undefined);
  const back = await h.client.call('datasets.setColumn', { id: weather.id, column: 'temp_max', kind: 'float' });
  const f = back.columns.find((c) => c.name === 'temp_max')!;
  assert.equal(f.storage, 'float64');
  assert.equal(f.stats?.max, weather.columns.find((c) => c.name === 'temp_max')!.stats?.max);
  assert.equal(f.stats?.mean, weather.columns.find((c) => c.name === 'temp_max')!.stats?.mean);
  const csv = readCsv(join(DATA, 'weather.csv'));
  const b = decodeBatch((await h.client.call('datasets.rows', { id: weather.id, offset: 995, limit: 1010, columns: ['temp_max'] })).ipc);
  for (let i = 0; i < b.rows; i++) assertCell(b.columns[0]!, i, csv.rows[995 + i]![3]!, `temp_max ${995 + i}`);
});

test('histogram over all chunks counts every row', async () => {
  const hist = await h.client.call('datasets.histogram', { id: weather.id, column: 'weather', by: 'location' });
  assert.equal(hist.counts.reduce((a, b) => a + b, 0), 2922);
  const num = await h.client.call('datasets.histogram', { id: weather.id, column: 'wind', bins: 10 });
  assert.equal(num.counts.reduce((a, b) => a + b, 0), 2922);
  assert.equal(num.edges.length, 11);
});

test('decoded chunks are cached: scrolling back hits the cache', async () => {
  const cache = h.engine.store.cache;
  const hits = cache.hits;
  await h.client.call('datasets.rows', { id: weather.id, offset: 100, limit: 50 });
  await h.client.call('datasets.rows', { id: weather.id, offset: 120, limit: 50 });
  assert.ok(cache.hits > hits);
  assert.ok(cache.bytes > 0 && cache.bytes <= cache.maxBytes);
});

test('ChunkCache evicts the least recently used chunk and stays under its byte budget', () => {
  const c = new ChunkCache(300); // room for three 96-byte chunks
  // n bytes = n / 8 doubles
  const batch = (n: number) => ({ names: ['x'], rows: n / 8, columns: [{ storage: 'float64' as const, values: new Float64Array(n / 8) }] });
  c.set('a', 0, batch(96));
  c.set('a', 1, batch(96));
  c.set('a', 2, batch(96));
  assert.ok(c.get('a', 0)); // 0 is now the most recent
  c.set('b', 0, batch(96)); // evicts chunk 1
  assert.equal(c.get('a', 1), undefined);
  assert.ok(c.get('a', 0) && c.get('a', 2) && c.get('b', 0));
  assert.ok(c.bytes <= 300);
  c.set('huge', 0, batch(800)); // bigger than the budget: not kept
  assert.equal(c.get('huge', 0), undefined);
  c.invalidate('a');
  assert.equal(c.size, 1);
  assert.equal(c.bytes, 96);
});

test('DatasetReader (what worker tasks use) reads one snapshot through a read-only connection', async () => {
  const { DatasetReader } = await import('../../src-main/engine/store/reader.ts');
  const reader = new DatasetReader(h.engine.store.file);
  try {
    const { meta, chunks } = reader.chunks(weather.id, ['date', 'wind']);
    assert.equal(meta.rows, 2922);
    assert.deepEqual(chunks.map((c) => [c.rowStart, c.batch.rows]), [[0, 1000], [1000, 1000], [2000, 922]]);
    const wind = reader.column(weather.id, 'wind');
    assert.equal(wind.storage, 'float64');
    const csv = readCsv(join(DATA, 'weather.csv'));
    for (const i of [0, 999, 1000, 2921]) assertCell(wind, i, csv.rows[i]![5]!, `wind ${i}`);
    assert.throws(() => reader.column(weather.id, 'nope'), /no column "nope"/);
    assert.throws(() => reader.db.prepare('DELETE FROM chunks').run(), /readonly/);
  } finally {
    reader.close();
  }
});

test('a late value that widens a column (second pass, sink.reset) leaves only the rewritten chunks', async () => {
  const lines = ['id,code'];
  for (let i = 1; i <= 2600; i++) lines.push(`${i},${i === 2501 ? 'x7' : i % 40}`);
  writeFileSync(join(tmp.dir, 'late.csv'), lines.join('\n') + '\n');
  const r = await h.client.call('datasets.importPath', { path: join(tmp.dir, 'late.csv') });
  const col = r.dataset.columns.find((c) => c.name === 'code')!;
  assert.equal(col.storage, 'string');
  assert.equal(r.dataset.conflicts[0]?.column, 'code');
  const chunks = h.engine.store.db
    .prepare('SELECT chunk_index AS i, row_start AS s, row_count AS n FROM chunks WHERE dataset_id = ? ORDER BY chunk_index')
    .all(r.dataset.id);
  assert.deepEqual(chunks, [
    { i: 0, s: 0, n: 1000 },
    { i: 1, s: 1000, n: 1000 },
    { i: 2, s: 2000, n: 600 },
  ]);
  const b = decodeBatch((await h.client.call('datasets.rows', { id: r.dataset.id, offset: 0, limit: 2600, columns: ['code'] })).ipc);
  for (let i = 0; i < 2600; i++) assertCell(b.columns[0]!, i, i === 2500 ? 'x7' : String((i + 1) % 40), `code ${i + 1}`);
  await h.client.call('datasets.delete', { id: r.dataset.id });
});

test('deleting a dataset removes its chunks and gives the pages back to the file system', async () => {
  const db = h.engine.store.db;
  const pagesBefore = db.pragma('page_count', { simple: true }) as number;
  assert.deepEqual(await h.client.call('datasets.delete', { id: weather.id }), { deleted: true });
  await h.engine.store.reclaimSpace();
  assert.equal((db.prepare('SELECT count(*) AS n FROM chunks WHERE dataset_id = ?').get(weather.id) as { n: number }).n, 0);
  assert.equal(db.pragma('freelist_count', { simple: true }), 0);
  assert.ok((db.pragma('page_count', { simple: true }) as number) < pagesBefore);
  await rejectsWith(h.client.call('datasets.rows', { id: weather.id, offset: 0, limit: 1 }), 'NOT_FOUND');
  assert.deepEqual(await h.client.call('datasets.delete', { id: codes.id }), { deleted: true });
  await rejectsWith(h.client.call('datasets.delete', { id: codes.id }), 'NOT_FOUND');
});
