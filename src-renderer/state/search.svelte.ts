/**
 * "Keep the best": a hyper-parameter search (ml.search, a job) on the
 * selected dataset. Algorithm, one grid field per catalogue parameter,
 * grid or random (n_iter, seed), k folds; candidates arrive one by one in
 * the progress partials; the best is refitted on every row and saved in the
 * model library.
 */
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import type { SearchCandidate, SearchRequest, SearchResult } from '../../src-shared/contract/models-io.ts';
import { algosForTask, taskEntry, type AlgoName } from '../../src-shared/ml/catalog.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { taskFor } from '../lib/compare/board.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import { parseGrid, starterTexts, type GridParse } from '../components/search/grid.ts';
import type { Workbench } from './workbench.svelte.ts';

export type SearchStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
export type SearchTask = 'classification' | 'regression';

interface SearchPartial {
  candidate?: number;
  of?: number;
  done?: SearchCandidate[];
  best?: number;
}

/** The task the engine will pick for the target (the board's rule). */
export function guessTask(meta: DatasetMeta, target: string): SearchTask {
  const c = meta.columns.find((x) => x.name === target);
  return c ? taskFor(c) : 'classification';
}

export class Search {
  datasetId = $state<string | null>(null);
  target = $state('');
  task = $state<SearchTask>('classification');
  algo = $state<AlgoName>('knn');
  texts = $state<Record<string, string>>(starterTexts(taskEntry('knn', 'classification').schema));
  mode = $state<'grid' | 'random'>('grid');
  nIter = $state(10);
  seed = $state(0);
  folds = $state(5);

  status = $state<SearchStatus>('idle');
  progress = $state.raw<Progress | null>(null);
  candidates = $state.raw<SearchCandidate[]>([]);
  of = $state(0);
  result = $state.raw<SearchResult | null>(null);
  error = $state.raw<Notice | null>(null);
  private controller: AbortController | null = null;

  constructor(private readonly app: Workbench) {}

  /** Follow the selected dataset: its last column (or 'target') as the target, the task guessed. */
  useDataset(meta: DatasetMeta): void {
    if (this.datasetId === meta.id) return;
    this.datasetId = meta.id;
    const t = meta.columns.find((c) => c.role === 'target') ?? meta.columns.find((c) => c.name === 'target') ?? meta.columns[meta.columns.length - 1];
    this.setTarget(meta, t?.name ?? '');
  }

  setTarget(meta: DatasetMeta, target: string): void {
    this.target = target;
    this.setTask(guessTask(meta, target));
  }

  setTask(task: SearchTask): void {
    this.task = task;
    if (!CAN[task].includes(this.algo)) this.algo = CAN[task][0]!;
    this.texts = starterTexts(taskEntry(this.algo, task).schema);
  }

  setAlgo(algo: AlgoName): void {
    this.algo = algo;
    this.texts = starterTexts(taskEntry(algo, this.task).schema);
  }

  algos(): AlgoName[] {
    return CAN[this.task];
  }

  parsed(): GridParse {
    const t = taskEntry(this.algo, this.task);
    return parseGrid(t.owner, t.schema, this.texts);
  }

  /** What blocks Run, or null. */
  problem(): string | null {
    if (!this.datasetId) return 'Pick a dataset on the left.';
    if (!this.target) return 'Choose the target column.';
    const g = this.parsed();
    const first = Object.values(g.errors)[0];
    if (first) return first.message;
    if (!Number.isInteger(this.folds) || this.folds < 2) return `k folds must be an integer of at least 2; got ${this.folds}.`;
    if (this.mode === 'random' && (!Number.isInteger(this.nIter) || this.nIter < 1)) return `n_iter must be a positive integer; got ${this.nIter}.`;
    return null;
  }

  request(): SearchRequest {
    const g = this.parsed();
    return {
      datasetId: this.datasetId ?? '',
      target: this.target,
      algo: this.algo,
      task: this.task,
      grid: g.grid,
      mode: this.mode,
      ...(this.mode === 'random' ? { nIter: this.nIter } : {}),
      folds: this.folds,
      seed: this.seed,
    };
  }

  async run(): Promise<void> {
    if (this.status === 'running' || this.problem()) return;
    const req = this.request();
    const controller = new AbortController();
    this.controller = controller;
    this.status = 'running';
    this.error = null;
    this.result = null;
    this.candidates = [];
    this.of = this.mode === 'random' ? Math.min(this.nIter, this.parsed().size) : this.parsed().size;
    this.progress = { fraction: 0, phase: 'starting' };
    try {
      const res = await this.app.conn.call('ml.search', req, { signal: controller.signal, onProgress: (p) => this.onProgress(controller, p) });
      if (this.controller !== controller) return;
      this.result = res;
      this.candidates = res.candidates;
      this.of = res.candidates.length;
      this.status = 'done';
      this.app.notices.push({ id: noticeId(), level: 'info', title: 'Saved', code: 'SAVED', message: `"${res.model.name}" is in the model library.` });
      void this.app.models.refresh();
    } catch (e) {
      if (this.controller !== controller) return;
      if (isCancelled(e) || controller.signal.aborted) {
        this.status = 'cancelled';
        this.app.notices.push({ id: noticeId(), level: 'info', title: 'Search cancelled', code: 'CANCELLED', message: 'No model was saved.' });
      } else {
        this.status = 'failed';
        this.error = errorNotice('The search failed', e);
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  private onProgress(controller: AbortController, p: Progress): void {
    if (this.controller !== controller) return;
    this.progress = p;
    const part = p.partial as SearchPartial | undefined;
    if (part?.done) this.candidates = [...part.done];
    if (part?.of) this.of = part.of;
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Index of the best finished candidate so far (the result's once done). */
  best(): number {
    if (this.result) return this.result.best;
    let b = -1;
    this.candidates.forEach((c, i) => {
      if (!c.error && Number.isFinite(c.mean) && (b < 0 || c.mean > this.candidates[b]!.mean)) b = i;
    });
    return b;
  }
}

const CAN: Record<SearchTask, AlgoName[]> = {
  classification: algosForTask('classification').map((a) => a.name).filter((n) => n !== 'mlp' && n !== 'cnn'),
  regression: algosForTask('regression').map((a) => a.name).filter((n) => n !== 'mlp' && n !== 'cnn'),
};

const instances = new WeakMap<Workbench, Search>();

export function searchOf(app: Workbench): Search {
  let s = instances.get(app);
  if (!s) instances.set(app, (s = new Search(app)));
  return s;
}
