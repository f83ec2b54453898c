/**
 * Rows of one dataset for the virtual grid: pages fetched from datasets.rows,
 * kept in an LRU, fetched in the order the grid wants them (visible first,
 * then the neighbours), with requests for pages scrolled away cancelled.
 */
import { isCancelled } from '../../src-shared/errors.ts';
import { decodeRows, type RowBlock } from '../lib/arrow.ts';
import { LruCache } from '../lib/lru.ts';
import { pageSizeFor } from '../lib/grid-window.ts';
import type { Connection } from './connection.svelte.ts';

const MAX_IN_FLIGHT = 3;

export class RowSource {
  /** Bumped whenever a page arrives, so the grid redraws. */
  version = $state(0);
  error = $state<string | null>(null);
  readonly pageSize: number;

  private readonly cache = new LruCache<number, RowBlock>(64);
  private readonly inFlight = new Map<number, AbortController>();
  private wanted: number[] = [];
  private disposed = false;

  constructor(
    private readonly conn: Connection,
    readonly datasetId: string,
    readonly totalRows: number,
    columnCount: number,
  ) {
    this.pageSize = pageSizeFor(columnCount);
  }

  /** The pages the grid needs now, most urgent first. Starts fetches, cancels the stale ones. */
  want(pages: number[]): void {
    if (this.disposed) return;
    this.wanted = pages;
    const keep = new Set(pages);
    for (const [p, c] of this.inFlight) {
      if (!keep.has(p)) {
        c.abort();
        this.inFlight.delete(p);
      }
    }
    for (const p of pages) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) break;
      if (this.cache.has(p)) {
        this.cache.get(p);
        continue;
      }
      if (!this.inFlight.has(p)) void this.fetch(p);
    }
  }

  /** The block holding `row` and the row's index in it, or null while it loads. Reactive. */
  locate(row: number): { block: RowBlock; index: number } | null {
    void this.version;
    const page = Math.floor(row / this.pageSize);
    const block = this.cache.peek(page);
    if (!block) return null;
    const index = row - page * this.pageSize;
    return index < block.count ? { block, index } : null;
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.inFlight.values()) c.abort();
    this.inFlight.clear();
    this.cache.clear();
  }

  private async fetch(page: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(page, controller);
    const offset = page * this.pageSize;
    const limit = Math.min(this.pageSize, this.totalRows - offset);
    try {
      const res = await this.conn.call('datasets.rows', { id: this.datasetId, offset, limit }, { signal: controller.signal });
      if (this.disposed || controller.signal.aborted) return;
      this.cache.set(page, decodeRows(res.ipc));
      this.error = null;
      this.version++;
    } catch (e) {
      if (!isCancelled(e) && !this.disposed) this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (this.inFlight.get(page) === controller) this.inFlight.delete(page);
    }
    // Fetch what was left waiting behind the in-flight limit.
    if (!this.disposed && !this.error) this.want(this.wanted);
  }
}
