/** lathe datasets: list what the store holds. */
import type { Command } from '../command.ts';
import { formatBytes, formatTable } from '../table.ts';

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'List the datasets in the store',
  positionals: [],
  options: {},
  examples: ['lathe datasets', 'lathe datasets --json'],
  async run(ctx) {
    const client = await ctx.engine();
    const list = await client.call('datasets.list', undefined);
    const text = list.length
      ? formatTable(
          ['id', 'name', 'rows', 'columns', 'size', 'created'],
          list.map((d) => [d.id, d.name + (d.sample ? ' (sample)' : ''), d.rows, d.columnCount, formatBytes(d.sourceSize), d.createdAt.slice(0, 19).replace('T', ' ')]),
          ['left', 'left', 'right', 'right', 'right', 'left'],
        )
      : `No datasets in ${ctx.dataDir}. Import one with "lathe import <file>".`;
    return { json: { datasets: list }, text };
  },
};
