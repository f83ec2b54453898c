/** The dataset list, the selected dataset and column, and the edits on them. */
import type { ColumnKind, ColumnRole, DatasetMeta, DatasetSummary } from '../../src-shared/dataset.ts';
import { errorNotice, type Notice } from '../lib/notices.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import { RowSource } from './rows.svelte.ts';

/** Changes that need fresh row pages (a kind override can change how values are stored). */
function storageKey(m: DatasetMeta): string {
  return `${m.id}|${m.rows}|${m.columns.map((c) => `${c.name}:${c.storage}:${c.kind}`).join(',')}`;
}

export class Datasets {
  list = $state.raw<DatasetSummary[]>([]);
  loaded = $state(false);
  selectedId = $state<string | null>(null);
  meta = $state.raw<DatasetMeta | null>(null);
  rows = $state.raw<RowSource | null>(null);
  selectedColumn = $state<string | null>(null);
  /** The last refused column edit (BAD_KIND...), shown in the column panel. */
  columnError = $state.raw<Notice | null>(null);
  busyColumn = $state(false);

  samples = $derived(this.list.filter((d) => d.sample));
  imported = $derived(this.list.filter((d) => !d.sample));
  column = $derived(this.meta?.columns.find((c) => c.name === this.selectedColumn) ?? null);

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
  ) {
    conn.on('datasets.changed', (e) => void this.onChanged(e.ids));
  }

  async refresh(): Promise<void> {
    try {
      this.list = await this.conn.call('datasets.list', undefined);
      this.loaded = true;
    } catch (e) {
      this.notices.error('Could not list the datasets', e);
    }
  }

  async select(id: string | null): Promise<void> {
    this.selectedId = id;
    this.columnError = null;
    if (id === null) {
      this.setMeta(null);
      return;
    }
    try {
      const meta = await this.conn.call('datasets.get', { id });
      if (this.selectedId === id) this.setMeta(meta);
    } catch (e) {
      this.notices.error('Could not open the dataset', e);
    }
  }

  selectColumn(name: string | null): void {
    this.selectedColumn = name;
    this.columnError = null;
  }

  /** Rename; the error is returned for the inline editor to show next to the field. */
  async rename(id: string, name: string): Promise<Notice | null> {
    try {
      const meta = await this.conn.call('datasets.rename', { id, name });
      if (this.selectedId === id) this.setMeta(meta);
      await this.refresh();
      return null;
    } catch (e) {
      return errorNotice('Rename failed', e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.conn.call('datasets.delete', { id });
      if (this.selectedId === id) await this.select(null);
      await this.refresh();
    } catch (e) {
      this.notices.error('Could not delete the dataset', e);
    }
  }

  async setColumn(column: string, patch: { kind?: ColumnKind; role?: ColumnRole }): Promise<void> {
    const meta = this.meta;
    if (!meta) return;
    this.busyColumn = true;
    this.columnError = null;
    try {
      const next = await this.conn.call('datasets.setColumn', { id: meta.id, column, ...patch });
      if (this.selectedId === meta.id) this.setMeta(next);
    } catch (e) {
      this.columnError = errorNotice(`Could not change "${column}"`, e);
    } finally {
      this.busyColumn = false;
    }
  }

  private setMeta(meta: DatasetMeta | null): void {
    const old = this.meta;
    this.meta = meta;
    if (!meta) {
      this.rows?.dispose();
      this.rows = null;
      this.selectedColumn = null;
      return;
    }
    if (!old || !this.rows || storageKey(old) !== storageKey(meta)) {
      this.rows?.dispose();
      this.rows = new RowSource(this.conn, meta.id, meta.rows, meta.columns.length);
    }
    if (this.selectedColumn !== null && !meta.columns.some((c) => c.name === this.selectedColumn)) this.selectedColumn = null;
  }

  private async onChanged(ids: string[]): Promise<void> {
    await this.refresh();
    const sel = this.selectedId;
    if (sel === null || (ids.length > 0 && !ids.includes(sel))) return;
    if (!this.list.some((d) => d.id === sel)) {
      await this.select(null);
      return;
    }
    try {
      const meta = await this.conn.call('datasets.get', { id: sel });
      if (this.selectedId === sel) this.setMeta(meta);
    } catch {
      // deleted meanwhile: the list refresh above tells the story
    }
  }
}
