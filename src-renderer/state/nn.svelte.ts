/**
 * The Networks view: the builder's setup (preset or layer list, options,
 * target, hold-out), the backend report, one training at a time with live
 * curves (every progress report carries the epoch history, so a dropped
 * report loses nothing) and cancel, the final result, and draw-a-digit
 * predictions (throttled: at most one call in flight, the latest drawing wins).
 */
import type { ModelSummary, NetworkTrainPartial, PredictImageResult, TrainResult } from '../../src-shared/contract/index.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { NnBackendReport, NnEpochLog, NnPresetName } from '../../src-shared/ml/nn.ts';
import type { BatchPoint } from '../lib/charts/loss.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import { defaultTarget, featureColumns, imageOf, presetFor, presetSetup, summarizeSpec, trainRequest, type BuilderSetup, type SpecSummary } from '../lib/nn/builder.ts';
import type { Connection } from './connection.svelte.ts';
import type { Models } from './models.svelte.ts';
import type { Notices } from './notices.svelte.ts';

/** At most this many batch points are kept for the smoothed curve (older ones thinned). */
const MAX_BATCH_POINTS = 2000;
const PREDICT_EVERY_MS = 120;

/** Models draw-a-digit can use: classifiers on 784 or 64 pixel columns. */
export function digitModels(list: readonly ModelSummary[]): ModelSummary[] {
  return list.filter((m) => m.task === 'classification' && (m.features.length === 784 || m.features.length === 64));
}

export class Networks {
  datasetId = $state<string | null>(null);
  target = $state('');
  features = $state.raw<string[]>([]);
  /** Width × height the person entered for other pixel counts. */
  imageGiven = $state<{ width: number; height: number }>({ width: 0, height: 0 });
  preset = $state<NnPresetName | 'custom'>('mlp-digits');
  setup = $state<BuilderSetup>(presetSetup('mlp-digits'));
  testSize = $state(0.2);
  name = $state('');

  backend = $state.raw<NnBackendReport | null>(null);
  backendError = $state.raw<Notice | null>(null);

  running = $state(false);
  fraction = $state(0);
  message = $state('');
  epochs = $state.raw<NnEpochLog[]>([]);
  batches = $state.raw<BatchPoint[]>([]);
  plannedEpochs = $state(0);
  result = $state.raw<TrainResult | null>(null);
  trainError = $state.raw<Notice | null>(null);
  private controller: AbortController | null = null;

  drawModelId = $state<string | null>(null);
  prediction = $state.raw<PredictImageResult | null>(null);
  predictError = $state.raw<Notice | null>(null);
  private pending: Float64Array | null = null;
  private inFlight = false;
  private lastCall = 0;

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
    readonly models: Models,
  ) {}

  get image(): { width: number; height: number } | null {
    return imageOf(this.features.length, this.imageGiven.width && this.imageGiven.height ? this.imageGiven : null);
  }

  get summary(): SpecSummary {
    return summarizeSpec(this.features.length, this.image, this.setup.layers, 10);
  }

  get digitModels(): ModelSummary[] {
    return digitModels(this.models.list);
  }

  /** Point the builder at a dataset: its target, features, and the preset that fits its size. */
  forDataset(meta: DatasetMeta): void {
    if (this.datasetId === meta.id) return;
    this.datasetId = meta.id;
    this.target = defaultTarget(meta);
    this.features = featureColumns(meta, this.target);
    const n = this.features.length;
    if (n === 64 || n === 784) this.usePreset(presetFor(n, this.setup.algo));
  }

  setTarget(meta: DatasetMeta, target: string): void {
    this.target = target;
    this.features = featureColumns(meta, target);
  }

  usePreset(name: NnPresetName | 'custom'): void {
    this.preset = name;
    if (name !== 'custom') this.setup = presetSetup(name);
  }

  async loadBackend(): Promise<void> {
    try {
      this.backend = await this.conn.call('nn.backend', { setting: this.setup.options.backend });
      this.backendError = null;
    } catch (e) {
      this.backend = null;
      this.backendError = errorNotice('That backend cannot be used here', e);
    }
  }

  async train(meta: DatasetMeta): Promise<void> {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    this.fraction = 0;
    this.message = 'Starting…';
    this.epochs = [];
    this.batches = [];
    this.result = null;
    this.trainError = null;
    this.plannedEpochs = this.setup.options.epochs;
    const req = trainRequest(meta, this.target, $state.snapshot(this.setup) as BuilderSetup, this.testSize, this.image, this.name.trim() || undefined);
    try {
      const r = await this.conn.call('ml.train', req, {
        signal: controller.signal,
        onProgress: (p) => {
          if (this.controller !== controller) return;
          this.fraction = p.fraction ?? this.fraction;
          this.message = p.message ?? p.phase;
          const part = p.partial as NetworkTrainPartial | undefined;
          if (part?.kind === 'network' && part.stage === 'final') this.onPartial(part);
        },
      });
      this.result = r;
      this.epochs = r.network?.history.epochs ?? this.epochs;
      this.backend = r.network?.backend ?? this.backend;
      this.drawModelId = r.model.id;
      void this.models.refresh();
    } catch (e) {
      if (isCancelled(e) || controller.signal.aborted) {
        this.notices.push({ id: noticeId(), level: 'info', title: 'Training cancelled', code: 'CANCELLED', message: 'Nothing was stored.' });
      } else {
        this.trainError = errorNotice('Training failed', e);
      }
    } finally {
      if (this.controller === controller) {
        this.running = false;
        this.controller = null;
      }
    }
  }

  private onPartial(part: NetworkTrainPartial): void {
    if (part.epochs.length !== this.epochs.length) this.epochs = part.epochs;
    const ev = part.event;
    if (ev.kind === 'batch') {
      const point: BatchPoint = { x: ev.epoch - 1 + ev.batch / ev.batches, loss: ev.loss, ...(ev.accuracy !== undefined ? { accuracy: ev.accuracy } : {}) };
      const next = [...this.batches, point];
      this.batches = next.length > MAX_BATCH_POINTS ? next.filter((_, i) => i % 2 === 0) : next;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** A new drawing (the preprocessed row); sent when the previous call is done and the interval is up. */
  predict(pixels: Float64Array): void {
    this.pending = pixels;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.inFlight || !this.pending || !this.drawModelId) return;
    const wait = PREDICT_EVERY_MS - (performance.now() - this.lastCall);
    if (wait > 0) {
      setTimeout(() => void this.pump(), wait);
      return;
    }
    const pixels = this.pending;
    this.pending = null;
    this.inFlight = true;
    this.lastCall = performance.now();
    try {
      this.prediction = await this.conn.call('nn.predictImage', { modelId: this.drawModelId, pixels });
      this.predictError = null;
    } catch (e) {
      this.predictError = errorNotice('Could not predict the drawing', e);
    } finally {
      this.inFlight = false;
      if (this.pending) void this.pump();
    }
  }

  clearPrediction(): void {
    this.pending = null;
    this.prediction = null;
  }
}
