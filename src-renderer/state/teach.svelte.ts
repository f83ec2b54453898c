/**
 * The k-means teaching view's state: where the points come from (two
 * columns of a dataset, a seeded shape, or points placed by clicking), the
 * stepper (src-shared/teach/kmeans.ts, one half-step at a time with exact
 * step back), play/pause at a speed, the elbow/silhouette job, presenter
 * mode and the session file (save and reopen at the same step).
 */
import type { ElbowResult } from '../../src-shared/contract/explore.ts';
import type { DatasetMeta } from '../../src-shared/dataset.ts';
import { LatheError, isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { KMeansStepper, type InitMethod, type KState } from '../../src-shared/teach/kmeans.ts';
import { MAX_POINTS, flattenPoints, generateShape, type ShapeKind } from '../../src-shared/teach/shapes.ts';
import { SESSION_FORMAT, SESSION_VERSION, parseSession, serializeSession, type DataRef, type TeachControl, type TeachSession } from '../../src-shared/teach/session.ts';
import { errorNotice, type Notice } from '../lib/notices.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export type DataSource = 'dataset' | 'shape' | 'points';

export class Teach {
  source = $state<DataSource>('shape');
  shape = $state<ShapeKind>('blobs');
  shapeSeed = $state(1);
  n = $state(300);
  datasetId = $state<string | null>(null);
  datasetName = $state<string | null>(null);
  x = $state<string | null>(null);
  y = $state<string | null>(null);
  /** Points placed by clicking (source 'points'). */
  clicked = $state.raw<[number, number][]>([]);

  points = $state.raw<Float64Array>(new Float64Array(0));
  xName = $state('x');
  yName = $state('y');
  /** Rows left out for a missing x or y, and whether the dataset was sampled. */
  missing = $state(0);
  sampledFrom = $state<number | null>(null);
  loading = $state(false);

  k = $state(3);
  init = $state<InitMethod>('kmeans++');
  seed = $state(0);
  /** Centroids placed by clicking (init 'manual'). */
  manual = $state.raw<[number, number][]>([]);

  speed = $state(2);
  playing = $state(false);
  showLines = $state(false);
  showVoronoi = $state(true);
  showTrails = $state(true);
  presenter = $state(false);
  hidden = $state<TeachControl[]>(['data', 'init', 'k']);

  /** The stepper's current state (replaced on every step); null until the run can start. */
  state = $state.raw<KState | null>(null);
  /** While exporting: the history index shown instead of the current state. */
  shownStep = $state<number | null>(null);
  error = $state.raw<Notice | null>(null);

  elbow = $state.raw<ElbowResult | null>(null);
  elbowBusy = $state(false);
  elbowProgress = $state.raw<Progress | null>(null);
  private elbowAbort: AbortController | null = null;

  private stepper: KMeansStepper | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
  ) {}

  get history(): KState[] {
    void this.state;
    return this.stepper?.history ?? [];
  }

  get nextPhase(): 'assign' | 'move' {
    return this.state?.phase === 'assign' ? 'move' : 'assign';
  }

  /** What the plot shows: the current state or, while exporting, a step of the history. */
  get view(): { state: KState | null; trails: [number, number][][] } {
    // Read the reactive fields first, so a view derived from this re-runs when they change.
    const current = this.state;
    const shown = this.shownStep;
    const s = this.stepper;
    if (!s || !current) return { state: null, trails: [] };
    const upto = shown ?? s.history.length - 1;
    const st = s.history[upto] ?? current;
    const trails: [number, number][][] = Array.from({ length: s.k }, () => []);
    for (const h of s.history.slice(0, upto + 1)) {
      for (let c = 0; c < s.k; c++) {
        const t = trails[c]!;
        const p: [number, number] = [h.centroids[2 * c]!, h.centroids[2 * c + 1]!];
        const last = t[t.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) t.push(p);
      }
    }
    return { state: st, trails };
  }

  inertiaPerIteration(): number[] {
    const current = this.state;
    const shown = this.shownStep;
    const h = this.stepper?.history ?? [];
    if (!current) return [];
    const upto = shown ?? h.length - 1;
    return h.slice(0, upto + 1).filter((s) => s.phase === 'assign').map((s) => s.inertia);
  }

  isHidden(c: TeachControl): boolean {
    return this.presenter && this.hidden.includes(c);
  }

  toggleHidden(c: TeachControl): void {
    this.hidden = this.hidden.includes(c) ? this.hidden.filter((h) => h !== c) : [...this.hidden, c];
  }

  /** Placing by clicking: 'points' (source 'points', not started), 'centroids' (manual init, fewer than k placed). */
  get placing(): 'points' | 'centroids' | null {
    if (this.init === 'manual' && this.manual.length < this.k) return 'centroids';
    if (this.source === 'points' && (!this.state || this.state.step === 0)) return 'points';
    return null;
  }

  /** Load the points of the current data source, then start a fresh run. */
  async loadData(): Promise<void> {
    this.pause();
    this.error = null;
    this.elbow = null;
    try {
      if (this.source === 'shape') {
        this.points = generateShape(this.shape, this.shapeSeed, this.n);
        this.xName = 'x';
        this.yName = 'y';
        this.missing = 0;
        this.sampledFrom = null;
      } else if (this.source === 'points') {
        this.points = flattenPoints(this.clicked);
        this.xName = 'x';
        this.yName = 'y';
        this.missing = 0;
        this.sampledFrom = null;
      } else {
        if (!this.datasetId || !this.x || !this.y) throw new LatheError('BAD_REQUEST', 'Pick a dataset and two numeric columns.', { param: 'columns' });
        this.loading = true;
        const r = await this.conn.call('explore.columns', { id: this.datasetId, columns: [this.x, this.y], maxRows: MAX_POINTS });
        const xs = r.values[0]!;
        const ys = r.values[1]!;
        const keep: number[] = [];
        for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!)) keep.push(i);
        const pts = new Float64Array(keep.length * 2);
        keep.forEach((i, j) => {
          pts[2 * j] = xs[i]!;
          pts[2 * j + 1] = ys[i]!;
        });
        this.points = pts;
        this.xName = this.x;
        this.yName = this.y;
        this.missing = xs.length - keep.length;
        this.sampledFrom = r.rowIds ? r.totalRows : null;
      }
      this.restart();
    } catch (e) {
      this.error = errorNotice('Could not load the points', e);
    } finally {
      this.loading = false;
    }
  }

  /** A fresh stepper from the current points, k, init and seed (a bad combination shows as an error, not a throw). */
  restart(): void {
    this.pause();
    this.stepper = null;
    this.state = null;
    this.shownStep = null;
    this.error = null;
    if (this.points.length === 0) return;
    if (this.init === 'manual' && this.manual.length < this.k) return;
    // Still placing points by clicking: wait for k of them.
    if (this.source === 'points' && this.points.length / 2 < this.k) return;
    try {
      this.stepper = new KMeansStepper(this.points, this.k, this.init, this.seed, this.init === 'manual' ? flattenPoints(this.manual) : undefined);
      this.state = this.stepper.state;
    } catch (e) {
      this.error = errorNotice('Cannot start k-means', e);
    }
  }

  /** A click on the plot: place a point or a centroid. */
  placeAt(x: number, y: number): void {
    const p: [number, number] = [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
    if (this.placing === 'centroids') {
      this.manual = [...this.manual, p];
      if (this.manual.length === this.k) this.restart();
    } else if (this.placing === 'points') {
      if (this.clicked.length >= MAX_POINTS) return;
      this.clicked = [...this.clicked, p];
      this.points = flattenPoints(this.clicked);
      this.restart();
    }
  }

  step(): void {
    if (!this.stepper) return;
    this.state = this.stepper.step();
    if (this.stepper.converged) this.pause();
  }

  back(): void {
    if (!this.stepper) return;
    this.state = this.stepper.back();
  }

  reset(): void {
    this.pause();
    if (!this.stepper) return;
    this.state = this.stepper.reset();
  }

  /** Go to half-step n (reopening a session). */
  goTo(n: number): void {
    if (!this.stepper) return;
    this.state = this.stepper.goTo(n);
  }

  play(): void {
    if (!this.stepper || this.stepper.converged) return;
    this.playing = true;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.step(), 1000 / this.speed);
  }

  pause(): void {
    this.playing = false;
    clearInterval(this.timer);
  }

  setSpeed(v: number): void {
    this.speed = v;
    if (this.playing) this.play();
  }

  setK(k: number): void {
    this.k = k;
    if (this.init === 'manual') this.manual = this.manual.slice(0, k);
    this.restart();
  }

  setInit(init: InitMethod): void {
    this.init = init;
    if (init === 'manual') this.manual = [];
    this.restart();
  }

  async runElbow(): Promise<void> {
    if (this.points.length < 4) return;
    this.elbowAbort?.abort();
    const abort = new AbortController();
    this.elbowAbort = abort;
    this.elbowBusy = true;
    this.elbowProgress = null;
    try {
      this.elbow = await this.conn.call('explore.elbow', { points: this.points, kMax: 10, seed: this.seed }, { signal: abort.signal, onProgress: (p) => (this.elbowProgress = p) });
    } catch (e) {
      if (!isCancelled(e)) this.notices.error('Could not compute the elbow curve', e);
    } finally {
      if (this.elbowAbort === abort) {
        this.elbowBusy = false;
        this.elbowAbort = null;
      }
    }
  }

  cancelElbow(): void {
    this.elbowAbort?.abort();
  }

  dataRef(): DataRef {
    if (this.source === 'dataset') {
      return { source: 'dataset', datasetId: this.datasetId ?? '', ...(this.datasetName ? { datasetName: this.datasetName } : {}), x: this.x ?? '', y: this.y ?? '' };
    }
    if (this.source === 'points') return { source: 'points', points: this.clicked.map((p) => [p[0], p[1]]) };
    return { source: 'shape', shape: this.shape, seed: this.shapeSeed, n: this.n };
  }

  session(): TeachSession {
    const s: TeachSession = {
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      data: this.dataRef(),
      k: this.k,
      init: this.init,
      seed: this.seed,
      speed: this.speed,
      step: this.state?.step ?? 0,
      hidden: [...this.hidden],
      presenter: this.presenter,
      lines: this.showLines,
    };
    if (this.init === 'manual') s.centroids = this.manual.map((p) => [p[0], p[1]]);
    return s;
  }

  sessionText(): string {
    return serializeSession(this.session());
  }

  /** Reopen a saved session: same data, k, init, seed and step (throws BAD_SESSION_FILE, NOT_FOUND...). */
  async open(text: string, fileName: string, datasetMeta?: (id: string) => Promise<DatasetMeta>): Promise<void> {
    const s = parseSession(text, fileName);
    if (s.data.source === 'dataset' && datasetMeta) {
      const meta = await datasetMeta(s.data.datasetId);
      for (const c of [s.data.x, s.data.y]) {
        if (!meta.columns.some((m) => m.name === c)) {
          throw new LatheError('BAD_SESSION_FILE', `${fileName}: the dataset "${meta.name}" has no column "${c}" any more. Pick the columns again.`, { param: 'data', file: fileName });
        }
      }
    }
    this.pause();
    this.source = s.data.source;
    if (s.data.source === 'shape') {
      this.shape = s.data.shape;
      this.shapeSeed = s.data.seed;
      this.n = s.data.n;
    } else if (s.data.source === 'points') {
      this.clicked = s.data.points;
    } else {
      this.datasetId = s.data.datasetId;
      this.datasetName = s.data.datasetName ?? null;
      this.x = s.data.x;
      this.y = s.data.y;
    }
    this.k = s.k;
    this.init = s.init;
    this.seed = s.seed;
    this.manual = s.centroids ?? [];
    this.speed = s.speed;
    this.hidden = s.hidden;
    this.presenter = s.presenter;
    this.showLines = s.lines;
    await this.loadData();
    if (this.error) throw new LatheError('BAD_SESSION_FILE', `${fileName}: ${this.error.message}`, { file: fileName });
    this.goTo(s.step);
  }
}
