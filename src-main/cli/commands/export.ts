/** lathe export <model> --format lathe|onnx|tfjs --out PATH: write a library model as a file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../../src-shared/contract/models-io.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Command } from '../command.ts';
import { findModel } from './models.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a model as a .lathe file, ONNX, or TensorFlow.js layers (networks)',
  positionals: [{ name: 'model', description: 'the model id or name (see lathe models)', required: true }],
  options: {
    format: { type: 'string', value: 'lathe|onnx|tfjs', description: 'the file format (default lathe)' },
    out: { type: 'string', value: 'PATH', description: 'where to write: a file (lathe, onnx) or a folder (tfjs: model.json + weights)' },
  },
  examples: ['lathe export "knn on iris" --format onnx --out iris-knn.onnx', 'lathe export "knn on iris" --out iris-knn.lathe --json'],
  async run(ctx) {
    const format = (typeof ctx.args.flags.format === 'string' ? ctx.args.flags.format : 'lathe') as ExportFormat;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new LatheError('BAD_REQUEST', `--format must be one of ${EXPORT_FORMATS.join(', ')}; got "${format}".`, { param: '--format' });
    }
    const client = await ctx.engine();
    const model = await findModel(client, ctx.args.positionals[0]!);
    const r = await client.call('models.exportFile', { id: model.id, format }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
    const outFlag = typeof ctx.args.flags.out === 'string' ? ctx.args.flags.out : undefined;
    const files: { path: string; bytes: number }[] = [];
    if (format === 'tfjs') {
      const dir = resolve(outFlag ?? r.fileName.replace(/\.json$/, ''));
      mkdirSync(dir, { recursive: true });
      for (const f of [r, ...(r.extraFiles ?? [])]) {
        const path = join(dir, f.fileName);
        writeFileSync(path, f.bytes);
        files.push({ path, bytes: f.bytes.byteLength });
      }
    } else {
      const path = resolve(outFlag ?? r.fileName);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, r.bytes);
      files.push({ path, bytes: r.bytes.byteLength });
    }
    return {
      json: { model: { id: model.id, name: model.name }, format, files },
      text: files.map((f) => `Wrote ${f.path} (${f.bytes} bytes)`).join('\n'),
    };
  },
};
