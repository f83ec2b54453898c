/** Messages between the parallel importer and its parse worker. */
import type { ColumnKind } from '../../../src-shared/dataset.ts';
import type { SegmentReport, SegmentSetup, SegmentTask, StateSeed } from './segment.ts';
import type { AccState, ColumnStats } from './stats.ts';

export type ToWorker =
  | { t: 'init'; setup: SegmentSetup; seeds: StateSeed[] | null; size: number }
  | { t: 'seg'; task: SegmentTask }
  | { t: 'recycle'; buf: ArrayBuffer }
  | { t: 'end' }
  | { t: 'final'; jobs: { j: number; kind: ColumnKind; parts: AccState[] }[] };

export type FromWorker =
  | { t: 'hello' }
  | { t: 'chunk'; k: number; rows: number; ipc: Uint8Array }
  | { t: 'seg'; report: SegmentReport }
  | { t: 'end'; states: StateSeed[]; accs: AccState[] }
  | { t: 'final'; results: { j: number; stats: ColumnStats }[] }
  | { t: 'error'; code: string; message: string };
