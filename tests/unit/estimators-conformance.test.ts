/**
 * One conformance suite over every estimator in the registry (scikit-learn's
 * estimator_checks in spirit): fit returns this; same seed → same model;
 * predict before fit → NOT_FITTED; bad params → INVALID_PARAM with the
 * standard message; inputs not mutated; an aborted signal cancels;
 * toJSON/fromJSON (also through JSON text) gives identical predictions;
 * params round-trip; bad data → BAD_DATA.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import type { ParamSpec, Params } from '../../src-shared/ml/params.ts';
import { taskEntry } from '../../src-shared/ml/catalog.ts';
import { createEstimator, estimatorFromJSON, registeredEstimators } from '../../src-main/engine/ml/registry.ts';
import type { Estimator, Matrix } from '../../src-main/engine/ml/estimator.ts';
import { stateFromString, stateToString } from '../../src-main/engine/ml/state.ts';
import { loadXY, takeRows, take } from '../helpers/data.ts';

const iris = loadXY('iris.csv', 'target');
const diabetes = loadXY('diabetes.csv', 'target');
// Every 3rd iris row (50 rows, 3 classes); the first 120 diabetes rows.
const clsIdx = Int32Array.from({ length: 50 }, (_, i) => i * 3);
const CX = takeRows(iris.X, clsIdx);
const Cy = take(iris.y, clsIdx);
const regIdx = Int32Array.from({ length: 120 }, (_, i) => i);
const RX = takeRows(diabetes.X, regIdx);
const Ry = take(diabetes.yNum, regIdx);

/** Small settings so the suite stays quick (fewer trees), plus a fixed seed where there is one. */
function paramsFor(algo: string, task: string): Params {
  const { schema } = taskEntry(algo, task);
  const p: Params = {};
  if ('random_state' in schema) p.random_state = 0;
  if ('n_estimators' in schema) p.n_estimators = 10;
  if ('n_clusters' in schema) p.n_clusters = 3;
  if ('n_init' in schema) p.n_init = 2;
  return p;
}

function dataFor(task: string): { X: Matrix; y: Int32Array | Float64Array | undefined } {
  if (task === 'classification') return { X: CX, y: Cy };
  if (task === 'regression') return { X: RX, y: Ry };
  return { X: CX, y: undefined };
}

async function fit(e: Estimator, X: Matrix, y: Int32Array | Float64Array | undefined, opts?: { signal?: AbortSignal }): Promise<Estimator> {
  return await e.fit(X, y, opts);
}

function predictions(e: Estimator, X: Matrix): number[] {
  const out = Array.from(e.predict(X));
  const proba = (e as { predictProba?: (X: Matrix) => Float64Array }).predictProba;
  if (typeof proba === 'function' && (e as { nClasses?: number }).nClasses !== undefined) {
    try {
      out.push(...Array.from(proba.call(e, X)));
    } catch (err) {
      // Estimators may refuse probabilities by design (e.g. SVC without probability=true).
      if (!(err instanceof LatheError)) throw err;
    }
  }
  return out;
}

