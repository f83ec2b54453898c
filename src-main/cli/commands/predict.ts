/**
 * lathe predict <model> <file.csv | dataset> --out preds.csv: apply a library
 * model to new rows (a file is imported first), after the drift check.
 * preds.csv keeps the input's row order: `prediction`, and for classifiers
 * one `proba_<label>` column per class. Drift warnings go to stderr.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { findDataset } from '../dataset-ref.ts';
import { findModel } from './models.ts';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Predict new rows with a model (drift check first); writes preds.csv',
  positionals: [
    { name: 'model', description: 'the model id or name', required: true },
    { name: 'data', description: 'a CSV/TSV file, or a stored dataset id or name', required: true },
  ],
  options: { out: { type: 'string', value: 'PATH', description: 'the predictions CSV (default preds.csv)' } },
  examples: ['lathe predict "logreg on iris" new-flowers.csv --out preds.csv', 'lathe predict "logreg on iris" iris --json'],
  async run(ctx) {
    const client = await ctx.engine();
    const model = await findModel(client, ctx.args.positionals[0]!);
    const ref = ctx.args.positionals[1]!;
    const asFile = existsSync(ref);
    const where = asFile ? { path: resolve(ref), fileName: basename(ref) } : { datasetId: (await findDataset(client, ref)).id };
    const r = await client.call('models.predict', { id: model.id, ...where, includeCsv: true }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
    const out = resolve(typeof ctx.args.flags.out === 'string' ? ctx.args.flags.out : 'preds.csv');
    writeFileSync(out, r.csv ?? '');
    if (!ctx.json) for (const w of r.drift.warnings) process.stderr.write(`drift: ${w}\n`);
    const drift = {
      level: r.drift.level,
      missing: r.drift.missing,
      extra: r.drift.extra,
      kind_changes: r.drift.kindChanges,
      columns: r.drift.columns.map((c) => ({ name: c.name, psi: c.psi, ks: c.ks, level: c.level })),
      warnings: r.drift.warnings,
    };
    return {
      json: { model: { id: model.id, name: model.name }, rows: r.rows, out, dataset: { id: r.datasetId, name: r.datasetName }, drift },
      text: `Predicted ${r.rows} rows with "${model.name}" → ${out} (also stored as dataset "${r.datasetName}"). Drift: ${r.drift.level}.`,
    };
  },
};
