/**
 * The parse side of the pipelined CSV importer (see pipeline.ts): reads and
 * parses the whole file (and the second pass when a kind widens), encodes
 * each chunk and transfers it to the import thread, which writes it and
 * keeps the statistics. At most MAX_IN_FLIGHT chunks are on their way at
 * once, so a slow writer holds the parser back instead of piling up chunks.
 */
import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../src-shared/errors.ts';
import { encodeBatchStream } from '../arrow/ipc-write.ts';
import type { ColumnLayout } from '../arrow/ipc-write.ts';
import { csvPass, readPrelude } from './csv-pass.ts';
import type { PassResult, PassState } from './csv-pass.ts';
import { ColumnState, seedOf } from './infer.ts';
import type { ChunkContext } from './infer.ts';
import type { ChunkColumn, DeferredFields, FromPipe, Handover, PipeRun, ToPipe } from './pipeline-protocol.ts';
import { openSource } from './source.ts';
import { StatsAccumulator } from './stats.ts';
import { K_DATE, K_INT, K_STRING } from './values.ts';

const port = parentPort;
if (!port) throw new Error('pipe-worker.ts runs as a worker thread');

/**
 * Chunks sent and not yet given back by the import thread. One is enough:
 * the import thread's time per chunk (its deferred columns included) stays
 * below this thread's, so the buffers are back before the next chunk is
 * ready. Two measured the same wall time (A/B x6: in-process medians 1.02
 * vs 1.03 s) with ~3 MB more peak RSS (medians 131 vs 134 MB).
 */
export const MAX_IN_FLIGHT = 1;

/**
 * The read buffer's first size: a pipelined chunk (at most 32,768 rows) of
 * a typical table fits with room for the next read, and every byte of it
 * becomes resident as the file streams through (the sequential path's 8 MB
 * would be 4 MB more of the memory budget). Longer rows grow it.
 */
const READ_BUFFER = 4 << 20;

