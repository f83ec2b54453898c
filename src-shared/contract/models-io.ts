/**
 * Models as files and their use: export a library model (.lathe, ONNX,
 * TensorFlow.js layers), import a .lathe file into the library, predict on
 * new data with a drift check, and the hyper-parameter search that keeps
 * the best model. Bytes travel as Uint8Array (binary on every carrier).
 */
import type { AlgoName } from '../ml/catalog.ts';
import type { ParamValue, Params } from '../ml/params.ts';
import type { DriftReport } from '../model-bundle.ts';
import type { MetricSummary, ModelSummary } from './ml.ts';

export type { DriftReport };

export const EXPORT_FORMATS = ['lathe', 'onnx', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface ExportResult extends ExportedFile {
  /** Further files of the same export (tfjs: the weights file beside model.json). */
  extraFiles?: ExportedFile[];
}

export interface ImportModelRequest {
  /** The file's name as the person knows it (for messages and the default model name). */
  fileName: string;
  /** The file's bytes (Electron, tests)… */
  bytes?: Uint8Array;
  /** …or an upload to the browser-mode server (POST /api/upload). */
  uploadId?: string;
  /** …or a path the engine can read (CLI). */
  path?: string;
  /** Library name (default: the name in the file, made unique). */
  name?: string;
}

export interface PredictRequest {
  /** The library model. */
  id: string;
  /** The rows to predict: a stored dataset, an upload, or a file path (CLI). */
  datasetId?: string;
  uploadId?: string;
  path?: string;
  /** For uploads and paths: the file's name. */
  fileName?: string;
  /** Also answer the predictions CSV text (default false: it is stored as a dataset). */
  includeCsv?: boolean;
}

export interface PredictResult {
  /** The new dataset holding the predictions (prediction, proba_<label>…), in the input's row order. */
  datasetId: string;
  datasetName: string;
  /** The dataset predicted on (imported first when given as a file). */
  inputDatasetId: string;
  rows: number;
  drift: DriftReport;
  csv?: string;
}

export interface SearchRequest {
  datasetId: string;
  target: string;
  features?: string[];
  algo: AlgoName;
  /** Parameter name (the schema's, or an alias such as k for n_neighbors) → values to try. */
  grid: Record<string, ParamValue[]>;
  /** Fixed parameters for every candidate. */
  params?: Params;
  /** 'grid' (every combination, default) or 'random' (nIter of them, drawn with seed). */
  mode?: 'grid' | 'random';
  nIter?: number;
  /** k-fold CV (stratified for classification); default 5. */
  folds?: number;
  seed?: number;
  task?: 'classification' | 'regression';
  /** Library name of the best model (default "<algo> (best of N) on <dataset>"). */
  name?: string;
}

export interface SearchCandidate {
  params: Params;
  /** The primary metric (accuracy / r2) over the folds. */
  mean: number;
  std: number;
  folds: number[];
  fitSeconds: number;
  /** Set when this candidate failed (e.g. n_neighbors larger than a fold). */
  error?: { code: string; message: string };
}

export interface SearchResult {
  metric: string;
  candidates: SearchCandidate[];
  /** Index of the best candidate in `candidates`. */
  best: number;
  /** The best candidate refitted on every row, saved in the library. */
  model: ModelSummary;
  metrics: Record<string, MetricSummary>;
}

export interface ModelsIoMethods {
  'models.exportFile': { params: { id: string; format: ExportFormat }; result: ExportResult };
  'models.importFile': { params: ImportModelRequest; result: ModelSummary };
  /** A job: progress while reading and predicting; cancellable. */
  'models.predict': { params: PredictRequest; result: PredictResult };
  /** A job: progress per candidate (`partial: {candidate, of, params, mean, std, done: SearchCandidate[] so far}`); cancellable. */
  'ml.search': { params: SearchRequest; result: SearchResult };
}

export type ModelsIoEvents = Record<never, never>;
