/**
 * The training loop, run in the current thread: `fitNetwork` is what the
 * train worker (train.worker.ts) calls, and what a job-pool worker can call
 * directly. Own loop over `trainOnBatch` so that the shuffle, the validation
 * split and dropout are all seeded (the same seed gives the same model on the
 * same backend); progress on a clock (~125 ms) and per epoch; cancellation
 * between batches; every tensor freed.
 */
import { tf, initBackend } from './backend.ts';
import { LatheError, cancelled } from '../../../src-shared/errors.ts';
import { defaultLearningRate, resolveTrainOptions, validateSpec } from '../../../src-shared/ml/nn.ts';
import type { NnEpochLog, NnEvaluation, NnHistory, NnProgress, NnSpec, NnTrainOptions, NnTrained } from '../../../src-shared/ml/nn.ts';
import { Random, deriveSeed } from '../ml/random.ts';
import { applyScaling, fitStandardize } from './scaling.ts';
import { buildModel, predictScaled, readWeights, summarize, writeWeights } from './model.ts';
import { evaluatePredictions } from './metrics.ts';
import { checkData } from './data.ts';
import type { NnFitData } from './data.ts';

export { checkData };
export type { NnFitData };

export interface NnRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: NnProgress) => void;
  /** Milliseconds between batch progress events (default 125). */
  progressEveryMs?: number;
}

const PROGRESS_MS = 125;

/** Allocation failures in V8, WASM or a native backend look like this. */
export function isOutOfMemory(e: unknown): boolean {
  if (e instanceof LatheError) return e.code === 'OUT_OF_MEMORY';
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') return true;
  const msg = typeof err?.message === 'string' ? err.message : String(e);
  return /out of memory|allocation failed|Cannot enlarge memory|Array buffer allocation|Invalid typed array length|Invalid array length|OOM|failed to allocate|Aborted\(OOM\)|resource exhausted/i.test(msg);
}

export function outOfMemoryError(e: unknown, what: { batchSize?: number; params?: number; rows?: number }): LatheError {
  const msg = e instanceof Error ? e.message : String(e);
  const parts = [
    what.batchSize !== undefined ? `a smaller batch size (now ${what.batchSize})` : 'a smaller batch size',
    what.params !== undefined ? `a smaller network (now ${what.params.toLocaleString('en')} parameters)` : 'a smaller network',
    'or fewer rows',
  ];
  return new LatheError('OUT_OF_MEMORY', `Training the network ran out of memory (${msg}). Try ${parts.join(', ')}.`, { ...what });
}

/**
 * Fill in what training learns about the data: inputs, outputs, the image
 * shape, the fitted standardisation and the regression target scale.
 * Returns a new spec; the given one is not changed.
 */
export function resolveSpec(spec: NnSpec, data: NnFitData, trainIndex: ArrayLike<number>, nOutputs: number): NnSpec {
  const out = JSON.parse(JSON.stringify(spec)) as NnSpec;
  out.inputs = data.X.cols;
  out.outputs = nOutputs;
  if (out.scaling.kind === 'standardize' && (!out.scaling.mean || !out.scaling.std)) {
    out.scaling = { kind: 'standardize', ...fitStandardize(data.X, trainIndex) };
  }
  if (out.scaling.kind === 'standardize' && out.scaling.mean!.length !== data.X.cols) {
    throw new LatheError('INVALID_PARAM', `The spec's standardisation has ${out.scaling.mean!.length} columns but the data has ${data.X.cols}.`, { param: 'scaling' });
  }
  if (out.task === 'regression') {
    let s = 0;
    let sq = 0;
    for (let i = 0; i < trainIndex.length; i++) s += data.y[trainIndex[i]!]!;
    const mean = s / trainIndex.length;
    for (let i = 0; i < trainIndex.length; i++) sq += (data.y[trainIndex[i]!]! - mean) ** 2;
    const std = Math.sqrt(sq / trainIndex.length);
    out.target = { mean, std: std > 1e-12 ? std : 1 };
  } else {
    delete out.target;
  }
  return out;
}

