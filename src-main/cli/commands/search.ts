/**
 * lathe search <dataset> --target COL --algo NAME --grid 'k=1,3,5;weights=uniform,distance'
 * [--cv 5] [--random N] [--seed S] [--features a,b] [--name N]: k-fold CV per
 * candidate, the best saved in the library. Grid keys are the schema's
 * (scikit-learn's) parameter names, or aliases such as k for n_neighbors.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import { isAlgoName, ALGO_NAMES } from '../../../src-shared/ml/catalog.ts';
import type { Command } from '../command.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatTable } from '../table.ts';
import { parseGridText } from '../../engine/models/search.ts';
import { listFlag } from './ml-args.ts';

function intFlag(v: unknown, name: string, min: number): number | undefined {
  if (typeof v !== 'string') return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new LatheError('INVALID_PARAM', `--${name} must be a whole number ≥ ${min}; got "${v}".`, { param: `--${name}` });
  return x;
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search hyper-parameters with k-fold CV and keep the best model',
  positionals: [{ name: 'dataset', description: 'the dataset id or name', required: true }],
  options: {
    target: { type: 'string', value: 'COL', description: 'the column to predict' },
    algo: { type: 'string', value: 'NAME', description: `the algorithm (${ALGO_NAMES.join(', ')})` },
    grid: { type: 'string', value: 'SPEC', description: "parameters and values: 'k=1,3,5;weights=uniform,distance'" },
    cv: { type: 'string', value: 'K', description: 'folds (default 5)' },
    random: { type: 'string', value: 'N', description: 'try N random combinations instead of all' },
    seed: { type: 'string', value: 'S', description: 'seed of the folds and of --random (default 0)' },
    features: { type: 'string', value: 'a,b,c', description: 'feature columns (default: every feature column)' },
    name: { type: 'string', value: 'N', description: 'library name of the best model' },
  },
  examples: ["lathe search iris --target target --algo knn --grid 'k=1,3,5;weights=uniform,distance' --cv 5"],
  async run(ctx) {
    const f = ctx.args.flags;
    if (typeof f.target !== 'string') throw new LatheError('BAD_REQUEST', 'Give the column to predict with --target COL.', { param: '--target' });
    if (typeof f.algo !== 'string' || !isAlgoName(f.algo)) {
      throw new LatheError('INVALID_PARAM', `--algo must be one of ${ALGO_NAMES.join(', ')}; got ${JSON.stringify(f.algo ?? null)}.`, { param: '--algo' });
    }
    if (typeof f.grid !== 'string') throw new LatheError('BAD_REQUEST', "Give the parameters to try with --grid, e.g. --grid 'k=1,3,5;weights=uniform,distance'.", { param: '--grid' });
    const grid = parseGridText(f.grid);
    const folds = intFlag(f.cv, 'cv', 2) ?? 5;
    const nIter = intFlag(f.random, 'random', 1);
    const seed = intFlag(f.seed, 'seed', 0) ?? 0;
    const features = listFlag(f, 'features');
    const client = await ctx.engine();
    const ds = await findDataset(client, ctx.args.positionals[0]!);
    const r = await client.call(
      'ml.search',
      {
        datasetId: ds.id,
        target: f.target,
        algo: f.algo,
        grid,
        folds,
        seed,
        ...(nIter !== undefined ? { mode: 'random' as const, nIter } : {}),
        ...(features ? { features } : {}),
        ...(typeof f.name === 'string' ? { name: f.name } : {}),
      },
      { signal: ctx.signal, onProgress: (p) => ctx.progress(p) },
    );
    const best = r.candidates[r.best]!;
    const json = {
      dataset: ds.name,
      target: f.target,
      algo: f.algo,
      metric: r.metric,
      cv: folds,
      candidates: r.candidates.map((c) => ({ params: c.params, mean: c.mean, std: c.std, folds: c.folds, ...(c.error ? { error: c.error } : {}) })),
      best: { index: r.best, params: best.params, mean: best.mean, std: best.std },
      model: { id: r.model.id, name: r.model.name, algo: r.model.algo, params: r.model.params },
    };
    const keys = Object.keys(grid).length ? Object.keys(r.candidates[0]?.params ?? {}).filter((k) => r.candidates.some((c) => JSON.stringify(c.params[k]) !== JSON.stringify(r.candidates[0]!.params[k]))) : [];
    const table = formatTable(
      ['', ...keys, `${r.metric} mean ± std`],
      r.candidates.map((c, i) => [i === r.best ? '*' : '', ...keys.map((k) => JSON.stringify(c.params[k])), c.error ? `failed: ${c.error.code}` : `${c.mean.toFixed(4)} ± ${c.std.toFixed(4)}`]),
    );
    return { json, text: `${table}\n\nBest: ${JSON.stringify(best.params)} — saved as "${r.model.name}" (id ${r.model.id}).` };
  },
};
