/**
 * The `.lathe` file: every classical model kind round-trips to identical
 * predictions; damaged, foreign, future and forged files are refused with
 * their codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LatheError } from '../../src-shared/errors.ts';
import { BUNDLE_FORMAT_VERSION, validateManifest } from '../../src-shared/model-bundle.ts';
import type { AlgoName, Task } from '../../src-shared/ml/catalog.ts';
import type { Params } from '../../src-shared/ml/params.ts';
import { readBundle, sha256, writeBundle } from '../../src-main/engine/models/bundle.ts';
import { bundleOfStored, loadBundle, sourceOfStored, storedOfBundle } from '../../src-main/engine/models/library.ts';
import { ModelRuntime } from '../../src-main/engine/models/runtime.ts';
import { fitStored } from './bundle-fixtures.ts';

function throwsCode(fn: () => unknown, code: string): LatheError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LatheError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const KINDS: [string, string, AlgoName, Task, Params][] = [
  ['iris.csv', 'target', 'knn', 'classification', { n_neighbors: 5 }],
  ['wine.csv', 'target', 'gnb', 'classification', {}],
  ['breast_cancer.csv', 'target', 'logreg', 'classification', {}],
  ['penguins.csv', 'species', 'tree', 'classification', { max_depth: 4 }],
  ['iris.csv', 'target', 'forest', 'classification', { n_estimators: 10, random_state: 1 }],
  ['wine.csv', 'target', 'svm', 'classification', { probability: true }],
  ['iris.csv', 'target', 'gboost', 'classification', { n_estimators: 20 }],
  ['diabetes.csv', 'target', 'linreg', 'regression', {}],
  ['diabetes.csv', 'target', 'ridge', 'regression', { alpha: 2 }],
  ['diabetes.csv', 'target', 'forest', 'regression', { n_estimators: 10 }],
  ['diabetes.csv', 'target', 'knn', 'regression', {}],
  ['iris.csv', 'target', 'kmeans', 'clustering', { n_clusters: 3, random_state: 0 }],
  ['breast_cancer.csv', 'target', 'anomaly', 'anomaly', { contamination: 0.1 }],
  ['wine.csv', 'target', 'pca', 'decomposition', { n_components: 4 }],
];

for (const [file, target, algo, task, params] of KINDS) {
  test(`${algo} (${task}) on ${file}: library → .lathe → library gives identical predictions`, async (t) => {
    let fitted;
    try {
      fitted = await fitStored(file, target, algo, task, params);
    } catch (e) {
      if (e instanceof LatheError && e.code === 'NOT_IMPLEMENTED') return t.skip(`${algo} ${task} is not registered here`);
      throw e;
    }
    const { stored, test: rows } = fitted;
    const before = await (await ModelRuntime.load(sourceOfStored(stored))).predict(rows);
    const bytes = bundleOfStored(stored, '0.1.0');
    assert.equal(bytes.byteLength % 8, 0);
    const { bundle, runtime, source } = await loadBundle(bytes, 'm.lathe');
    assert.equal(bundle.manifest.algorithm, algo);
    assert.equal(bundle.manifest.formatVersion, BUNDLE_FORMAT_VERSION);
    assert.deepEqual(bundle.manifest.features.map((f) => f.name), stored.features);
    assert.deepEqual(bundle.manifest.fingerprint.columns, stored.fingerprint);
    const after = await runtime.predict(rows);
    assert.deepEqual(after.predictions, before.predictions);
    assert.deepEqual(after.proba, before.proba);
    // k-means distances, anomaly log densities, PCA scores.
    assert.deepEqual(after.columns, before.columns);
    if (task === 'clustering' || task === 'anomaly' || task === 'decomposition') assert.ok(after.columns && after.columns[0]!.values.length === rows.rows, `${algo} output columns`);
    // And back into the library form: the same bytes again (modulo the new id / date).
    const again = storedOfBundle(bundle, source, 'id2', stored.name, '0.1.0');
    assert.equal(again.estimator, stored.estimator);
    assert.deepEqual(again.pipeline, stored.pipeline);
  });
}

test('refusals: foreign, truncated, tampered, future-version and forged files', async () => {
  const { stored } = await fitStored('iris.csv', 'target', 'gnb', 'classification');
  const good = bundleOfStored(stored, '0.1.0');

  // Foreign: a PNG, a JSON file, an empty file, random bytes.
  const png = readFileSync(join(import.meta.dirname, '../../resources/icon.png'));
  assert.match(throwsCode(() => readBundle(png, 'icon.png'), 'BAD_MODEL_FILE').message, /PNG/);
  assert.match(throwsCode(() => readBundle(new TextEncoder().encode('{"format":"lathe-model"}'), 'm.json'), 'BAD_MODEL_FILE').message, /JSON/);
  throwsCode(() => readBundle(new Uint8Array(0)), 'BAD_MODEL_FILE');
  throwsCode(() => readBundle(good.slice(0, 10)), 'BAD_MODEL_FILE');

  // Truncated anywhere after the header: checksum or length.
  for (const cut of [20, 100, good.byteLength - 40, good.byteLength - 1]) {
    const e = throwsCode(() => readBundle(good.slice(0, cut)), readBundleCode(good.slice(0, cut)));
    assert.ok(['MODEL_CHECKSUM', 'BAD_MODEL_FILE'].includes(e.code));
  }
  // Tampered: one byte of the manifest, one byte of the weights, the checksum itself.
  for (const at of [40, good.byteLength - 60, good.byteLength - 5]) {
    const bad = good.slice();
    bad[at] = bad[at]! ^ 0x01;
    throwsCode(() => readBundle(bad), 'MODEL_CHECKSUM');
  }
  // Future version in the header (whatever follows).
  const future = good.slice();
  new DataView(future.buffer).setUint32(6, BUNDLE_FORMAT_VERSION + 1, true);
  assert.match(throwsCode(() => readBundle(future, 'new.lathe'), 'MODEL_VERSION').message, /newer Lathe/);

  // Forged: a well-formed file (valid checksum) whose manifest breaks the schema.
  const { manifest, blobs } = readBundle(good);
  const forge = (edit: (m: Record<string, unknown>) => void): Uint8Array => {
    const m = structuredClone(manifest) as unknown as Record<string, unknown>;
    edit(m);
    return writeBundle(m as never, blobs);
  };
  assert.match(throwsCode(() => readBundle(forge((m) => delete m.features)), 'BAD_MODEL_FILE').message, /features/);
  assert.match(throwsCode(() => readBundle(forge((m) => (m.format = 'pickle'))), 'BAD_MODEL_FILE').message, /format/);
  assert.match(throwsCode(() => readBundle(forge((m) => ((m.model as { kind: string }).kind = 'code'))), 'BAD_MODEL_FILE').message, /model\.kind/);
  assert.match(
    throwsCode(() => readBundle(forge((m) => (((m.model as { state: { state: { theta: { ref: number } } } }).state.state.theta.ref = 99)))), 'BAD_MODEL_FILE').message,
    /blob 99/,
  );
  // A manifest that claims a future version (with a valid checksum) is MODEL_VERSION too.
  throwsCode(() => validateManifest({ ...manifest, formatVersion: 9 }, 1 << 20), 'MODEL_VERSION');
  // Valid structure, but the state does not rebuild (an array missing) → BAD_MODEL_FILE at load.
  await assert.rejects(
    loadBundle(forge((m) => delete (m.model as { state: { state: { theta?: unknown } } }).state.state.theta)),
    (e: unknown) => e instanceof LatheError && e.code === 'BAD_MODEL_FILE',
  );
  // The checksum covers everything before it.
  assert.deepEqual(good.subarray(good.byteLength - 32), sha256(good.subarray(0, good.byteLength - 32)));
});

function readBundleCode(b: Uint8Array): string {
  try {
    readBundle(b);
  } catch (e) {
    return (e as LatheError).code;
  }
  return 'none';
}
