/**
 * The explore view's state: the correlation heatmap (ml.correlate), the
 * scatter plot of a pair with its brushed rows (explore.columns +
 * datasets.rows by rowIds), the scatter-plot matrix, distributions by class
 * and the informative-projections job. Big arrays live in $state.raw.
 */
import type { ColumnsResult, ProjectionsResult } from '../../src-shared/contract/explore.ts';
import type { HistogramResult } from '../../src-shared/contract/datasets.ts';
import type { CorrelationResult } from '../../src-shared/contract/ml.ts';
import { isNumericKind, type ColumnInfo, type DatasetMeta } from '../../src-shared/dataset.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { decodeRows, type RowBlock } from '../lib/arrow.ts';
import { errorNotice, type Notice } from '../lib/notices.ts';
import { selectInAreas, type BrushArea } from '../lib/charts/scatter.ts';
import { MAX_SPLOM_COLUMNS } from '../lib/charts/splom.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export type ExploreTab = 'correlations' | 'scatter' | 'splom' | 'distributions' | 'projections';

/** Most points fetched for one scatter plot (the engine samples above, and the plot says so). */
export const SCATTER_MAX_ROWS = 1_000_000;
/** Rows of a brushed selection listed in the table. */
export const MAX_SELECTED_ROWS = 500;

export function numericColumns(meta: DatasetMeta | null): ColumnInfo[] {
  return meta ? meta.columns.filter((c) => isNumericKind(c.kind) || c.kind === 'date' || c.kind === 'datetime') : [];
}

/** Columns that can split or colour by class: categories, booleans, integers with few values. */
export function classColumns(meta: DatasetMeta | null): ColumnInfo[] {
  return meta ? meta.columns.filter((c) => c.kind === 'categorical' || c.kind === 'boolean' || (c.kind === 'integer' && c.distinct <= 12)) : [];
}

/** The target column when there is one, else the first class-like column. */
export function defaultClass(meta: DatasetMeta | null): string | null {
  const cls = classColumns(meta);
  return (cls.find((c) => c.role === 'target') ?? cls[0])?.name ?? null;
}

export class Explore {
  tab = $state<ExploreTab>('correlations');
  meta = $state.raw<DatasetMeta | null>(null);

  // Correlations
  method = $state<'pearson' | 'spearman'>('pearson');
  clustered = $state(false);
  corr = $state.raw<CorrelationResult | null>(null);
  corrBusy = $state(false);
  corrSeconds = $state(0);
  corrError = $state.raw<Notice | null>(null);

  // Scatter
  x = $state<string | null>(null);
  y = $state<string | null>(null);
  color = $state<string | null>(null);
  size = $state<string | null>(null);
  scatter = $state.raw<ColumnsResult | null>(null);
  scatterBusy = $state(false);
  scatterError = $state.raw<Notice | null>(null);
  /** performance.now() when the scatter was asked for, and ms to its first complete paint. */
  openedAt = 0;
  firstPaintMs = $state<number | null>(null);
  selection = $state.raw<number[]>([]);
  selectedRows = $state.raw<RowBlock | null>(null);
  selectedBusy = $state(false);

  // Scatter-plot matrix
  splomColumns = $state<string[]>([]);
  splomClass = $state<string | null>(null);
  splom = $state.raw<ColumnsResult | null>(null);
  splomBusy = $state(false);

  // Distributions
  distColumn = $state<string | null>(null);
  distClass = $state<string | null>(null);
  distValues = $state.raw<ColumnsResult | null>(null);
  distHistogram = $state.raw<HistogramResult | null>(null);
  distBusy = $state(false);

  // Informative projections
  projClass = $state<string | null>(null);
  projections = $state.raw<ProjectionsResult | null>(null);
  projProgress = $state.raw<Progress | null>(null);
  projBusy = $state(false);
  private projAbort: AbortController | null = null;

