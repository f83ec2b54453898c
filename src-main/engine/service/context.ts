/** What every service (group of contract methods) gets from the engine, and shared parameter checks. */
import type { AppInfo } from '../../../src-shared/contract/app.ts';
import type { EventName, Events } from '../../../src-shared/contract/index.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { JobSystem } from '../jobs/pool.ts';
import type { Store } from '../store/store.ts';

export interface ServiceDeps {
  store: Store;
  jobs: JobSystem;
  info: AppInfo;
  uploadsDir: string;
  /** Rows per stored chunk for imports (default: the importer's). */
  chunkRows?: number;
  /** Broadcast to every connected client. */
  emit<E extends EventName>(topic: E, data: Events[E]): void;
}

/** The params object of a call (carriers deliver untrusted data). */
export function paramsOf<T>(p: T, method: string): NonNullable<T> {
  if (!p || typeof p !== 'object' || Array.isArray(p)) {
    throw new LatheError('BAD_REQUEST', `${method} takes an object of parameters; got ${JSON.stringify(p) ?? 'nothing'}.`, { method });
  }
  return p as NonNullable<T>;
}
