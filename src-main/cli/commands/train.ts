/** lathe train <dataset> --target COL --algo NAME: fit one model and store it in the model library. */
import type { Command } from '../command.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { METRICS, type MetricName } from '../../../src-shared/ml/metrics.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatTable } from '../table.ts';
import { algoOf, cell, impliedTask, listFlag, paramsOf, protocolOf } from './ml-args.ts';
import { NETWORK_OPTIONS, networkJson, networkParams, networkText } from './nn-args.ts';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train one model on a dataset and store it in the model library',
  positionals: [{ name: 'dataset', description: 'the dataset, by id or name', required: true }],
  options: {
    target: { type: 'string', value: 'COL', description: 'the column to predict' },
    algo: { type: 'string', value: 'NAME', description: 'knn, gnb, logreg, tree, forest, svm, gboost, linreg, ridge, ...' },
    features: { type: 'string', value: 'a,b,c', description: 'feature columns (default: every column whose role is feature)' },
    param: { type: 'string', value: 'K=V', multiple: true, description: 'a hyper-parameter, repeatable (e.g. --param n_neighbors=7)' },
    'test-size': { type: 'string', value: 'F', description: 'evaluate on a hold-out split of this fraction first (default 0.2)' },
    cv: { type: 'string', value: 'K', description: 'evaluate with K-fold cross-validation instead' },
    seed: { type: 'string', value: 'S', description: 'seed of the split (default 0)' },
    name: { type: 'string', value: 'N', description: 'the name in the model library (default "<algo> on <dataset>")' },
    ...NETWORK_OPTIONS,
  },
  examples: ['lathe train iris --target target --algo knn --param n_neighbors=7', 'lathe train diabetes --target target --algo ridge --cv 5 --json', 'lathe train digits --target target --algo mlp --layers 64 --epochs 5 --json'],
  async run(ctx) {
    const { flags } = ctx.args;
    if (typeof flags.target !== 'string') throw new LatheError('BAD_REQUEST', '"lathe train" needs --target COL (the column to predict).', { param: '--target' });
    if (typeof flags.algo !== 'string') throw new LatheError('BAD_REQUEST', '"lathe train" needs --algo NAME (e.g. --algo forest).', { param: '--algo' });
    const algo = algoOf(flags.algo);
    const netParams = networkParams(flags, algo);
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const meta = await client.call('datasets.get', { id: found.id });
    const targetCol = meta.columns.find((c) => c.name === flags.target);
    const task = targetCol ? impliedTask(targetCol) : 'classification';
    const features = listFlag(flags, 'features');
    const protocol = protocolOf(flags, { kind: 'holdout', testSize: 0.2, seed: 0 });
    const r = await client.call(
      'ml.train',
      {
        datasetId: meta.id,
        target: flags.target,
        algo,
        params: { ...paramsOf(flags.param, algo, task), ...netParams },
        protocol,
        ...(features ? { features } : {}),
        ...(typeof flags.name === 'string' ? { name: flags.name } : {}),
      },
      { signal: ctx.signal, onProgress: (p) => ctx.progress(p) },
    );
    const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.mean]));
    const json = { model: { id: r.model.id, algo: r.model.algo, params: r.model.params }, metrics, fit_seconds: r.fitSeconds, predict_seconds: r.predictSeconds, ...networkJson(r) };
    const how = protocol.kind === 'cv' ? `${protocol.folds}-fold cross-validation` : `a ${protocol.testSize} hold-out split`;
    const text = [
      `Trained ${r.model.algo} on ${r.model.datasetName} → ${r.model.target} and stored it as "${r.model.name}" (id ${r.model.id}).`,
      `Metrics from ${how} (seed ${protocol.seed}), then refitted on all rows in ${r.fitSeconds.toFixed(3)} s:`,
      '',
      formatTable(
        ['metric', 'mean', 'std'],
        Object.entries(r.metrics).map(([k, v]) => [METRICS[k as MetricName]?.display ?? k, cell(v.mean, 4), cell(v.std, 4)]),
        ['left', 'right', 'right'],
      ),
      ...networkText(r),
    ].join('\n');
    return { json, text };
  },
};
