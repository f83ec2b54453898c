/**
 * Imports dropped or opened files one after the other: in Electron by path
 * (the preload knows a dropped file's path), in browser mode by uploading the
 * bytes first. Progress, cancel, and what went wrong are shown to the person.
 */
import type { ImportResult } from '../../src-shared/dataset.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { isCancelled } from '../../src-shared/errors.ts';
import { conflictsNotice, errorNotice, noticeId, warningNotice, withFileName } from '../lib/notices.ts';
import { formatCount, formatDuration } from '../lib/format.ts';
import { bridge } from '../lib/transport.ts';
import { uploadFile } from '../lib/upload.ts';
import type { Connection } from './connection.svelte.ts';
import type { Datasets } from './datasets.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export interface ImportView {
  fileName: string;
  fileSize: number;
  progress: Progress;
  cancelling: boolean;
}

export class Importer {
  skipBadRows = $state(false);
  current = $state.raw<ImportView | null>(null);
  /** Files still waiting behind the current one. */
  waiting = $state(0);

  private controller: AbortController | null = null;
  private readonly queue: File[] = [];
  private running = false;

  constructor(
    private readonly conn: Connection,
    private readonly datasets: Datasets,
    private readonly notices: Notices,
  ) {}

  enqueue(files: Iterable<File>): void {
    for (const f of files) this.queue.push(f);
    this.waiting = this.queue.length;
    if (!this.running) void this.drain();
  }

  /** Cancel the running import and drop the waiting ones. */
  cancel(): void {
    this.queue.length = 0;
    this.waiting = 0;
    if (this.current) this.current = { ...this.current, cancelling: true };
    this.controller?.abort();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let file = this.queue.shift(); file; file = this.queue.shift()) {
        this.waiting = this.queue.length;
        await this.importOne(file);
      }
    } finally {
      this.running = false;
      this.current = null;
      this.controller = null;
    }
  }

  private async importOne(file: File): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    this.current = { fileName: file.name, fileSize: file.size, cancelling: false, progress: { fraction: null, phase: 'starting' } };
    const onProgress = (p: Progress): void => {
      if (this.controller === controller && this.current) this.current = { ...this.current, progress: p };
    };
    const skipBadRows = this.skipBadRows;
    let uploadId = '';
    try {
      let result: ImportResult;
      const path = bridge()?.pathForFile?.(file);
      if (path) {
        result = await this.conn.call('datasets.importPath', { path, skipBadRows }, { signal, onProgress });
      } else {
        onProgress({ fraction: null, phase: 'uploading', bytes: 0, totalBytes: file.size });
        uploadId = await uploadFile(file, signal);
        result = await this.conn.call('datasets.importUpload', { uploadId, fileName: file.name, skipBadRows }, { signal, onProgress });
      }
      this.report(file.name, result);
      await this.datasets.refresh();
      await this.datasets.select(result.dataset.id);
    } catch (e) {
      if (isCancelled(e) || signal.aborted) {
        this.notices.push({ id: noticeId(), level: 'info', title: `Import of ${file.name} cancelled`, code: 'CANCELLED', message: 'Nothing was added.' });
      } else {
        this.notices.push(withFileName(errorNotice(`Import of ${file.name} failed`, e), uploadId, file.name));
      }
    }
  }

  private report(fileName: string, r: ImportResult): void {
    const d = r.dataset;
    for (const w of d.warnings) this.notices.push(warningNotice(fileName, w));
    this.notices.push(conflictsNotice(fileName, d.conflicts));
    const skipped = r.skippedRows > 0 ? `; ${formatCount(r.skippedRows)} bad rows skipped` : '';
    this.notices.push({
      id: noticeId(),
      level: 'info',
      title: `Imported ${d.name}`,
      code: 'IMPORTED',
      message: `${formatCount(d.rows)} rows × ${d.columns.length} columns in ${formatDuration(r.seconds)}${skipped}.`,
    });
  }
}
