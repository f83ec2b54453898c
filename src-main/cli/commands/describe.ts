/** lathe describe <id|name>: a dataset's schema and column statistics. */
import type { Command } from '../command.ts';
import type { ColumnInfo } from '../../../src-shared/dataset.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatBytes, formatNumber, formatTable } from '../table.ts';

function summary(c: ColumnInfo): string {
  if (c.stats) {
    const s = c.stats;
    if (c.kind === 'date' || c.kind === 'datetime') {
      const iso = (ms: number): string => new Date(ms).toISOString().slice(0, c.kind === 'date' ? 10 : 19);
      return `${iso(s.min)} .. ${iso(s.max)}`;
    }
    return `min ${formatNumber(s.min)}  mean ${formatNumber(s.mean)}  max ${formatNumber(s.max)}  std ${formatNumber(s.std)}`;
  }
  if (c.top?.length) {
    const shown = c.top.slice(0, 4).map((t) => `${t.value} (${t.count})`);
    return shown.join(', ') + (c.top.length > 4 ? ', ...' : '');
  }
  return '';
}

export const describeCommand: Command = {
  name: 'describe',
  summary: "Show a dataset's columns: kind, role, missing values and statistics",
  positionals: [{ name: 'id|name', description: 'the dataset, by id or name', required: true }],
  options: {},
  examples: ['lathe describe iris', 'lathe describe iris --json'],
  async run(ctx) {
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const d = await client.call('datasets.get', { id: found.id });
    const head = [
      `${d.name} (id ${d.id})${d.sample ? ' — sample' : ''}`,
      `${d.rows} rows, ${d.columns.length} columns; from ${d.sourcePath} (${formatBytes(d.sourceSize)}), imported ${d.createdAt}`,
      '',
    ];
    const table = formatTable(
      ['column', 'kind', 'role', 'missing', 'distinct', 'summary'],
      d.columns.map((c) => [c.name, c.kind + (c.kind !== c.inferredKind ? ` (was ${c.inferredKind})` : ''), c.role, c.missing, c.distinct, summary(c)]),
      ['left', 'left', 'left', 'right', 'right', 'left'],
    );
    return { json: d, text: head.join('\n') + '\n' + table };
  },
};