function makeOptimizer(o: NnTrainOptions): tf.Optimizer {
  const lr = o.learningRate ?? defaultLearningRate(o.optimizer);
  switch (o.optimizer) {
    case 'sgd':
      return o.momentum > 0 ? tf.train.momentum(lr, o.momentum) : tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'adam':
      return tf.train.adam(lr);
  }
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose frees its momentum scalar but not the
 * learning-rate scalar it inherits from SGD (one tensor per fit): free it too.
 */
function disposeOptimizer(o: tf.Optimizer | null): void {
  if (!o) return;
  o.dispose();
  const c = (o as unknown as { c?: tf.Tensor }).c;
  if (c && !c.isDisposed) c.dispose();
}

/** Targets of rows `index` as the network wants them: one-hot, or standardised values. */
function targetBatch(spec: NnSpec, y: NnFitData['y'], index: ArrayLike<number>, from: number, to: number): Float32Array {
  const n = to - from;
  if (spec.task === 'regression') {
    const { mean, std } = spec.target!;
    const t = new Float32Array(n);
    for (let i = 0; i < n; i++) t[i] = (y[index[from + i]!]! - mean) / std;
    return t;
  }
  const k = spec.outputs!;
  const t = new Float32Array(n * k);
  for (let i = 0; i < n; i++) t[i * k + y[index[from + i]!]!] = 1;
  return t;
}

function rowsBatch(scaled: Float32Array, cols: number, order: Int32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * cols);
  for (let i = from; i < to; i++) {
    const src = order[i]! * cols;
    out.set(scaled.subarray(src, src + cols), (i - from) * cols);
  }
  return out;
}

