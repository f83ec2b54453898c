/**
 * The parse side of the pipelined CSV importer (see pipeline.ts): reads and
 * parses the whole file (and the second pass when a kind widens), encodes
 * each chunk and transfers it to the import thread, which writes it and
 * keeps the statistics. At most MAX_IN_FLIGHT chunks are on their way at
 * once, so a slow writer holds the parser back instead of piling up chunks.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../src-shared/errors.ts';
import { encodeBatchStream } from '../arrow/ipc-write.ts';
import type { ColumnLayout } from '../arrow/ipc-write.ts';
import { csvPass, readPrelude } from './csv-pass.ts';
import type { PassResult, PassState } from './csv-pass.ts';
import { ColumnState, seedOf } from './infer.ts';
import type { ChunkColumn, FromPipe, PipeRun, ToPipe } from './pipeline-protocol.ts';
import { openSource } from './source.ts';

const port = parentPort;
if (!port) throw new Error('pipe-worker.ts runs as a worker thread');

/**
 * Chunks sent and not yet given back by the import thread. One is enough:
 * writing a chunk takes the import thread a fraction of the time parsing the
 * next takes here, so its buffer is back before the next is encoded.
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
  const i = spare.findIndex((b) => b.byteLength >= bytes);
  // room to grow: later chunks may be a little longer
  const b = i >= 0 ? spare.splice(i, 1)[0]! : new ArrayBuffer(Math.ceil(bytes * 1.1));
  return new Uint8Array(b);
}

async function room(): Promise<void> {
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
}

async function run(r: PipeRun): Promise<void> {
  const elu0 = performance.eventLoopUtilization();
  const { path, gzip, prepared, skipBadRows, chunkRows } = r;
  const names = prepared.names;
  const states = names.map((n) => new ColumnState(n));
  let result: PassResult | undefined;
  for (let pass: 1 | 2 = 1; ; pass = 2) {
    const src = await openSource(path, gzip);
    try {
      const pre = await readPrelude(path, src, Buffer.allocUnsafe(READ_BUFFER), gzip, prepared);
      const ps: PassState = {
        path,
        dialect: prepared.dialect,
        names,
        states,
        skipBadRows,
        signal: undefined,
        pass,
        onChunk: async (rows, columns, addStats) => {
          await room();
          const layout: ColumnLayout[] = [];
          const own = encodeBatchStream({ names, columns, rows }, carrier, layout);
          const cols: ChunkColumn[] = columns.map((c, j) => {
            const col: ChunkColumn = { storage: c.storage, ...layout[j]! };
            if (c.storage === 'string' && addStats[j]) col.dictionary = c.dictionary;
            return col;
          });
          inFlight++;
          post({ t: 'chunk', rows, ipc: own, addStats, cols, bytes: src.rawBytes, pass }, [own.buffer as ArrayBuffer]);
        },
        onProgress: () => undefined,
      };
      result = await csvPass(ps, pre, src, chunkRows);
    } finally {
      await src.close();
    }
    if (pass === 2 || !states.some((s) => s.sigs.size > 1)) break;
    // a chunk was written with another storage than the final kind
    post({ t: 'reset' });
  }
  const busyMs = performance.eventLoopUtilization(elu0).active;
  post({ t: 'end', states: states.map((s) => ({ ...seedOf(s), conflict: s.conflict })), result, busyMs });
}

port.on('message', (m: ToPipe) => {
  switch (m.t) {
    case 'run':
      run(m.run).catch((e: unknown) => post({ t: 'error', error: toWireError(e) }));
      return;
    case 'recycle': {
      inFlight--;
      if (spare.length < MAX_IN_FLIGHT) spare.push(m.buf);
      const f = wake;
      wake = null;
      f?.();
      return;
    }
  }
});

post({ t: 'hello' });
