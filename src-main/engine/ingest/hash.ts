/**
 * SHA-256 of a file, computed in a worker thread so that it runs on another
 * core while the importer parses (the second read comes from the page cache),
 * or on this thread between other work (hashInline) when a parse worker
 * already keeps the other core busy and this thread mostly waits.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const h = createHash('sha256');
const fd = openSync(workerData.path, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
try {
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    h.update(buf.subarray(0, n));
  }
} finally { closeSync(fd); }
parentPort.postMessage(h.digest('hex'));
`;

export interface HashJob {
  done: Promise<string>;
  /** lets a job made with waitForStart begin (no-op otherwise, or once begun) */
  start?(): void;
  cancel(): void;
}

export function hashFile(path: string): HashJob {
  const w = new Worker(CODE, { eval: true, workerData: { path }, execArgv: [] });
  const done = new Promise<string>((resolve, reject) => {
    w.once('message', (m: string) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`hash worker exited with ${code}`));
    });
  });
  done.catch(() => undefined);
  return { done, cancel: () => void w.terminate() };
}

/** Bytes hashInline reads and hashes at a time (about half a millisecond of this thread's time). */
const INLINE_BLOCK = 1 << 20;

/**
 * SHA-256 of a file on this thread: reads go to libuv's pool, each block is
 * hashed here between other callbacks, so a thread that mostly waits (the
 * pipelined importer's) hashes in its idle time with no worker of its own.
 */
export function hashInline(path: string, waitForStart = false): HashJob {
  let cancelled = false;
  let go: () => void = () => undefined;
  const gate = waitForStart ? new Promise<void>((r) => (go = r)) : null;
  const done = (async () => {
    // the importer starts it once its parse worker has what it needs: the
    // hash's callbacks would otherwise delay the sniffing that worker waits for
    if (gate) await gate;
    if (cancelled) throw new Error('hash cancelled');
    const fh = await open(path, 'r');
    try {
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(INLINE_BLOCK);
      for (;;) {
        if (cancelled) throw new Error('hash cancelled');
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        h.update(buf.subarray(0, bytesRead));
      }
      return h.digest('hex');
    } finally {
      await fh.close();
    }
  })();
  done.catch(() => undefined);
  return {
    done,
    start: () => go(),
    cancel: () => {
      cancelled = true;
      go();
    },
  };
}
