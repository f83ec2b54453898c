/** The model library (models.list), with rename and delete; refreshed on models.changed. */
import type { ModelSummary } from '../../src-shared/contract/ml.ts';
import type { ExportFormat } from '../../src-shared/contract/models-io.ts';
import { downloadBytes } from '../lib/download.ts';
import { errorNotice, noticeId, type Notice } from '../lib/notices.ts';
import { mlApi, type MlApi } from '../lib/compare/ml-api.ts';
import type { Connection } from './connection.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export class Models {
  list = $state.raw<ModelSummary[]>([]);
  loaded = $state(false);
  private readonly ml: MlApi;

  /** The id being exported and the format, while it runs (the buttons show it). */
  exporting = $state<string | null>(null);

  constructor(
    private readonly conn: Connection,
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

  /** Describe (a longer note kept with the model and written into its file). */
  async describe(id: string, name: string, description: string): Promise<Notice | null> {
    try {
      await this.ml.call('models.rename', { id, name, description });
      await this.refresh();
      return null;
    } catch (e) {
      return errorNotice('Could not save the description', e);
    }
  }

  /** Export through models.exportFile and download every file it gives (TF.js: model.json and its weights). */
  async exportFile(id: string, format: ExportFormat): Promise<void> {
    this.exporting = `${id}:${format}`;
    try {
      const r = await this.conn.call('models.exportFile', { id, format });
      downloadBytes(r.fileName, r.bytes);
      for (const f of r.extraFiles ?? []) downloadBytes(f.fileName, f.bytes);
    } catch (e) {
      this.notices.error(`Could not export the model as ${format === 'lathe' ? '.lathe' : format === 'onnx' ? 'ONNX' : 'TensorFlow.js'}`, e);
    } finally {
      this.exporting = null;
    }
  }

  /** Load a .lathe file into the library (models.importFile checks it completely). */
  async importFile(file: File): Promise<ModelSummary | null> {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const m = await this.conn.call('models.importFile', { fileName: file.name, bytes });
      await this.refresh();
      this.notices.push({ id: noticeId(), level: 'info', title: 'Model loaded', code: 'LOADED', message: `"${m.name}" is in the library.` });
      return m;
    } catch (e) {
      this.notices.error(`Could not load ${file.name}`, e);
      return null;
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
