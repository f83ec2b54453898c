/**
 * Worker task: a library model as a file — `.lathe` (manifest + weights +
 * checksum), ONNX, or the TensorFlow.js layers format for networks
 * (model.json + weights file). Built in a worker: a large forest's ONNX
 * graph or loading TensorFlow.js takes a while.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { ExportFormat, ExportResult } from '../../../../src-shared/contract/models-io.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { bundleOfStored, sourceOfStored } from '../../models/library.ts';
import { exportOnnx } from '../../models/onnx/export.ts';
import { getModel } from '../../store/ml.ts';
import { DatasetReader } from '../../store/reader.ts';

export interface ExportInput {
  dbFile: string;
  modelId: string;
  format: ExportFormat;
  latheVersion: string;
}

/** A file name from a model name: letters, digits, dot, dash and underscore. */
export function fileBase(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100) || 'model';
}

export async function run(raw: unknown, ctx: TaskContext): Promise<ExportResult> {
  const { dbFile, modelId, format, latheVersion } = raw as ExportInput;
  const reader = new DatasetReader(dbFile);
  let model;
  try {
    model = getModel(reader.db, modelId);
  } finally {
    reader.close();
  }
  ctx.progress({ fraction: 0.1, phase: 'export', message: `Writing ${format}` });
  const base = fileBase(model.name);
  if (format === 'lathe') return { fileName: `${base}.lathe`, bytes: bundleOfStored(model, latheVersion) };
  const source = sourceOfStored(model);
  if (format === 'onnx') return { fileName: `${base}.onnx`, bytes: exportOnnx(source, { name: model.name, latheVersion }) };
  if (source.payload.kind !== 'network') {
    throw new LatheError('BAD_REQUEST', `The TensorFlow.js layers format is for neural networks; "${model.name}" is a ${model.algo} model. Export it as lathe or onnx.`, { param: 'format' });
  }
  const { restoreNetwork } = await import('../../nn/model.ts');
  const { exportTfjsLayers } = await import('../../nn/export.ts');
  const net = restoreNetwork(source.payload.spec, source.payload.weights);
  try {
    const weightsName = `${base}.weights.bin`;
    const exp = await exportTfjsLayers(net, source.payload.spec, weightsName);
    const json = new TextEncoder().encode(JSON.stringify(exp.modelJson));
    return { fileName: `${base}.json`, bytes: json, extraFiles: [{ fileName: weightsName, bytes: exp.weightsBin }] };
  } finally {
    net.dispose();
  }
}
