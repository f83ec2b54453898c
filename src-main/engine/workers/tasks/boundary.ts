/**
 * Worker task: decision boundaries on two numeric features. Each learner is
 * refitted on those two columns only (standardised where it is scale
 * sensitive, with the points' mean and spread) and predicts a
 * resolution × resolution grid of cell centres spanning the data range plus
 * a 5% margin; the confidence of a cell is the probability of its predicted
 * class. Rows missing x, y or the class are left out.
 */
import type { BoundaryPanel, BoundaryRequest, BoundaryResult } from '../../../../src-shared/contract/ml.ts';
import { LatheError, isCancelled, throwIfAborted, toWireError } from '../../../../src-shared/errors.ts';
import type { Classifier, Matrix } from '../../ml/estimator.ts';
import { accuracy } from '../../ml/eval/metrics.ts';
import { createEstimator } from '../../ml/registry.ts';
import type { TaskContext } from '../../jobs/protocol.ts';
import { SCALE_SENSITIVE, defaultLearners, displayOf, loadPrepared } from './learners.ts';

export interface BoundaryInput {
  dbFile: string;
  request: BoundaryRequest;
}

export const DEFAULT_RESOLUTION = 80;
export const MARGIN = 0.05;

function range(v: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < lo) lo = v[i]!;
    if (v[i]! > hi) hi = v[i]!;
  }
  const span = hi - lo;
  const pad = span > 0 ? span * MARGIN : Math.max(Math.abs(lo) * MARGIN, 0.5);
  return [lo - pad, hi + pad];
}

/** Column-wise standardisation fitted on the points (population std, as StandardScaler). */
function scaler(X: Matrix): (M: Matrix) => Matrix {
  const d = X.cols;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) mean[j]! += X.data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= X.rows;
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) sd[j]! += (X.data[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / X.rows) || 1;
  return (M) => {
    const out = new Float64Array(M.data.length);
    for (let i = 0; i < M.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (M.data[i * d + j]! - mean[j]!) / sd[j]!;
    return { data: out, rows: M.rows, cols: d };
  };
}

export async function run(raw: unknown, ctx: TaskContext): Promise<BoundaryResult> {
  const { dbFile, request: req } = raw as BoundaryInput;
  const res = req.resolution ?? DEFAULT_RESOLUTION;
  ctx.progress({ fraction: 0, phase: 'read' });
  const { data } = loadPrepared(dbFile, req.datasetId, req.target, [req.x, req.y]);
  if (data.task !== 'classification') {
    throw new LatheError('BAD_DATA', `Decision boundaries separate classes, but the target "${req.target}" is read as a number to predict (${data.taskReason}). Choose a class column as the target.`, {
      param: 'target',
      column: req.target,
    });
  }
  const [cx, cy] = data.table.columns;
  if (cx?.kind !== 'numeric' || cy?.kind !== 'numeric') {
    const bad = cx?.kind !== 'numeric' ? req.x : req.y;
    throw new LatheError('BAD_KIND', `Decision boundaries need two numeric features; "${bad}" is categorical. Choose numeric columns for x and y.`, { column: bad });
  }
  // Points with both coordinates.
  const keep: number[] = [];
  for (let i = 0; i < data.table.rows; i++) if (!Number.isNaN(cx.values[i]!) && !Number.isNaN(cy.values[i]!)) keep.push(i);
  if (keep.length < 2) throw new LatheError('BAD_DATA', `Only ${keep.length} rows have values for both "${req.x}" and "${req.y}"; a boundary needs more.`, {});
  const n = keep.length;
  const px = Float64Array.from(keep, (i) => cx.values[i]!);
  const py = Float64Array.from(keep, (i) => cy.values[i]!);
  const pc = Int32Array.from(keep, (i) => data.y[i]!);
  const X: Matrix = { data: new Float64Array(n * 2), rows: n, cols: 2 };
  for (let i = 0; i < n; i++) {
    X.data[2 * i] = px[i]!;
    X.data[2 * i + 1] = py[i]!;
  }
  const xRange = range(px);
  const yRange = range(py);
  const G: Matrix = { data: new Float64Array(res * res * 2), rows: res * res, cols: 2 };
  const dx = (xRange[1] - xRange[0]) / res;
  const dy = (yRange[1] - yRange[0]) / res;
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const k = r * res + c;
      G.data[2 * k] = xRange[0] + (c + 0.5) * dx;
      G.data[2 * k + 1] = yRange[0] + (r + 0.5) * dy;
    }
  }
  const scale = scaler(X);
  const Xs = scale(X);
  const Gs = scale(G);
  const nClasses = data.classes.length;
  const learners = req.learners && req.learners.length ? req.learners : defaultLearners('classification');
  const panels: BoundaryPanel[] = [];
  for (const [i, spec] of learners.entries()) {
    throwIfAborted(ctx.signal, 'The decision boundaries');
    ctx.progress({ fraction: i / learners.length, phase: 'fit', message: displayOf(spec.algo), partial: { learner: i, algo: spec.algo } });
    const sensitive = SCALE_SENSITIVE.has(spec.algo);
    try {
      const est = createEstimator(spec.algo, 'classification', spec.params ?? {}) as Classifier;
      await est.fit(sensitive ? Xs : X, pc, { signal: ctx.signal });
      const grid = Int32Array.from(est.predict(sensitive ? Gs : G));
      const panel: BoundaryPanel = { algo: spec.algo, display: displayOf(spec.algo), grid, accuracy: accuracy(pc, est.predict(sensitive ? Xs : X)) };
      if (typeof est.predictProba === 'function') {
        try {
          const p = est.predictProba(sensitive ? Gs : G);
          const k = p.length / (res * res);
          if (k === nClasses || k === est.nClasses) {
            const conf = new Float32Array(res * res);
            for (let j = 0; j < res * res; j++) conf[j] = p[j * k + grid[j]!] ?? 0;
            panel.confidence = conf;
          }
        } catch (e) {
          if (isCancelled(e)) throw e;
        }
      }
      panels.push(panel);
    } catch (e) {
      if (isCancelled(e)) throw e;
      const w = toWireError(e);
      if (w.code === 'INTERNAL') throw e;
      panels.push({ algo: spec.algo, display: displayOf(spec.algo), grid: new Int32Array(0), accuracy: NaN, error: w });
    }
  }
  ctx.progress({ fraction: 1, phase: 'done' });
  return { x: req.x, y: req.y, classes: data.classes, resolution: res, xRange, yRange, px, py, pc, panels };
}
