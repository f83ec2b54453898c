/**
 * ONNX writers for the tree models: decision tree, random forest and
 * gradient boosting, as one ai.onnx.ml TreeEnsembleRegressor each (with
 * n_targets = classes for classifiers, so the class scores come out as a
 * plain tensor — no ZipMap, no TreeEnsembleClassifier label quirks).
 * Thresholds and leaf values are double tensors (ml opset 3 `_as_tensor`
 * attributes) and the input is double, so every split decides exactly as in
 * Lathe; the ensemble's sums come out as float32 (the operator's output
 * type), which is where the ≤ 1e-7 relative differences of tree
 * probabilities come from.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { EstimatorState } from '../../ml/estimator.ts';
import { packedFromState } from '../../ml/algorithms/tree.ts';
import type { PackedTrees } from '../../ml/algorithms/tree-core.ts';
import { stateArray, stateNumber } from '../../ml/state.ts';
import { A, tensor, type GraphBuilder } from './graph.ts';
import { argmax, type Head } from './linear.ts';
import { DT } from './proto.ts';

/** One TreeEnsembleRegressor over the packed trees; tree t feeds target targetOf(t, k) with value × scale. */
function ensemble(g: GraphBuilder, x: string, t: PackedTrees, nTargets: number, opts: { targetOf: (tree: number, k: number) => number; aggregate: 'SUM' | 'AVERAGE'; base?: ArrayLike<number> }): string {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const tTree: number[] = [];
  const tNode: number[] = [];
  const tId: number[] = [];
  const tW: number[] = [];
  for (let tr = 0; tr < t.nTrees; tr++) {
    const o = t.offsets[tr]!;
    const size = t.offsets[tr + 1]! - o;
    for (let n = 0; n < size; n++) {
      const f = t.feature[o + n]!;
      treeIds.push(tr);
      nodeIds.push(n);
      if (f >= 0) {
        featureIds.push(f);
        modes.push('BRANCH_LEQ');
        values.push(t.threshold[o + n]!);
        trueIds.push(t.left[o + n]!);
        falseIds.push(t.right[o + n]!);
      } else {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        for (let k = 0; k < t.nOut; k++) {
          tTree.push(tr);
          tNode.push(n);
          tId.push(opts.targetOf(tr, k));
          tW.push(t.value[(o + n) * t.nOut + k]!);
        }
      }
    }
  }
  return g.op(
    'TreeEnsembleRegressor',
    [x],
    {
      n_targets: A.i(nTargets),
      aggregate_function: A.s(opts.aggregate),
      post_transform: A.s('NONE'),
      nodes_treeids: A.ints(treeIds),
      nodes_nodeids: A.ints(nodeIds),
      nodes_featureids: A.ints(featureIds),
      nodes_modes: A.strings(modes),
      nodes_values_as_tensor: A.t(tensor('nodes_values', 'double', [values.length], values)),
      nodes_truenodeids: A.ints(trueIds),
      nodes_falsenodeids: A.ints(falseIds),
      target_treeids: A.ints(tTree),
      target_nodeids: A.ints(tNode),
      target_ids: A.ints(tId),
      target_weights_as_tensor: A.t(tensor('target_weights', 'double', [tW.length], tW)),
      ...(opts.base ? { base_values_as_tensor: A.t(tensor('base_values', 'double', [opts.base.length], opts.base)) } : {}),
    },
    { domain: 'ai.onnx.ml' },
  );
}

function toDouble(g: GraphBuilder, t: string): string {
  return g.op('Cast', [t], { to: A.i(DT.DOUBLE) });
}

/** Decision tree and random forest: mean of the trees' leaf values (class proportions or values). */
export function treeModel(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const nIn = stateNumber(s.state, 'nFeaturesIn', s.algo);
  if (nIn !== p) throw new LatheError('BAD_MODEL_FILE', `The ${s.algo} model takes ${nIn} features but its pipeline gives ${p}.`);
  const t = packedFromState(s.state, s.algo, nIn);
  const out = toDouble(g, ensemble(g, x, t, t.nOut, { targetOf: (_tr, k) => k, aggregate: 'AVERAGE' }));
  if (s.state.task === 'regression') return { kind: 'regressor', value: out };
  return { kind: 'classifier', label: argmax(g, out), proba: out };
}

/** Gradient boosting: init + Σ tree values (learning rate already in the leaves), then sigmoid / softmax. */
export function boostedModel(g: GraphBuilder, x: string, p: number, s: EstimatorState): Head {
  const nIn = stateNumber(s.state, 'nFeaturesIn', s.algo);
  if (nIn !== p) throw new LatheError('BAD_MODEL_FILE', `The ${s.algo} model takes ${nIn} features but its pipeline gives ${p}.`);
  const t = packedFromState(s.state, s.algo, nIn);
  const K = stateNumber(s.state, 'K', s.algo);
  const init = stateArray(s.state, 'init', 'Float64Array', s.algo);
  const F = toDouble(g, ensemble(g, x, t, K, { targetOf: (tr) => tr % K, aggregate: 'SUM', base: init }));
  if (s.state.task === 'regression') return { kind: 'regressor', value: F };
  if (K === 1) {
    const p1 = g.op('Sigmoid', [F]);
    const proba = g.op('Concat', [g.op('Sub', [g.scalar('double', 1), p1]), p1], { axis: A.i(1) });
    const label = g.op('Cast', [g.op('Greater', [g.op('Squeeze', [F, g.int64s([1])]), g.scalar('double', 0)])], { to: A.i(DT.INT64) });
    return { kind: 'classifier', label, proba };
  }
  return { kind: 'classifier', label: argmax(g, F), proba: g.op('Softmax', [F], { axis: A.i(1) }) };
}
