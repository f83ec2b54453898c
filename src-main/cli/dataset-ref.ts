/** `<id|name>` arguments: an exact id wins, then an exact name, then a unique case-insensitive name. */
import { LatheError } from '../../src-shared/errors.ts';
import type { RpcClient } from '../../src-shared/rpc/core.ts';
import type { DatasetSummary } from '../../src-shared/dataset.ts';

export async function findDataset(client: RpcClient, ref: string): Promise<DatasetSummary> {
  const all = await client.call('datasets.list', undefined);
  const byId = all.find((d) => d.id === ref);
  if (byId) return byId;
  const byName = all.filter((d) => d.name === ref);
  if (byName.length === 1) return byName[0]!;
  const folded = all.filter((d) => d.name.toLowerCase() === ref.toLowerCase());
  if (byName.length === 0 && folded.length === 1) return folded[0]!;
  const matches = byName.length ? byName : folded;
  if (matches.length > 1) {
    throw new LatheError('BAD_REQUEST', `"${ref}" names ${matches.length} datasets (${matches.map((d) => d.id).join(', ')}); give the id instead.`, {
      param: 'dataset',
    });
  }
  const known = all.length ? ` Known datasets: ${all.map((d) => `${d.name} (${d.id})`).slice(0, 10).join(', ')}${all.length > 10 ? ', ...' : ''}.` : ' There are no datasets yet: import one with "lathe import <file>".';
  throw new LatheError('NOT_FOUND', `No dataset has the id or name "${ref}".${known} "lathe datasets" lists them.`, { param: 'dataset', ref });
}