interface DropoutWithSeed {
  seed?: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Train a network in this thread. Options are validated (INVALID_PARAM with
 * scikit-learn's wording); cancellation gives CANCELLED; allocation failures
 * give OUT_OF_MEMORY with advice. All tensors are freed before returning.
 */
export async function fitNetwork(spec: NnSpec, data: NnFitData, options: Partial<NnTrainOptions> = {}, run: NnRunOptions = {}): Promise<NnTrained> {
  const t0 = performance.now();
  const opts = resolveTrainOptions(options);
  validateSpec(spec);
  const k = checkData(data, spec.task);
  if (run.signal?.aborted) throw cancelled('Training');
  const backend = await initBackend(opts.backend);
  const { X } = data;
  const n = X.rows;

  // Seeded split: validation rows are a random subset (rows may be grouped by class).
  const rng = new Random(opts.seed);
  const perm = rng.permutation(n);
  const nVal = opts.validationSplit > 0 ? Math.max(1, Math.round(n * opts.validationSplit)) : 0;
  if (nVal >= n) throw new LatheError('INVALID_PARAM', `validationSplit ${opts.validationSplit} leaves no training rows out of ${n}.`, { param: 'validationSplit' });
  const trainIdx = perm.subarray(0, n - nVal);
  const valIdx = perm.subarray(n - nVal);
  const resolved = resolveSpec(spec, data, trainIdx, k);
  const nTrain = trainIdx.length;
  const cols = X.cols;
  const trainX = applyScaling(resolved.scaling, X, trainIdx);
  const trainPos = Int32Array.from({ length: nTrain }, (_, i) => i);
  const trainY = Int32Array.from(trainIdx); // positions in data.y of the scaled rows

  let model: tf.Sequential | null = null;
  let optimizer: tf.Optimizer | null = null;
  let xVal: tf.Tensor | null = null;
  let yVal: tf.Tensor | null = null;
  let params: number | undefined;
  const batchSize = Math.min(opts.batchSize, nTrain);
  try {
    model = buildModel(resolved, opts.seed);
    params = model.countParams();
    optimizer = makeOptimizer(opts);
    const classification = resolved.task === 'classification';
    model.compile({ optimizer, loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError', metrics: classification ? ['accuracy'] : [] });
    const summary = summarize(model);
    if (nVal > 0) {
      xVal = tf.tensor2d(applyScaling(resolved.scaling, X, valIdx), [nVal, cols]);
      yVal = classification ? tf.tensor2d(targetBatch(resolved, data.y, valIdx, 0, nVal), [nVal, k]) : tf.tensor2d(targetBatch(resolved, data.y, valIdx, 0, nVal), [nVal, 1]);
    }
    const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as DropoutWithSeed[];
    const dropRng = new Random(deriveSeed(opts.seed, 1001));
    const shuffleRng = new Random(deriveSeed(opts.seed, 1002));

    const monitor: NnHistory['monitor'] = nVal > 0 ? 'val_loss' : 'loss';
    const history: NnHistory = { epochs: [], bestEpoch: 0, stoppedEarly: false, monitor };
    let best = Infinity;
    let bestWeights: ReturnType<typeof readWeights> | null = null;
    let sinceBest = 0;
    const batches = Math.ceil(nTrain / batchSize);
    const everyMs = run.progressEveryMs ?? PROGRESS_MS;
    let lastProgress = performance.now();
    const tFit = performance.now();

    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const tEpoch = performance.now();
      const order = shuffleRng.shuffle(trainPos.slice());
      let lossSum = 0;
      let accSum = 0;
      for (let b = 0; b < batches; b++) {
        const from = b * batchSize;
        const to = Math.min(nTrain, from + batchSize);
        const m = to - from;
        for (const d of dropouts) d.seed = dropRng.nextU32();
        const xb = tf.tensor2d(rowsBatch(trainX, cols, order, from, to), [m, cols]);
        const orderY = Int32Array.from(order.subarray(from, to), (p) => trainY[p]!);
        const yb = classification ? tf.tensor2d(targetBatch(resolved, data.y, orderY, 0, m), [m, k]) : tf.tensor2d(targetBatch(resolved, data.y, orderY, 0, m), [m, 1]);
        let out: number | number[];
        try {
          out = await model.trainOnBatch(xb, yb);
        } finally {
          xb.dispose();
          yb.dispose();
        }
        const loss = Array.isArray(out) ? out[0]! : out;
        const acc = Array.isArray(out) ? out[1] : undefined;
        if (!Number.isFinite(loss)) {
          throw new LatheError('NOT_CONVERGED', `The training loss became ${loss} in epoch ${epoch}, batch ${b + 1}. Lower the learning rate (now ${opts.learningRate ?? defaultLearningRate(opts.optimizer)}) or scale the inputs.`, {
            param: 'learningRate',
            epoch,
          });
        }
        lossSum += loss * m;
        if (acc !== undefined) accSum += acc * m;
        await yieldToEventLoop(); // lets a cancel message reach this worker
        if (run.signal?.aborted) {
          model.stopTraining = true;
          throw cancelled('Training');
        }
        const now = performance.now();
        if (run.onProgress && now - lastProgress >= everyMs && b < batches - 1) {
          lastProgress = now;
          run.onProgress({
            kind: 'batch',
            epoch,
            epochs: opts.epochs,
            batch: b + 1,
            batches,
            loss: lossSum / (to),
            ...(classification ? { accuracy: accSum / to } : {}),
            fraction: (epoch - 1 + (b + 1) / batches) / opts.epochs,
          });
        }
      }
      const log: NnEpochLog = { epoch, loss: lossSum / nTrain, seconds: 0 };
      if (classification) log.accuracy = accSum / nTrain;
      if (xVal && yVal) {
        const vals = tf.tidy(() => {
          const r = model!.evaluate(xVal!, yVal!, { batchSize: 256 });
          return (Array.isArray(r) ? r : [r]).map((t) => t.dataSync()[0]!);
        });
        log.valLoss = vals[0]!;
        if (classification) log.valAccuracy = vals[1]!;
      }
      log.seconds = (performance.now() - tEpoch) / 1000;
      history.epochs.push(log);
      lastProgress = performance.now();
      run.onProgress?.({ kind: 'epoch', epochs: opts.epochs, fraction: epoch / opts.epochs, ...log });

      const watched = monitor === 'val_loss' ? log.valLoss! : log.loss;
      if (watched < best) {
        best = watched;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (opts.patience !== null) bestWeights = readWeights(model);
      } else if (opts.patience !== null && ++sinceBest >= opts.patience) {
        history.stoppedEarly = epoch < opts.epochs;
        break;
      }
    }
    if (opts.patience !== null && bestWeights) writeWeights(model, bestWeights);
    else history.bestEpoch = history.epochs.length;
    const fitSeconds = (performance.now() - tFit) / 1000;
    for (const d of dropouts) d.seed = undefined;

    let evaluation: NnEvaluation | undefined;
    if (data.test) evaluation = evaluateOn(model, resolved, data.test);
    const weights = readWeights(model);
    return {
      spec: resolved,
      options: opts,
      weights,
      summary,
      history,
      backend,
      seconds: { fit: fitSeconds, total: (performance.now() - t0) / 1000 },
      ...(evaluation ? { evaluation } : {}),
    };
  } catch (e) {
    if (e instanceof LatheError) throw e;
    if (isOutOfMemory(e)) throw outOfMemoryError(e, { batchSize, ...(params !== undefined ? { params } : {}), rows: n });
    throw e;
  } finally {
    xVal?.dispose();
    yVal?.dispose();
    model?.dispose();
    disposeOptimizer(optimizer);
  }
}

function evaluateOn(model: tf.LayersModel, spec: NnSpec, test: NonNullable<NnFitData['test']>): NnEvaluation {
  const { X, y } = test;
  if (X.cols !== spec.inputs) {
    throw new LatheError('FEATURES_MISSING', `The held-out rows have ${X.cols} columns but the network was trained on ${spec.inputs}.`, { expected: spec.inputs, got: X.cols });
  }
  if (y && y.length !== X.rows) throw new LatheError('BAD_DATA', `There are ${X.rows} held-out rows but ${y.length} target values.`, { param: 'test.y' });
  const scaled = applyScaling(spec.scaling, X);
  const p = predictScaled(model, spec, scaled, X.rows, X.cols);
  const ev: NnEvaluation = { rows: X.rows, predictions: p.predictions, ...(p.probabilities ? { probabilities: p.probabilities } : {}) };
  if (y) ev.metrics = evaluatePredictions(spec, y, p.predictions, p.probabilities);
  return ev;
}
