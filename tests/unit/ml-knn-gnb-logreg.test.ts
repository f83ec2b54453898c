import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import type { Params } from '../../src-shared/ml/params.ts';
import { GaussianNB } from '../../src-main/engine/ml/algorithms/gnb.ts';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../src-main/engine/ml/algorithms/knn.ts';
import { LogisticRegression } from '../../src-main/engine/ml/algorithms/logreg.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';
import { lbfgs } from '../../src-main/engine/ml/optim/lbfgs.ts';
import { Random } from '../../src-main/engine/ml/random.ts';
import { deserializeState, joinState, serializeState, splitState } from '../../src-main/engine/ml/state.ts';
import { loadXY } from '../helpers/data.ts';

const iris = loadXY('iris.csv', 'target');

function throwsCode(f: () => unknown, code: string, re?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof LatheError, String(e));
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

const mk = (rows: number[][]): Matrix => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length });

describe('bad inputs of KNN, GaussianNB, LogisticRegression', () => {
  const classifiers = [() => new KNeighborsClassifier({ n_neighbors: 3 }), () => new GaussianNB(), () => new LogisticRegression()];
  it('NaN in X names the row and column', () => {
    const X = { data: Float64Array.from(iris.X.data), rows: iris.X.rows, cols: 4 };
    X.data[2 * 4 + 1] = NaN;
    for (const c of classifiers) throwsCode(() => c().fit(X, iris.y), 'BAD_DATA', /missing value \(NaN\) at row 2, column 1/);
  });
  it('one class is refused', () => {
    for (const c of classifiers) throwsCode(() => c().fit(iris.X, new Int32Array(150).fill(2)), 'BAD_DATA', /only one class/);
  });
  it('y of the wrong length, wrong type or negative codes', () => {
    for (const c of classifiers) {
      throwsCode(() => c().fit(iris.X, iris.y.slice(0, 100)), 'BAD_DATA', /150 rows but y has 100/);
      throwsCode(() => c().fit(iris.X, Float64Array.from(iris.y) as unknown as Int32Array), 'BAD_DATA', /Int32Array/);
      const neg = Int32Array.from(iris.y);
      neg[5] = -1;
      throwsCode(() => c().fit(iris.X, neg), 'BAD_DATA', /negative class code/);
    }
  });
  it('n_neighbors larger than the training rows', () => {
    const X = mk([[0], [1], [2], [3]]);
    throwsCode(() => new KNeighborsClassifier({ n_neighbors: 5 }).fit(X, Int32Array.from([0, 1, 0, 1])), 'BAD_DATA', /only 4 training rows/);
    throwsCode(() => new KNeighborsRegressor({ n_neighbors: 5 }).fit(X, Float64Array.from([0, 1, 0, 1])), 'BAD_DATA', /only 4 training rows/);
  });
  it('bad params at construction; GaussianNB priors checked at fit', () => {
    throwsCode(() => new KNeighborsClassifier({ n_neighbors: 0 }), 'INVALID_PARAM', /^The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range \[1, inf\)\. Got 0 instead\.$/);
    throwsCode(() => new LogisticRegression({ C: 0 }), 'INVALID_PARAM', /'C' parameter of LogisticRegression must be a float in the range \(0, inf\)/);
    throwsCode(() => new GaussianNB({ priors: [0.5, 0.5] }).fit(iris.X, iris.y), 'BAD_DATA', /priors has 2 values but there are 3 classes/);
    throwsCode(() => new GaussianNB({ priors: [0.5, 0.3, 0.3] }).fit(iris.X, iris.y), 'BAD_DATA', /sum to/);
  });
  it('predict with the wrong number of features', () => {
    const m = new GaussianNB().fit(iris.X, iris.y);
    throwsCode(() => m.predict(mk([[1, 2, 3]])), 'BAD_DATA', /X has 3 features, but the model was fitted with 4/);
  });
});

