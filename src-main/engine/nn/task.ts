/**
 * Network training as a job-pool task (jobs/protocol.ts): the generic task
 * worker runs `run(input, ctx)`; register it in workers/registry.ts as
 * `registerTask('nn.train', () => import('../nn/task.ts'))`, or pass this
 * module's URL to JobSystem.start. Progress carries the NnProgress event as
 * `partial` (a loss-curve point per epoch).
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { NnProgress, NnSpec, NnTrainOptions, NnTrained } from '../../../src-shared/ml/nn.ts';
import type { Progress } from '../../../src-shared/jobs.ts';
import type { TaskContext } from '../jobs/protocol.ts';
import { fitNetwork } from './fit.ts';
import type { NnFitData } from './data.ts';

export interface NnTrainTaskInput {
  spec: NnSpec;
  data: NnFitData;
  options?: Partial<NnTrainOptions>;
}

/** A network progress event as the job system's Progress. */
export function toJobProgress(p: NnProgress): Progress {
  const acc = p.accuracy !== undefined ? `, accuracy ${(p.accuracy * 100).toFixed(1)} %` : '';
  const message =
    p.kind === 'batch'
      ? `Epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}: loss ${p.loss.toFixed(4)}${acc}`
      : `Epoch ${p.epoch}/${p.epochs} done: loss ${p.loss.toFixed(4)}${acc}${p.valLoss !== undefined ? `, validation loss ${p.valLoss.toFixed(4)}` : ''}`;
  return { fraction: p.fraction, phase: 'training', message, partial: p };
}

export async function run(input: unknown, ctx: TaskContext): Promise<NnTrained> {
  const i = input as Partial<NnTrainTaskInput> | null;
  if (!i || typeof i !== 'object' || !i.spec || !i.data) {
    throw new LatheError('BAD_REQUEST', 'The nn.train task needs {spec, data, options?}.');
  }
  return fitNetwork(i.spec, i.data, i.options ?? {}, { signal: ctx.signal, onProgress: (p) => ctx.progress(toJobProgress(p)) });
}
