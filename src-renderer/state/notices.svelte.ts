/** The notices the person sees (errors, warnings, infos), newest first, each dismissible. */
import { errorNotice, type Notice } from '../lib/notices.ts';
import { isCancelled } from '../../src-shared/errors.ts';

const INFO_MS = 6000;

export class Notices {
  list = $state.raw<Notice[]>([]);

  push(n: Notice | null): void {
    if (!n) return;
    this.list = [n, ...this.list].slice(0, 20);
    // Good news fades; errors and warnings stay until dismissed.
    if (n.level === 'info') setTimeout(() => this.dismiss(n.id), INFO_MS);
  }

  /** Show an error unless it is a cancellation (never shown as a failure). */
  error(title: string, e: unknown): void {
    if (isCancelled(e)) return;
    this.push(errorNotice(title, e));
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  clear(): void {
    this.list = [];
  }
}
