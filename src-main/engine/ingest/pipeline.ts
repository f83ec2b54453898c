/**
 * The pipelined CSV path: two threads, each doing a different half of the
 * work on every chunk. The parse worker (pipe-worker.ts) reads, tokenizes,
 * parses and encodes; the import thread, which owns the sink (the SQLite
 * connection and its transaction), writes each chunk and adds its decoded
 * columns (views into the IPC bytes) to the statistics, then gives the
 * buffer back. Wall time is about the slower half instead of the sum.
 *
 * To balance the halves, the worker can defer a few text/date/integer
 * columns (pipe-worker.ts DEFAULT_SPLIT, 0 by default since the worker's
 * kernels made it the quicker half) to this thread from its second chunk on: it
 * sends their field offsets and a copy of the chunk's bytes (DeferredFields)
 * and, once, their column states; this thread builds them (class Deferred,
 * the same buildColumn/trackConflict code), encodes the whole chunk and,
 * owning those states, decides with the worker's whether a second pass runs.
 *
 * Everything the sequential path decides (kinds, the second pass, conflicts,
 * skipped rows, errors with their lines) is decided by the same code in the
 * worker; the statistics see the same values in the same order, so the
 * outcome is the same. The worker ends once it has sent its last chunk, so
 * its buffers are freed before the final statistics (quartiles, distinct
 * counts, histograms) take their memory here.
 *
 * A worker that cannot start or dies throws Fallback: the importer resets
 * the sink and imports sequentially.
 */
import type { Worker } from 'node:worker_threads';
import type { ColumnKind } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { ColumnData } from '../arrow/types.ts';
import { encodeBatchStream } from '../arrow/ipc-write.ts';
import type { ColumnLayout } from '../arrow/ipc-write.ts';
import { cancelledError, stringDecoder } from './csv-pass.ts';
import type { PassResult } from './csv-pass.ts';
import type { ChunkSink } from './import.ts';
import { buildColumn, stateFrom, trackConflict } from './infer.ts';
import type { ArrayPool, ChunkContext, ColumnState } from './infer.ts';
import { Fallback } from './parallel.ts';
import type { ChunkColumn, DeferredFields, FromPipe, Handover, PipeRun, ToPipe } from './pipeline-protocol.ts';
import { StatsAccumulator } from './stats.ts';
import type { ColumnStats, FinalState } from './stats.ts';
import { Tokenizer } from './tokenizer.ts';
import { K_EMPTY, K_STRING } from './values.ts';
import { startIngestWorker } from './start-worker.ts';

/** Starts the parse worker, or null when this build has none. */
function startWorker(): Worker | null {
  return startIngestWorker('pipe-worker', 'lathe-pipe');
}

/** The parse worker as a queue of messages. */
export class PipeLink {
  private readonly queue: FromPipe[] = [];
  private dead = false;
  private wake: (() => void) | null = null;

  private watched: AbortSignal | null = null;
  /** when the worker said hello (performance.now()), 0 before */
  helloAt = 0;

  private constructor(private readonly w: Worker) {
    w.on('message', (m: FromPipe) => {
      if (m.t !== 'hello') this.queue.push(m);
      else this.helloAt = performance.now();
      this.poke();
    });
    w.on('error', () => this.die());
    w.on('exit', () => this.die());
  }

