/**
 * ONNX writers for the distance-based models, in double precision:
 * k-nearest neighbours (the training rows are constants; distances by direct
 * differences, TopK smallest — ties to the lower training row, as Lathe's
 * search) and k-means (nearest centre; `distances` are Euclidean, as
 * KMeans.transform).
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { EstimatorState } from '../../ml/estimator.ts';
import { stateArray, stateNumber } from '../../ml/state.ts';
import { A, type GraphBuilder } from './graph.ts';
import { argmax, type Head } from './linear.ts';
import { DT } from './proto.ts';

/** Distances of every row of x (double [N, p]) to every row of T ([M, p]): [N, M]; squared for p = 2. */
function pairwise(g: GraphBuilder, x: string, p: number, T: Float64Array, M: number, power: number): string {
  const diff = g.op('Sub', [g.op('Unsqueeze', [x, g.int64s([1])]), g.const('double', [M, p], T, 'points')]);
  if (power === 2) return g.op('ReduceSum', [g.op('Mul', [diff, diff]), g.int64s([2])], { keepdims: A.i(0) });
  if (power === 1) return g.op('ReduceSum', [g.op('Abs', [diff]), g.int64s([2])], { keepdims: A.i(0) });
  const pw = g.scalar('double', power);
  return g.op('ReduceSum', [g.op('Pow', [g.op('Abs', [diff]), pw]), g.int64s([2])], { keepdims: A.i(0) });
}

function minkowskiPower(params: EstimatorState['params']): number {
  if (params.metric === 'euclidean') return 2;
  if (params.metric === 'manhattan') return 1;
  const p = typeof params.p === 'number' ? params.p : 2;
  return p;
}

export function kNeighbors(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const st = s.state;
  const rows = stateNumber(st, 'rows', s.algo);
  const cols = stateNumber(st, 'cols', s.algo);
  if (cols !== p) throw new LatheError('BAD_MODEL_FILE', `The k-NN model has ${cols}-column training rows but its pipeline gives ${p}.`);
  const T = stateArray(st, 'X', 'Float64Array', s.algo);
  const k = s.params.n_neighbors as number;
  const power = minkowskiPower(s.params);
  const d = pairwise(g, x, p, T, rows, power);
  const [vals, idx] = g.node('TopK', [d, g.int64s([k])], { axis: A.i(1), largest: A.i(0), sorted: A.i(1) }, { outputs: 2 }) as [string, string];
  // Distances as Lathe reports them: the p-th root of the sum.
  const dist = power === 2 ? g.op('Sqrt', [vals]) : power === 1 ? vals : g.op('Pow', [vals, g.scalar('double', 1 / power)]);
  let w: string | null = null;
  if (s.params.weights === 'distance') {
    // 1/d, or where a neighbour is at distance 0: 1 for those and 0 for the rest (scikit-learn's rule).
    const zero = g.op('Cast', [g.op('Equal', [dist, g.scalar('double', 0)])], { to: A.i(DT.DOUBLE) });
    const anyZero = g.op('Greater', [g.op('ReduceMax', [zero], { axes: A.ints([1]), keepdims: A.i(1) }), g.scalar('double', 0)]);
    w = g.op('Where', [anyZero, zero, g.op('Div', [g.scalar('double', 1), dist])]);
  }
  const classification = st.task === 'classification';
  if (classification) {
    const y = stateArray(st, 'y', 'Int32Array', s.algo);
    const K = stateNumber(st, 'nClasses', s.algo);
    const labels = g.op('Gather', [g.int64s(Array.from(y), 'y_train'), idx]);
    const hit = g.op('Cast', [g.op('Equal', [g.op('Unsqueeze', [labels, g.int64s([2])]), g.int64s(Array.from({ length: K }, (_, c) => c), 'class_codes')])], { to: A.i(DT.DOUBLE) });
    const weighted = w ? g.op('Mul', [hit, g.op('Unsqueeze', [w, g.int64s([2])])]) : hit;
    const votes = g.op('ReduceSum', [weighted, g.int64s([1])], { keepdims: A.i(0) });
    const proba = g.op('Div', [votes, g.op('ReduceSum', [votes, g.int64s([1])], { keepdims: A.i(1) })]);
    return { kind: 'classifier', label: argmax(g, votes), proba };
  }
  const y = stateArray(st, 'y', 'Float64Array', s.algo);
  const yk = g.op('Gather', [g.const('double', [y.length], y, 'y_train'), idx]);
  const value = w
    ? g.op('Div', [g.op('ReduceSum', [g.op('Mul', [yk, w]), g.int64s([1])], { keepdims: A.i(1) }), g.op('ReduceSum', [w, g.int64s([1])], { keepdims: A.i(1) })])
    : g.op('Div', [g.op('ReduceSum', [yk, g.int64s([1])], { keepdims: A.i(1) }), g.scalar('double', k)]);
  return { kind: 'regressor', value };
}

export function kMeans(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const C = stateArray(s.state, 'clusterCenters', 'Float64Array', s.algo);
  const nIn = stateNumber(s.state, 'nFeaturesIn', s.algo);
  if (nIn !== p) throw new LatheError('BAD_MODEL_FILE', `The k-means model takes ${nIn} features but its pipeline gives ${p}.`);
  const k = C.length / p;
  const d2 = pairwise(g, x, p, C, k, 2);
  const label = g.op('ArgMin', [d2], { axis: A.i(1), keepdims: A.i(0), select_last_index: A.i(0) });
  return { kind: 'clusterer', label, distances: g.op('Sqrt', [d2]) };
}
