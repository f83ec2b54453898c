/**
 * Worker task: hyper-parameter search. Every candidate is evaluated with the
 * same k folds (preprocessing fitted on each training fold only, as the
 * comparison board does), reported as it finishes (progress partial:
 * {candidate, of, params, mean, std}); the best on the primary metric
 * (accuracy / r2) is refitted on every row, with its cross-validated
 * metrics, for the service to save in the library. Cancelling stops between
 * folds.
 */
import type { SearchCandidate, SearchRequest } from '../../../../src-shared/contract/models-io.ts';
import { LatheError, throwIfAborted } from '../../../../src-shared/errors.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { FoldMatrices, evaluateLearner, evaluatedRows, foldsOf, loadPrepared } from './learners.ts';
import { run as train, type TrainOutput } from './train.ts';

export interface SearchInput {
  dbFile: string;
  request: SearchRequest & { folds: number; seed: number };
  candidates: Params[];
}

export interface SearchOutput {
  metric: string;
  candidates: SearchCandidate[];
  best: number;
  train: TrainOutput;
}

export async function run(raw: unknown, ctx: TaskContext): Promise<SearchOutput> {
  const { dbFile, request: req, candidates } = raw as SearchInput;
  ctx.progress({ fraction: 0, phase: 'read' });
  const { data } = loadPrepared(dbFile, req.datasetId, req.target, req.features, req.task);
  const folds = foldsOf({ kind: 'cv', folds: req.folds, seed: req.seed }, data);
  const fm = new FoldMatrices(data, folds);
  const rows = evaluatedRows(folds);
  const metric = data.task === 'classification' ? 'accuracy' : 'r2';
  const share = 0.9;
  const out: SearchCandidate[] = [];
  const all: Awaited<ReturnType<typeof evaluateLearner>>['result'][] = [];
  for (let i = 0; i < candidates.length; i++) {
    throwIfAborted(ctx.signal, 'The search');
    const params = candidates[i]!;
    const ev = await evaluateLearner({ algo: req.algo, params }, data, fm, rows, {
      signal: ctx.signal,
      onProgress: (f) =>
        ctx.progress({ fraction: (share * (i + f)) / candidates.length, phase: 'search', message: `Candidate ${i + 1} of ${candidates.length}`, partial: { of: candidates.length, done: out } }),
    });
    const m = ev.result.metrics[metric];
    const c: SearchCandidate = {
      params: ev.result.params,
      mean: m?.mean ?? NaN,
      std: m?.std ?? NaN,
      folds: m?.folds ?? [],
      fitSeconds: ev.result.fitSeconds,
      ...(ev.result.error ? { error: { code: ev.result.error.code, message: ev.result.error.message } } : {}),
    };
    out.push(c);
    all.push(ev.result);
    ctx.progress({
      fraction: (share * (i + 1)) / candidates.length,
      phase: 'search',
      message: `Candidate ${i + 1} of ${candidates.length}: ${metric} ${c.mean.toFixed(4)} ± ${c.std.toFixed(4)}`,
      partial: { candidate: i, of: candidates.length, params: c.params, mean: c.mean, std: c.std, ...(c.error ? { error: c.error } : {}), done: out },
    });
  }
  let best = -1;
  out.forEach((c, i) => {
    if (!c.error && Number.isFinite(c.mean) && (best < 0 || c.mean > out[best]!.mean)) best = i;
  });
  if (best < 0) {
    const e = out[0]?.error;
    throw new LatheError((e?.code as 'BAD_DATA') ?? 'BAD_DATA', `No candidate could be evaluated${e ? `: ${e.message}` : ''}.`, { param: 'grid' });
  }
  throwIfAborted(ctx.signal, 'The search');
  const partial = { of: candidates.length, done: out, best };
  ctx.progress({ fraction: share, phase: 'fit', message: 'Refitting the best candidate on every row', partial });
  const fitted = await train(
    { dbFile, request: { datasetId: req.datasetId, target: req.target, algo: req.algo, params: out[best]!.params, ...(req.features ? { features: req.features } : {}), task: data.task } },
    { ...ctx, progress: (p) => ctx.progress({ ...p, fraction: share + (1 - share) * (p.fraction ?? 0), partial }) },
  );
  // The library keeps the cross-validated metrics of the winner, not the optimistic training-row ones.
  fitted.metrics = all[best]!.metrics;
  fitted.evaluatedOn = 'cv';
  fitted.warnings = fitted.warnings.filter((w) => !w.startsWith('The metrics are on the rows'));
  ctx.progress({ fraction: 1, phase: 'done', partial });
  return { metric, candidates: out, best, train: fitted };
}
