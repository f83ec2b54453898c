/**
 * The comparison board: the setup chosen for each dataset (compare-setup), the running
 * comparison with per-learner progress and cancel, the result and what the
 * person picks in it (a confusion cell's rows, the ROC class, a boundary
 * pair), the run history, and "Train & save".
 */
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import type { BoundaryResult, CompareResult, RunSummary } from '../../src-shared/contract/ml.ts';
import type { AlgoName } from '../../src-shared/ml/catalog.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { decodeRows, type RowBlock } from '../lib/arrow.ts';
import { cellRows } from '../lib/compare/board.ts';
import { mlApi, type MlApi } from '../lib/compare/ml-api.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import { Setup } from './compare-setup.svelte.ts';
import type { Connection } from './connection.svelte.ts';
import type { Models } from './models.svelte.ts';
import type { Notices } from './notices.svelte.ts';

/** At most this many rows of a confusion cell are fetched and listed. */
export const MAX_CELL_ROWS = 500;

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface CellSelection {
  learner: number;
  actual: number;
  predicted: number;
  /** Every row id of the cell (the table lists the first MAX_CELL_ROWS). */
  rowIds: number[];
  rows: RowBlock | null;
  loading: boolean;
  error: string | null;
}

function columnsKey(m: DatasetMeta): string {
  return `${m.id}|${m.columns.map((c) => `${c.name}:${c.kind}`).join(',')}`;
}

export class Compare {
  status = $state<RunStatus>('idle');
  /** Learners of the running comparison and each one's fraction done. */
  running = $state.raw<{ algo: AlgoName; display: string; fraction: number }[]>([]);
  overall = $state<number | null>(null);
  result = $state.raw<CompareResult | null>(null);
  error = $state.raw<Notice | null>(null);
  cell = $state.raw<CellSelection | null>(null);
  rocLabel = $state<string | null>(null);
  runs = $state.raw<RunSummary[]>([]);
  training = $state<AlgoName | null>(null);

  boundary = $state.raw<BoundaryResult | null>(null);
  boundaryBusy = $state(false);
  boundaryError = $state.raw<Notice | null>(null);
  bx = $state('');
  by = $state('');

