/**
 * A Lathe model as an ONNX file any ONNX runtime can run.
 *
 * Input `X`: float32 [N, d], the model's features in order (categoricals as
 * codes into `lathe.categories`, NaN = missing; see pipeline.ts).
 * Outputs, plain tensors (no ZipMap):
 *   classifiers: `label` int64 [N] (the class code: index into
 *     `lathe.classes`) and `probabilities` float32 [N, classes];
 *   regressors: `variable` float32 [N, 1];
 *   k-means: `label` int64 [N] and `distances` float32 [N, k].
 * Everything between runs in double where the operator allows it (the
 * preprocessing, linear models, naive Bayes, distances, SVM kernels, the
 * probability couplings), so the outputs equal Lathe's own predictions on
 * the same float32 inputs up to the final rounding to float32. Tree
 * ensembles sum in the operator's float32 output; networks run in float32
 * as they do in TensorFlow.js.
 * Metadata: lathe.features, lathe.categories, lathe.classes, lathe.task,
 * lathe.algorithm.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { EstimatorState } from '../../ml/estimator.ts';
import type { ModelSource } from '../runtime.ts';
import { A, GraphBuilder, encodeModel } from './graph.ts';
import { gaussianNB, linearRegression, logisticRegression, type Head } from './linear.ts';
import { kMeans, kNeighbors } from './neighbors.ts';
import { networkOps } from './network.ts';
import { categoriesOf, pipelineOps } from './pipeline.ts';
import { DT } from './proto.ts';
import { svmModel } from './svm.ts';
import { boostedModel, treeModel } from './trees.ts';

type Writer = (g: GraphBuilder, x: string, p: number, s: EstimatorState) => Head;

const WRITERS: Record<string, Writer> = {
  linreg: linearRegression,
  ridge: linearRegression,
  logreg: logisticRegression,
  gnb: gaussianNB,
  knn: kNeighbors,
  kmeans: kMeans,
  tree: treeModel,
  forest: treeModel,
  gboost: boostedModel,
  svm: svmModel,
};

/** Algorithms ONNX export handles (networks too). */
export const ONNX_ALGOS = Object.keys(WRITERS);

export interface OnnxExportOptions {
  name: string;
  latheVersion: string;
}

export function exportOnnx(source: ModelSource, o: OnnxExportOptions): Uint8Array {
  const g = new GraphBuilder('lathe_model');
  const d = source.features.length;
  const X = g.input('X', 'float', ['N', d]);
  const x = g.op('Cast', [X], { to: A.i(DT.DOUBLE) });
  const pre = pipelineOps(g, x, source.pipeline);
  let head: Head;
  if (source.payload.kind === 'network') {
    head = networkOps(g, pre.out, pre.cols, source.payload.spec, source.payload.weights);
  } else {
    const w = WRITERS[source.payload.state.algo];
    if (!w) {
      throw new LatheError('NOT_IMPLEMENTED', `ONNX export of '${source.payload.state.algo}' models is not available; it is for ${ONNX_ALGOS.join(', ')} and networks. Export a .lathe file instead.`, {
        algo: source.payload.state.algo,
      });
    }
    head = w(g, pre.out, pre.cols, source.payload.state);
  }
  const toFloat = (t: string, name: string): void => {
    g.op('Cast', [t], { to: A.i(DT.FLOAT) }, { output: name });
  };
  const K = source.classes.length;
  if (head.kind === 'classifier') {
    g.op('Cast', [head.label], { to: A.i(DT.INT64) }, { output: 'label' });
    g.output('label', 'int64', ['N']);
    if (head.proba) {
      toFloat(head.proba, 'probabilities');
      g.output('probabilities', 'float', ['N', K]);
    }
  } else if (head.kind === 'regressor') {
    toFloat(head.value, 'variable');
    g.output('variable', 'float', ['N', 1]);
  } else {
    g.op('Cast', [head.label], { to: A.i(DT.INT64) }, { output: 'label' });
    g.output('label', 'int64', ['N']);
    toFloat(head.distances, 'distances');
    g.output('distances', 'float', ['N', 'k']);
  }
  const doc =
    `${o.name}: ${source.algo} (${source.task}) exported by Lathe ${o.latheVersion}. ` +
    'Input X: float32 [N, features] in the order of lathe.features; categorical features as codes into lathe.categories (NaN = missing).';
  return encodeModel(g.graph(doc), {
    producerVersion: o.latheVersion,
    docString: doc,
    metadata: {
      'lathe.algorithm': source.algo,
      'lathe.task': source.task,
      'lathe.features': JSON.stringify(source.features),
      'lathe.categories': JSON.stringify(categoriesOf(source.pipeline)),
      'lathe.classes': JSON.stringify(source.classes),
    },
  });
}
