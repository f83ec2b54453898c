/** Messages between the pipelined importer (pipeline.ts) and its parse worker (pipe-worker.ts). */
import type { ColumnKind, KindConflict, StorageType } from '../../../src-shared/dataset.ts';
import type { WireError } from '../../../src-shared/errors.ts';
import type { ColumnLayout } from '../arrow/ipc-write.ts';
import type { PassResult, Prepared } from './csv-pass.ts';
import type { StateSeed } from './infer.ts';
import type { ColumnStats, FinalState } from './stats.ts';

export interface PipeRun {
  path: string;
  gzip: boolean;
  prepared: Prepared;
  skipBadRows: boolean;
  chunkRows: number;
  /** at most this many text/date columns are built by the import thread (default: pipe-worker.ts's DEFAULT_SPLIT) */
  split?: number;
}

/** A column of an encoded chunk: its storage and buffer offsets (ipc-write.ts), and a string column's dictionary. */
export interface ChunkColumn extends ColumnLayout {
  storage: StorageType;
  dictionary?: string[];
}

/**
 * The fields of the columns the import thread builds itself (pipeline.ts),
 * for one chunk: views into one transferred buffer. starts/ends/flags are
 * n × D row-major (D deferred columns, in column order) with offsets into
 * `bytes`, a copy of the chunk's bytes; lines: each record's line.
 */
export interface DeferredFields {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  lines: Int32Array;
}

/** The deferred columns and their states, handed to the import thread with the first chunk of pass 1. */
export interface Handover {
  cols: number[];
  states: (StateSeed & { conflict: KindConflict | null })[];
}

export type ToPipe =
  | { t: 'run'; run: PipeRun }
  /** pass 1 wrote a chunk with another storage than a column's final kind: read the file again */
  | { t: 'pass2' }
  /** a chunk's buffers, written: the worker copies later chunks into them */
  | { t: 'recycle'; bufs: ArrayBuffer[] }
  /** after the last pass: the final statistics of these numeric columns (the import thread does the others meanwhile) */
  | { t: 'stats'; jobs: { kind: ColumnKind; state: FinalState }[] };

export type FromPipe =
  | { t: 'hello' }
  /**
   * One encoded chunk (its buffer transferred); `bytes`: raw bytes of the
   * file read so far; `cols`: where each column lies in `ipc`, for the
   * statistics to read it in place.
   */
  /**
   * `own`: the column index of each of `ipc`'s columns (all of them, or those
   * not deferred); `defer`: the deferred columns' fields; `handover`: the
   * columns deferred from the next chunk on, with their states.
   */
  | {
      t: 'chunk';
      rows: number;
      ipc: Uint8Array;
      addStats: boolean[];
      cols: ChunkColumn[];
      own: number[];
      defer?: DeferredFields;
      handover?: Handover;
      bytes: number;
      pass: 1 | 2;
    }
  /**
   * The end of a pass; the import thread answers pass 1's with 'pass2' when a
   * column's storage changed, else ends the worker. `states`: the deferred
   * columns' entries are stale (the import thread owns them). `busyMs`: the
   * worker's event loop active time so far (waits not counted).
   */
  | { t: 'end'; pass: 1 | 2; states: (StateSeed & { conflict: KindConflict | null })[]; result: PassResult; busyMs: number }
  /** the answer to 'stats', in its order */
  | { t: 'stats'; results: ColumnStats[] }
  | { t: 'error'; error: WireError };
