/** lathe load <file.lathe> [--name N]: check a model file completely and add it to the library. */
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { modelJson } from './models.ts';

export const loadCommand: Command = {
  name: 'load',
  summary: 'Add a .lathe model file to the library (refuses damaged, foreign or newer files)',
  positionals: [{ name: 'file', description: 'the .lathe file', required: true }],
  options: { name: { type: 'string', value: 'N', description: 'the library name (default: the name in the file, made unique)' } },
  examples: ['lathe load iris-knn.lathe', 'lathe load iris-knn.lathe --name "iris knn (colleague)" --json'],
  async run(ctx) {
    const path = resolve(ctx.args.positionals[0]!);
    const name = typeof ctx.args.flags.name === 'string' ? ctx.args.flags.name : undefined;
    const client = await ctx.engine();
    const m = await client.call('models.importFile', { fileName: path, path, ...(name !== undefined ? { name } : {}) });
    return { json: { model: modelJson(m) }, text: `Loaded "${m.name}" (id ${m.id}): ${m.algo} ${m.task}${m.target ? ` of ${m.target}` : ''} on ${m.features.length} features.` };
  },
};
