/**
 * Neural networks in the app. Training goes through `ml.train` with algo
 * 'mlp' or 'cnn' (TrainRequest.network carries a free layer list from the
 * network builder; TrainResult.network the backend report, per-epoch
 * history and layer summary; progress partials are NnProgress events for
 * live charts). This group adds what only networks have: draw-a-digit
 * predictions and the backend report before training.
 */
import type { NnBackendReport, NnBackendSetting, NnEpochLog, NnHistory, NnProgress, NnSpec, NnSummary } from '../ml/nn.ts';
import type { NetworkLayout } from '../ml/schemas/nn.ts';

export type { NetworkLayout };

/** TrainRequest.network: how the network builder overrides the layer parameters. */
export interface NetworkTrainOptions {
  layout?: NetworkLayout;
}

/** TrainResult.network: what the UI shows about a trained network. */
export interface NetworkTrainReport {
  /** Which backend trained it, and why each better one was not used. */
  backend: NnBackendReport;
  /** The stored network's per-epoch training (and validation) loss and accuracy. */
  history: NnHistory;
  summary: NnSummary;
  /** The resolved spec (inputs, outputs, fitted scaling). */
  spec: NnSpec;
  /** 'holdout': trained on the training rows and scored on the held-out rows (the stored network); 'cv': scored by k-fold, then refitted on all rows; 'training': scored on its own training rows. */
  evaluatedOn: 'holdout' | 'cv' | 'training';
  /** Rows the stored network was trained on. */
  trainRows: number;
  /** Classification: counts, rows = true class, columns = predicted class, on the evaluated rows. */
  confusion?: number[][];
}

/**
 * The progress `partial` of an ml.train job on a network. Progress reports
 * may be dropped on the way (they are throttled), so each one carries the
 * whole epoch history of the network being trained so far.
 */
export interface NetworkTrainPartial {
  kind: 'network';
  /** The event that caused this report (a batch or an epoch end). */
  event: NnProgress;
  /** Every finished epoch of the current network. */
  epochs: NnEpochLog[];
  /** 'fold': a cross-validation fold's network; 'final': the network that is stored. */
  stage: 'fold' | 'final';
  fold?: number;
  folds?: number;
}

export interface PredictImageRequest {
  /** A network (or any classifier) in the model library trained on 784 (28×28) or 64 (8×8) pixel columns. */
  modelId: string;
  /**
   * The preprocessed row, in the model's feature order: 0–255 for 28×28
   * (MNIST), 0–16 for 8×8 (digits). Give this or `image`.
   */
  pixels?: Float64Array | Float32Array | number[];
  /** A raw RGBA bitmap (a canvas's ImageData); the engine preprocesses it as MNIST or digits were made. */
  image?: { width: number; height: number; data: Uint8Array | Uint8ClampedArray };
}

export interface PredictImageResult {
  /** Class labels, index = class code. */
  classes: string[];
  /** One probability per class. */
  probabilities: number[];
  /** The most probable class. */
  predicted: string;
  /** The row the model saw (width × height values). */
  input: { width: number; height: number; pixels: number[] };
  /** True when the bitmap had no ink (the probabilities are then of an empty image). */
  empty: boolean;
}

export interface NnMethods {
  'nn.predictImage': { params: PredictImageRequest; result: PredictImageResult };
  /** Which backend `setting` would train on here, and why the better ones are not available (loads TensorFlow.js once). */
  'nn.backend': { params: { setting?: NnBackendSetting }; result: NnBackendReport };
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NnEvents {}