  private selTimer: ReturnType<typeof setTimeout> | undefined;
  private scatterSeq = 0;

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
  ) {}

  /** Follow the selected dataset; a new one starts the view afresh. */
  setDataset(meta: DatasetMeta | null): void {
    const same = meta && this.meta && meta.id === this.meta.id;
    this.meta = meta;
    if (same) return;
    this.corr = null;
    this.scatter = null;
    this.selection = [];
    this.selectedRows = null;
    this.splom = null;
    this.distValues = null;
    this.distHistogram = null;
    this.projections = null;
    const num = numericColumns(meta);
    this.x = num[0]?.name ?? null;
    this.y = num[1]?.name ?? num[0]?.name ?? null;
    this.color = defaultClass(meta);
    this.size = null;
    this.splomColumns = num.slice(0, 4).map((c) => c.name);
    this.splomClass = defaultClass(meta);
    this.distColumn = num[0]?.name ?? null;
    this.distClass = defaultClass(meta);
    this.projClass = defaultClass(meta);
  }

  async loadCorrelation(): Promise<void> {
    const meta = this.meta;
    if (!meta) return;
    this.corrBusy = true;
    this.corrError = null;
    const t0 = performance.now();
    try {
      const r = await this.conn.call('ml.correlate', { datasetId: meta.id, method: this.method });
      if (this.meta?.id !== meta.id) return;
      this.corr = r;
      this.corrSeconds = (performance.now() - t0) / 1000;
    } catch (e) {
      if (!isCancelled(e)) this.corrError = errorNotice('Could not compute the correlations', e);
    } finally {
      this.corrBusy = false;
    }
  }

  setMethod(m: 'pearson' | 'spearman'): void {
    if (m === this.method) return;
    this.method = m;
    void this.loadCorrelation();
  }

  /** Open the scatter plot of a pair (from a heatmap cell, a projection or the selectors). */
  async openScatter(x: string, y: string): Promise<void> {
    this.x = x;
    this.y = y;
    this.tab = 'scatter';
    await this.loadScatter();
  }

  async loadScatter(): Promise<void> {
    const meta = this.meta;
    if (!meta || !this.x || !this.y) return;
    const seq = ++this.scatterSeq;
    const columns = [this.x, this.y, ...(this.color ? [this.color] : []), ...(this.size ? [this.size] : [])];
    this.scatterBusy = true;
    this.scatterError = null;
    this.selection = [];
    this.selectedRows = null;
    this.firstPaintMs = null;
    this.openedAt = performance.now();
    try {
      const r = await this.conn.call('explore.columns', { id: meta.id, columns: [...new Set(columns)], maxRows: SCATTER_MAX_ROWS });
      if (seq !== this.scatterSeq) return;
      this.scatter = r;
    } catch (e) {
      if (seq === this.scatterSeq) this.scatterError = errorNotice('Could not read the columns for the scatter plot', e);
    } finally {
      if (seq === this.scatterSeq) this.scatterBusy = false;
    }
  }

  /** The chart finished a paint: the first one after opening is the "open → painted" time. */
  painted(): void {
    if (this.firstPaintMs === null && this.scatter && !this.scatterBusy) this.firstPaintMs = performance.now() - this.openedAt;
  }

  /** The values of a fetched column by name. */
  column(r: ColumnsResult | null, name: string | null): { values: Float64Array; levels: string[] | null } | null {
    if (!r || !name) return null;
    const i = r.columns.indexOf(name);
    return i < 0 ? null : { values: r.values[i]!, levels: r.levels[i] ?? null };
  }

  /** A brush changed: select the points inside (on the arrays), then fetch their rows (debounced). */
  brushed(areas: BrushArea[]): void {
    const r = this.scatter;
    const xs = this.column(r, this.x);
    const ys = this.column(r, this.y);
    if (!r || !xs || !ys) return;
    const idx = selectInAreas(xs.values, ys.values, areas);
    const ids = r.rowIds ? idx.map((i) => r.rowIds![i]!) : idx;
    this.selection = ids;
    clearTimeout(this.selTimer);
    this.selTimer = setTimeout(() => void this.fetchSelected(ids), 200);
  }

  private async fetchSelected(ids: number[]): Promise<void> {
    const meta = this.meta;
    if (!meta) return;
    if (!ids.length) {
      this.selectedRows = null;
      return;
    }
    this.selectedBusy = true;
    try {
      const page = await this.conn.call('datasets.rows', { id: meta.id, offset: 0, limit: MAX_SELECTED_ROWS, rowIds: ids.slice(0, MAX_SELECTED_ROWS) });
      if (this.selection !== ids) return;
      this.selectedRows = decodeRows(page.ipc);
    } catch (e) {
      this.notices.error('Could not read the selected rows', e);
    } finally {
      this.selectedBusy = false;
    }
  }

  toggleSplomColumn(name: string): void {
    const has = this.splomColumns.includes(name);
    if (has) this.splomColumns = this.splomColumns.filter((c) => c !== name);
    else if (this.splomColumns.length < MAX_SPLOM_COLUMNS) this.splomColumns = [...this.splomColumns, name];
  }

  async loadSplom(): Promise<void> {
    const meta = this.meta;
    if (!meta || this.splomColumns.length < 2) return;
    this.splomBusy = true;
    try {
      const cols = [...this.splomColumns, ...(this.splomClass && !this.splomColumns.includes(this.splomClass) ? [this.splomClass] : [])];
      // The matrix draws at most a few thousand rows per cell: ask for a sample.
      this.splom = await this.conn.call('explore.columns', { id: meta.id, columns: cols, maxRows: 5000 });
    } catch (e) {
      this.notices.error('Could not read the columns for the scatter-plot matrix', e);
    } finally {
      this.splomBusy = false;
    }
  }

  async loadDistributions(): Promise<void> {
    const meta = this.meta;
    const col = this.distColumn;
    if (!meta || !col) return;
    this.distBusy = true;
    try {
      const cls = this.distClass && this.distClass !== col ? this.distClass : null;
      const [values, histogram] = await Promise.all([
        this.conn.call('explore.columns', { id: meta.id, columns: cls ? [col, cls] : [col] }),
        this.conn.call('datasets.histogram', { id: meta.id, column: col, bins: 24, ...(cls ? { by: cls } : {}) }),
      ]);
      this.distValues = values;
      this.distHistogram = histogram;
    } catch (e) {
      this.notices.error('Could not compute the distributions', e);
    } finally {
      this.distBusy = false;
    }
  }

  async runProjections(): Promise<void> {
    const meta = this.meta;
    if (!meta || !this.projClass) return;
    this.projAbort?.abort();
    const abort = new AbortController();
    this.projAbort = abort;
    this.projBusy = true;
    this.projProgress = null;
    try {
      this.projections = await this.conn.call(
        'explore.projections',
        { id: meta.id, classColumn: this.projClass },
        { signal: abort.signal, onProgress: (p) => (this.projProgress = p) },
      );
    } catch (e) {
      if (isCancelled(e)) this.notices.push({ ...errorNotice('Projections cancelled', e), level: 'info' });
      else this.notices.error('Could not rank the projections', e);
    } finally {
      if (this.projAbort === abort) {
        this.projBusy = false;
        this.projAbort = null;
      }
    }
  }

  cancelProjections(): void {
    this.projAbort?.abort();
  }
}
