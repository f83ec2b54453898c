/**
 * ONNX writer for the SVM (SVC), in plain double-precision ops rather than
 * ai.onnx.ml SVMClassifier (which works in float32 and couples probabilities
 * its own way): kernel values against the support vectors, one decision
 * value per class pair, one-vs-one votes, Platt sigmoids, and for more than
 * two classes libsvm's pairwise coupling (Wu, Lin & Weng, method 2) as an
 * ONNX Loop — the same iteration, the same stopping rule per row, as
 * svm.ts coupleProbabilities.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { EstimatorState } from '../../ml/estimator.ts';
import { stateArray, stateNumber } from '../../ml/state.ts';
import { A, GraphBuilder } from './graph.ts';
import { argmax, type Head } from './linear.ts';
import { DT } from './proto.ts';

function kernel(g: GraphBuilder, x: string, p: number, sv: Float64Array, nSV: number, s: EstimatorState, gamma: number): string {
  const svT = new Float64Array(p * nSV);
  for (let i = 0; i < nSV; i++) for (let f = 0; f < p; f++) svT[f * nSV + i] = sv[i * p + f]!;
  const dot = g.op('MatMul', [x, g.const('double', [p, nSV], svT, 'sv_t')]);
  const name = (s.params.kernel as string) ?? 'rbf';
  const coef0 = typeof s.params.coef0 === 'number' ? s.params.coef0 : 0;
  const degree = typeof s.params.degree === 'number' ? s.params.degree : 3;
  const affine = (): string => g.op('Add', [g.op('Mul', [g.scalar('double', gamma), dot]), g.scalar('double', coef0)]);
  switch (name) {
    case 'linear':
      return dot;
    case 'rbf': {
      const normsS = new Float64Array(nSV);
      for (let i = 0; i < nSV; i++) {
        let acc = 0;
        for (let f = 0; f < p; f++) acc += sv[i * p + f]! * sv[i * p + f]!;
        normsS[i] = acc;
      }
      const normA = g.op('ReduceSum', [g.op('Mul', [x, x]), g.int64s([1])], { keepdims: A.i(1) });
      const d2 = g.op('Sub', [g.op('Add', [normA, g.const('double', [nSV], normsS, 'sv_norms')]), g.op('Mul', [g.scalar('double', 2), dot])]);
      return g.op('Exp', [g.op('Mul', [g.scalar('double', -gamma), g.op('Max', [g.scalar('double', 0), d2])])]);
    }
    case 'poly':
      return g.op('Pow', [affine(), g.scalar('double', degree)]);
    case 'sigmoid':
      return g.op('Tanh', [affine()]);
    default:
      throw new LatheError('NOT_IMPLEMENTED', `ONNX export does not know the SVM kernel '${name}'.`);
  }
}

/** The coupling loop: p [N, K] from the pairwise probabilities R [N, K, K]. */
function couple(g: GraphBuilder, R: string, K: number): string {
  // Q[t, j] = −r[j, t]·r[t, j] (j ≠ t), Q[t, t] = Σ_j r[j, t]²  (R's diagonal is 0).
  const Rt = g.op('Transpose', [R], { perm: A.ints([0, 2, 1]) });
  const eye = new Float64Array(K * K);
  const off = new Float64Array(K * K).fill(1);
  for (let t = 0; t < K; t++) {
    eye[t * K + t] = 1;
    off[t * K + t] = 0;
  }
  const diag = g.op('ReduceSum', [g.op('Mul', [Rt, Rt]), g.int64s([2])], { keepdims: A.i(0) }); // [N, K]
  const Qoff = g.op('Mul', [g.op('Neg', [g.op('Mul', [Rt, R])]), g.const('double', [K, K], off, 'offdiag')]);
  const Q = g.op('Add', [Qoff, g.op('Mul', [g.op('Unsqueeze', [diag, g.int64s([2])]), g.const('double', [K, K], eye, 'eye')])]);

  const b = new GraphBuilder('coupling', 'cp_');
  b.input('iter', 'int64', []);
  b.input('cond_in', 'bool', []);
  const p0 = b.input('p_in', 'double', ['N', K]);
  const eps = b.scalar('double', 0.005 / K);
  const one = b.scalar('double', 1);
  const two = b.scalar('double', 2);
  let Qp = b.op('Squeeze', [b.op('MatMul', [Q, b.op('Unsqueeze', [p0, b.int64s([2])])]), b.int64s([2])]);
  let pQp = b.op('ReduceSum', [b.op('Mul', [p0, Qp]), b.int64s([1])], { keepdims: A.i(1) });
  const maxErr = b.op('ReduceMax', [b.op('Abs', [b.op('Sub', [Qp, pQp])])], { axes: A.ints([1]), keepdims: A.i(1) });
  const active = b.op('Cast', [b.op('Not', [b.op('Less', [maxErr, eps])])], { to: A.i(DT.DOUBLE) }); // [N, 1]
  let p = p0;
  for (let t = 0; t < K; t++) {
    const col = b.int64s([t]);
    const Qpt = b.op('Gather', [Qp, col], { axis: A.i(1) });
    const qtt = b.op('Gather', [diag, col], { axis: A.i(1) });
    const diff = b.op('Mul', [b.op('Div', [b.op('Add', [b.op('Neg', [Qpt]), pQp]), qtt]), active]);
    const et = new Float64Array(K);
    et[t] = 1;
    p = b.op('Add', [p, b.op('Mul', [diff, b.const('double', [K], et, 'e')])]);
    const onePlus = b.op('Add', [one, diff]);
    pQp = b.op('Div', [b.op('Div', [b.op('Add', [pQp, b.op('Mul', [diff, b.op('Add', [b.op('Mul', [diff, qtt]), b.op('Mul', [two, Qpt])])])]), onePlus]), onePlus]);
    const Qrow = b.op('Squeeze', [b.op('Gather', [Q, col], { axis: A.i(1) }), b.int64s([1])]);
    Qp = b.op('Div', [b.op('Add', [Qp, b.op('Mul', [diff, Qrow])]), onePlus]);
    p = b.op('Div', [p, onePlus]);
  }
  b.op('Greater', [b.op('ReduceMax', [active], { keepdims: A.i(0) }), b.scalar('double', 0)], {}, { output: 'cond_out' });
  b.identity(p, 'p_out');
  b.output('cond_out', 'bool', []);
  b.output('p_out', 'double', ['N', K]);

  const init = g.op('Mul', [g.op('ReduceSum', [R, g.int64s([1, 2])], { keepdims: A.i(0) }), g.scalar('double', 0)]); // [N] zeros
  const p1 = g.op('Add', [g.op('Unsqueeze', [init, g.int64s([1])]), g.const('double', [K], new Float64Array(K).fill(1 / K), 'p_init')]);
  const trip = g.const('int64', [], [Math.max(100, K)], 'max_iter');
  const yes = g.const('bool', [], [true], 'true');
  return g.node('Loop', [trip, yes, p1], { body: A.g(b.graph()) }, { outputs: 1 })[0]!;
}

