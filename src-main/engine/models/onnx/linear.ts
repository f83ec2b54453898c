/**
 * ONNX writers for the linear family, all in double precision: linear and
 * ridge regression (with their polynomial terms), logistic regression
 * (binary, multinomial, one-vs-rest) and Gaussian naive Bayes.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { EstimatorState } from '../../ml/estimator.ts';
import { polynomialTerms } from '../../ml/algorithms/polynomial.ts';
import { stateArray, stateNumber } from '../../ml/state.ts';
import { A, type GraphBuilder } from './graph.ts';
import { DT } from './proto.ts';

export type Head =
  | { kind: 'classifier'; label: string; proba?: string }
  | { kind: 'regressor'; value: string }
  | { kind: 'clusterer'; label: string; distances: string };

/** x · W + b with W [p, r] given row-major as w[k * p + j] (r rows of p coefficients). */
export function linearScores(g: GraphBuilder, x: string, p: number, w: ArrayLike<number>, b: ArrayLike<number>): string {
  const r = b.length;
  const wt = new Float64Array(p * r);
  for (let k = 0; k < r; k++) for (let j = 0; j < p; j++) wt[j * r + k] = w[k * p + j]!;
  return g.op('Add', [g.op('MatMul', [x, g.const('double', [p, r], wt, 'coef')]), g.const('double', [r], b, 'intercept')]);
}

/**
 * Columns `from` of a [N, K] tensor moved to class codes `to` in a [N, nOut]
 * one (0 elsewhere): a 0/1 placement matrix, exact in double.
 */
export function placeColumns(g: GraphBuilder, t: string, to: ArrayLike<number>, nOut: number): string {
  const K = to.length;
  let identity = K === nOut;
  for (let k = 0; k < K; k++) if (to[k] !== k) identity = false;
  if (identity) return t;
  const m = new Float64Array(K * nOut);
  for (let k = 0; k < K; k++) m[k * nOut + to[k]!] = 1;
  return g.op('MatMul', [t, g.const('double', [K, nOut], m, 'place')]);
}

export function argmax(g: GraphBuilder, t: string): string {
  return g.op('ArgMax', [t], { axis: A.i(1), keepdims: A.i(0), select_last_index: A.i(0) });
}

export function linearRegression(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const st = s.state;
  const coef = stateArray(st, 'coef', 'Float64Array', s.algo);
  const intercept = stateNumber(st, 'intercept', s.algo);
  const nIn = stateNumber(st, 'nFeaturesIn', s.algo);
  if (nIn !== p) throw new LatheError('BAD_MODEL_FILE', `The ${s.algo} model takes ${nIn} features but its pipeline gives ${p}.`);
  const degree = typeof s.params.degree === 'number' ? s.params.degree : 1;
  let design = x;
  let q = p;
  if (degree > 1) {
    // Polynomial terms level by level: a degree-k term is its parent (degree k−1) times one input, as Lathe computes it.
    const t = polynomialTerms(p, degree);
    const levels: string[] = [x];
    let prevStart = 0;
    let start = p;
    let prev = x;
    while (start < t.parent.length) {
      let end = start;
      while (end < t.parent.length && t.combos[end]!.length === t.combos[start]!.length) end++;
      const parents = Array.from(t.parent.subarray(start, end), (v) => v - prevStart);
      const inputs = Array.from(t.input.subarray(start, end));
      const level = g.op('Mul', [g.op('Gather', [prev, g.int64s(parents)], { axis: A.i(1) }), g.op('Gather', [x, g.int64s(inputs)], { axis: A.i(1) })]);
      levels.push(level);
      prev = level;
      prevStart = start;
      start = end;
    }
    design = g.op('Concat', levels, { axis: A.i(1) });
    q = t.parent.length;
  }
  if (coef.length !== q) throw new LatheError('BAD_MODEL_FILE', `The ${s.algo} model has ${coef.length} coefficients for ${q} terms.`);
  return { kind: 'regressor', value: linearScores(g, design, q, coef, [intercept]) };
}

export function logisticRegression(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const st = s.state;
  const coef = stateArray(st, 'coef', 'Float64Array', s.algo);
  const intercept = stateArray(st, 'intercept', 'Float64Array', s.algo);
  const classes = stateArray(st, 'classes', 'Int32Array', s.algo);
  const K = stateNumber(st, 'nClasses', s.algo);
  const mode = st.mode;
  const z = linearScores(g, x, p, coef, intercept);
  if (mode === 'binary') {
    const p1 = g.op('Sigmoid', [z]);
    const p0 = g.op('Sub', [g.scalar('double', 1), p1]);
    const proba = placeColumns(g, g.op('Concat', [p0, p1], { axis: A.i(1) }), [classes[0]!, classes[1]!], K);
    // Lathe: class 1 when the score is > 0.
    const pos = g.op('Cast', [g.op('Greater', [g.op('Squeeze', [z, g.int64s([1])]), g.scalar('double', 0)])], { to: A.i(DT.INT64) });
    const label = g.op('Gather', [g.int64s([classes[0]!, classes[1]!], 'classes'), pos]);
    return { kind: 'classifier', label, proba };
  }
  let inner: string;
  if (mode === 'multinomial') inner = g.op('Softmax', [z], { axis: A.i(1) });
  else {
    const sg = g.op('Sigmoid', [z]);
    inner = g.op('Div', [sg, g.op('ReduceSum', [sg, g.int64s([1])], { keepdims: A.i(1) })]);
  }
  const label = g.op('Gather', [g.int64s(Array.from(classes), 'classes'), argmax(g, z)]);
  return { kind: 'classifier', label, proba: placeColumns(g, inner, classes, K) };
}

export function gaussianNB(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const st = s.state;
  const classes = stateArray(st, 'classes', 'Int32Array', s.algo);
  const theta = stateArray(st, 'theta', 'Float64Array', s.algo);
  const variance = stateArray(st, 'variance', 'Float64Array', s.algo);
  const logPrior = stateArray(st, 'logPrior', 'Float64Array', s.algo);
  const nClasses = stateNumber(st, 'nClasses', s.algo);
  const K = classes.length;
  // As GaussianNB.jointLogLikelihood: base_k = log prior − ½ Σ log(2π var), inv = 1 / var.
  const base = new Float64Array(K);
  const inv = new Float64Array(K * p);
  for (let k = 0; k < K; k++) {
    let acc = 0;
    for (let j = 0; j < p; j++) {
      acc += Math.log(2 * Math.PI * variance[k * p + j]!);
      inv[k * p + j] = 1 / variance[k * p + j]!;
    }
    base[k] = logPrior[k]! - 0.5 * acc;
  }
  const diff = g.op('Sub', [g.op('Unsqueeze', [x, g.int64s([1])]), g.const('double', [K, p], theta, 'theta')]);
  const sq = g.op('Mul', [g.op('Mul', [diff, diff]), g.const('double', [K, p], inv, 'inv_var')]);
  const jll = g.op('Sub', [g.const('double', [K], base, 'base'), g.op('Mul', [g.scalar('double', 0.5), g.op('ReduceSum', [sq, g.int64s([2])], { keepdims: A.i(0) })])]);
  const label = g.op('Gather', [g.int64s(Array.from(classes), 'classes'), argmax(g, jll)]);
  return { kind: 'classifier', label, proba: placeColumns(g, g.op('Softmax', [jll], { axis: A.i(1) }), classes, nClasses) };
}
