/** The model library (models.list), with rename and delete; refreshed on models.changed. */
import type { ModelSummary } from '../../src-shared/contract/ml.ts';
import { errorNotice, type Notice } from '../lib/notices.ts';
import { mlApi, type MlApi } from '../lib/compare/ml-api.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export class Models {
  list = $state.raw<ModelSummary[]>([]);
  loaded = $state(false);
  private readonly ml: MlApi;

  constructor(
    conn: Connection,
    private readonly notices: Notices,
  ) {
    this.ml = mlApi(conn);
    this.ml.on('models.changed', () => {
      if (this.loaded) void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    try {
      this.list = await this.ml.call('models.list', undefined);
      this.loaded = true;
    } catch (e) {
      this.notices.error('Could not list the saved models', e);
    }
  }

  /** Rename; the error is returned for the inline editor to show next to the field. */
  async rename(id: string, name: string): Promise<Notice | null> {
    try {
      await this.ml.call('models.rename', { id, name });
      await this.refresh();
      return null;
    } catch (e) {
      return errorNotice('Rename failed', e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.ml.call('models.delete', { id });
      await this.refresh();
    } catch (e) {
      this.notices.error('Could not delete the model', e);
    }
  }
}
