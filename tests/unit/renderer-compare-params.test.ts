/** The learner parameter forms of the comparison board: fields from the catalogue schema, coercion, the standard messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkForm, defaultForm, DEFAULT_LEARNERS, KEY_PARAMS, paramFields, paramText } from '../../src-renderer/lib/compare/params.ts';
import { CATALOG, ALGO_NAMES, validateAlgoParams } from '../../src-shared/ml/catalog.ts';

test('knn fields: n_neighbors as an int input with its minimum, weights as a select; docs as tooltips', () => {
  const f = paramFields('knn', 'classification');
  assert.deepEqual(
    f.map((x) => [x.name, x.input, x.min, x.max, x.step, x.options, x.defaultText]),
    [
      ['n_neighbors', 'number', 1, undefined, '1', undefined, '5'],
      ['weights', 'select', undefined, undefined, undefined, ['uniform', 'distance'], 'uniform'],
    ],
  );
  assert.match(f[0]?.doc ?? '', /^Number of neighbours that vote/);
  assert.match(f[0]?.doc ?? '', /n_neighbors: an int in the range \[1, inf\); default 5\.$/);
});

test('a float with an open lower bound gets no min attribute (0 is not allowed, 0.001 is); nullable defaults are empty text', () => {
  const [c] = paramFields('logreg', 'classification');
  assert.equal(c?.name, 'C');
  assert.equal(c?.input, 'number');
  assert.equal(c?.min, undefined);
  assert.equal(c?.step, 'any');
  const depth = paramFields('forest', 'classification').find((x) => x.name === 'max_depth');
  assert.equal(depth?.defaultText, '');
  assert.match(depth?.doc ?? '', /or None; default None\./);
});

test('bools are selects of true/false; number-or-word params (gamma) are text', () => {
  const lin = paramFields('linreg', 'regression');
  assert.deepEqual(lin.map((x) => [x.name, x.input, x.options]), [['fit_intercept', 'select', ['true', 'false']]]);
  const svm = paramFields('svm', 'classification');
  assert.deepEqual(svm.map((x) => [x.name, x.input]), [['C', 'number'], ['kernel', 'select'], ['gamma', 'text']]);
});

test('every key parameter exists in its schema for every task the board runs', () => {
  for (const algo of ALGO_NAMES) {
    for (const task of ['classification', 'regression'] as const) {
      const schema = CATALOG[algo].byTask[task]?.schema;
      if (!schema) continue;
      const names = paramFields(algo, task).map((f) => f.name);
      assert.deepEqual(names, (KEY_PARAMS[algo] ?? []).filter((n) => n in schema), `${algo}/${task}`);
      assert.ok(names.length > 0 || !KEY_PARAMS[algo], `${algo}/${task} shows its key params`);
    }
  }
});

test('the default learners do their task', () => {
  for (const task of ['classification', 'regression'] as const) {
    for (const algo of DEFAULT_LEARNERS[task]) assert.ok(CATALOG[algo].byTask[task], `${algo} does ${task}`);
  }
  assert.deepEqual(DEFAULT_LEARNERS.classification, ['knn', 'gnb', 'logreg', 'tree', 'forest']);
});

test('default forms validate and coerce to the schema defaults', () => {
  for (const task of ['classification', 'regression'] as const) {
    for (const algo of ALGO_NAMES) {
      if (!CATALOG[algo].byTask[task]) continue;
      const r = checkForm(algo, task, defaultForm(algo, task));
      assert.equal(r.error, null, `${algo}/${task}`);
      const full = validateAlgoParams(algo, task, {});
      for (const [k, v] of Object.entries(r.params)) assert.deepEqual(v, full[k], `${algo}/${task}.${k}`);
    }
  }
});

test('form text is coerced: numbers, None, words, booleans', () => {
  assert.deepEqual(checkForm('forest', 'classification', { n_estimators: ' 250 ', max_depth: '' }), { params: { n_estimators: 250, max_depth: null }, error: null });
  assert.deepEqual(checkForm('svm', 'classification', { C: '0.5', kernel: 'linear', gamma: '0.1' }).params, { C: 0.5, kernel: 'linear', gamma: 0.1 });
  assert.deepEqual(checkForm('svm', 'classification', { C: '1', kernel: 'rbf', gamma: 'auto' }).params, { C: 1, kernel: 'rbf', gamma: 'auto' });
  assert.deepEqual(checkForm('linreg', 'regression', { fit_intercept: 'false' }), { params: { fit_intercept: false }, error: null });
  // A field the form does not show falls back to its default text.
  assert.deepEqual(checkForm('knn', 'classification', {}).params, { n_neighbors: 5, weights: 'uniform' });
});

test('invalid values get scikit-learn style messages naming the field', () => {
  assert.deepEqual(checkForm('knn', 'classification', { n_neighbors: '0', weights: 'uniform' }).error, {
    param: 'n_neighbors',
    message: "The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.",
  });
  assert.deepEqual(checkForm('knn', 'regression', { n_neighbors: '2.5' }).error, {
    param: 'n_neighbors',
    message: "The 'n_neighbors' parameter of KNeighborsRegressor must be an int in the range [1, inf). Got 2.5 instead.",
  });
  assert.deepEqual(checkForm('logreg', 'classification', { C: '0', max_iter: '100' }).error, {
    param: 'C',
    message: "The 'C' parameter of LogisticRegression must be a float in the range (0, inf). Got 0 instead.",
  });
  const words = checkForm('forest', 'classification', { n_estimators: 'many' }).error;
  assert.equal(words?.param, 'n_estimators');
  assert.match(words?.message ?? '', /must be an int in the range \[1, inf\)\. Got 'many' instead\.$/);
  const gamma = checkForm('svm', 'classification', { gamma: 'big' }).error;
  assert.equal(gamma?.param, 'gamma');
  assert.match(gamma?.message ?? '', /^The 'gamma' parameter of SVC must be a str among \{'scale', 'auto'\}/);
  // The first invalid field in schema order is the one reported.
  assert.equal(checkForm('tree', 'classification', { max_depth: '0', min_samples_leaf: '0' }).error?.param, 'max_depth');
});

test('a learner asked for a task it does not do is refused in words', () => {
  const r = checkForm('gnb', 'regression', {});
  assert.equal(r.error?.param, 'algo');
  assert.match(r.error?.message ?? '', /Gaussian naive Bayes does not do regression\. It does: classification/);
});

test('paramText: None is empty, lists are comma separated', () => {
  assert.equal(paramText(null), '');
  assert.equal(paramText(undefined), '');
  assert.equal(paramText([100, 50]), '100, 50');
  assert.equal(paramText(1e-9), '1e-9');
  assert.equal(paramText(true), 'true');
});
