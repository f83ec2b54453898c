/**
 * The parallel CSV path: the import thread and one parse worker share the
 * file's segments (segment.ts) on demand, each parsing whole segments into
 * Arrow chunks; the import thread writes the chunks to the sink in file
 * order, holding at most a few segments that finished early.
 *
 * Kinds: the import thread parses segment 0 alone first, so both parsers
 * start from the kinds the first chunk suggests, exactly as the sequential
 * path would after its first chunk. Each parser widens on its own; at the
 * end the two states are joined, and when any chunk was written with
 * another storage than the final kind, a second parallel pass rewrites
 * every chunk with the final kinds (the sequential path's second pass).
 * Statistics: each parser accumulates its own rows (numbers spilled to
 * files); at the end the numeric columns are split between the two threads,
 * each reading both parsers' values of its columns.
 *
 * Anything unexpected (a parse error, a segment bound inside quotes, a
 * worker that dies) throws Fallback: the importer resets the sink and runs
 * the sequential path, which reports errors with exact line numbers.
 */
import type { Worker } from 'node:worker_threads';
import type { ColumnKind, Dialect, KindConflict } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { ChunkSink, ImportHooks } from './import.ts';
import { ColumnState } from './infer.ts';
import type { FromWorker, ToWorker } from './parallel-protocol.ts';
import { SegmentParser, seedOf } from './segment.ts';
import type { SegmentReport, SegmentSetup, StateSeed } from './segment.ts';
import { releaseStatsScratch } from './stats.ts';
import type { AccState, ColumnStats } from './stats.ts';
import { K_BOOL, K_DATE, K_EMPTY, K_FLOAT, K_INT, K_STRING } from './values.ts';
import { startIngestWorker } from './start-worker.ts';

/** The parallel path gave up; the caller resets the sink and imports sequentially. */
export class Fallback extends Error {}

export interface ParallelInput {
  path: string;
  size: number;
  dataStart: number;
  headerLines: number;
  dialect: Dialect;
  names: string[];
  skipBadRows: boolean;
  rowsCap: number;
  segmentBytes: number;
  spillDir: string;
  sink: ChunkSink;
  hooks: ImportHooks | undefined;
  waitForWorker: boolean;
  tick: (phase: string, bytes: number, rows: number, message?: string) => void;
}

/** What the last parallel import did (for tests and the benchmark). */
export const lastParallel = { workerSegments: 0, mainSegments: 0, passes: 0 };

export interface ParallelOutcome {
  rows: number;
  skipped: number;
  skippedLines: number[];
  /** final states (conflicts filled, `to` still the inferred kind) */
  states: ColumnState[];
  /** per column, computed under kind(states[j]) ('text' for strings) */
  stats: ColumnStats[];
}

/** Starts the parse worker, or null when this build has none. */
function startWorker(): Worker | null {
  return startIngestWorker('parse-worker', 'lathe-parse');
}

/** The worker as a queue of messages. */
class Link {
  readonly queue: FromWorker[] = [];
  ready = false;
  dead = false;
  /** segment being parsed there */
  busy: number | null = null;
  /** parsed at least one segment in this pass */
  contributed = false;
  private wake: (() => void) | null = null;

  constructor(readonly w: Worker) {
    w.on('message', (m: FromWorker) => {
      if (m.t === 'hello') this.ready = true;
      else this.queue.push(m);
      this.poke();
    });
    w.on('error', () => this.die());
    w.on('exit', () => this.die());
  }

  private die(): void {
    this.dead = true;
    this.poke();
  }

  private poke(): void {
    const f = this.wake;
    this.wake = null;
    f?.();
  }

  send(m: ToWorker): void {
    this.w.postMessage(m);
  }

  /** Hands a written chunk's buffer back (transferred: it leaves this heap at once). */
  recycle(buf: ArrayBuffer): void {
    const m: ToWorker = { t: 'recycle', buf };
    this.w.postMessage(m, [buf]);
  }

  /** Resolves when a message arrives or the worker dies. */
  next(): Promise<void> {
    if (this.queue.length || this.dead) return Promise.resolve();
    return new Promise((r) => {
      this.wake = r;
    });
  }
}

const tickAway = (): Promise<void> => new Promise((r) => setImmediate(r));

function kindOf(st: ColumnState): ColumnKind {
  if (st.k === K_STRING) return 'text';
  if (st.k === K_EMPTY) return 'float';
  return st.kind();
}

/** Joins two parsers' states of one column (kinds only widen). */
function joinStates(a: ColumnState, b: StateSeed): void {
  const sigs = [...a.sigs, ...b.sigs];
  a.sigs = new Set(sigs);
  a.hasTime ||= b.hasTime;
  a.wide ||= b.wide;
  if (b.k === K_EMPTY || a.k === b.k) {
    if (a.k === K_DATE && b.k === K_DATE) {
      a.dmask &= b.dmask;
      if (!a.dmask) {
        a.k = K_STRING;
        a.dmask = -1;
      }
    }
    return;
  }
  if (a.k === K_EMPTY) {
    a.k = b.k;
    a.dmask = b.dmask;
    return;
  }
  if ((a.k === K_INT && b.k === K_FLOAT) || (a.k === K_FLOAT && b.k === K_INT)) a.k = K_FLOAT;
  else {
    a.k = K_STRING;
    a.dmask = -1;
  }
}

