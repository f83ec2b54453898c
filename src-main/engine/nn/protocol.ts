/** Messages between trainNetwork (main thread) and train.worker.ts. Typed unions, both ways. */
import type { WireError } from '../../../src-shared/errors.ts';
import type { NnProgress, NnSpec, NnTrainOptions, NnTrained } from '../../../src-shared/ml/nn.ts';
import type { NnFitData } from './fit.ts';

export type ToTrainWorker =
  | { t: 'train'; spec: NnSpec; data: NnFitData; options: Partial<NnTrainOptions>; progressEveryMs?: number }
  | { t: 'cancel' };

export type FromTrainWorker =
  | { t: 'progress'; progress: NnProgress }
  | { t: 'done'; result: NnTrained }
  | { t: 'error'; error: WireError };

/** The ArrayBuffers of a trained network's weights (and evaluation), to transfer instead of copy. */
export function trainedBuffers(r: NnTrained): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const w of r.weights) out.add(w.data.buffer as ArrayBuffer);
  if (r.evaluation) {
    out.add(r.evaluation.predictions.buffer as ArrayBuffer);
    if (r.evaluation.probabilities) out.add(r.evaluation.probabilities.buffer as ArrayBuffer);
  }
  return [...out];
}