async function rejects(p: () => unknown, code: string, re?: RegExp): Promise<void> {
  await assert.rejects(
    async () => await p(),
    (e: unknown) => {
      assert.ok(e instanceof LatheError, `expected a LatheError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      if (re) assert.match(e.message, re);
      return true;
    },
  );
}

/** A value the spec refuses. */
function badValue(spec: ParamSpec): unknown {
  switch (spec.type) {
    case 'int':
      return spec.min !== undefined ? spec.min - 1 : 1.5;
    case 'float':
      return spec.min !== undefined ? spec.min - 1 : 'nope';
    case 'enum':
      return 'no-such-option';
    case 'bool':
      return 'yes';
    case 'number_or_enum':
      return 'no-such-option';
    case 'int_list':
    case 'float_list':
      return 'not-a-list';
  }
}

for (const entry of registeredEstimators()) {
  const { algo, task, owner } = entry;
  describe(`conformance: ${algo} (${task}, ${owner})`, () => {
    const params = paramsFor(algo, task);
    const { X, y } = dataFor(task);

    it('fit returns this, predicts one value per row, score is finite', async () => {
      const e = createEstimator(algo, task, params);
      assert.equal(e.fitted, false);
      const r = await fit(e, X, y);
      assert.equal(r, e);
      assert.equal(e.fitted, true);
      const out = e.predict(X);
      // decomposition predicts the transformed rows (rows × components); everything else one value per row
      if (task === 'decomposition') assert.equal(out.length % X.rows, 0);
      else assert.equal(out.length, X.rows);
      assert.ok(Number.isFinite(e.score(X, y)));
    });

    it('predict before fit throws NOT_FITTED', async () => {
      const e = createEstimator(algo, task, params);
      await rejects(() => e.predict(X), 'NOT_FITTED', new RegExp(`This ${owner} is not fitted yet. Call fit`));
      await rejects(() => e.toJSON(), 'NOT_FITTED');
    });

    it('same seed gives the same model', async () => {
      const a = await fit(createEstimator(algo, task, params), X, y);
      const b = await fit(createEstimator(algo, task, params), X, y);
      assert.deepEqual(predictions(a, X), predictions(b, X));
      assert.equal(stateToString(a.toJSON()), stateToString(b.toJSON()));
    });

    it('bad params fail at construction with the standard message', async () => {
      const { schema } = taskEntry(algo, task);
      for (const [name, spec] of Object.entries(schema)) {
        await rejects(
          () => createEstimator(algo, task, { ...params, [name]: badValue(spec) as never }),
          'INVALID_PARAM',
          new RegExp(`^The '${name}' parameter of ${owner} must be .+\\. Got .+ instead\\.$`),
        );
      }
      await rejects(() => createEstimator(algo, task, { no_such_param: 1 }), 'INVALID_PARAM', /has no parameter 'no_such_param'/);
    });

    it('does not mutate its inputs', async () => {
      const X0 = Float64Array.from(X.data);
      const y0 = y ? Array.from(y) : undefined;
      const e = await fit(createEstimator(algo, task, params), X, y);
      e.predict(X);
      e.score(X, y);
      assert.deepEqual(X.data, X0);
      if (y && y0) assert.deepEqual(Array.from(y), y0);
    });

    it('an aborted signal cancels fit', async () => {
      const ac = new AbortController();
      ac.abort();
      await rejects(() => fit(createEstimator(algo, task, params), X, y, { signal: ac.signal }), 'CANCELLED');
    });

    it('toJSON/fromJSON (also through JSON text) gives identical predictions', async () => {
      const e = await fit(createEstimator(algo, task, params), X, y);
      const want = predictions(e, X);
      const direct = estimatorFromJSON(e.toJSON());
      assert.deepEqual(predictions(direct, X), want);
      const text = stateToString(e.toJSON());
      const restored = estimatorFromJSON(stateFromString(text));
      assert.equal(restored.algo, algo);
      assert.deepEqual(predictions(restored, X), want);
    });

    it('a restored model saves the same state again', async () => {
      const e = await fit(createEstimator(algo, task, params), X, y);
      const before = JSON.parse(stateToString(e.toJSON())) as { state: Record<string, unknown> };
      const after = JSON.parse(stateToString(estimatorFromJSON(e.toJSON()).toJSON())) as { state: Record<string, unknown> };
      const keys = [...new Set([...Object.keys(before.state), ...Object.keys(after.state)])];
      const differing = keys.filter((k) => JSON.stringify(before.state[k]) !== JSON.stringify(after.state[k]));
      assert.deepEqual(differing, [], `state keys lost or changed by fromJSON: ${differing.join(', ')}`);
    });

    it('params round-trip', () => {
      const e = createEstimator(algo, task, params);
      const again = createEstimator(algo, task, e.params);
      assert.deepEqual(again.params, e.params);
      for (const [k, v] of Object.entries(params)) assert.deepEqual(e.params[k], v);
    });

    it('bad data: NaN in X, mismatched y, wrong width at predict → BAD_DATA', async () => {
      const bad = { data: Float64Array.from(X.data), rows: X.rows, cols: X.cols };
      bad.data[7] = NaN;
      await rejects(() => fit(createEstimator(algo, task, params), bad, y), 'BAD_DATA', /row 1, column 3|NaN|missing/i);
      if (y) {
        const short = y.slice(0, y.length - 1);
        await rejects(() => fit(createEstimator(algo, task, params), X, short), 'BAD_DATA');
      }
      const e = await fit(createEstimator(algo, task, params), X, y);
      const narrow = { data: new Float64Array(X.rows * (X.cols - 1)), rows: X.rows, cols: X.cols - 1 };
      await rejects(() => e.predict(narrow), 'BAD_DATA');
      if (task === 'classification') {
        await rejects(() => fit(createEstimator(algo, task, params), X, new Int32Array(X.rows)), 'BAD_DATA', /one class|only one|1 class|single class/i);
      }
    });
  });
}
