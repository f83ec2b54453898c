/** The app's state, one object: the connection and the services built on it. */
import type { AppInfo } from '../../src-shared/contract/index.ts';
import { Compare } from './compare.svelte.ts';
import { Connection } from './connection.svelte.ts';
import { Datasets } from './datasets.svelte.ts';
import { Explore } from './explore.svelte.ts';
import { Importer } from './importer.svelte.ts';
import { Jobs } from './jobs.svelte.ts';
import { Models } from './models.svelte.ts';
import { Networks } from './nn.svelte.ts';
import { Notices } from './notices.svelte.ts';
import { Teach } from './teach.svelte.ts';

/** The centre of the window: the data grid, the comparison board, the model library, charts, the k-means lesson. */
export type View = 'data' | 'compare' | 'models' | 'explore' | 'teach' | 'nn';

export class Workbench {
  readonly conn = new Connection();
  readonly notices = new Notices();
  readonly jobs = new Jobs(this.conn, this.notices);
  readonly datasets = new Datasets(this.conn, this.notices);
  readonly importer = new Importer(this.conn, this.datasets, this.notices);
  readonly models = new Models(this.conn, this.notices);
  readonly compare = new Compare(this.conn, this.notices, this.models);
  readonly nn = new Networks(this.conn, this.notices, this.models);
  readonly explore = new Explore(this.conn, this.notices);
  readonly teach = new Teach(this.conn, this.notices);
  info = $state.raw<AppInfo | null>(null);
  view = $state<View>('data');

  /** Switch the centre view; the board and the library load their lists when first shown. */
  setView(v: View): void {
    this.view = v;
    if (v === 'compare') void this.compare.refreshRuns();
    if (v === 'models') void this.models.refresh();
  }

  start(): void {
    this.conn.onOpen(() => void this.load());
    this.conn.connect();
  }

  private async load(): Promise<void> {
    try {
      this.info = await this.conn.call('app.info', undefined);
    } catch (e) {
      this.notices.error('Could not reach the engine', e);
      return;
    }
    await Promise.all([this.datasets.refresh(), this.jobs.refresh()]);
    const d = this.datasets;
    if (d.selectedId === null) {
      const first = d.imported[0] ?? d.samples[0];
      if (first) await d.select(first.id);
    } else {
      await d.select(d.selectedId);
    }
  }
}
