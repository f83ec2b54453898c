/**
 * SHA-256 of a file, computed in a worker thread so that it runs on another
 * core while the importer parses (the second read comes from the page cache).
 */
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
