/** lathe compare <dataset> --target COL: evaluate several learners on the same folds, side by side. */
import type { Command } from '../command.ts';
import type { CompareResult, LearnerResult } from '../../../src-shared/contract/ml.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { METRICS, type MetricName } from '../../../src-shared/ml/metrics.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatTable } from '../table.ts';
import { algoOf, cell, listFlag, protocolJson, protocolOf } from './ml-args.ts';

const CLASSIFICATION_COLUMNS: MetricName[] = ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc'];
const REGRESSION_COLUMNS: MetricName[] = ['r2', 'mae', 'rmse'];

/** The JSON object `lathe compare --json` prints. */
export function compareJson(r: CompareResult): Record<string, unknown> {
  return {
    dataset: r.datasetName,
    target: r.target,
    task: r.task,
    protocol: protocolJson(r.protocol),
    learners: r.learners.map((l) => ({
      algo: l.algo,
      params: l.params,
      metrics: l.metrics,
      fit_seconds: l.fitSeconds,
      predict_seconds: l.predictSeconds,
      ...(l.error ? { error: { code: l.error.code, message: l.error.message } } : {}),
    })),
    tests: r.tests.map((t) => ({ a: t.a, b: t.b, metric: t.metric, mean_difference: t.meanDifference, t: t.t, p: t.p, verdict: t.verdict })),
  };
}

/** Aligned table, the best learner of each column marked with '*'. */
export function compareTable(r: CompareResult): string {
  const metrics = r.task === 'classification' ? CLASSIFICATION_COLUMNS : REGRESSION_COLUMNS;
  const ok = r.learners.filter((l) => !l.error);
  const bestOf = (value: (l: LearnerResult) => number | undefined, higher: boolean): LearnerResult | undefined => {
    let best: LearnerResult | undefined;
    for (const l of ok) {
      const v = value(l);
      if (v === undefined || !Number.isFinite(v)) continue;
      const b = best ? value(best)! : undefined;
      if (b === undefined || (higher ? v > b : v < b)) best = l;
    }
    return best;
  };
  const columns: { head: string; value: (l: LearnerResult) => number | undefined; text: (l: LearnerResult) => string; higher: boolean }[] = [
    ...metrics.map((m) => ({
      head: METRICS[m].display,
      value: (l: LearnerResult) => l.metrics[m]?.mean,
      text: (l: LearnerResult) => (l.metrics[m] ? `${cell(l.metrics[m].mean)} ± ${cell(l.metrics[m].std)}` : '—'),
      higher: METRICS[m].higherIsBetter,
    })),
    { head: 'fit s', value: (l) => l.fitSeconds, text: (l) => l.fitSeconds.toFixed(3), higher: false },
    { head: 'predict s', value: (l) => l.predictSeconds, text: (l) => l.predictSeconds.toFixed(3), higher: false },
  ];
  const best = columns.map((c) => bestOf(c.value, c.higher));
  const rows = r.learners.map((l) =>
    l.error ? [l.display, `failed: ${l.error.message}`] : [l.display, ...columns.map((c, i) => `${c.text(l)}${best[i] === l ? ' *' : '  '}`)],
  );
  return formatTable(['learner', ...columns.map((c) => c.head)], rows, ['left', ...columns.map(() => 'right' as const)]);
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare learners on a dataset with the same cross-validation folds (or hold-out split)',
  positionals: [{ name: 'dataset', description: 'the dataset, by id or name', required: true }],
  options: {
    target: { type: 'string', value: 'COL', description: 'the column to predict' },
    features: { type: 'string', value: 'a,b,c', description: 'feature columns (default: every column whose role is feature)' },
    algos: { type: 'string', value: 'a,b,c', description: 'learners (default knn,gnb,logreg,tree,forest; for a numeric target linreg,ridge,knn,tree,forest)' },
    cv: { type: 'string', value: 'K', description: 'K-fold stratified cross-validation (default 5)' },
    'test-size': { type: 'string', value: 'F', description: 'one hold-out split of this fraction instead of CV' },
    seed: { type: 'string', value: 'S', description: 'seed of the folds (default 0)' },
  },
  examples: ['lathe compare breast_cancer --target target', 'lathe compare diabetes --target target --cv 10 --json', 'lathe compare iris --target target --algos knn,svm --test-size 0.3'],
  async run(ctx) {
    const { flags } = ctx.args;
    if (typeof flags.target !== 'string') throw new LatheError('BAD_REQUEST', '"lathe compare" needs --target COL (the column to predict).', { param: '--target' });
    const protocol = protocolOf(flags, { kind: 'cv', folds: 5, seed: 0 });
    const algos = listFlag(flags, 'algos')?.map((a) => algoOf(a, '--algos'));
    const features = listFlag(flags, 'features');
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const r = await client.call(
      'ml.compare',
      { datasetId: found.id, target: flags.target, protocol, ...(features ? { features } : {}), ...(algos ? { learners: algos.map((algo) => ({ algo })) } : {}) },
      { signal: ctx.signal, onProgress: (p) => ctx.progress(p) },
    );
    const how = protocol.kind === 'cv' ? `${protocol.folds}-fold cross-validation` : `a ${protocol.testSize} hold-out split`;
    const lines = [
      `${r.datasetName} → ${r.target} (${r.task}, ${r.rowIds.length} rows evaluated${r.droppedRows ? `, ${r.droppedRows} without a target left out` : ''}), ${how}, seed ${protocol.seed}; run ${r.runId}`,
      '',
      compareTable(r),
      '',
      '* best in its column (mean ± std over folds; times are totals over folds)',
    ];
    if (r.tests.length) lines.push('', `Corrected resampled t-tests on ${r.tests[0]!.metric}:`, ...r.tests.map((t) => `  ${t.verdict}`));
    for (const w of r.warnings ?? []) lines.push(`note: ${w}`);
    const scaled = r.learners.filter((l) => l.warnings?.some((w) => /standardised/.test(w))).map((l) => l.display);
    if (scaled.length) lines.push(`note: features standardised per fold for ${scaled.join(', ')} (scale-sensitive).`);
    return { json: compareJson(r), text: lines.join('\n') };
  },
};
