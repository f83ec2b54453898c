/** Feeding held-out rows to an exported ONNX model in onnxruntime-node (tests only). */
import * as ort from 'onnxruntime-node';
import type { FeatureTable } from '../../src-main/engine/ml/preprocess/table.ts';
import { categoriesOf } from '../../src-main/engine/models/onnx/pipeline.ts';
import type { ModelSource } from '../../src-main/engine/models/runtime.ts';

/** The float32 input tensor of a table (categoricals as codes into the model's lists) and the same rows as Lathe sees them. */
export function onnxInput(source: ModelSource, t: FeatureTable): { X: Float32Array; rows: FeatureTable } {
  const cats = categoriesOf(source.pipeline);
  const d = source.features.length;
  const X = new Float32Array(t.rows * d);
  const columns = source.features.map((f, j) => {
    const c = t.columns.find((x) => x.name === f.name)!;
    if (c.kind === 'numeric') {
      const values = Float64Array.from(c.values, Math.fround);
      values.forEach((v, i) => (X[i * d + j] = v));
      return { ...c, values };
    }
    const list = cats[f.name]!;
    c.codes.forEach((code, i) => {
      const label = code >= 0 ? c.categories[code]! : null;
      const k = label === null ? -1 : list.indexOf(label);
      X[i * d + j] = label === null ? NaN : k >= 0 ? k : list.length; // unseen → out of range
    });
    return c;
  });
  return { X, rows: { rows: t.rows, columns } };
}

export async function runOnnx(bytes: Uint8Array, X: Float32Array, rows: number, d: number): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run({ X: new ort.Tensor('float32', X, [rows, d]) });
  } finally {
    await session.release();
  }
}

