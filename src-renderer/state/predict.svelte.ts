/**
 * "Predict…" on a library model: the rows (a stored dataset, or a CSV file
 * uploaded as the importer does), models.predict as a job with progress and
 * cancel, the drift report and the predictions dataset it stored, and the
 * predictions CSV (input row order, prediction, proba_<label>) to download.
 */
import type { PredictRequest, PredictResult } from '../../src-shared/contract/models-io.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { downloadBytes } from '../lib/download.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import { bridge } from '../lib/transport.ts';
import { uploadFile } from '../lib/upload.ts';
import type { Workbench } from './workbench.svelte.ts';

export type PredictStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export class Predict {
  /** The model whose panel is open (one at a time). */
  modelId = $state<string | null>(null);
  /** A stored dataset to predict on… */
  datasetId = $state<string>('');
  /** …or a file (takes precedence when set). */
  file = $state.raw<File | null>(null);
  status = $state<PredictStatus>('idle');
  progress = $state.raw<Progress | null>(null);
  result = $state.raw<PredictResult | null>(null);
  error = $state.raw<Notice | null>(null);
  private controller: AbortController | null = null;

  constructor(private readonly app: Workbench) {}

  open(modelId: string): void {
    if (this.modelId === modelId) return;
    this.cancel();
    this.modelId = modelId;
    this.status = 'idle';
    this.result = null;
    this.error = null;
    this.progress = null;
    this.file = null;
    if (!this.datasetId) this.datasetId = this.app.datasets.selectedId ?? '';
  }

  close(): void {
    this.cancel();
    this.modelId = null;
  }

  /** What is missing before Run can start, or null. */
  problem(): string | null {
    if (!this.modelId) return 'Pick a model.';
    if (!this.file && !this.datasetId) return 'Choose a dataset or open a CSV file to predict on.';
    return null;
  }

  async run(): Promise<void> {
    const modelId = this.modelId;
    if (this.status === 'running' || !modelId || this.problem()) return;
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    this.status = 'running';
    this.error = null;
    this.result = null;
    const onProgress = (p: Progress): void => {
      if (this.controller === controller) this.progress = p;
    };
    onProgress({ fraction: null, phase: 'starting' });
    try {
      const req: PredictRequest = { id: modelId, includeCsv: true };
      const file = this.file;
      if (file) {
        req.fileName = file.name;
        const path = bridge()?.pathForFile?.(file);
        if (path) req.path = path;
        else {
          onProgress({ fraction: null, phase: 'uploading', bytes: 0, totalBytes: file.size });
          req.uploadId = await uploadFile(file, signal);
        }
      } else req.datasetId = this.datasetId;
      const res = await this.app.conn.call('models.predict', req, { signal, onProgress });
      if (this.controller !== controller) return;
      this.result = res;
      this.status = 'done';
      await this.app.datasets.refresh();
    } catch (e) {
      if (this.controller !== controller) return;
      if (isCancelled(e) || signal.aborted) {
        this.status = 'cancelled';
        this.app.notices.push({ id: noticeId(), level: 'info', title: 'Prediction cancelled', code: 'CANCELLED', message: 'No predictions dataset was stored.' });
      } else {
        this.status = 'failed';
        this.error = errorNotice('The prediction failed', e);
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** preds.csv: the CSV the engine answered (input row order, prediction, proba_<label>…). */
  downloadCsv(): void {
    const csv = this.result?.csv;
    if (csv === undefined) return;
    downloadBytes('preds.csv', new TextEncoder().encode(csv));
  }

  /** Open the predictions dataset in the data grid. */
  async openPredictions(): Promise<void> {
    const r = this.result;
    if (!r) return;
    await this.app.datasets.refresh();
    await this.app.datasets.select(r.datasetId);
    this.app.setView('data');
  }
}

const instances = new WeakMap<Workbench, Predict>();

/** One Predict per workbench, kept across view switches. */
export function predictOf(app: Workbench): Predict {
  let p = instances.get(app);
  if (!p) instances.set(app, (p = new Predict(app)));
  return p;
}
