/**
 * Worker task: the comparison board. Every learner is evaluated on the SAME
 * split or folds, with preprocessing fitted per fold on the training rows;
 * then every pair of learners that ran gets the corrected resampled t-test on
 * the primary metric (accuracy / R²). A learner that fails reports its error
 * in its row and the others still run. Progress carries
 * `partial: { learner, algo, fraction }`.
 */
import type { CompareRequest, CompareResult, LearnerResult, PairTest } from '../../../../src-shared/contract/ml.ts';
import { throwIfAborted } from '../../../../src-shared/errors.ts';
import { correctedResampledTTest } from '../../ml/eval/stats-tests.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { FoldMatrices, defaultLearners, displayOf, evaluateLearner, evaluatedRows, foldsOf, loadPrepared } from './learners.ts';

export interface CompareInput {
  dbFile: string;
  request: CompareRequest;
}

/** The result without the run id and time the service gives it when it stores the run. */
export type CompareOutput = Omit<CompareResult, 'runId' | 'createdAt'>;

export async function run(raw: unknown, ctx: TaskContext): Promise<CompareOutput> {
  const { dbFile, request: req } = raw as CompareInput;
  ctx.progress({ fraction: 0, phase: 'read' });
  const { meta, data } = loadPrepared(dbFile, req.datasetId, req.target, req.features, req.task);
  throwIfAborted(ctx.signal, 'The comparison');
  const learners = req.learners && req.learners.length ? req.learners : defaultLearners(data.task);
  const folds = foldsOf(req.protocol, data);
  const fm = new FoldMatrices(data, folds);
  const evalRows = evaluatedRows(folds);
  const results: LearnerResult[] = [];
  const primaries: number[][] = [];
  for (const [i, spec] of learners.entries()) {
    const report = (fraction: number): void =>
      ctx.progress({
        fraction: (i + fraction) / learners.length,
        phase: 'evaluate',
        message: `${displayOf(spec.algo)} (${i + 1}/${learners.length})`,
        partial: { learner: i, algo: spec.algo, fraction },
      });
    report(0);
    const ev = await evaluateLearner(spec, data, fm, evalRows, { signal: ctx.signal, onProgress: report });
    results.push(ev.result);
    primaries.push(ev.primary);
    report(1);
  }

  const metric = data.task === 'classification' ? 'accuracy' : 'r2';
  const tests: PairTest[] = [];
  const warnings: string[] = [];
  const first = folds[0]!;
  if (folds.length < 2) {
    warnings.push('A single hold-out split gives one score per learner, so there are no significance tests; use cross-validation to compare learners with t-tests.');
  } else {
    for (let a = 0; a < results.length; a++) {
      for (let b = a + 1; b < results.length; b++) {
        const A = results[a]!;
        const B = results[b]!;
        if (A.error || B.error) continue;
        const t = correctedResampledTTest(primaries[a]!, primaries[b]!, {
          nTrain: first.train.length,
          nTest: first.test.length,
          higherIsBetter: true,
          nameA: A.display,
          nameB: B.display,
        });
        tests.push({ a: A.algo, b: B.algo, metric, meanDifference: t.meanDiff, t: t.t, p: t.p, verdict: t.verdict });
      }
    }
  }
  ctx.progress({ fraction: 1, phase: 'done' });
  return {
    datasetId: meta.id,
    datasetName: meta.name,
    target: data.target,
    features: data.table.columns.map((c) => c.name),
    task: data.task,
    taskReason: data.taskReason,
    protocol: req.protocol,
    ...(data.task === 'classification' ? { classes: data.classes } : {}),
    rowIds: Int32Array.from(evalRows, (r) => data.rowIds[r]!),
    actual: data.task === 'classification' ? Int32Array.from(evalRows, (r) => data.y[r]!) : Float64Array.from(evalRows, (r) => data.y[r]!),
    learners: results,
    tests,
    droppedRows: data.droppedMissingTarget,
    ...(warnings.length ? { warnings } : {}),
  };
}