describe('KNN behaviour', () => {
  it('KD-tree and brute force find the same neighbours (ties by smaller index) on data full of ties', () => {
    const r = new Random(1);
    const rows = Array.from({ length: 700 }, () => [r.int(5), r.int(5), r.int(3)]);
    const X = mk(rows);
    const Q = mk(Array.from({ length: 120 }, () => [r.int(5), r.int(5), r.int(3)]));
    for (const metric of ['euclidean', 'manhattan'] as const) {
      for (const p of [{}, { metric: 'minkowski', p: 3 }] as Params[]) {
        const params: Params = { n_neighbors: 9, metric, ...p };
        const y = new Float64Array(700);
        const a = new KNeighborsRegressor({ ...params, algorithm: 'brute' }).fit(X, y).kneighbors(Q);
        const b = new KNeighborsRegressor({ ...params, algorithm: 'kd_tree', leaf_size: 4 }).fit(X, y).kneighbors(Q);
        assert.deepEqual(b.indices, a.indices);
        for (let i = 0; i < a.distances.length; i++) assert.ok(Math.abs(a.distances[i]! - b.distances[i]!) < 1e-9);
      }
    }
  });
  it('distance weights: an exact match takes all the weight; class vote ties go to the smaller code', () => {
    const X = mk([[0], [1], [2], [3]]);
    const y = Int32Array.from([1, 0, 1, 0]);
    const m = new KNeighborsClassifier({ n_neighbors: 3, weights: 'distance' }).fit(X, y);
    assert.deepEqual(Array.from(m.predictProba(mk([[2]]))), [0, 1]);
    const u = new KNeighborsClassifier({ n_neighbors: 2 }).fit(X, y);
    assert.deepEqual(Array.from(u.predict(mk([[0.5]]))), [0]); // neighbours 0 (class 1) and 1 (class 0): tie → 0
    const reg = new KNeighborsRegressor({ n_neighbors: 2, weights: 'distance' }).fit(X, Float64Array.from([10, 20, 30, 40]));
    assert.deepEqual(Array.from(reg.predict(mk([[1], [1.25]]))), [20, 0.75 * 20 + 0.25 * 30]);
  });
  it("'auto' takes the KD-tree for few features and brute force for many", () => {
    assert.equal(new KNeighborsClassifier().fit(iris.X, iris.y).searchMethod, 'kd_tree');
    const digits = loadXY('digits.csv', 'target');
    assert.equal(new KNeighborsClassifier().fit(digits.X, digits.y).searchMethod, 'brute');
  });
});

describe('LogisticRegression convergence and the optimiser', () => {
  it('hitting max_iter keeps the model with a NOT_CONVERGED warning', () => {
    const m = new LogisticRegression({ max_iter: 3 }).fit(iris.X, iris.y);
    assert.equal(m.convergence.converged, false);
    assert.equal(m.convergence.nIter, 3);
    assert.equal(m.convergence.warnings[0]!.code, 'NOT_CONVERGED');
    assert.match(m.convergence.warnings[0]!.message, /did not converge in 3 iterations/);
    assert.ok(m.score(iris.X, iris.y) > 0.5);
    const ok = new LogisticRegression({ max_iter: 500 }).fit(iris.X, iris.y);
    assert.equal(ok.convergence.converged, true);
    assert.deepEqual(ok.convergence.warnings, []);
  });
  it('probabilities sum to 1; binary uses one coefficient vector', () => {
    const two = Int32Array.from(iris.y, (c) => (c === 2 ? 1 : 0));
    const m = new LogisticRegression().fit(iris.X, two);
    assert.equal(m.coefficients.rows, 1);
    const p = m.predictProba(iris.X);
    for (let i = 0; i < 150; i++) assert.ok(Math.abs(p[2 * i]! + p[2 * i + 1]! - 1) < 1e-12);
  });
  it('L-BFGS minimises a convex quadratic exactly', () => {
    const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
    const b = [1, -2, 3];
    const r = lbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < 3; i++) {
          let ax = 0;
          for (let j = 0; j < 3; j++) ax += A[i * 3 + j]! * x[j]!;
          g[i] = ax - b[i]!;
          f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
        }
        return f;
      },
      new Float64Array(3),
      { gtol: 1e-7, ftol: 0 },
    );
    assert.equal(r.converged, true);
    for (let i = 0; i < 3; i++) {
      let ax = 0;
      for (let j = 0; j < 3; j++) ax += A[i * 3 + j]! * r.x[j]!;
      assert.ok(Math.abs(ax - b[i]!) <= 1e-7);
    }
  });
});

describe('state serialisation', () => {
  it('typed arrays, NaN and Infinity survive JSON text and binary splitting', () => {
    const s = { algo: 'x', params: { a: 1, b: null }, state: { w: Float64Array.from([1.5, NaN, -Infinity]), i: Int32Array.from([3, -4]), n: Infinity, nested: [{ u: Uint8Array.from([7]) }] } };
    const back = deserializeState(JSON.parse(JSON.stringify(serializeState(s))));
    assert.deepEqual(back, s);
    const { json, buffers } = splitState(s);
    assert.equal(buffers.length, 3);
    assert.deepEqual(joinState(JSON.parse(JSON.stringify(json)), buffers), s);
  });
  it('damaged states are refused with BAD_MODEL_FILE', () => {
    throwsCode(() => deserializeState({ algo: 'x' }), 'BAD_MODEL_FILE');
    throwsCode(() => deserializeState({ algo: 'x', params: {}, state: { w: { $typed: 'Float64Array', length: 3, b64: 'AAAA' } } }), 'BAD_MODEL_FILE', /damaged/);
    throwsCode(() => joinState({ algo: 'x', params: {}, state: { w: { $typed: 'Float64Array', length: 1, ref: 4 } } }, []), 'BAD_MODEL_FILE');
    const m = new GaussianNB().fit(iris.X, iris.y).toJSON();
    delete (m.state as Record<string, unknown>).theta;
    throwsCode(() => GaussianNB.fromJSON(m), 'BAD_MODEL_FILE', /lacks 'theta'/);
  });
});
