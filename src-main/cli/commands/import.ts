/** lathe import <file> [--name N] [--skip-bad-rows]: read a CSV/TSV/Arrow file into the store. */
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import type { DatasetMeta } from '../../../src-shared/dataset.ts';
import { formatTable } from '../table.ts';

/** The JSON object `lathe import --json` prints (a stable shape other tools can read). */
export function importJson(d: DatasetMeta, skippedRows: number, seconds: number): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    rows: d.rows,
    columns: d.columns.map((c) => ({ name: c.name, kind: c.kind, missing: c.missing })),
    warnings: d.warnings,
    conflicts: d.conflicts,
    skippedRows,
    seconds,
  };
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a CSV, TSV (optionally .gz) or Arrow file as a dataset',
  positionals: [{ name: 'file', description: 'the file to import', required: true }],
  options: {
    name: { type: 'string', value: 'N', description: 'the dataset name (default: the file name without extension)' },
    'skip-bad-rows': { type: 'boolean', description: 'skip rows with the wrong number of fields instead of failing' },
  },
  examples: ['lathe import iris.csv', 'lathe import sales.csv.gz --name sales --skip-bad-rows --json'],
  async run(ctx) {
    const file = resolve(ctx.args.positionals[0]!);
    const name = ctx.args.flags.name as string | undefined;
    const client = await ctx.engine();
    const r = await client.call(
      'datasets.importPath',
      { path: file, ...(name !== undefined ? { name } : {}), ...(ctx.args.flags['skip-bad-rows'] ? { skipBadRows: true } : {}) },
      { signal: ctx.signal, onProgress: (p) => ctx.progress(p) },
    );
    const d = r.dataset;
    const lines = [
      `Imported "${d.name}" (id ${d.id}): ${d.rows} rows, ${d.columns.length} columns in ${r.seconds.toFixed(2)} s` +
        (r.skippedRows ? `, ${r.skippedRows} bad rows skipped` : ''),
      '',
      formatTable(
        ['column', 'kind', 'missing'],
        d.columns.map((c) => [c.name, c.kind, c.missing]),
        ['left', 'left', 'right'],
      ),
    ];
    for (const w of d.warnings) lines.push(`warning: ${w.message}`);
    for (const c of d.conflicts) {
      const ex = c.examples.map((e) => `line ${e.line}: "${e.value}"`).join(', ');
      lines.push(`note: column "${c.column}" looked ${c.from} but is ${c.to} (${c.count} values${ex ? `, e.g. ${ex}` : ''})`);
    }
    return { json: importJson(d, r.skippedRows, r.seconds), text: lines.join('\n') };
  },
};
