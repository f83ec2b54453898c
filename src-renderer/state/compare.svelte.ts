/**
 * The comparison board: the setup chosen for the current dataset (target,
 * features, learners with their key parameters, protocol), the running
 * comparison with per-learner progress and cancel, the result and what the
 * person picks in it (a confusion cell's rows, the ROC class, a boundary
 * pair), the run history, and "Train & save".
 */
import type { ColumnInfo, DatasetMeta } from '../../src-shared/dataset.ts';
import type { BoundaryResult, CompareRequest, CompareResult, LearnerSpec, Protocol, RunSummary } from '../../src-shared/contract/ml.ts';
import { CATALOG, algosForTask, type AlgoName } from '../../src-shared/ml/catalog.ts';
import { isNumericKind } from '../../src-shared/dataset.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { decodeRows, type RowBlock } from '../lib/arrow.ts';
import { cellRows, defaultFeatures, defaultTarget, taskFor } from '../lib/compare/board.ts';
import { mlApi, type MlApi } from '../lib/compare/ml-api.ts';
import { checkForm, defaultForm, DEFAULT_LEARNERS, type SupervisedTask } from '../lib/compare/params.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import type { Connection } from './connection.svelte.ts';
import type { Models } from './models.svelte.ts';
import type { Notices } from './notices.svelte.ts';

/** At most this many rows of a confusion cell are fetched and listed. */
export const MAX_CELL_ROWS = 500;

/** One learner the board can run: ticked or not, and its parameter form as text. */
export class LearnerChoice {
  on = $state(false);
  form = $state<Record<string, string>>({});
  check = $derived.by(() => checkForm(this.algo, this.task, this.form));

  constructor(
    readonly algo: AlgoName,
    readonly task: SupervisedTask,
    on: boolean,
  ) {
    this.on = on;
    this.form = defaultForm(algo, task);
  }

  get display(): string {
    return CATALOG[this.algo].display;
  }

  spec(): LearnerSpec {
    return { algo: this.algo, params: this.check.params };
  }
}

/** The choices for one dataset; kept while the person moves between datasets and views. */
export class Setup {
  target = $state('');
  features = $state<string[]>([]);
  taskOverride = $state<'auto' | SupervisedTask>('auto');
  protocol = $state<'holdout' | 'cv'>('cv');
  testSize = $state(0.25);
  folds = $state(5);
  repeats = $state(1);
  seed = $state(0);
  readonly learners: Record<SupervisedTask, LearnerChoice[]>;

  readonly columns: readonly ColumnInfo[];
  task = $derived.by((): SupervisedTask => {
    if (this.taskOverride !== 'auto') return this.taskOverride;
    const col = this.columns.find((c) => c.name === this.target);
    return col ? taskFor(col) : 'classification';
  });
  chosen = $derived.by(() => this.learners[this.task].filter((l) => l.on));
  /** Numeric features (the boundary's axes). */
  numeric = $derived.by(() => this.columns.filter((c) => isNumericKind(c.kind) && c.name !== this.target).map((c) => c.name));

  constructor(readonly meta: DatasetMeta) {
    this.columns = meta.columns;
    const target = defaultTarget(meta.columns) ?? '';
    this.target = target;
    this.features = defaultFeatures(meta.columns, target);
    const make = (task: SupervisedTask): LearnerChoice[] =>
      algosForTask(task).map((e) => new LearnerChoice(e.name, task, DEFAULT_LEARNERS[task].includes(e.name)));
    this.learners = { classification: make('classification'), regression: make('regression') };
  }

  setTarget(name: string): void {
    const was = this.target;
    this.target = name;
    // The old target becomes a feature again; the new one stops being one.
    const f = this.features.filter((x) => x !== name);
    if (was && was !== name && this.columns.some((c) => c.name === was && c.role !== 'ignored')) f.push(was);
    this.features = this.columns.map((c) => c.name).filter((n) => f.includes(n));
  }

  toggleFeature(name: string, on: boolean): void {
    const set = new Set(this.features);
    if (on) set.add(name);
    else set.delete(name);
    this.features = this.columns.map((c) => c.name).filter((n) => set.has(n));
  }

  protocolSpec(): Protocol {
    return this.protocol === 'holdout'
      ? { kind: 'holdout', testSize: this.testSize, seed: this.seed }
      : { kind: 'cv', folds: this.folds, repeats: this.repeats, seed: this.seed };
  }

  /** What stops a comparison from starting, in words; null when it can start. */
  problem(): string | null {
    if (!this.target) return 'Choose a target column.';
    if (this.features.length === 0) return 'Tick at least one feature column.';
    if (this.chosen.length === 0) return 'Tick at least one learner.';
    const bad = this.chosen.find((l) => l.check.error);
    if (bad?.check.error) return `${bad.display}: ${bad.check.error.message}`;
    if (this.protocol === 'holdout' && !(this.testSize > 0 && this.testSize < 1)) return `The test fraction must be between 0 and 1 (exclusive); got ${this.testSize}.`;
    if (this.protocol === 'cv' && !(Number.isInteger(this.folds) && this.folds >= 2)) return `k-fold CV needs an integer k of at least 2; got ${this.folds}.`;
    if (this.protocol === 'cv' && !(Number.isInteger(this.repeats) && this.repeats >= 1)) return `Repeats must be an integer of at least 1; got ${this.repeats}.`;
    if (!Number.isInteger(this.seed) || this.seed < 0) return `The seed must be a whole number ≥ 0; got ${this.seed}.`;
    return null;
  }

  request(): CompareRequest {
    return {
      datasetId: this.meta.id,
      target: this.target,
      features: [...this.features],
      learners: this.chosen.map((l) => l.spec()),
      protocol: this.protocolSpec(),
      task: this.task,
    };
  }
}

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
        this.notices.push({ id: noticeId(), level: 'info', title: 'Comparison cancelled', code: 'CANCELLED', message: 'No run was stored; the previous result stays on the board.' });
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
