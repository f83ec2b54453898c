/**
 * Through the engine's contract: train → export .lathe → import → identical
 * predictions; predictions CSV shape and order; the drift check flags a
 * column multiplied by 3 and not the others; a dataset lacking a feature is
 * FEATURES_MISSING naming it; bad files are refused with their codes; the
 * ONNX export of a library model runs in onnxruntime.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelSummary } from '../../src-shared/contract/ml.ts';
import { DATA, parseCsv, rejectsWith, startEngine, tempDir, type Harness } from './engine-harness.ts';

const tmp = tempDir('lathe-predict-');
let h: Harness;
let irisId = '';
let model: ModelSummary;

before(async () => {
  h = await startEngine(tmp.dir);
  irisId = (await h.client.call('datasets.importPath', { path: join(DATA, 'iris.csv') })).dataset.id;
  model = (await h.client.call('ml.train', { datasetId: irisId, target: 'target', algo: 'logreg', name: 'iris logreg' })).model;
});
after(async () => {
  await h.close();
  tmp.remove();
});

function irisWith(edit: (header: string[], row: string[]) => string[] | null, name: string): string {
  const rows = parseCsv(readFileSync(join(DATA, 'iris.csv'), 'utf8')).filter((r) => r.length > 1);
  const header = rows[0]!;
  const out = rows.slice(1).map((r) => edit(header, r)).filter((r): r is string[] => r !== null);
  const keep = edit(header, header)!;
  const path = join(tmp.dir, name);
  writeFileSync(path, [keep, ...out].map((r) => r.join(',')).join('\n') + '\n');
  return path;
}

test('export .lathe → import → the imported model predicts exactly as the original; preds CSV keeps row order', async () => {
  const exp = await h.client.call('models.exportFile', { id: model.id, format: 'lathe' });
  assert.equal(exp.fileName, 'iris_logreg.lathe');
  assert.ok(exp.bytes instanceof Uint8Array && exp.bytes.byteLength > 100);
  const imported = await h.client.call('models.importFile', { fileName: exp.fileName, bytes: exp.bytes });
  assert.notEqual(imported.id, model.id);
  assert.equal(imported.name, 'iris logreg (2)');
  assert.deepEqual(imported.features, model.features);
  assert.ok((await h.client.call('models.list', undefined)).some((m) => m.id === imported.id));

  const a = await h.client.call('models.predict', { id: model.id, datasetId: irisId, includeCsv: true });
  const b = await h.client.call('models.predict', { id: imported.id, datasetId: irisId, includeCsv: true });
  assert.equal(a.csv, b.csv);
  const lines = parseCsv(a.csv!);
  assert.deepEqual(lines[0], ['prediction', 'proba_0', 'proba_1', 'proba_2']);
  assert.equal(lines.length, 151);
  // Row order: iris is sorted by class, and logreg gets nearly all right.
  const truth = parseCsv(readFileSync(join(DATA, 'iris.csv'), 'utf8')).slice(1, 151).map((r) => r[4]);
  const agree = lines.slice(1).filter((r, i) => r[0] === truth[i]).length;
  assert.ok(agree >= 140, `${agree} of 150 in order`);
  for (const r of lines.slice(1)) assert.ok(Math.abs(r.slice(1).reduce((s, v) => s + Number(v), 0) - 1) < 1e-9);
  // The predictions are a dataset too.
  const ds = await h.client.call('datasets.get', { id: a.datasetId });
  assert.equal(ds.rows, 150);
  assert.deepEqual(ds.columns.map((c) => c.name), ['prediction', 'proba_0', 'proba_1', 'proba_2']);
  assert.equal(a.drift.level, 'none', JSON.stringify(a.drift.warnings));
  assert.equal(a.drift.distributions, true);
});

test('drift: a column multiplied by 3 is a large shift; the others are not', async () => {
  const path = irisWith((hd, r) => (r === hd ? r : r.map((v, j) => (hd[j] === 'petal length (cm)' ? String(Number(v) * 3) : v))), 'iris-shifted.csv');
  const r = await h.client.call('models.predict', { id: model.id, path, fileName: 'iris-shifted.csv' });
  const byName = new Map(r.drift.columns.map((c) => [c.name, c]));
  const shifted = byName.get('petal length (cm)')!;
  assert.equal(shifted.level, 'large');
  assert.ok(shifted.psi! > 0.2 && shifted.ks! > 0.3, JSON.stringify(shifted));
  for (const c of ['sepal length (cm)', 'sepal width (cm)', 'petal width (cm)']) {
    assert.equal(byName.get(c)!.level, 'none', `${c}: ${JSON.stringify(byName.get(c))}`);
    assert.ok(byName.get(c)!.psi! < 0.01);
  }
  assert.equal(r.drift.level, 'large');
  assert.ok(r.drift.warnings.some((w) => w.startsWith('petal length (cm): large shift')));
  assert.equal(r.rows, 150);
});

test('a dataset lacking a feature → FEATURES_MISSING naming it', async () => {
  const path = irisWith((hd, r) => r.filter((_, j) => hd[j] !== 'petal width (cm)'), 'iris-no-width.csv');
  const e = await rejectsWith(h.client.call('models.predict', { id: model.id, path }), 'FEATURES_MISSING');
  assert.match(e.message, /'petal width \(cm\)'/);
  assert.deepEqual(e.details.missing, ['petal width (cm)']);
});

test('bad files are refused with their codes and nothing enters the library', async () => {
  const before = (await h.client.call('models.list', undefined)).length;
  const png = readFileSync(join(import.meta.dirname, '../../resources/icon.png'));
  await rejectsWith(h.client.call('models.importFile', { fileName: 'icon.png', bytes: new Uint8Array(png) }), 'BAD_MODEL_FILE');
  await rejectsWith(h.client.call('models.importFile', { fileName: 'x.json', bytes: new TextEncoder().encode('{"a":1}') }), 'BAD_MODEL_FILE');
  const good = (await h.client.call('models.exportFile', { id: model.id, format: 'lathe' })).bytes;
  const tampered = good.slice();
  tampered[200] = tampered[200]! ^ 4;
  await rejectsWith(h.client.call('models.importFile', { fileName: 't.lathe', bytes: tampered }), 'MODEL_CHECKSUM');
  // Cut short: inside the manifest → BAD_MODEL_FILE (too short for what the header announces); inside the weights → MODEL_CHECKSUM.
  const cut = await h.client.call('models.importFile', { fileName: 'cut.lathe', bytes: good.slice(0, 60) }).catch((e: { code: string }) => e.code);
  assert.equal(cut, 'BAD_MODEL_FILE');
  await rejectsWith(h.client.call('models.importFile', { fileName: 'cut.lathe', bytes: good.slice(0, good.byteLength - 8) }), 'MODEL_CHECKSUM');
  const future = good.slice();
  new DataView(future.buffer).setUint32(6, 99, true);
  await rejectsWith(h.client.call('models.importFile', { fileName: 'f.lathe', bytes: future }), 'MODEL_VERSION');
  assert.equal((await h.client.call('models.list', undefined)).length, before);
  await rejectsWith(h.client.call('models.exportFile', { id: model.id, format: 'tfjs' }), 'BAD_REQUEST');
  await rejectsWith(h.client.call('models.exportFile', { id: 'nope', format: 'onnx' }), 'NOT_FOUND');
});

test('ONNX export of a library model runs in onnxruntime and agrees with models.predict', async () => {
  const exp = await h.client.call('models.exportFile', { id: model.id, format: 'onnx' });
  assert.equal(exp.fileName, 'iris_logreg.onnx');
  const rows = parseCsv(readFileSync(join(DATA, 'iris.csv'), 'utf8')).slice(1, 151);
  const X = Float32Array.from(rows.flatMap((r) => r.slice(0, 4).map(Number)));
  const s = await ort.InferenceSession.create(exp.bytes);
  const out = await s.run({ X: new ort.Tensor('float32', X, [150, 4]) });
  await s.release();
  const p = await h.client.call('models.predict', { id: model.id, datasetId: irisId, includeCsv: true });
  const labels = parseCsv(p.csv!).slice(1).map((r) => r[0]);
  assert.deepEqual(Array.from(out.label!.data as BigInt64Array, (v) => String(v)), labels);
});
