/**
 * Opening the one SQLite file (WAL) and taking its write lock without
 * blocking the event loop. Used by the main thread and by workers, each with
 * its own connection.
 */
import Database from 'better-sqlite3';
import { LatheError, throwIfAborted } from '../../../src-shared/errors.ts';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

export const DB_FILE = 'lathe.db';

export interface OpenOptions {
  readonly?: boolean;
  /** Run the migrations (the main thread does; workers open an already migrated file). */
  migrate?: boolean;
}

export function openDb(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new LatheError('FILE_UNREADABLE', `Cannot open the data file ${file}: ${(e as Error).message}. Check the data folder's permissions or choose another --data-dir.`, { file });
  }
  // A fresh file can still choose incremental vacuum and its page size (both must precede the first table).
  // 64 KiB pages: datasets are multi-megabyte Arrow BLOBs, which then take 16× fewer overflow pages;
  // a 1M-row import's insert + commit + checkpoint drops from ~0.54 s to ~0.28 s (an existing file keeps its size).
  if (!opts.readonly && (db.pragma('user_version', { simple: true }) as number) === 0) {
    db.pragma('page_size = 65536');
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  if (!opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Short: a thread waits for the write lock with writeTransaction's async loop, never in SQLite.
  db.pragma('busy_timeout = 100');
  db.pragma('cache_size = -16000');
  if (opts.migrate) {
    try {
      migrate(db, undefined, file);
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return db;
}

export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WriteLockOptions {
  signal?: AbortSignal;
  /** Give up after this long (default 10 minutes: a big import holds the lock that long). */
  timeoutMs?: number;
  /** Called once when the lock is not free at once (e.g. to report "waiting"). */
  onWait?: () => void;
}

/**
 * Take SQLite's write lock (BEGIN IMMEDIATE) without waiting inside SQLite:
 * another connection (an import in a worker) may hold it for seconds, and a
 * synchronous busy wait would freeze the thread. Retries on a timer instead,
 * staying responsive to the signal.
 */
export async function beginImmediate(db: Db, opts: WriteLockOptions = {}): Promise<void> {
  const started = Date.now();
  const timeout = opts.timeoutMs ?? 10 * 60_000;
  let delay = 5;
  let waited = false;
  for (;;) {
    throwIfAborted(opts.signal, 'Waiting for the data file');
    const saved = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (e) {
      if (!isBusy(e)) throw e;
    } finally {
      db.pragma(`busy_timeout = ${saved}`);
    }
    if (!waited) {
      waited = true;
      opts.onWait?.();
    }
    if (Date.now() - started > timeout) {
      throw new LatheError(
        'INTERNAL',
        `The data file stayed locked by another write for ${Math.round(timeout / 1000)} s. Wait for running imports to finish and try again.`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Run `fn` in one write transaction, taken with beginImmediate; rolls back when fn throws. */
export async function writeTransaction<T>(db: Db, fn: () => T, opts: WriteLockOptions = {}): Promise<T> {
  await beginImmediate(db, opts);
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}
