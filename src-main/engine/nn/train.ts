/**
 * trainNetwork: train a network in its own worker thread, so the engine's
 * thread stays free and a crash or an out-of-memory fails the training, not
 * the app. Inside a worker that already exists (the job pool), call
 * fitNetwork (fit.ts) directly instead.
 */
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { LatheError } from '../../../src-shared/errors.ts';
import type { NnProgress, NnSpec, NnTrainOptions, NnTrained } from '../../../src-shared/ml/nn.ts';
import { spawnWorker } from '../jobs/spawn.ts';
import { resolveTrainOptions, validateSpec } from '../../../src-shared/ml/nn.ts';
import { checkData } from './data.ts';
import type { NnFitData } from './data.ts';
import type { NnMatrix } from './scaling.ts';
import type { FromTrainWorker, ToTrainWorker } from './protocol.ts';

export interface TrainNetworkRun {
  signal?: AbortSignal;
  onProgress?: (p: NnProgress) => void;
  progressEveryMs?: number;
  /** Memory limits of the worker (V8 heap; WASM memory is outside it). */
  resourceLimits?: ResourceLimits;
  /** Milliseconds to wait for a cancelled worker to stop before terminating it (default 2000). */
  cancelGraceMs?: number;
}

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './train.worker.ts' : './train.worker.js', import.meta.url);

/** A Float32Array copy of the matrix (halves a Float64 copy) that can be transferred to the worker. */
function packMatrix(X: NnMatrix, transfer: ArrayBuffer[]): NnMatrix {
  const data = Float32Array.from(X.data);
  transfer.push(data.buffer);
  return { data, rows: X.rows, cols: X.cols };
}

function packTarget<T extends Int32Array | Float64Array | Float32Array>(y: T, transfer: ArrayBuffer[]): T {
  const copy = y.slice() as T;
  transfer.push(copy.buffer as ArrayBuffer);
  return copy;
}

function packData(data: NnFitData, transfer: ArrayBuffer[]): NnFitData {
  const out: NnFitData = { X: packMatrix(data.X, transfer), y: packTarget(data.y, transfer) };
  if (data.nClasses !== undefined) out.nClasses = data.nClasses;
  if (data.test) {
    out.test = { X: packMatrix(data.test.X, transfer) };
    if (data.test.y) out.test.y = packTarget(data.test.y, transfer);
  }
  return out;
}

/**
 * Train `spec` on `data` in a new worker thread. Resolves with the trained
 * network (spec with fitted scaling, weights, history, summary, backend
 * report, evaluation on data.test); rejects with a LatheError: CANCELLED,
 * OUT_OF_MEMORY, WORKER_CRASHED, INVALID_PARAM, BAD_DATA...
 */
export function trainNetwork(spec: NnSpec, data: NnFitData, options: Partial<NnTrainOptions> = {}, run: TrainNetworkRun = {}): Promise<NnTrained> {
  if (run.signal?.aborted) return Promise.reject(new LatheError('CANCELLED', 'Training was cancelled.'));
  try {
    // Cheap checks here, so a bad request fails without starting a worker.
    resolveTrainOptions(options);
    validateSpec(spec);
    checkData(data, spec.task);
  } catch (e) {
    return Promise.reject(e);
  }
  const transfer: ArrayBuffer[] = [];
  let packed: NnFitData;
  try {
    packed = packData(data, transfer);
  } catch (e) {
    if (e instanceof RangeError) return Promise.reject(new LatheError('OUT_OF_MEMORY', `There is not enough memory to copy the training data (${e.message}). Use fewer rows or columns.`));
    throw e;
  }
  return new Promise<NnTrained>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = spawnWorker(WORKER_URL, { name: 'lathe-nn-train', ...(run.resourceLimits ? { resourceLimits: run.resourceLimits } : {}) });
    } catch (e) {
      reject(new LatheError('WORKER_CRASHED', `The training worker could not start: ${e instanceof Error ? e.message : String(e)}.`));
      return;
    }
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (err: LatheError | null, result?: NnTrained): void => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      run.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = (): void => {
      worker.postMessage({ t: 'cancel' } satisfies ToTrainWorker);
      // The loop checks between batches; a stuck step is cut short.
      killTimer = setTimeout(() => finish(new LatheError('CANCELLED', 'Training was cancelled.')), run.cancelGraceMs ?? 2000);
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromTrainWorker) => {
      if (m.t === 'progress') run.onProgress?.(m.progress);
      else if (m.t === 'done') finish(null, m.result);
      else if (m.t === 'error') finish(LatheError.fromWire(m.error));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(e.message)) {
        finish(
          new LatheError('OUT_OF_MEMORY', `The training worker ran out of memory (${e.message}). Try a smaller batch size, a smaller network, or fewer rows.`, {
            batchSize: options.batchSize,
          }),
        );
      } else {
        finish(new LatheError('WORKER_CRASHED', `The training worker stopped with an error: ${e.message}`));
      }
    });
    worker.on('exit', (code) => {
      if (run.signal?.aborted) finish(new LatheError('CANCELLED', 'Training was cancelled.'));
      else finish(new LatheError('WORKER_CRASHED', `The training worker exited (code ${code}) before it finished.`, { exitCode: code }));
    });
    worker.postMessage({ t: 'train', spec, data: packed, options, ...(run.progressEveryMs !== undefined ? { progressEveryMs: run.progressEveryMs } : {}) } satisfies ToTrainWorker, transfer);
  });
}
