/** Running jobs from `job` events, with cancel through jobs.cancel. */
import type { JobInfo } from '../../src-shared/jobs.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';

const KEEP_FINISHED_MS = 4000;

export class Jobs {
  list = $state.raw<JobInfo[]>([]);

  constructor(
    private readonly conn: Connection,
    private readonly notices: Notices,
  ) {
    conn.on('job', (j) => this.update(j));
  }

  async refresh(): Promise<void> {
    try {
      const all = await this.conn.call('jobs.list', undefined);
      this.list = all.filter((j) => j.state === 'queued' || j.state === 'running');
    } catch (e) {
      this.notices.error('Could not list the running jobs', e);
    }
  }

  update(j: JobInfo): void {
    const others = this.list.filter((x) => x.id !== j.id);
    this.list = [...others, j].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    if (j.state === 'done' || j.state === 'cancelled' || j.state === 'failed') {
      setTimeout(() => {
        this.list = this.list.filter((x) => x.id !== j.id || (x.state !== 'done' && x.state !== 'cancelled' && x.state !== 'failed'));
      }, KEEP_FINISHED_MS);
    }
  }

  async cancel(id: string): Promise<void> {
    try {
      await this.conn.call('jobs.cancel', { jobId: id });
    } catch (e) {
      this.notices.error('Could not cancel the job', e);
    }
  }
}