  private readonly ml: MlApi;
  private controller: AbortController | null = null;
  private cellController: AbortController | null = null;
  private readonly setups = new Map<string, Setup>();

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
    private readonly models: Models,
  ) {
    this.ml = mlApi(conn);
    this.ml.on('runs.changed', () => void this.refreshRuns());
  }

  /** The setup of a dataset, made with the defaults the first time (and again when its columns change). */
  setupFor(meta: DatasetMeta): Setup {
    const key = columnsKey(meta);
    let s = this.setups.get(key);
    if (!s) this.setups.set(key, (s = new Setup(meta)));
    return s;
  }

  async run(setup: Setup): Promise<void> {
    if (this.status === 'running' || setup.problem()) return;
    const req = setup.request();
    const controller = new AbortController();
    this.controller = controller;
    this.status = 'running';
    this.error = null;
    this.overall = 0;
    this.running = setup.chosen.map((l) => ({ algo: l.algo, display: l.display, fraction: 0 }));
    try {
      const res = await this.ml.call('ml.compare', req, { signal: controller.signal, onProgress: (p) => this.progress(controller, p) });
      if (this.controller !== controller) return;
      this.show(res);
      this.status = 'done';
    } catch (e) {
      if (this.controller !== controller) return;
      if (isCancelled(e) || controller.signal.aborted) {
        this.status = 'cancelled';
        const kept = this.result ? '; the previous result stays on the board' : '';
        this.notices.push({ id: noticeId(), level: 'info', title: 'Comparison cancelled', code: 'CANCELLED', message: `Nothing was stored${kept}.` });
      } else {
        this.status = 'failed';
        this.error = errorNotice('The comparison failed', e);
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Put a result on the board (a new run or one reopened from the history). */
  show(res: CompareResult): void {
    this.result = res;
    this.cellController?.abort();
    this.cell = null;
    this.rocLabel = null;
  }

  async refreshRuns(): Promise<void> {
    try {
      this.runs = await this.ml.call('ml.runs', undefined);
    } catch (e) {
      this.notices.error('Could not list the past comparisons', e);
    }
  }

  async open(runId: string): Promise<void> {
    if (this.status === 'running') return;
    try {
      this.show(await this.ml.call('ml.run', { runId }));
      this.status = 'done';
      this.error = null;
    } catch (e) {
      this.notices.error('Could not reopen the comparison', e);
    }
  }

  /** List the rows of a confusion cell (fetched with datasets.rows by row id). */
  async selectCell(learner: number, actual: number, predicted: number): Promise<void> {
    const run = this.result;
    const l = run?.learners[learner];
    if (!run || !l) return;
    this.cellController?.abort();
    const controller = new AbortController();
    this.cellController = controller;
    const rowIds = cellRows(run, l, actual, predicted);
    this.cell = { learner, actual, predicted, rowIds, rows: null, loading: rowIds.length > 0, error: null };
    if (rowIds.length === 0) return;
    const ids = rowIds.slice(0, MAX_CELL_ROWS);
    try {
      const page = await this.conn.call(
        'datasets.rows',
        { id: run.datasetId, offset: 0, limit: ids.length, rowIds: ids, columns: [run.target, ...run.features] },
        { signal: controller.signal },
      );
      if (this.cellController !== controller) return;
      this.cell = { ...this.cell, rows: decodeRows(page.ipc), loading: false };
    } catch (e) {
      if (this.cellController !== controller || isCancelled(e)) return;
      this.cell = { ...this.cell, loading: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  closeCell(): void {
    this.cellController?.abort();
    this.cell = null;
  }

  /** Each chosen learner refitted on two numeric features, predicted over a grid. */
  async drawBoundary(setup: Setup): Promise<void> {
    const [x, y] = this.boundaryAxes(setup);
    if (!x || !y || x === y) {
      this.boundaryError = { id: noticeId(), level: 'error', title: 'Pick two different numeric features', code: 'BAD_REQUEST', message: 'The decision boundary is drawn on two numeric feature columns.' };
      return;
    }
    this.boundaryBusy = true;
    this.boundaryError = null;
    try {
      this.boundary = await this.ml.call('ml.boundary', {
        datasetId: setup.meta.id,
        target: setup.target,
        x,
        y,
        learners: setup.chosen.map((l) => l.spec()),
        resolution: 80,
      });
    } catch (e) {
      if (!isCancelled(e)) this.boundaryError = errorNotice('Could not draw the decision boundaries', e);
    } finally {
      this.boundaryBusy = false;
    }
  }

  /** The chosen boundary axes, defaulting to the first two numeric features. */
  boundaryAxes(setup: Setup): [string, string] {
    const nums = setup.numeric;
    const x = nums.includes(this.bx) ? this.bx : (nums[0] ?? '');
    const y = nums.includes(this.by) ? this.by : (nums.find((n) => n !== x) ?? '');
    return [x, y];
  }

  /** Fit one learner of the shown run on its rows and store it in the model library. */
  async train(learner: number): Promise<void> {
    const run = this.result;
    const l = run?.learners[learner];
    if (!run || !l || this.training) return;
    this.training = l.algo;
    try {
      const res = await this.ml.call('ml.train', {
        datasetId: run.datasetId,
        target: run.target,
        features: run.features,
        algo: l.algo,
        params: l.params,
        task: run.task,
        name: `${l.display} on ${run.datasetName}`,
      });
      this.notices.push({ id: noticeId(), level: 'info', title: `Saved "${res.model.name}"`, code: 'TRAINED', message: `Fitted in ${res.fitSeconds.toFixed(2)} s; it is in Models.` });
      await this.models.refresh();
    } catch (e) {
      this.notices.error(`Could not train ${l.display}`, e);
    } finally {
      this.training = null;
    }
  }

  private progress(controller: AbortController, p: Progress): void {
    if (this.controller !== controller) return;
    this.overall = p.fraction;
    const part = p.partial as { learner?: unknown; fraction?: unknown } | undefined;
    const i = typeof part?.learner === 'number' ? part.learner : -1;
    const f = typeof part?.fraction === 'number' ? part.fraction : null;
    if (i >= 0 && i < this.running.length && f !== null) {
      this.running = this.running.map((r, k) => (k === i ? { ...r, fraction: Math.max(r.fraction, Math.min(1, f)) } : r));
    }
  }
}
