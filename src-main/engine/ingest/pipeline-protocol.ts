/** Messages between the pipelined importer (pipeline.ts) and its parse worker (pipe-worker.ts). */
import type { KindConflict, StorageType } from '../../../src-shared/dataset.ts';
import type { WireError } from '../../../src-shared/errors.ts';
import type { ColumnLayout } from '../arrow/ipc-write.ts';
import type { PassResult, Prepared } from './csv-pass.ts';
import type { StateSeed } from './infer.ts';

export interface PipeRun {
  path: string;
  gzip: boolean;
  prepared: Prepared;
  skipBadRows: boolean;
  chunkRows: number;
}

/** A column of an encoded chunk: its storage and buffer offsets (ipc-write.ts), and a string column's dictionary. */
export interface ChunkColumn extends ColumnLayout {
  storage: StorageType;
  dictionary?: string[];
}

export type ToPipe =
  | { t: 'run'; run: PipeRun }
  /** a chunk's buffer, written: the worker copies a later chunk into it */
  | { t: 'recycle'; buf: ArrayBuffer };

export type FromPipe =
  | { t: 'hello' }
  /**
   * One encoded chunk (its buffer transferred); `bytes`: raw bytes of the
   * file read so far; `cols`: where each column lies in `ipc`, for the
   * statistics to read it in place.
   */
  | { t: 'chunk'; rows: number; ipc: Uint8Array; addStats: boolean[]; cols: ChunkColumn[]; bytes: number; pass: 1 | 2 }
  /** pass 1 wrote a chunk with another storage than a column's final kind: pass 2 follows */
  | { t: 'reset' }
  /** `busyMs`: the worker's event loop active time (reading waits and waits for a free buffer not counted) */
  | { t: 'end'; states: (StateSeed & { conflict: KindConflict | null })[]; result: PassResult; busyMs: number }
  | { t: 'error'; error: WireError };
