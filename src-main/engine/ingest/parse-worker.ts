/**
 * The parse worker of the parallel CSV importer (see parallel.ts): parses the
 * segments it is given into Arrow IPC chunks, which it transfers (not
 * copies) to the import thread, and at the end hands over its column states
 * and statistics, then computes the final statistics of the columns it is
 * asked for.
 */
import { parentPort } from 'node:worker_threads';
import { LatheError } from '../../../src-shared/errors.ts';
import { SegmentParser, seedOf } from './segment.ts';
import type { ToWorker, FromWorker } from './parallel-protocol.ts';
import { StatsAccumulator, releaseStatsScratch } from './stats.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');

let parser: SegmentParser | null = null;

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

/**
 * Buffers the import thread gave back after writing their chunk: each new
 * chunk is copied into one, so the import thread never collects garbage
 * chunks (a transferred buffer is freed only when its heap is collected, and
 * the import thread's heap hardly grows, so they would pile up).
 */
const spare: ArrayBuffer[] = [];

function carrier(u: Uint8Array): Uint8Array {
  const i = spare.findIndex((b) => b.byteLength >= u.byteLength);
  if (i >= 0) {
    const b = spare.splice(i, 1)[0]!;
    const out = new Uint8Array(b, 0, u.byteLength);
    out.set(u);
    return out;
  }
  // room to grow: later chunks may be a little longer
  const out = new Uint8Array(new ArrayBuffer(Math.ceil(u.byteLength * 1.1)), 0, u.byteLength);
  out.set(u);
  return out;
}

port.on('message', (m: ToWorker) => {
  try {
    switch (m.t) {
      case 'init':
        parser?.close();
        parser = new SegmentParser(m.setup, m.seeds, m.size);
        return;
      case 'seg': {
        const p = parser!;
        const report = p.parse(m.task, (rows, ipc) => {
          const own = carrier(ipc);
          post({ t: 'chunk', k: m.task.k, rows, ipc: own }, [own.buffer as ArrayBuffer]);
        });
        post({ t: 'seg', report });
        return;
      }
      case 'recycle':
        if (spare.length < 4) spare.push(m.buf);
        return;
      case 'end': {
        const p = parser!;
        const accs = p.exportStats();
        const states = p.states.map(seedOf);
        p.close();
        parser = null;
        spare.length = 0;
        post({ t: 'end', states, accs });
        return;
      }
      case 'final': {
        const results = m.jobs.map((job) => {
          const acc = new StatsAccumulator();
          for (const part of job.parts) acc.mergeState(part);
          return { j: job.j, stats: acc.result(job.kind) };
        });
        releaseStatsScratch();
        post({ t: 'final', results });
        return;
      }
    }
  } catch (e) {
    const err = e instanceof LatheError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: (e as Error).message ?? String(e) };
    post({ t: 'error', ...err });
  }
});

post({ t: 'hello' });
