/**
 * The engine end to end through the contract (in-memory RPC pair, real
 * SQLite in a temp folder, real import workers): real files in, the same
 * values out; rename, delete, reopen; kind and role changes; histograms;
 * parameter checks.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBatch } from '../../src-main/engine/arrow/ipc.ts';
import type { ColumnData } from '../../src-main/engine/arrow/types.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { DATA, assertCell, readCsv, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir();
let h: Harness;
const imported = new Map<string, DatasetMeta>();

before(async () => {
  h = await startEngine(tmp.dir);
});
after(async () => {
  await h.close();
  tmp.remove();
});

const FILES: [string, number, number][] = [
  ['iris.csv', 150, 5],
  ['titanic.csv', 1309, 14],
  ['penguins.csv', 344, 8],
  ['cars.csv', 406, 9],
  ['weather.csv', 2922, 7],
  ['wine.csv', 178, 14],
];

test('imports real files through datasets.importPath and reads every value back as in the CSV', async () => {
  for (const [file, rows, cols] of FILES) {
    const progress: number[] = [];
    const r = await h.client.call('datasets.importPath', { path: join(DATA, file) }, { onProgress: (p) => progress.push(p.fraction ?? -1) });
    const ds = r.dataset;
    imported.set(file, ds);
    assert.equal(ds.rows, rows, file);
    assert.equal(ds.columns.length, cols, file);
    assert.equal(ds.name, file.replace('.csv', ''));
    assert.equal(ds.sample, false);
    assert.equal(ds.sha256.length, 64);
    assert.ok(progress.length >= 1, `${file}: progress reached the caller`);
    // Read it all back in pages that cross nothing special, then compare with the file.
    const csv = readCsv(join(DATA, file));
    assert.deepEqual(ds.columns.map((c) => c.name), csv.header);
    for (let off = 0; off < rows; off += 1000) {
      const page = await h.client.call('datasets.rows', { id: ds.id, offset: off, limit: 1000 });
      assert.ok(page.ipc instanceof Uint8Array);
      const b = decodeBatch(page.ipc);
      assert.equal(page.count, Math.min(1000, rows - off));
      assert.equal(b.rows, page.count);
      b.columns.forEach((c, j) => {
        for (let i = 0; i < b.rows; i++) assertCell(c, i, csv.rows[off + i]![j]!, `${file} row ${off + i} column ${csv.header[j]}`);
      });
    }
  }
  const kinds = Object.fromEntries(imported.get('titanic.csv')!.columns.map((c) => [c.name, c.kind]));
  assert.equal(kinds.name, 'text');
  assert.equal(kinds.sex, 'categorical');
  assert.equal(kinds.age, 'float');
  assert.equal(imported.get('cars.csv')!.columns.find((c) => c.name === 'Year')!.kind, 'date');
  const changed = h.events.filter((e) => e.topic === 'datasets.changed');
  assert.ok(changed.length >= FILES.length);
  assert.ok(h.events.some((e) => e.topic === 'job' && (e.data as { state: string }).state === 'done'));
});

test('rows: column picks, pages across chunk boundaries, rowIds, empty pages', async () => {
  const ds = imported.get('weather.csv')!;
  const page = await h.client.call('datasets.rows', { id: ds.id, offset: 2900, limit: 100, columns: ['weather', 'temp_max'] });
  assert.deepEqual(page.columns, ['weather', 'temp_max']);
  assert.equal(page.count, 22);
  const b = decodeBatch(page.ipc);
  assert.deepEqual(b.names, ['weather', 'temp_max']);
  const csv = readCsv(join(DATA, 'weather.csv'));
  for (let i = 0; i < 22; i++) assertCell(b.columns[1]!, i, csv.rows[2900 + i]![3]!, `temp_max ${2900 + i}`);
  // The page carries only the dictionary entries it uses.
  const w = b.columns[0] as Extract<ColumnData, { storage: 'string' }>;
  assert.ok(w.dictionary.length <= 5);

  const ids = [2921, 0, 1500, 7, 7];
  const picked = decodeBatch((await h.client.call('datasets.rows', { id: ds.id, offset: 0, limit: 10, rowIds: ids })).ipc);
  assert.equal(picked.rows, 5);
  ids.forEach((r, k) => assertCell(picked.columns[1]!, k, csv.rows[r]![1]!, `rowIds[${k}] = ${r}`));
  // offset/limit page through the rowIds list.
  const second = decodeBatch((await h.client.call('datasets.rows', { id: ds.id, offset: 2, limit: 2, rowIds: ids, columns: ['date'] })).ipc);
  assert.equal(second.rows, 2);
  assertCell(second.columns[0]!, 0, csv.rows[1500]![1]!, 'rowIds page');

  const past = await h.client.call('datasets.rows', { id: ds.id, offset: 5000, limit: 10 });
  assert.equal(past.count, 0);
  assert.equal(decodeBatch(past.ipc).names.length, 7);
});

test('bad parameters: NOT_FOUND names the id, BAD_REQUEST for offset/limit/rowIds, UNKNOWN_COLUMN', async () => {
  const ds = imported.get('iris.csv')!;
  const nf = await rejectsWith(h.client.call('datasets.get', { id: 'no-such-id' }), 'NOT_FOUND');
  assert.match(nf.message, /no-such-id/);
  assert.equal(nf.details.id, 'no-such-id');
  await rejectsWith(h.client.call('datasets.rows', { id: 'gone', offset: 0, limit: 1 }), 'NOT_FOUND');
  for (const bad of [{ offset: -1, limit: 10 }, { offset: 0.5, limit: 10 }, { offset: 0, limit: 1e9 }, { offset: 'x', limit: 1 }]) {
    const e = await rejectsWith(h.client.call('datasets.rows', { id: ds.id, ...(bad as { offset: number; limit: number }) }), 'BAD_REQUEST');
    assert.ok(e.details.param === 'offset' || e.details.param === 'limit');
  }
  const rid = await rejectsWith(h.client.call('datasets.rows', { id: ds.id, offset: 0, limit: 5, rowIds: [0, 150] }), 'BAD_REQUEST');
  assert.equal(rid.details.param, 'rowIds');
  assert.match(rid.message, /rowIds\[1\]/);
  const uc = await rejectsWith(h.client.call('datasets.rows', { id: ds.id, offset: 0, limit: 5, columns: ['nope'] }), 'UNKNOWN_COLUMN');
  assert.match(uc.message, /nope/);
  await rejectsWith(h.client.call('datasets.histogram', { id: ds.id, column: 'target', bins: 0 }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('jobs.cancel', { jobId: 'no-such-job' }), 'NOT_FOUND');
  await rejectsWith(h.client.call('datasets.importPath', { path: join(DATA, 'nope.csv') }), 'FILE_NOT_FOUND');
  await rejectsWith(h.client.call('datasets.importUpload', { uploadId: '../../etc/passwd', fileName: 'x.csv' }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('datasets.importUpload', { uploadId: '00000000-0000-4000-8000-000000000000', fileName: 'x.csv' }), 'NOT_FOUND');
});

test('unique names on import, rename, NAME_TAKEN', async () => {
  const again = await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') });
  assert.equal(again.dataset.name, 'iris (2)');
  const third = await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv'), name: 'Flowers' });
  assert.equal(third.dataset.name, 'Flowers');
  const taken = await rejectsWith(h.client.call('datasets.rename', { id: again.dataset.id, name: 'IRIS' }), 'NAME_TAKEN');
  assert.match(taken.message, /IRIS/);
  await rejectsWith(h.client.call('datasets.rename', { id: again.dataset.id, name: '   ' }), 'INVALID_PARAM');
  const renamed = await h.client.call('datasets.rename', { id: again.dataset.id, name: '  iris copy ' });
  assert.equal(renamed.name, 'iris copy');
  assert.deepEqual(await h.client.call('datasets.delete', { id: third.dataset.id }), { deleted: true });
  await rejectsWith(h.client.call('datasets.get', { id: third.dataset.id }), 'NOT_FOUND');
  const orphans = h.engine.store.db.prepare('SELECT count(*) AS n FROM chunks WHERE dataset_id = ?').get(third.dataset.id) as { n: number };
  assert.equal(orphans.n, 0);
});

test('importUpload imports the uploaded temp file under its file name and deletes it', async () => {
  const up = h.engine.newUpload();
  copyFileSync(join(DATA, 'diabetes.csv'), up.path);
  const r = await h.client.call('datasets.importUpload', { uploadId: up.id, fileName: 'My Diabetes.csv' });
  assert.equal(r.dataset.name, 'My Diabetes');
  assert.equal(r.dataset.rows, 442);
  assert.equal(r.dataset.sourcePath, 'My Diabetes.csv');
  assert.equal(existsSync(up.path), false);
  assert.deepEqual(readdirSync(join(tmp.dir, 'uploads')), []);
});

test('roles: one target at most; kind override re-validated, chunks rewritten, stats recomputed', async () => {
  const ds = imported.get('titanic.csv')!;
  const withTarget = await h.client.call('datasets.setColumn', { id: ds.id, column: 'survived', role: 'target' });
  assert.deepEqual(withTarget.columns.filter((c) => c.role === 'target').map((c) => c.name), ['survived']);
  const moved = await h.client.call('datasets.setColumn', { id: ds.id, column: 'sex', role: 'target' });
  assert.deepEqual(moved.columns.filter((c) => c.role === 'target').map((c) => c.name), ['sex']);
  assert.equal(moved.columns.find((c) => c.name === 'survived')!.role, 'feature');
  const ignored = await h.client.call('datasets.setColumn', { id: ds.id, column: 'name', role: 'ignored' });
  assert.equal(ignored.columns.find((c) => c.name === 'name')!.role, 'ignored');

  // integer -> categorical: storage changes from int32 to strings, stats become top counts.
  const cat = await h.client.call('datasets.setColumn', { id: ds.id, column: 'pclass', kind: 'categorical' });
  const pclass = cat.columns.find((c) => c.name === 'pclass')!;
  assert.equal(pclass.kind, 'categorical');
  assert.equal(pclass.inferredKind, 'integer');
  assert.equal(pclass.storage, 'string');
  assert.deepEqual(pclass.top?.map((t) => [t.value, t.count]).sort(), [['1', 323], ['2', 277], ['3', 709]]);
  const page = decodeBatch((await h.client.call('datasets.rows', { id: ds.id, offset: 0, limit: 3, columns: ['pclass'] })).ipc);
  assert.equal(page.columns[0]!.storage, 'string');
  // ...and back to integer.
  const back = await h.client.call('datasets.setColumn', { id: ds.id, column: 'pclass', kind: 'integer' });
  assert.equal(back.columns.find((c) => c.name === 'pclass')!.storage, 'int32');
  assert.equal(back.columns.find((c) => c.name === 'pclass')!.stats?.max, 3);

  // A kind the data does not fit: BAD_KIND names the row and the value, and nothing changes.
  const bad = await rejectsWith(h.client.call('datasets.setColumn', { id: ds.id, column: 'sex', kind: 'float' }), 'BAD_KIND');
  assert.equal(bad.details.row, 1);
  assert.equal(bad.details.value, 'female');
  const after = await h.client.call('datasets.get', { id: ds.id });
  assert.equal(after.columns.find((c) => c.name === 'sex')!.kind, 'categorical');
  await rejectsWith(h.client.call('datasets.setColumn', { id: ds.id, column: 'sex', kind: 'decimal' as never }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('datasets.setColumn', { id: ds.id, column: 'sex', role: 'label' as never }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('datasets.setColumn', { id: ds.id, column: 'nope', role: 'feature' }), 'UNKNOWN_COLUMN');
});

test('histogram: numeric bins (as numpy), categories, split by class', async () => {
  const iris = imported.get('iris.csv')!;
  const hist = await h.client.call('datasets.histogram', { id: iris.id, column: 'sepal length (cm)', bins: 5, by: 'target' });
  // numpy.histogram(iris.data[:, 0], bins=5)
  assert.deepEqual(hist.counts, [32, 41, 42, 24, 11]);
  assert.deepEqual(hist.edges.map((e) => Math.round(e * 100) / 100), [4.3, 5.02, 5.74, 6.46, 7.18, 7.9]);
  assert.deepEqual(hist.by?.classes, ['0', '1', '2']);
  assert.deepEqual(hist.by?.counts.map((r) => r.reduce((a, b) => a + b, 0)), [50, 50, 50]);
  const peng = imported.get('penguins.csv')!;
  const species = await h.client.call('datasets.histogram', { id: peng.id, column: 'species' });
  assert.deepEqual(species.labels, ['Adelie', 'Gentoo', 'Chinstrap']);
  assert.deepEqual(species.counts, [152, 124, 68]);
  const bySex = await h.client.call('datasets.histogram', { id: peng.id, column: 'island', by: 'sex' });
  assert.ok(bySex.by?.classes.includes('(missing)'));
  const sum = bySex.by!.counts.flat().reduce((a, b) => a + b, 0);
  assert.equal(sum, 344);
});

test('everything persists: close, reopen the same data folder, same datasets and values', async () => {
  const before = await h.client.call('datasets.list', undefined);
  const titanic = await h.client.call('datasets.get', { id: imported.get('titanic.csv')!.id });
  await h.close();
  h = await startEngine(tmp.dir);
  const list = await h.client.call('datasets.list', undefined);
  assert.deepEqual(list, before);
  assert.deepEqual(await h.client.call('datasets.get', { id: titanic.id }), titanic);
  const b = decodeBatch((await h.client.call('datasets.rows', { id: titanic.id, offset: 1308, limit: 1 })).ipc);
  const csv = readCsv(join(DATA, 'titanic.csv'));
  b.columns.forEach((c, j) => {
    if (csv.header[j] === 'pclass') return; // converted above (integer → categorical → integer)
    assertCell(c, 0, csv.rows[1308]![j]!, `reopened titanic ${csv.header[j]}`);
  });
  const ok = h.engine.store.db.pragma('integrity_check', { simple: true });
  assert.equal(ok, 'ok');
  const info = await h.client.call('app.info', undefined);
  assert.equal(info.shell, 'test');
  assert.equal(info.dataDir, tmp.dir);
  assert.equal(info.canOpenPaths, true);
});
