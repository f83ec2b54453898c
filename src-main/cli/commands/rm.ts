/** lathe rm <id|name>: delete a dataset and its rows. */
import type { Command } from '../command.ts';
import { findDataset } from '../dataset-ref.ts';

export const rmCommand: Command = {
  name: 'rm',
  summary: 'Delete a dataset',
  positionals: [{ name: 'id|name', description: 'the dataset, by id or name', required: true }],
  options: {},
  examples: ['lathe rm iris'],
  async run(ctx) {
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const { deleted } = await client.call('datasets.delete', { id: found.id });
    return {
      json: { deleted, id: found.id, name: found.name },
      text: deleted ? `Deleted "${found.name}" (id ${found.id}).` : `"${found.name}" (id ${found.id}) was already gone.`,
    };
  },
};
