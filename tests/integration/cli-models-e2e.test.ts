/**
 * The model commands spawned as a person runs them (node bin/lathe.mjs with
 * a temporary --data-dir): search keeps the best, models lists it, export
 * writes .lathe and ONNX files, load adds a file back (bad files exit 2 with
 * {"error":{code,message}}), predict writes preds.csv in the input's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetPath } from '../helpers/data.ts';
import { cliSession, one } from '../helpers/cli.ts';

const { dir, lathe } = cliSession('lathe-cli-models-', { cwd: 'dir' });

test('search → models → export → load → predict, with exit codes', async () => {
  assert.equal((await lathe(['import', datasetPath('iris.csv'), '--json'])).code, 0);

  const s = await lathe(['search', 'iris', '--target', 'target', '--algo', 'knn', '--grid', 'k=1,3,5;weights=uniform,distance', '--cv', '5', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const sj = one(s) as { candidates: { params: Record<string, unknown>; mean: number; std: number }[]; best: { index: number; mean: number }; model: { id: string; name: string } };
  assert.equal(sj.candidates.length, 6);
  assert.equal(sj.best.mean, Math.max(...sj.candidates.map((c) => c.mean)));
  assert.ok(sj.candidates.every((c) => typeof c.std === 'number'));

  const list = one(await lathe(['models', '--json'])) as { models: { id: string; name: string }[] };
  assert.deepEqual(list.models.map((m) => m.id), [sj.model.id]);
  const human = await lathe(['models']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /knn \(best of 6\) on iris/);

  const e1 = await lathe(['export', sj.model.id, '--format', 'lathe', '--out', join(dir, 'best.lathe'), '--json']);
  assert.equal(e1.code, 0, e1.stderr);
  const e2 = await lathe(['export', sj.model.name, '--format', 'onnx', '--out', join(dir, 'best.onnx'), '--json']);
  assert.equal(e2.code, 0, e2.stderr);
  assert.equal(readFileSync(join(dir, 'best.onnx'))[0], 0x08, 'an ONNX ModelProto starts with field 1 (ir_version)');
  const e3 = await lathe(['export', sj.model.id, '--format', 'tfjs', '--out', join(dir, 'tfjs'), '--json']);
  assert.equal(e3.code, 2);
  assert.equal((one(e3) as { error: { code: string } }).error.code, 'BAD_REQUEST');

  const l = await lathe(['load', join(dir, 'best.lathe'), '--name', 'loaded knn', '--json']);
  assert.equal(l.code, 0, l.stderr);
  assert.equal((one(l) as { model: { name: string } }).model.name, 'loaded knn');

  // Bad files: exit 2 and the code in the JSON error.
  const good = readFileSync(join(dir, 'best.lathe'));
  const bad = Buffer.from(good);
  bad[100] = bad[100]! ^ 1;
  writeFileSync(join(dir, 'tampered.lathe'), bad);
  writeFileSync(join(dir, 'notes.json'), '{"hello": "world"}');
  const future = Buffer.from(good);
  future.writeUInt32LE(7, 6);
  writeFileSync(join(dir, 'future.lathe'), future);
  for (const [file, code] of [
    ['tampered.lathe', 'MODEL_CHECKSUM'],
    ['notes.json', 'BAD_MODEL_FILE'],
    ['future.lathe', 'MODEL_VERSION'],
  ] as const) {
    const r = await lathe(['load', join(dir, file), '--json']);
    assert.equal(r.code, 2, `${file}: ${r.stdout}`);
    const err = (one(r) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, code);
    assert.ok(err.message.length > 20);
  }
  const missing = await lathe(['load', join(dir, 'nope.lathe'), '--json']);
  assert.equal(missing.code, 2);

  // Predict a CSV: preds.csv in the input's order.
  const p = await lathe(['predict', 'loaded knn', datasetPath('iris.csv'), '--out', join(dir, 'preds.csv'), '--json']);
  assert.equal(p.code, 0, p.stderr);
  const pj = one(p) as { rows: number; drift: { level: string } };
  assert.equal(pj.rows, 150);
  assert.equal(pj.drift.level, 'none');
  const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'prediction,proba_0,proba_1,proba_2');
  assert.equal(lines.length, 151);
  const truth = readFileSync(datasetPath('iris.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(',').at(-1));
  assert.ok(lines.slice(1).filter((r, i) => r.split(',')[0] === truth[i]).length >= 140);

  // A file lacking a feature: exit 2, FEATURES_MISSING naming it.
  const cut = readFileSync(datasetPath('iris.csv'), 'utf8').trim().split('\n').map((r) => r.split(',').slice(1).join(',')).join('\n');
  writeFileSync(join(dir, 'no-sepal.csv'), `${cut}\n`);
  const fm = await lathe(['predict', 'loaded knn', join(dir, 'no-sepal.csv'), '--json']);
  assert.equal(fm.code, 2);
  const fe = (one(fm) as { error: { code: string; message: string } }).error;
  assert.equal(fe.code, 'FEATURES_MISSING');
  assert.match(fe.message, /sepal length \(cm\)/);

  // Bad grid names: exit 2 with the parameter list.
  const g = await lathe(['search', 'iris', '--target', 'target', '--algo', 'knn', '--grid', 'kk=1,2', '--json']);
  assert.equal(g.code, 2);
  assert.match((one(g) as { error: { message: string } }).error.message, /n_neighbors/);
});
