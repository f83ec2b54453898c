/** The notices the person sees (errors, warnings, infos), newest first, each dismissible. */
import { errorNotice, type Notice } from '../lib/notices.ts';
import { isCancelled } from '../../src-shared/errors.ts';

export class Notices {
  list = $state.raw<Notice[]>([]);

  push(n: Notice | null): void {
    if (n) this.list = [n, ...this.list].slice(0, 20);
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
