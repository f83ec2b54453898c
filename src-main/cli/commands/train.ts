/** lathe train <dataset> --target COL --algo NAME: fit one model and store it in the model library. */
import type { Command } from '../command.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { METRICS, type MetricName } from '../../../src-shared/ml/metrics.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatTable } from '../table.ts';
import { algoOf, cell, impliedTask, listFlag, paramsOf, protocolOf } from './ml-args.ts';
import { NETWORK_OPTIONS, networkJson, networkParams, networkText } from './nn-args.ts';
import { CATALOG } from '../../../src-shared/ml/catalog.ts';
import { detailsJson, detailsText } from './train-details.ts';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train one model on a dataset and store it in the model library',
  positionals: [{ name: 'dataset', description: 'the dataset, by id or name', required: true }],
  options: {
    target: { type: 'string', value: 'COL', description: 'the column to predict (kmeans, anomaly: an optional label column that only scores; pca: none)' },
    algo: { type: 'string', value: 'NAME', description: 'knn, gnb, logreg, tree, forest, svm, gboost, linreg, ridge, kmeans, anomaly, pca, mlp, cnn' },
    'anomaly-label': { type: 'string', value: 'V', description: 'anomaly with --target: the label value that marks an anomaly (default: the rarer one)' },
    features: { type: 'string', value: 'a,b,c', description: 'feature columns (default: every column whose role is feature)' },
    param: { type: 'string', value: 'K=V', multiple: true, description: 'a hyper-parameter, repeatable (e.g. --param n_neighbors=7)' },
    'test-size': { type: 'string', value: 'F', description: 'evaluate on a hold-out split of this fraction first (default 0.2)' },
    cv: { type: 'string', value: 'K', description: 'evaluate with K-fold cross-validation instead' },
    seed: { type: 'string', value: 'S', description: 'seed of the split (default 0)' },
    name: { type: 'string', value: 'N', description: 'the name in the model library (default "<algo> on <dataset>")' },
    ...NETWORK_OPTIONS,
  },
  examples: [
    'lathe train iris --target target --algo knn --param n_neighbors=7',
    'lathe train diabetes --target target --algo ridge --cv 5 --json',
    'lathe train diabetes --target target --algo linreg',
    'lathe train iris --target target --algo kmeans --param n_clusters=3',
    'lathe train breast_cancer --target target --algo anomaly',
    'lathe train wine --algo pca --param n_components=5', 'lathe train digits --target target --algo mlp --layers 64 --epochs 5 --json'],
  async run(ctx) {
    const { flags } = ctx.args;
    if (typeof flags.algo !== 'string') throw new LatheError('BAD_REQUEST', '"lathe train" needs --algo NAME (e.g. --algo forest).', { param: '--algo' });
    const algo = algoOf(flags.algo);
    // k-means, anomaly detection and PCA have their own task and need no target.
    const tasks = CATALOG[algo].tasks;
    const own = tasks.includes('classification') || tasks.includes('regression') ? undefined : tasks[0];
    if (typeof flags.target !== 'string' && !own) throw new LatheError('BAD_REQUEST', '"lathe train" needs --target COL (the column to predict).', { param: '--target' });
    const target = typeof flags.target === 'string' ? flags.target : undefined;
    const netParams = networkParams(flags, algo);
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const meta = await client.call('datasets.get', { id: found.id });
    const targetCol = meta.columns.find((c) => c.name === target);
    const task = own ?? (targetCol ? impliedTask(targetCol) : 'classification');
    const features = listFlag(flags, 'features');
    const protocol = protocolOf(flags, { kind: 'holdout', testSize: 0.2, seed: 0 });
    // Unsupervised models are scored on the rows they were fitted on; only anomaly detection with labels splits (its validation share).
    const splitGiven = flags['test-size'] !== undefined || flags.cv !== undefined;
    const sendProtocol = !own || (own === 'anomaly' && splitGiven);
    const r = await client.call(
      'ml.train',
      {
        datasetId: meta.id,
        ...(target !== undefined ? { target } : {}),
        algo,
        // paramsOf reads only the catalogue's schema for the task, which every task has.
        params: { ...paramsOf(flags.param, algo, task as Parameters<typeof paramsOf>[2]), ...netParams },
        ...(sendProtocol ? { protocol } : {}),
        ...(features ? { features } : {}),
        ...(typeof flags.name === 'string' ? { name: flags.name } : {}),
        ...(typeof flags['anomaly-label'] === 'string' ? { anomalyLabel: flags['anomaly-label'] } : {}),
      },
      { signal: ctx.signal, onProgress: (p) => ctx.progress(p) },
    );
    const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.mean]));
    const json = {
      model: { id: r.model.id, algo: r.model.algo, params: r.model.params },
      metrics,
      fit_seconds: r.fitSeconds,
      predict_seconds: r.predictSeconds,
      ...networkJson(r),
      ...(r.details ? { details: detailsJson(r.details) } : {}),
    };
    const how = protocol.kind === 'cv' ? `${protocol.folds}-fold cross-validation` : `a ${protocol.testSize} hold-out split`;
    const anomalySplit = r.details?.anomaly?.validationRows !== undefined;
    const from = !own
      ? `Metrics from ${how} (seed ${protocol.seed}), then refitted on all rows in ${r.fitSeconds.toFixed(3)} s:`
      : anomalySplit
        ? `Fitted in ${r.fitSeconds.toFixed(3)} s; metrics on the validation rows ε was chosen on:`
        : `Fitted on all rows in ${r.fitSeconds.toFixed(3)} s; metrics on those rows:`;
    const text = [
      `Trained ${r.model.algo} (${r.model.task}) on ${r.model.datasetName}${r.model.target ? ` → ${r.model.target}` : ''} and stored it as "${r.model.name}" (id ${r.model.id}).`,
      from,
      '',
      formatTable(
        ['metric', 'mean', 'std'],
        Object.entries(r.metrics).map(([k, v]) => [METRICS[k as MetricName]?.display ?? k, cell(v.mean, 4), cell(v.std, 4)]),
        ['left', 'right', 'right'],
      ),
      ...networkText(r),
      ...detailsText(r.details, r.model.target),
    ].join('\n');
    return { json, text };
  },
};
