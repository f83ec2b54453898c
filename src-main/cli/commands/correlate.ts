/** lathe correlate <dataset>: the correlation matrix of a dataset's columns. */
import type { Command } from '../command.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { findDataset } from '../dataset-ref.ts';
import { formatTable } from '../table.ts';

const SHORT = 12;

function short(name: string): string {
  return name.length <= SHORT ? name : `${name.slice(0, SHORT - 1)}…`;
}

export const correlateCommand: Command = {
  name: 'correlate',
  summary: "Correlations between a dataset's columns (Pearson/Spearman; Cramér's V and η for categorical columns)",
  positionals: [{ name: 'dataset', description: 'the dataset, by id or name', required: true }],
  options: {
    method: { type: 'string', value: 'M', description: 'pearson, spearman or auto (default auto = Pearson) for numeric pairs' },
    columns: { type: 'string', value: 'a,b,c', description: 'only these columns (default: every non-text column not ignored)' },
  },
  examples: ['lathe correlate wine', 'lathe correlate penguins --method spearman --json'],
  async run(ctx) {
    const method = (ctx.args.flags.method as string | undefined) ?? 'auto';
    if (method !== 'pearson' && method !== 'spearman' && method !== 'auto') {
      throw new LatheError('INVALID_PARAM', `--method must be pearson, spearman or auto; got "${method}".`, { param: '--method' });
    }
    const columns = typeof ctx.args.flags.columns === 'string' ? ctx.args.flags.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    const client = await ctx.engine();
    const found = await findDataset(client, ctx.args.positionals[0]!);
    const r = await client.call('ml.correlate', { datasetId: found.id, method, ...(columns ? { columns } : {}) }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
    // People read it in the clustered order, related columns side by side.
    const o = r.order;
    const text = [
      formatTable(
        ['', ...o.map((j) => short(r.columns[j]!))],
        o.map((i) => [short(r.columns[i]!), ...o.map((j) => (r.matrix[i]![j] === null ? '—' : r.matrix[i]![j]!.toFixed(2)))]),
        ['left', ...o.map(() => 'right' as const)],
      ),
      '',
      `Numeric pairs: ${method === 'spearman' ? 'Spearman' : 'Pearson'}; categorical pairs: Cramér's V; numeric × categorical: correlation ratio η. Pairwise-complete rows.`,
      ...(r.skipped?.length ? [`Skipped (text): ${r.skipped.join(', ')}`] : []),
    ].join('\n');
    return { json: { columns: r.columns, matrix: r.matrix }, text };
  },
};