interface Pending {
  chunks: { rows: number; ipc: Uint8Array; fromWorker: boolean }[];
  report: SegmentReport | null;
}

/** Imports the CSV over both cores. See the module comment. */
export async function parallelImport(inp: ParallelInput): Promise<ParallelOutcome> {
  const signal = inp.hooks?.signal;
  const cancelled = (): LatheError => new LatheError('CANCELLED', `The import of ${inp.path} was cancelled.`, { file: inp.path });
  const body = inp.size - inp.dataStart;
  const nseg = Math.max(1, Math.ceil(body / inp.segmentBytes));
  const offset = (k: number): number => (k >= nseg ? inp.size : inp.dataStart + k * inp.segmentBytes);
  const task = (k: number) => ({ k, o0: offset(k), o1: offset(k + 1), first: k === 0, last: k === nseg - 1 });

  let worker: Worker | null = null;
  try {
    worker = nseg > 1 ? startWorker() : null;
  } catch {
    worker = null;
  }
  const link = worker ? new Link(worker) : null;
  let main: SegmentParser | null = null;
  try {
    let seeds: StateSeed[] | null = null;
    let kept: (KindConflict | null)[] = [];
    for (let pass = 1 as 1 | 2; ; pass = 2) {
      const setup: SegmentSetup = { path: inp.path, dialect: inp.dialect, names: inp.names, skipBadRows: inp.skipBadRows, rowsCap: inp.rowsCap, spillDir: inp.spillDir, pass };
      main?.close();
      main = new SegmentParser(setup, seeds, inp.size);
      const mp: SegmentParser = main;
      const pending = new Map<number, Pending>();
      const reports: SegmentReport[] = [];
      let writeNext = 0;
      let nextSeg = 0;
      let rows = 0;
      const message = pass === 2 ? 'second pass: rewriting chunks with the widened kinds' : undefined;
      const slot = (k: number): Pending => {
        let p = pending.get(k);
        if (!p) pending.set(k, (p = { chunks: [], report: null }));
        return p;
      };
      const flush = (): void => {
        for (;;) {
          const p = pending.get(writeNext);
          if (!p) return;
          for (const c of p.chunks) {
            inp.sink.write(c.rows, c.ipc);
            rows += c.rows;
            if (c.fromWorker && link && !link.dead) link.recycle(c.ipc.buffer as ArrayBuffer);
          }
          p.chunks = [];
          if (!p.report) return;
          reports.push(p.report);
          pending.delete(writeNext);
          writeNext++;
          inp.tick(pass === 1 ? 'parse' : 'write', p.report.end, rows, message);
        }
      };
      const runMain = (k: number): void => {
        const p = slot(k);
        lastParallel.mainSegments++;
        let report: SegmentReport;
        try {
          report = mp.parse(task(k), (n, ipc) => {
            if (k === writeNext) {
              inp.sink.write(n, ipc);
              rows += n;
            } else p.chunks.push({ rows: n, ipc, fromWorker: false });
          });
        } catch (e) {
          if (e instanceof LatheError && e.code !== 'INTERNAL') throw new Fallback(e.message);
          throw e;
        }
        p.report = report;
        flush();
      };
      const drain = (): void => {
        if (!link) return;
        while (link.queue.length) {
          const m = link.queue.shift()!;
          if (m.t === 'chunk') slot(m.k).chunks.push({ rows: m.rows, ipc: m.ipc, fromWorker: true });
          else if (m.t === 'seg') {
            slot(m.report.k).report = m.report;
            link.busy = null;
            link.contributed = true;
            lastParallel.workerSegments++;
          } else if (m.t === 'error') throw new Fallback(`parse worker: ${m.message}`);
          else throw new LatheError('INTERNAL', `The parse worker sent ${m.t} in the middle of a pass.`);
        }
        flush();
      };

      // pass 1: segment 0 alone, so both parsers start from the first chunk's kinds
      if (pass === 1) {
        lastParallel.workerSegments = 0;
        lastParallel.mainSegments = 0;
        runMain(nextSeg++);
        seeds = mp.states.map(seedOf);
        while (inp.waitForWorker && link && !link.ready && !link.dead) await link.next();
      }
      lastParallel.passes = pass;
      let workerInit = false;
      const useWorker = (): boolean => !!link && !link.dead && link.ready;
      while (writeNext < nseg) {
        if (signal?.aborted) throw cancelled();
        drain();
        if (link?.dead && (link.busy !== null || link.contributed)) throw new Fallback('the parse worker stopped');
        if (useWorker() && link!.busy === null && nextSeg < nseg) {
          if (!workerInit) {
            link!.send({ t: 'init', setup, seeds: pass === 1 ? seeds!.map((s) => ({ ...s, sigs: [] })) : seeds, size: inp.size });
            workerInit = true;
          }
          link!.busy = nextSeg;
          link!.send({ t: 'seg', task: task(nextSeg++) });
        }
        if (nextSeg < nseg && nextSeg - writeNext <= 2) {
          runMain(nextSeg++);
          await tickAway();
          continue;
        }
        if (writeNext >= nseg) break;
        if (link && !link.dead && link.busy !== null) await link.next();
        else await tickAway();
      }

      // join the worker's states and statistics
      let workerAccs: AccState[] | null = null;
      if (link && link.contributed) {
        link.send({ t: 'end' });
        for (;;) {
          if (link.queue.length) {
            const m = link.queue.shift()!;
            if (m.t === 'end') {
              workerAccs = m.accs;
              m.states.forEach((s, j) => {
                const st = mp.states[j]!;
                if (pass === 1 && st.earlyK !== K_EMPTY && s.earlyK !== K_EMPTY && (st.earlyK !== s.earlyK || st.earlyTime !== s.earlyTime)) {
                  throw new Fallback('the parsers disagree on a column\'s early kind');
                }
                if (st.earlyK === K_EMPTY) {
                  st.earlyK = s.earlyK;
                  st.earlyMask = s.earlyMask;
                  st.earlyTime = s.earlyTime;
                }
                joinStates(st, s);
              });
              break;
            }
            if (m.t === 'error') throw new Fallback(`parse worker: ${m.message}`);
            continue;
          }
          if (link.dead) throw new Fallback('the parse worker stopped');
          await link.next();
        }
        link.contributed = false;
      }
      const states: ColumnState[] = mp.states;
      // conflicts and skipped rows, in file order with absolute lines
      let line = 1 + inp.headerLines;
      let skipped = 0;
      const skippedLines: number[] = [];
      const conflicts: (KindConflict | null)[] = states.map(() => null);
      for (const r of reports) {
        const base = line - 1;
        skipped += r.skipped;
        for (const l of r.skippedLines) if (skippedLines.length < 10) skippedLines.push(l + base);
        r.conflicts.forEach((c, j) => {
          if (!c) return;
          const into = (conflicts[j] ??= { ...c, count: 0, examples: [] });
          into.count += c.count;
          for (const ex of c.examples) if (into.examples.length < 5) into.examples.push({ line: ex.line + base, value: ex.value });
        });
        line += r.lines;
      }
      if (pass === 1) kept = conflicts;
      states.forEach((st, j) => (st.conflict = kept[j] ?? null));

      if (pass === 1 && states.some((s) => s.sigs.size > 1)) {
        // chunks were written with another storage than the final kind
        for (const a of mp.accs) a.dispose();
        if (signal?.aborted) throw cancelled();
        inp.sink.reset();
        inp.tick('write', 0, 0, 'second pass: rewriting chunks with the widened kinds');
        seeds = states.map((s) => ({ ...seedOf(s), sigs: [] }));
        continue;
      }

      // statistics: numeric columns split between the threads
      inp.tick('stats', inp.size, rows);
      const stats: ColumnStats[] = new Array(states.length);
      const jobs: { j: number; kind: ColumnKind; parts: AccState[] }[] = [];
      let alt = 0;
      states.forEach((st, j) => {
        const acc = mp.accs[j]!;
        const numeric = st.k !== K_STRING && st.k !== K_EMPTY && st.k !== K_BOOL;
        if (workerAccs && link && !link.dead && numeric && alt++ % 2 === 1) {
          jobs.push({ j, kind: kindOf(st), parts: [acc.exportState(), workerAccs[j]!] });
        } else if (workerAccs) acc.mergeState(workerAccs[j]!);
      });
      if (jobs.length) link!.send({ t: 'final', jobs });
      const mine = new Set(jobs.map((x) => x.j));
      states.forEach((st, j) => {
        if (!mine.has(j)) stats[j] = mp.accs[j]!.result(kindOf(st));
      });
      releaseStatsScratch();
      if (jobs.length) {
        for (;;) {
          if (link!.queue.length) {
            const m = link!.queue.shift()!;
            if (m.t === 'final') {
              for (const r of m.results) stats[r.j] = r.stats;
              break;
            }
            if (m.t === 'error') throw new LatheError('INTERNAL', `Column statistics in the parse worker: ${m.message}`);
            continue;
          }
          if (link!.dead) throw new Fallback('the parse worker stopped');
          await link!.next();
        }
      }
      return { rows, skipped, skippedLines, states, stats };
    }
  } finally {
    if (main) {
      for (const a of main.accs) a.dispose();
      main.close();
    }
    if (worker) void worker.terminate();
  }
}