export function svmModel(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const st = s.state;
  const K = stateNumber(st, 'nClasses', s.algo);
  const nIn = stateNumber(st, 'nFeaturesIn', s.algo);
  if (nIn !== p) throw new LatheError('BAD_MODEL_FILE', `The SVM takes ${nIn} features but its pipeline gives ${p}.`);
  const gamma = stateNumber(st, 'gamma', s.algo);
  const nSV = stateNumber(st, 'nSV', s.algo);
  const sv = stateArray(st, 'supportVectors', 'Float64Array', s.algo);
  const pairStart = stateArray(st, 'pairStart', 'Int32Array', s.algo);
  const pairIndex = stateArray(st, 'pairIndex', 'Int32Array', s.algo);
  const pairCoef = stateArray(st, 'pairCoef', 'Float64Array', s.algo);
  const rho = stateArray(st, 'rho', 'Float64Array', s.algo);
  const probA = stateArray(st, 'probA', 'Float64Array', s.algo);
  const probB = stateArray(st, 'probB', 'Float64Array', s.algo);
  const nP = rho.length;
  const Kx = kernel(g, x, p, sv, nSV, s, gamma);
  const C = new Float64Array(nSV * nP);
  for (let q = 0; q < nP; q++) for (let t = pairStart[q]!; t < pairStart[q + 1]!; t++) C[pairIndex[t]! * nP + q] = C[pairIndex[t]! * nP + q]! + pairCoef[t]!;
  const D = g.op('Sub', [g.op('MatMul', [Kx, g.const('double', [nSV, nP], C, 'pair_coef')]), g.const('double', [nP], rho, 'rho')]);
  // Votes: pair (a, b) votes a when its value is > 0, else b.
  const Ma = new Float64Array(nP * K);
  const Mb = new Float64Array(nP * K);
  let q = 0;
  for (let a = 0; a < K; a++)
    for (let bb = a + 1; bb < K; bb++) {
      Ma[q * K + a] = 1;
      Mb[q * K + bb] = 1;
      q++;
    }
  const pos = g.op('Cast', [g.op('Greater', [D, g.scalar('double', 0)])], { to: A.i(DT.DOUBLE) });
  const neg = g.op('Sub', [g.scalar('double', 1), pos]);
  const votes = g.op('Add', [g.op('MatMul', [pos, g.const('double', [nP, K], Ma, 'vote_a')]), g.op('MatMul', [neg, g.const('double', [nP, K], Mb, 'vote_b')])]);
  const label = argmax(g, votes);
  if (probA.length === 0) return { kind: 'classifier', label };

  // Platt: 1 / (1 + exp(f)) with f = D·A + B, computed as libsvm does on each side of 0; clipped to [1e−7, 1 − 1e−7].
  const f = g.op('Add', [g.op('Mul', [D, g.const('double', [nP], probA, 'prob_a')]), g.const('double', [nP], probB, 'prob_b')]);
  const one = g.scalar('double', 1);
  const eNeg = g.op('Exp', [g.op('Neg', [f])]);
  const sig = g.op('Where', [
    g.op('Not', [g.op('Less', [f, g.scalar('double', 0)])]),
    g.op('Div', [eNeg, g.op('Add', [one, eNeg])]),
    g.op('Div', [one, g.op('Add', [one, g.op('Exp', [f])])]),
  ]);
  const v = g.op('Min', [g.op('Max', [sig, g.scalar('double', 1e-7)]), g.scalar('double', 1 - 1e-7)]);
  if (K === 2) {
    const proba = g.op('Concat', [v, g.op('Sub', [one, v])], { axis: A.i(1) });
    return { kind: 'classifier', label, proba };
  }
  // R[a, b] = v_pair, R[b, a] = 1 − v_pair.
  const Ua = new Float64Array(nP * K * K);
  const Ub = new Float64Array(nP * K * K);
  q = 0;
  for (let a = 0; a < K; a++)
    for (let bb = a + 1; bb < K; bb++) {
      Ua[q * K * K + a * K + bb] = 1;
      Ub[q * K * K + bb * K + a] = 1;
      q++;
    }
  const Rflat = g.op('Add', [
    g.op('MatMul', [v, g.const('double', [nP, K * K], Ua, 'r_upper')]),
    g.op('MatMul', [g.op('Sub', [one, v]), g.const('double', [nP, K * K], Ub, 'r_lower')]),
  ]);
  const R = g.op('Reshape', [Rflat, g.int64s([-1, K, K])]);
  return { kind: 'classifier', label, proba: couple(g, R, K) };
}
