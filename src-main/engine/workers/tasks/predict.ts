/**
 * Worker task: apply a library model to a stored dataset (drift check, then
 * predictions) and write the predictions CSV to `outPath`, in the input's
 * row order; the service imports that file as the predictions dataset.
 */
import { writeFileSync } from 'node:fs';
import { throwIfAborted } from '../../../../src-shared/errors.ts';
import type { DriftReport } from '../../../../src-shared/model-bundle.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { checkFeatures, predictStored } from '../../models/predict.ts';
import { getModel } from '../../store/ml.ts';
import { DatasetReader } from '../../store/reader.ts';

export interface PredictInput {
  dbFile: string;
  modelId: string;
  datasetId: string;
  outPath: string;
}

export interface PredictOutput {
  rows: number;
  drift: DriftReport;
  datasetName: string;
  modelName: string;
}

export async function run(raw: unknown, ctx: TaskContext): Promise<PredictOutput> {
  const { dbFile, modelId, datasetId, outPath } = raw as PredictInput;
  ctx.progress({ fraction: 0, phase: 'read' });
  const reader = new DatasetReader(dbFile);
  let model;
  let meta;
  let chunks;
  try {
    model = getModel(reader.db, modelId);
    checkFeatures(model, reader.meta(datasetId));
    ({ meta, chunks } = reader.chunks(datasetId, model.features));
  } finally {
    reader.close();
  }
  throwIfAborted(ctx.signal, 'The prediction');
  ctx.progress({ fraction: 0.3, phase: 'predict', message: `Predicting ${meta.rows} rows` });
  const out = await predictStored(model, meta, chunks.map((c) => c.batch));
  throwIfAborted(ctx.signal, 'The prediction');
  writeFileSync(outPath, out.csv);
  ctx.progress({ fraction: 1, phase: 'done' });
  return { rows: out.rows, drift: out.drift, datasetName: meta.name, modelName: model.name };
}