function post(m: FromPipe, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

// Buffers the import thread gave back after writing their chunk: each new
// chunk is encoded into one, so the import thread never holds garbage chunks
// (a transferred buffer is freed only when that thread's heap is collected).
const spare: ArrayBuffer[] = [];
let inFlight = 0;
let wake: (() => void) | null = null;

function carrier(bytes: number): Uint8Array {
  // the smallest that fits (a chunk's encoded columns and its deferred fields differ in size)
  let i = -1;
  for (let k = 0; k < spare.length; k++) if (spare[k]!.byteLength >= bytes && (i < 0 || spare[k]!.byteLength < spare[i]!.byteLength)) i = k;
  // room to grow: later chunks may be a little longer
  const b = i >= 0 ? spare.splice(i, 1)[0]! : new ArrayBuffer(Math.ceil(bytes * 1.1));
  return new Uint8Array(b);
}

async function room(): Promise<void> {
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
}

/**
 * How many columns at most go to the import thread (text first, then dates,
 * then integers: text and dates cost the most per column to build) when it
 * would otherwise idle for lack of chunks. Since the tokenizer and the
 * number columns run in WebAssembly (csv-kernel.ts) this thread is the
 * quicker half on the 12-column bench: 0 measured best (interleaved x4,
 * wall 0.95-1.15 s; 1: 1.00-1.32 s; 2: 1.03-1.40 s; a deferred column costs
 * the import thread more than building it here, the fields' copy included).
 * Before the kernels, 4 balanced best. Empty columns stay (their kind is
 * still open); floats stay (this thread's own share).
 */
const DEFAULT_SPLIT = 0;

/** Copies the deferred columns' fields of the chunk in ctx into one transferable buffer. */
function deferredFields(ctx: ChunkContext, cols: number[]): DeferredFields {
  const { tok, n, buf } = ctx;
  const ncols = tok.ncols;
  const d = cols.length;
  // fields lie in file order: the first record's first deferred field starts
  // the range, the last record's last deferred field ends it
  let lo = tok.starts[cols[0]!]!;
  let hi = tok.ends[(n - 1) * ncols + cols[d - 1]!]!;
  if (hi < lo) lo = hi = 0;
  const nd = n * d;
  const at = 4 * (3 * nd + n);
  const size = at + nd + (hi - lo);
  const out = carrier(size);
  const ab = out.buffer as ArrayBuffer;
  const starts = new Int32Array(ab, 0, nd);
  const ends = new Int32Array(ab, 4 * nd, nd);
  const lines = new Int32Array(ab, 8 * nd, n);
  const flags = new Uint8Array(ab, 4 * (2 * nd + n), nd);
  const bytes = new Uint8Array(ab, at, hi - lo);
  bytes.set(buf.subarray(lo, hi));
  lines.set(tok.lines.subarray(0, n));
  const ts = tok.starts;
  const te = tok.ends;
  const tf = tok.flags;
  for (let k = 0; k < d; k++) {
    const j = cols[k]!;
    for (let i = 0, o = k, idx = j; i < n; i++, o += d, idx += ncols) {
      starts[o] = ts[idx]! - lo;
      ends[o] = te[idx]! - lo;
      flags[o] = tf[idx]!;
    }
  }
  return { bytes, starts, ends, flags, lines };
}

interface Job {
  run: PipeRun;
  states: ColumnState[];
  /** the columns the import thread builds (from the second chunk of pass 1 on) */
  deferred: number[];
  elu0: EventLoopUtilization;
}

let job: Job | null = null;

async function pass(pass: 1 | 2): Promise<void> {
  const jb = job!;
  const { path, gzip, prepared, skipBadRows, chunkRows } = jb.run;
  const names = prepared.names;
  const states = jb.states;
  const all = names.map((_, j) => j);
  const split = jb.run.split ?? DEFAULT_SPLIT;
  let first = pass === 1;
  // blocking reads: this thread has nothing else to do while one runs
  const src = await openSource(path, gzip, true);
  let result: PassResult;
  try {
    const pre = await readPrelude(path, src, Buffer.allocUnsafe(READ_BUFFER), gzip, prepared);
    const flags = names.map((_, j) => jb.deferred.includes(j));
    const ps: PassState = {
      path,
      dialect: prepared.dialect,
      names,
      states,
      skipBadRows,
      signal: undefined,
      pass,
      defer: jb.deferred.length ? flags : null,
      onChunk: async (rows, columns, addStats, ctx) => {
        await room();
        const own = jb.deferred.length ? all.filter((j) => !flags[j]) : all;
        const layout: ColumnLayout[] = [];
        const ipc = encodeBatchStream({ names: own.map((j) => names[j]!), columns: own.map((j) => columns[j]!), rows }, carrier, layout);
        const cols: ChunkColumn[] = own.map((j, k) => {
          const c = columns[j]!;
          const col: ChunkColumn = { storage: c.storage, ...layout[k]! };
          if (c.storage === 'string' && addStats[j]) col.dictionary = c.dictionary;
          return col;
        });
        const transfer = [ipc.buffer as ArrayBuffer];
        let defer: DeferredFields | undefined;
        if (jb.deferred.length) {
          defer = deferredFields(ctx, jb.deferred);
          transfer.push(defer.bytes.buffer as ArrayBuffer);
        }
        let handover: Handover | undefined;
        if (first && split > 0) {
          // the first chunk's kinds choose the split; the import thread takes these columns' states
          const cut = [K_STRING, K_DATE, K_INT].flatMap((k) => all.filter((j) => states[j]!.k === k)).slice(0, split).sort((a, b) => a - b);
          if (cut.length && cut.length < names.length) {
            jb.deferred = cut;
            for (const j of cut) flags[j] = true;
            ps.defer = flags;
            handover = { cols: cut, states: cut.map((j) => ({ ...seedOf(states[j]!), conflict: states[j]!.conflict })) };
          }
        }
        first = false;
        inFlight++;
        post({ t: 'chunk', rows, ipc, addStats, cols, own, ...(defer ? { defer } : {}), ...(handover ? { handover } : {}), bytes: src.rawBytes, pass }, transfer);
      },
      onProgress: () => undefined,
    };
    result = await csvPass(ps, pre, src, chunkRows);
  } finally {
    await src.close();
  }
  const busyMs = performance.eventLoopUtilization(jb.elu0).active;
  post({ t: 'end', pass, states: states.map((s) => ({ ...seedOf(s), conflict: s.conflict })), result, busyMs });
}

function fail(e: unknown): void {
  post({ t: 'error', error: toWireError(e) });
}

port.on('message', (m: ToPipe) => {
  switch (m.t) {
    case 'run':
      job = { run: m.run, states: m.run.prepared.names.map((n) => new ColumnState(n)), deferred: [], elu0: performance.eventLoopUtilization() };
      pass(1).catch(fail);
      return;
    case 'pass2':
      pass(2).catch(fail);
      return;
    case 'stats':
      try {
        post({ t: 'stats', results: m.jobs.map((jb) => StatsAccumulator.finishFinal(jb.state, jb.kind)) });
      } catch (e) {
        fail(e);
      }
      return;
    case 'recycle': {
      inFlight--;
      // keep the largest (a smaller one would be replaced by a new buffer each chunk)
      spare.push(...m.bufs);
      spare.sort((a, b) => b.byteLength - a.byteLength);
      spare.length = Math.min(spare.length, 2 * MAX_IN_FLIGHT);
      const f = wake;
      wake = null;
      f?.();
      return;
    }
  }
});

post({ t: 'hello' });
