/**
 * The TensorFlow.js layers format (model.json + weights.bin) of a network,
 * which TF.js's `tf.loadLayersModel` and the tensorflowjs converter read.
 * The network's input scaling is not a TF.js layer: it is written into
 * model.json's `userDefinedMetadata.lathe` so another tool can apply it.
 */
import { tf } from './backend.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { NnSpec } from '../../../src-shared/ml/nn.ts';

export interface TfjsLayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface TfjsLayersExport {
  modelJson: TfjsLayersModelJson;
  weightsBin: Uint8Array;
}

/** Export `model` as model.json + weights.bin (the weights file is named `weightsFile` in the manifest). */
export async function exportTfjsLayers(model: tf.LayersModel, spec?: NnSpec, weightsFile = 'weights.bin'): Promise<TfjsLayersExport> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || !a.modelTopology || !a.weightSpecs || !a.weightData) {
    throw new LatheError('INTERNAL', 'TensorFlow.js gave no topology or weights when saving the network.');
  }
  const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData];
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const weightsBin = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    weightsBin.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  const modelJson: TfjsLayersModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers} (Lathe)`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs }],
  };
  if (spec) {
    modelJson.userDefinedMetadata = {
      lathe: {
        task: spec.task,
        inputs: spec.inputs,
        outputs: spec.outputs,
        scaling: spec.scaling,
        ...(spec.target ? { target: spec.target } : {}),
        note: 'Apply `scaling` to each input row before the model (divide: x / by; standardize: (x - mean) / std); for regression, prediction * target.std + target.mean.',
      },
    };
  }
  return { modelJson, weightsBin };
}

/** Load an export back (for checks, and for importing TF.js models). */
export async function loadTfjsLayers(exp: TfjsLayersExport): Promise<tf.LayersModel> {
  const manifest = exp.modelJson.weightsManifest[0];
  if (!manifest) throw new LatheError('BAD_MODEL_FILE', 'model.json has an empty weightsManifest.');
  const bin = exp.weightsBin;
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: exp.modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: manifest.weights, weightData: buffer }),
  );
}