  /** Starts the worker (it loads while the import thread sniffs the file); null when there is none. */
  static start(): PipeLink | null {
    try {
      const w = startWorker();
      return w ? new PipeLink(w) : null;
    } catch {
      return null;
    }
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

  send(m: ToPipe, transfer: ArrayBuffer[] = []): void {
    this.w.postMessage(m, transfer);
  }

  /** The next message; throws CANCELLED on abort and Fallback when the worker is gone. */
  async take(signal: AbortSignal | undefined, path: string): Promise<FromPipe> {
    if (signal && this.watched !== signal) {
      this.watched = signal;
      signal.addEventListener('abort', () => this.poke(), { once: true });
    }
    for (;;) {
      if (signal?.aborted) throw cancelledError(path);
      const m = this.queue.shift();
      if (m) return m;
      if (this.dead) throw new Fallback('the parse worker stopped');
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  close(): void {
    void this.w.terminate();
  }
}

export interface PipelineInput {
  link: PipeLink;
  run: PipeRun;
  spillDir: string;
  sink: ChunkSink;
  signal: AbortSignal | undefined;
  tick: (phase: string, bytes: number, rows: number, force: boolean, message?: string) => void;
}

export interface PipelineOutcome {
  states: ColumnState[];
  result: PassResult;
  /** per column, computed under statsKind(states[j]) */
  stats: ColumnStats[];
}

/** Let the worker compute half of the numeric columns' final statistics (tests turn it off to compare). */
export const OFFLOAD = { stats: true };
const SECOND_PASS = 'second pass: rewriting chunks with the widened kinds';

/**
 * Where the last pipelined import spent its time (for the benchmark), in ms
 * from the start of pipelineImport: the first and last chunk's arrival, the
 * end of the final statistics; the worker's busy time and this thread's time
 * writing chunks and feeding the statistics.
 */
export const lastPipeline = {
  /** this thread's clock (performance.now()) at the start of pipelineImport */
  startMs: 0,
  /** when the worker had loaded, from the start (negative: before it) */
  helloMs: 0,
  firstChunkMs: 0,
  lastChunkMs: 0,
  statsDoneMs: 0,
  workerBusyMs: 0,
  importBusyMs: 0,
  /** of importBusyMs: building the deferred columns and encoding the chunk, writing it, the running statistics */
  importBuildMs: 0,
  importWriteMs: 0,
  importStatsMs: 0,
  /** of importBuildMs: encoding */
  importEncodeMs: 0,
  deferredColumns: 0,
};

/** The kind a column's statistics are computed under ('text' for any string column). */
export function statsKind(st: ColumnState): ColumnKind {
  if (st.k === K_STRING) return 'text';
  if (st.k === K_EMPTY) return 'float';
  return st.kind();
}

/** Imports the CSV over two threads. See the module comment. */
export async function pipelineImport(inp: PipelineInput): Promise<PipelineOutcome> {
  const { link, run, sink, signal, tick } = inp;
  const path = run.path;
  const names = run.prepared.names;
  const ncols = names.length;
  let accs = names.map(() => new StatsAccumulator(inp.spillDir));
  const scratch: Scratch[] = names.map(() => ({}));
  const side = new Deferred(run);
  try {
    const t0 = performance.now();
    let busy = 0;
    let tBuild = 0;
    let tWrite = 0;
    let tStats = 0;
    let tEncode = 0;
    lastPipeline.firstChunkMs = 0;
    lastPipeline.startMs = t0;
    link.send({ t: 'run', run });
    let rows = 0;
    for (;;) {
      const m = await link.take(signal, path);
      switch (m.t) {
        case 'chunk': {
          const tc = performance.now();
          if (!lastPipeline.firstChunkMs) lastPipeline.firstChunkMs = tc - t0;
          const bufs = [m.ipc.buffer as ArrayBuffer];
          if (m.defer) {
            // build the deferred columns here, then write the whole chunk
            const columns: ColumnData[] = new Array(ncols);
            const addStats: boolean[] = new Array(ncols);
            m.own.forEach((j, k) => {
              columns[j] = viewColumn(m.ipc, m.rows, m.cols[k]!, scratch[j]!);
              addStats[j] = m.addStats[j]!;
            });
            side.build(m.rows, m.defer, m.pass, columns, addStats);
            const te = performance.now();
            const ipc = side.encode(names, columns, m.rows);
            tEncode += performance.now() - te;
            const tw = performance.now();
            tBuild += tw - tc;
            sink.write(m.rows, ipc);
            const ts = performance.now();
            tWrite += ts - tw;
            for (let j = 0; j < ncols; j++) {
              if (!addStats[j]) continue;
              const c = columns[j]!;
              const at: ChunkColumn = { storage: c.storage, ...side.layout[j]!, ...(c.storage === 'string' ? { dictionary: c.dictionary } : {}) };
              accs[j]!.add(viewColumn(ipc, m.rows, at, scratch[j]!));
            }
            tStats += performance.now() - ts;
            bufs.push(m.defer.bytes.buffer as ArrayBuffer);
          } else {
            sink.write(m.rows, m.ipc);
            const ts = performance.now();
            tWrite += ts - tc;
            for (let j = 0; j < ncols; j++) if (m.addStats[j]) accs[j]!.add(viewColumn(m.ipc, m.rows, m.cols[j]!, scratch[j]!));
            tStats += performance.now() - ts;
          }
          if (m.handover) side.take(m.handover);
          rows += m.rows;
          // the accumulators copied what they keep: the buffers go back
          link.send({ t: 'recycle', bufs }, bufs);
          busy += performance.now() - tc;
          tick(m.pass === 1 ? 'parse' : 'write', m.bytes, rows, false, m.pass === 2 ? SECOND_PASS : undefined);
          break;
        }
        case 'end': {
          const states = m.states.map((s, j) => {
            const own = side.states.get(j);
            if (own) return own;
            const st = stateFrom(names[j]!, s, true);
            st.conflict = s.conflict;
            return st;
          });
          if (m.pass === 1 && states.some((s) => s.sigs.size > 1)) {
            // a chunk was written with another storage than the final kind
            sink.reset();
            for (const a of accs) a.dispose();
            accs = names.map(() => new StatsAccumulator(inp.spillDir));
            rows = 0;
            tick('write', 0, 0, true, SECOND_PASS);
            link.send({ t: 'pass2' });
            break;
          }
          side.release();
          lastPipeline.lastChunkMs = performance.now() - t0;
          // every other numeric column's final statistics go to the worker, idle now
          // (each is one streamed pass over its spill file: the halves run side by side)
          const jobs: { kind: ColumnKind; state: FinalState }[] = [];
          const away: number[] = [];
          if (OFFLOAD.stats) {
            let k = 0;
            states.forEach((st, j) => {
              const kind = statsKind(st);
              if (kind === 'text' || kind === 'boolean' || k++ % 2 === 0) return;
              const state = accs[j]!.exportFinal();
              if (!state) return;
              jobs.push({ kind, state });
              away.push(j);
            });
          }
          if (jobs.length) link.send({ t: 'stats', jobs }, jobs.map((jb) => jb.state.tail.buffer));
          const stats: (ColumnStats | null)[] = states.map((st, j) => (away.includes(j) ? null : accs[j]!.result(statsKind(st))));
          if (jobs.length) {
            const r = await link.take(signal, path);
            if (r.t === 'error') throw LatheError.fromWire(r.error);
            if (r.t !== 'stats') throw new LatheError('INTERNAL', `The parse worker sent '${r.t}' instead of the statistics of ${path}.`, { file: path });
            away.forEach((j, k) => (stats[j] = r.results[k]!));
          }
          link.close();
          lastPipeline.statsDoneMs = performance.now() - t0;
          lastPipeline.workerBusyMs = m.busyMs;
          lastPipeline.helloMs = link.helloAt ? link.helloAt - t0 : NaN;
          lastPipeline.importBusyMs = busy;
          lastPipeline.importBuildMs = tBuild;
          lastPipeline.importWriteMs = tWrite;
          lastPipeline.importStatsMs = tStats;
          lastPipeline.importEncodeMs = tEncode;
          lastPipeline.deferredColumns = side.cols.length;
          return { states, result: m.result, stats: stats as ColumnStats[] };
        }
        case 'error':
          throw LatheError.fromWire(m.error);
        default:
          throw new LatheError('INTERNAL', `The parse worker sent '${m.t}' in the middle of an import of ${path}.`, { file: path });
      }
    }
  } finally {
    for (const a of accs) a.dispose();
  }
}

/**
 * The import thread's share of the parsing: the columns the worker defers
 * (text and dates, from its second chunk on) are built here from the fields
 * it sends, by the same code and with the column states handed over, so
 * kinds, conflicts and values come out as on one thread.
 */
class Deferred {
  /** the deferred columns, in column order */
  cols: number[] = [];
  readonly states = new Map<number, ColumnState>();
  layout: ColumnLayout[] = [];
  private tok: Tokenizer;
  private readonly pool: ArrayPool[] = [];
  private readonly dec: number;
  private readonly str: (b: Uint8Array, s: number, e: number) => string;
  private out: ArrayBuffer | null = null;

  constructor(private readonly run: PipeRun) {
    const d = run.prepared.dialect;
    this.dec = d.decimal === ',' ? 44 : 46;
    this.str = stringDecoder(d.encoding);
    this.tok = this.shell(0);
  }

  /** A tokenizer without arrays of its own: build() points it at each chunk's deferred fields. */
  private shell(ncols: number): Tokenizer {
    const d = this.run.prepared.dialect;
    return new Tokenizer({ delimiter: d.delimiter.charCodeAt(0), quote: d.quote.charCodeAt(0), ncols, skipBadRows: this.run.skipBadRows, file: this.run.path }, 0);
  }

  take(h: Handover): void {
    this.cols = h.cols;
    h.cols.forEach((j, k) => {
      const s = h.states[k]!;
      const st = stateFrom(this.run.prepared.names[j]!, s, true);
      st.conflict = s.conflict;
      this.states.set(j, st);
    });
    this.tok = this.shell(h.cols.length);
    for (let k = 0; k < h.cols.length; k++) this.pool.push({});
  }

  /** Builds the deferred columns of a chunk into `columns` (and their addStats), as csvPass's emit does. */
  build(n: number, f: DeferredFields, pass: 1 | 2, columns: ColumnData[], addStats: boolean[]): void {
    const tok = this.tok;
    tok.starts = f.starts;
    tok.ends = f.ends;
    tok.flags = f.flags;
    tok.lines = f.lines;
    tok.nrec = n;
    if (tok.capacity < n) tok.capacity = n;
    const ctx: ChunkContext = { buf: f.bytes, tok, n, dec: this.dec, str: this.str, pool: this.pool };
    this.cols.forEach((j, k) => {
      const st = this.states.get(j)!;
      columns[j] = buildColumn(ctx, k, st);
      if (pass === 1) {
        st.sigs.add(st.sig());
        trackConflict(ctx, k, st, true);
      }
      addStats[j] = pass === 2 || st.sigs.size === 1;
    });
  }

  /** The whole chunk as an IPC stream, in a buffer reused from chunk to chunk (the sink copies what it keeps). */
  encode(names: string[], columns: ColumnData[], rows: number): Uint8Array {
    this.layout = [];
    return encodeBatchStream({ names, columns, rows }, (bytes) => {
      if (!this.out || this.out.byteLength < bytes) this.out = new ArrayBuffer(Math.ceil(bytes * 1.1));
      return new Uint8Array(this.out);
    }, this.layout);
  }

  release(): void {
    this.out = null;
    this.pool.length = 0;
  }
}

/** Arrays a column's views reuse from chunk to chunk (the accumulators copy what they keep). */
interface Scratch {
  nulls?: Uint8Array;
  f64?: Float64Array;
  u8?: Uint8Array;
}

/** Bit i of ipc[at...] set → 0 in out[i], else 1 (a validity bitmap → null flags), or the bits as 0/1 when `ones`. */
function expandBits(ipc: Uint8Array, at: number, rows: number, out: Uint8Array, ones: boolean): Uint8Array {
  const v = ones ? 1 : 0;
  for (let i = 0; i < rows; i++) out[i] = (ipc[at + (i >> 3)]! >> (i & 7)) & 1 ? v : 1 - v;
  return out;
}

/** Column j of an encoded chunk as the statistics read it: views into the bytes where the layout allows. */
function viewColumn(ipc: Uint8Array, rows: number, c: ChunkColumn, s: Scratch): ColumnData {
  const buf = ipc.buffer;
  const at = ipc.byteOffset + c.data;
  let nulls: Uint8Array | undefined;
  if (c.validity >= 0) {
    if (!s.nulls || s.nulls.length < rows) s.nulls = new Uint8Array(rows);
    nulls = expandBits(ipc, c.validity, rows, s.nulls.subarray(0, rows), false);
  }
  const withNulls = nulls ? { nulls } : {};
  switch (c.storage) {
    case 'float64':
      return { storage: 'float64', values: new Float64Array(buf, at, rows), ...withNulls };
    case 'int32':
      return { storage: 'int32', values: new Int32Array(buf, at, rows), ...withNulls };
    case 'string':
      return { storage: 'string', codes: new Int32Array(buf, at, rows), dictionary: c.dictionary ?? [], ...withNulls };
    case 'bool': {
      if (!s.u8 || s.u8.length < rows) s.u8 = new Uint8Array(rows);
      return { storage: 'bool', values: expandBits(ipc, c.data, rows, s.u8.subarray(0, rows), true), ...withNulls };
    }
    case 'timestamp': {
      // int64 milliseconds → float64 (exact below 2^53)
      if (!s.f64 || s.f64.length < rows) s.f64 = new Float64Array(rows);
      const out = s.f64.subarray(0, rows);
      const w = new Int32Array(buf, at, 2 * rows);
      for (let i = 0; i < rows; i++) out[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
      return { storage: 'timestamp', values: out, ...withNulls };
    }
  }
}
