/** lathe models [--json]: the model library; and `<model>` arguments (id or name) for the other model commands. */
import type { ModelSummary } from '../../../src-shared/contract/ml.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { RpcClient } from '../../../src-shared/rpc/core.ts';
import type { Command } from '../command.ts';
import { formatTable } from '../table.ts';

/** An exact id wins, then an exact name, then a unique case-insensitive name. */
export async function findModel(client: RpcClient, ref: string): Promise<ModelSummary> {
  const all = await client.call('models.list', undefined);
  const hit = all.find((m) => m.id === ref) ?? all.find((m) => m.name === ref);
  if (hit) return hit;
  const folded = all.filter((m) => m.name.toLowerCase() === ref.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  const known = all.length
    ? ` Known models: ${all.slice(0, 10).map((m) => `${m.name} (${m.id})`).join(', ')}${all.length > 10 ? ', ...' : ''}.`
    : ' The library is empty: train one with "lathe train" or load a file with "lathe load".';
  throw new LatheError('NOT_FOUND', `No model has the id or name "${ref}".${known} "lathe models" lists them.`, { param: 'model', ref });
}

export function modelJson(m: ModelSummary): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    algo: m.algo,
    task: m.task,
    params: m.params,
    target: m.target,
    features: m.features,
    metrics: m.metrics,
    dataset: m.datasetName,
    backend: m.backend,
    created_at: m.createdAt,
    ...(m.description ? { description: m.description } : {}),
  };
}

function primary(m: ModelSummary): string {
  for (const k of ['accuracy', 'r2', 'silhouette']) {
    const v = m.metrics[k];
    if (typeof v === 'number') return `${k} ${v.toFixed(3)}`;
  }
  return '';
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List the models in the library',
  positionals: [],
  options: {},
  examples: ['lathe models', 'lathe models --json'],
  async run(ctx) {
    const client = await ctx.engine();
    const list = await client.call('models.list', undefined);
    const text = list.length
      ? formatTable(
          ['name', 'algo', 'task', 'target', 'score', 'dataset', 'id'],
          list.map((m) => [m.name, m.algo, m.task, m.target ?? '', primary(m), m.datasetName, m.id]),
        )
      : 'The model library is empty. Train a model with "lathe train" or load a file with "lathe load".';
    return { json: { models: list.map(modelJson) }, text };
  },
};
