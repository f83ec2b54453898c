/**
 * The worker that trains one network (started by trainNetwork in train.ts):
 * receives the spec, data and options, runs fitNetwork, streams progress,
 * answers with the trained network (weights transferred, not copied) or a
 * typed error. A 'cancel' message aborts training between two batches.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../src-shared/errors.ts';
import { fitNetwork } from './fit.ts';
import { trainedBuffers } from './protocol.ts';
import type { FromTrainWorker, ToTrainWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('train.worker.ts must run in a worker thread.');

const controller = new AbortController();
let started = false;

function send(m: FromTrainWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

port.on('message', (m: ToTrainWorker) => {
  if (m.t === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return; // one network per worker
  started = true;
  fitNetwork(m.spec, m.data, m.options, {
    signal: controller.signal,
    onProgress: (progress) => send({ t: 'progress', progress }),
    ...(m.progressEveryMs !== undefined ? { progressEveryMs: m.progressEveryMs } : {}),
  }).then(
    (result) => send({ t: 'done', result }, trainedBuffers(result)),
    (e: unknown) => send({ t: 'error', error: toWireError(e) }),
  );
});
