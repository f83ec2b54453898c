/**
 * Parsing one byte range ("segment") of a plain CSV file: the unit of work
 * the parallel importer hands to the import thread and to a parse worker.
 *
 * A segment is given as nominal offsets [o0, o1). Its real bounds are record
 * starts found the same way by whoever looks: the byte after the first LF at
 * or after o - 1 (the data start itself for the first segment, the file's end
 * for the last). That guess is wrong only when the LF sits inside a quoted
 * field; then the segment before it cannot close its last record at the
 * bound (it meets the end inside quotes and throws UNTERMINATED_QUOTE), so
 * every segment that parses cleanly proves the next one started on a real
 * record. Any error sends the importer back to the sequential path, which
 * reports it with exact lines.
 *
 * Line numbers here are relative (1 = the segment's first line); the
 * importer adds the line the segment starts on.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Dialect, KindConflict } from '../../../src-shared/dataset.ts';
import { encodeBatch } from '../arrow/ipc-write.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import { decodeCp1252 } from './sniff.ts';
import { ColumnState, buildColumn, stateFrom, trackConflict } from './infer.ts';
import type { ArrayPool, ChunkContext, StateSeed } from './infer.ts';

export { seedOf, stateFrom } from './infer.ts';
export type { StateSeed } from './infer.ts';
import { StatsAccumulator } from './stats.ts';
import type { AccState } from './stats.ts';
import { Tokenizer } from './tokenizer.ts';

export interface SegmentSetup {
  path: string;
  dialect: Dialect;
  names: string[];
  skipBadRows: boolean;
  rowsCap: number;
  spillDir: string;
  /** 1: kinds are inferred (conflicts tracked); 2: kinds are final */
  pass: 1 | 2;
}

/** A column's inference state, as it crosses threads. */
export interface SegmentTask {
  k: number;
  o0: number;
  o1: number;
  first: boolean;
  last: boolean;
}

export interface SegmentReport {
  k: number;
  /** real bounds */
  start: number;
  end: number;
  rows: number;
  /** physical lines the segment spans */
  lines: number;
  skipped: number;
  /** relative lines of the first skipped rows */
  skippedLines: number[];
  /** per column: values of this segment that contradict the early kind (relative lines), or null */
  conflicts: (KindConflict | null)[];
}

function stringDecoder(encoding: Dialect['encoding']): (b: Uint8Array, s: number, e: number) => string {
  if (encoding === 'utf-8') {
    const slice = Buffer.prototype.utf8Slice;
    return (b, s, e) => slice.call(b, s, e);
  }
  return (b, s, e) => decodeCp1252(b.subarray(s, e));
}

const PROBE = 64 << 10;

/** Parses segments of one file with one set of column states and statistics. */
export class SegmentParser {
  readonly states: ColumnState[];
  accs: StatsAccumulator[];
  private fd: number;
  private readonly tok: Tokenizer;
  private readonly pool: ArrayPool[];
  private buf: Buffer = Buffer.allocUnsafe(0);
  private readonly probe = Buffer.allocUnsafe(PROBE);
  private readonly dec: number;
  private readonly str: (b: Uint8Array, s: number, e: number) => string;
  readonly size: number;

  constructor(
    private readonly setup: SegmentSetup,
    seeds: StateSeed[] | null,
    size: number,
  ) {
    const { names, dialect } = setup;
    this.states = names.map((n, j) => (seeds ? stateFrom(n, seeds[j]!, false) : new ColumnState(n)));
    // numbers go to the spill file after every chunk: two parsers' buffers must fit the budget
    this.accs = names.map(() => new StatsAccumulator(setup.spillDir, 1));
    this.fd = openSync(setup.path, 'r');
    this.size = size;
    this.tok = new Tokenizer(
      { delimiter: dialect.delimiter.charCodeAt(0), quote: dialect.quote.charCodeAt(0), ncols: names.length, skipBadRows: setup.skipBadRows, file: setup.path },
      setup.rowsCap,
    );
    this.pool = names.map(() => ({}));
    this.dec = dialect.decimal === ',' ? 44 : 46;
    this.str = stringDecoder(dialect.encoding);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The first record start at or after nominal offset `o`: the byte after the first LF at ≥ o - 1. */
  recordStart(o: number): number {
    let p = o - 1;
    for (;;) {
      if (p >= this.size) return this.size;
      const n = readSync(this.fd, this.probe, 0, PROBE, p);
      if (n <= 0) return this.size;
      const i = this.probe.subarray(0, n).indexOf(10);
      if (i >= 0) return p + i + 1;
      p += n;
    }
  }

  /** Parses one segment, handing each chunk's Arrow IPC to `emit`. Throws on any bad input. */
  parse(task: SegmentTask, emit: (rows: number, ipc: Uint8Array) => void): SegmentReport {
    const start = task.first ? task.o0 : this.recordStart(task.o0);
    const end = task.last ? this.size : this.recordStart(task.o1);
    const tok = this.tok;
    tok.clear();
    tok.line = 1;
    tok.skipped = 0;
    tok.skippedLines = [];
    const report: SegmentReport = { k: task.k, start, end, rows: 0, lines: 0, skipped: 0, skippedLines: [], conflicts: this.states.map(() => null) };
    if (end <= start) return report;
    const len = end - start;
    if (this.buf.length < len) this.buf = Buffer.allocUnsafe(Math.ceil(len * 1.1));
    const buf = this.buf;
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, buf, got, len - got, start + got);
      if (n <= 0) break;
      got += n;
    }
    const pass1 = this.setup.pass === 1;
    for (const st of this.states) st.conflict = null;
    const names = this.setup.names;
    const ncols = names.length;
    let pos = 0;
    while (pos < got) {
      pos = tok.scan(buf, pos, got, true, this.setup.rowsCap);
      const n = tok.nrec;
      if (n === 0) break;
      const ctx: ChunkContext = { buf, tok, n, dec: this.dec, str: this.str, pool: this.pool };
      const columns: ColumnData[] = new Array(ncols);
      for (let j = 0; j < ncols; j++) {
        const st = this.states[j]!;
        columns[j] = buildColumn(ctx, j, st);
        if (pass1) {
          st.sigs.add(st.sig());
          trackConflict(ctx, j, st, true);
        }
      }
      const batch: Batch = { names, columns, rows: n };
      emit(n, encodeBatch(batch));
      // a column whose storage changed gets its statistics from the second pass
      for (let j = 0; j < ncols; j++) if (!pass1 || this.states[j]!.sigs.size === 1) this.accs[j]!.add(columns[j]!);
      report.rows += n;
      tok.clear();
    }
    report.lines = tok.line - 1;
    report.skipped = tok.skipped;
    report.skippedLines = tok.skippedLines;
    report.conflicts = this.states.map((st) => st.conflict);
    return report;
  }

  /** Every column's statistics so far, spilled to files the other thread can read. */
  exportStats(): AccState[] {
    return this.accs.map((a) => a.exportState());
  }
}
