/**
 * Logistic regression with an L2 penalty, fitted by L-BFGS, as
 * scikit-learn 1.2's LogisticRegression(solver='lbfgs'):
 *   minimise  Σ_i s_i · logloss_i + ½ (1/C) ‖W‖²   (intercepts not penalised)
 * Two classes: one coefficient vector (sigmoid). More: multinomial softmax
 * (default) or one binary model per class ('ovr'). Stopping rules as SciPy's
 * L-BFGS-B with gtol = tol; hitting max_iter keeps the model and records a
 * NOT_CONVERGED warning (sklearn's ConvergenceWarning), it does not fail.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams } from '../../../../src-shared/ml/params.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import { LOGREG_OWNER, LOGREG_SCHEMA } from '../../../../src-shared/ml/schemas/logreg.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkMatrixShape, checkPredictMatrix, notFitted } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { dotTileKernel, type DotTileKernel } from '../kernels/dot-tile.ts';
import { expSimd, type VexpFn } from '../kernels/exp-simd.ts';
import { linearPanelsKernel, packPanels, type LinearPanelsKernel } from '../kernels/linear-panels.ts';
import { ChunkTeam } from '../optim/chunk-team.ts';
import { lbfgs, type LbfgsResult, type Objective } from '../optim/lbfgs.ts';
import { stateArray, stateNumber } from '../state.ts';

const OWNER = LOGREG_OWNER;

type Mode = 'binary' | 'multinomial' | 'ovr';

export interface FitWarning {
  code: 'NOT_CONVERGED';
  message: string;
}

interface Fitted {
  nFeatures: number;
  nClasses: number;
  /** class codes present at fit, ascending; model row/column j ↔ classes[j] */
  classes: Int32Array;
  mode: Mode;
  /** rows × nFeatures (rows = 1 for binary, classes.length otherwise) */
  coef: Float64Array;
  intercept: Float64Array;
  nIter: number;
  converged: boolean;
  warnings: FitWarning[];
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export class LogisticRegression implements Classifier {
  readonly algo = 'logreg';
  readonly params: Params;
  private m: Fitted | null = null;

  constructor(params: Params = {}) {
    this.params = validateParams(OWNER, LOGREG_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.m !== null;
  }

  get nClasses(): number {
    return this.m?.nClasses ?? 0;
  }

  /** Coefficients (rows × features: one row for two classes, else one per class) and intercepts. */
  get coefficients(): { coef: Float64Array; intercept: Float64Array; rows: number; cols: number; classes: Int32Array } {
    const m = this.need();
    return { coef: m.coef, intercept: m.intercept, rows: m.intercept.length, cols: m.nFeatures, classes: m.classes };
  }

  get convergence(): { nIter: number; converged: boolean; warnings: FitWarning[] } {
    const m = this.need();
    return { nIter: m.nIter, converged: m.converged, warnings: m.warnings };
  }

  fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): this {
    this.m = null;
    // X's values are checked where the objective copies X (checkMatrix when it finds one not finite)
    checkMatrixShape(X, OWNER);
    let targets: ReturnType<typeof checkClassTargets>;
    try {
      targets = checkClassTargets(y, X.rows, OWNER);
    } catch (e) {
      checkMatrix(X, OWNER); // a bad X is reported before a bad y, as everywhere
      throw e;
    }
    const { nClasses, counts } = targets;
    checkAborted(opts.signal, OWNER);
    const classes = Int32Array.from(Array.from(counts.keys()).filter((c) => counts[c]! > 0));
    const K = classes.length;
    const multi = this.params.multi_class as string;
    const mode: Mode = K === 2 && multi !== 'multinomial' ? 'binary' : multi === 'ovr' ? 'ovr' : 'multinomial';
    const C = this.params.penalty === 'none' ? Infinity : (this.params.C as number);
    const fitIntercept = this.params.fit_intercept as boolean;
    const maxIter = this.params.max_iter as number;
    const tol = this.params.tol as number;
    const balanced = this.params.class_weight === 'balanced';
    const n = X.rows;
    const d = X.cols;
    const pos = new Int32Array(nClasses).fill(-1);
    classes.forEach((c, j) => (pos[c] = j));
    const yIdx = new Int32Array(n);
    for (let i = 0; i < n; i++) yIdx[i] = pos[y[i]!]!;

    let coef: Float64Array;
    let intercept: Float64Array;
    let nIter = 0;
    let converged = true;
    const warnings: FitWarning[] = [];
    const report = (done: number, total: number, it: number, f: number): void => {
      opts.onProgress?.(Math.min(1, (done + it / Math.max(1, maxIter)) / total), `iteration ${it}`, { iteration: it, loss: f });
    };

    if (mode === 'multinomial') {
      const w = new Float64Array(n);
      if (balanced) for (let i = 0; i < n; i++) w[i] = n / (K * counts[y[i]!]!);
      else w.fill(1);
      const objective: ClosableObjective = multinomialObjective(X, yIdx, w, K, C, fitIntercept, opts.signal);
      let r: LbfgsResult;
      try {
        r = lbfgs(objective, new Float64Array(K * d + (fitIntercept ? K : 0)), {
          maxIter,
          gtol: tol,
          signal: opts.signal,
          onIteration: (it, f) => report(0, 1, it, f),
        });
      } finally {
        objective.close?.();
      }
      coef = r.x.slice(0, K * d);
      intercept = fitIntercept ? r.x.slice(K * d) : new Float64Array(K);
      nIter = r.nIter;
      converged = r.converged;
    } else {
      const nModels = mode === 'binary' ? 1 : K;
      coef = new Float64Array(nModels * d);
      intercept = new Float64Array(nModels);
      const yb = new Float64Array(n);
      const w = new Float64Array(n);
      for (let k = 0; k < nModels; k++) {
        checkAborted(opts.signal, OWNER);
        const positive = mode === 'binary' ? 1 : k;
        let nPos = 0;
        for (let i = 0; i < n; i++) {
          yb[i] = yIdx[i] === positive ? 1 : 0;
          nPos += yb[i]!;
        }
        if (balanced) {
          // as sklearn: for OvR the balanced weights come from the binary labels
          const wPos = n / (2 * nPos);
          const wNeg = n / (2 * (n - nPos));
          for (let i = 0; i < n; i++) w[i] = yb[i] === 1 ? wPos : wNeg;
        } else w.fill(1);
        const objective = binaryObjective(X, yb, w, C, fitIntercept, opts.signal);
        let r: LbfgsResult;
        try {
          r = lbfgs(objective, new Float64Array(d + (fitIntercept ? 1 : 0)), {
            maxIter,
            gtol: tol,
            signal: opts.signal,
            onIteration: (it, f) => report(k, nModels, it, f),
          });
        } finally {
          objective.close?.();
        }
        coef.set(r.x.subarray(0, d), k * d);
        intercept[k] = fitIntercept ? r.x[d]! : 0;
        nIter = Math.max(nIter, r.nIter);
        converged &&= r.converged;
      }
    }
    if (!converged) {
      warnings.push({
        code: 'NOT_CONVERGED',
        message: `${OWNER} did not converge in ${maxIter} iterations (lbfgs). Scale the features (e.g. standardise them) or raise max_iter.`,
      });
    }
    this.m = { nFeatures: d, nClasses, classes, mode, coef, intercept, nIter, converged, warnings };
    opts.onProgress?.(1, converged ? `converged in ${nIter} iterations` : `stopped after ${nIter} iterations (not converged)`);
    return this;
  }

  /** Raw scores: n × rows (rows = 1 for binary). */
  decisionFunction(X: Matrix): Float64Array {
    const m = this.need();
    checkPredictMatrix(X, m.nFeatures, OWNER);
    const R = m.intercept.length;
    const d = m.nFeatures;
    const out = new Float64Array(X.rows * R);
    const x = X.data;
    let i0 = 0;
    if (R === 1) {
      // one score per row: four rows at a time, four independent sums (as the binary objective)
      const b = m.intercept[0]!;
      const c = m.coef;
      for (; i0 + 4 <= X.rows; i0 += 4) {
        const oa = i0 * d;
        let za = b;
        let zb = b;
        let zc = b;
        let zd = b;
        for (let j = 0; j < d; j++) {
          const cj = c[j]!;
          za += x[oa + j]! * cj;
          zb += x[oa + d + j]! * cj;
          zc += x[oa + 2 * d + j]! * cj;
          zd += x[oa + 3 * d + j]! * cj;
        }
        out[i0] = za;
        out[i0 + 1] = zb;
        out[i0 + 2] = zc;
        out[i0 + 3] = zd;
      }
    }
    for (let i = i0; i < X.rows; i++) {
      const xo = i * d;
      for (let k = 0; k < R; k++) {
        let s = m.intercept[k]!;
        const wo = k * d;
        for (let j = 0; j < d; j++) s += x[xo + j]! * m.coef[wo + j]!;
        out[i * R + k] = s;
      }
    }
    return out;
  }

  predict(X: Matrix): Int32Array {
    const m = this.need();
    const z = this.decisionFunction(X);
    const out = new Int32Array(X.rows);
    const R = m.intercept.length;
    for (let i = 0; i < X.rows; i++) {
      if (m.mode === 'binary') {
        out[i] = m.classes[z[i]! > 0 ? 1 : 0]!;
      } else {
        let best = 0;
        for (let k = 1; k < R; k++) if (z[i * R + k]! > z[i * R + best]!) best = k;
        out[i] = m.classes[best]!;
      }
    }
    return out;
  }

  predictProba(X: Matrix): Float64Array {
    const m = this.need();
    const z = this.decisionFunction(X);
    const K = m.nClasses;
    const R = m.intercept.length;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      const o = i * K;
      if (m.mode === 'binary') {
        const p = sigmoid(z[i]!);
        out[o + m.classes[1]!] = p;
        out[o + m.classes[0]!] = 1 - p;
      } else if (m.mode === 'multinomial') {
        let mx = -Infinity;
        for (let k = 0; k < R; k++) mx = Math.max(mx, z[i * R + k]!);
        let s = 0;
        for (let k = 0; k < R; k++) s += Math.exp(z[i * R + k]! - mx);
        for (let k = 0; k < R; k++) out[o + m.classes[k]!] = Math.exp(z[i * R + k]! - mx) / s;
      } else {
        let s = 0;
        for (let k = 0; k < R; k++) s += sigmoid(z[i * R + k]!);
        for (let k = 0; k < R; k++) out[o + m.classes[k]!] = sigmoid(z[i * R + k]!) / s;
      }
    }
    return out;
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    const m = this.need();
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        nFeatures: m.nFeatures,
        nClasses: m.nClasses,
        classes: m.classes,
        mode: m.mode,
        coef: m.coef,
        intercept: m.intercept,
        nIter: m.nIter,
        converged: m.converged,
        warnings: m.warnings.map((w) => ({ ...w })),
      },
    };
  }

  static fromJSON(s: EstimatorState): LogisticRegression {
    const e = new LogisticRegression(s.params);
    const st = s.state;
    const mode = st.mode;
    if (mode !== 'binary' && mode !== 'multinomial' && mode !== 'ovr') {
      throw new LatheError('BAD_MODEL_FILE', `The saved ${OWNER} has an unknown mode '${String(mode)}'.`, { key: 'mode' });
    }
    e.m = {
      nFeatures: stateNumber(st, 'nFeatures', OWNER),
      nClasses: stateNumber(st, 'nClasses', OWNER),
      classes: stateArray(st, 'classes', 'Int32Array', OWNER),
      mode,
      coef: stateArray(st, 'coef', 'Float64Array', OWNER),
      intercept: stateArray(st, 'intercept', 'Float64Array', OWNER),
      nIter: stateNumber(st, 'nIter', OWNER),
      converged: st.converged === true,
      warnings: Array.isArray(st.warnings) ? (st.warnings as FitWarning[]) : [],
    };
    return e;
  }

  private need(): Fitted {
    if (!this.m) throw notFitted(OWNER);
    return this.m;
  }
}

/** An objective with what it holds (a helper thread) to let go of when the fit ends. */
type ClosableObjective = Objective & { close?: () => void };

/** Rows per chunk of the objectives' data pass (partial sums added in chunk order). */
const ROWS_PER_CHUNK = 4096;

interface ObjectiveArgs {
  x: Float64Array;
  y: Float64Array | Int32Array;
  w: Float64Array;
  n: number;
  d: number;
  K: number;
  fitIntercept: boolean;
  /** current parameters */
  p: Float64Array;
  /** per chunk: [f, gradient (length of p)] */
  part: Float64Array;
  /** every w_i is 1 */
  unitWeights: boolean;
}

/**
 * One chunk of the binary objective: loss and gradient of rows in the chunk.
 * One exp and one log1p per row: e = e^{−|z|} gives both log(1+e^z) and the
 * sigmoid (the same values as the separate formulas). Rows go four at a
 * time: four independent dot products share each coefficient load (one
 * running sum would make the pass wait on the adder's latency), and the
 * gradient takes the four rows' terms in one update per feature.
 */
function binaryChunk(a: ObjectiveArgs, c: number): void {
  const { x, w, d, p } = a;
  const y = a.y as Float64Array;
  const np = p.length;
  const i0 = c * ROWS_PER_CHUNK;
  const i1 = Math.min(a.n, i0 + ROWS_PER_CHUNK);
  const o0 = c * (np + 1);
  const part = a.part;
  part.fill(0, o0, o0 + np + 1);
  const go = o0 + 1;
  const b = a.fitIntercept ? p[d]! : 0;
  let f = 0;
  let gb = 0;
  const unit = a.unitWeights;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const oa = i * d;
    const ob = oa + d;
    const oc = ob + d;
    const od = oc + d;
    let za = b;
    let zb = b;
    let zc = b;
    let zd = b;
    for (let j = 0; j < d; j++) {
      const pj = p[j]!;
      za += x[oa + j]! * pj;
      zb += x[ob + j]! * pj;
      zc += x[oc + j]! * pj;
      zd += x[od + j]! * pj;
    }
    const ea = Math.exp(-Math.abs(za));
    const eb = Math.exp(-Math.abs(zb));
    const ec = Math.exp(-Math.abs(zc));
    const ed = Math.exp(-Math.abs(zd));
    const wa = w[i]!;
    const wb = w[i + 1]!;
    const wc = w[i + 2]!;
    const wd = w[i + 3]!;
    const ya = y[i]!;
    const yb = y[i + 1]!;
    const yc = y[i + 2]!;
    const yd = y[i + 3]!;
    if (unit) {
      // unit weights: Σ log(1+e) over the four rows as one log of the product (each factor in (1, 2])
      f += Math.log((1 + ea) * (1 + eb) * (1 + ec) * (1 + ed));
      f += (za > 0 ? za : 0) - ya * za + (zb > 0 ? zb : 0) - yb * zb + (zc > 0 ? zc : 0) - yc * zc + (zd > 0 ? zd : 0) - yd * zd;
    } else {
      const la = Math.log1p(ea);
      const lb = Math.log1p(eb);
      const lc = Math.log1p(ec);
      const ld = Math.log1p(ed);
      f += wa * ((za > 0 ? za + la : la) - ya * za);
      f += wb * ((zb > 0 ? zb + lb : lb) - yb * zb);
      f += wc * ((zc > 0 ? zc + lc : lc) - yc * zc);
      f += wd * ((zd > 0 ? zd + ld : ld) - yd * zd);
    }
    const ra = wa * ((za >= 0 ? 1 / (1 + ea) : ea / (1 + ea)) - ya);
    const rb = wb * ((zb >= 0 ? 1 / (1 + eb) : eb / (1 + eb)) - yb);
    const rc = wc * ((zc >= 0 ? 1 / (1 + ec) : ec / (1 + ec)) - yc);
    const rd = wd * ((zd >= 0 ? 1 / (1 + ed) : ed / (1 + ed)) - yd);
    gb += ra;
    gb += rb;
    gb += rc;
    gb += rd;
    for (let j = 0; j < d; j++) part[go + j] = part[go + j]! + (ra * x[oa + j]! + rb * x[ob + j]! + rc * x[oc + j]! + rd * x[od + j]!);
  }
  for (; i < i1; i++) {
    const o = i * d;
    let z = b;
    for (let j = 0; j < d; j++) z += x[o + j]! * p[j]!;
    const wi = w[i]!;
    const yi = y[i]!;
    const e = Math.exp(-Math.abs(z));
    const l = Math.log1p(e);
    f += wi * ((z > 0 ? z + l : l) - yi * z);
    const r = wi * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
    gb += r;
    for (let j = 0; j < d; j++) part[go + j] = part[go + j]! + r * x[o + j]!;
  }
  part[o0] = f;
  if (a.fitIntercept) part[go + d] = gb;
}

/** One chunk of the multinomial objective (see multinomialObjective). */
function multinomialChunk(a: ObjectiveArgs, c: number): void {
  const { x, w, d, p, K, fitIntercept } = a;
  const y = a.y as Int32Array;
  const np = p.length;
  const i0 = c * ROWS_PER_CHUNK;
  const i1 = Math.min(a.n, i0 + ROWS_PER_CHUNK);
  const o0 = c * (np + 1);
  const part = a.part;
  part.fill(0, o0, o0 + np + 1);
  const go = o0 + 1;
  const bo = K * d;
  const z = new Float64Array(K);
  let f = 0;
  for (let i = i0; i < i1; i++) {
    const o = i * d;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = fitIntercept ? p[bo + k]! : 0;
      const wo = k * d;
      for (let j = 0; j < d; j++) s += x[o + j]! * p[wo + j]!;
      z[k] = s;
      if (s > mx) mx = s;
    }
    const yi = y[i]!;
    const wi = w[i]!;
    const zy = z[yi]! - mx;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[k]! - mx);
      z[k] = e;
      sum += e;
    }
    // loss = log Σ e^{z} − z_y = log(sum) − (z_y − mx); z now holds e^{z−mx}
    f += wi * (Math.log(sum) - zy);
    const inv = 1 / sum;
    for (let k = 0; k < K; k++) {
      const r = wi * (z[k]! * inv - (k === yi ? 1 : 0));
      if (fitIntercept) part[go + bo + k] = part[go + bo + k]! + r;
      const wo = go + k * d;
      for (let j = 0; j < d; j++) part[wo + j] = part[wo + j]! + r * x[o + j]!;
    }
  }
  part[o0] = f;
}

/**
 * The data pass of an objective over chunks of rows, plus the L2 penalty on
 * the first `penalised` parameters. (Splitting the pass over two threads was
 * measured slower here: 1M × 20 binary, 3.1-4.1 s single vs 6.6-7.9 s with a
 * helper under load; the chunks keep that door open.)
 */
function chunkedObjective(
  chunk: (a: ObjectiveArgs, c: number) => void,
  X: Matrix,
  y: Float64Array | Int32Array,
  w: Float64Array,
  K: number,
  C: number,
  fitIntercept: boolean,
  np: number,
  penalised: number,
  signal?: AbortSignal,
) {
  checkMatrix(X, OWNER);
  const n = X.rows;
  const d = X.cols;
  const nChunks = Math.max(1, Math.ceil(n / ROWS_PER_CHUNK));
  const args: ObjectiveArgs = { x: X.data, y, w, n, d, K, fitIntercept, p: new Float64Array(np), part: new Float64Array(nChunks * (np + 1)), unitWeights: true };
  for (let i = 0; i < n; i++) if (w[i] !== 1) args.unitWeights = false;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  return (p: Float64Array, g: Float64Array): number => {
    args.p.set(p);
    for (let c = 0; c < nChunks; c++) {
      // one pass over wide data takes long (MNIST 60k x 784 x 10 classes: seconds): poll per chunk
      if (c > 0) checkAborted(signal, OWNER);
      chunk(args, c);
    }
    const part = args.part;
    let f = 0;
    g.fill(0);
    for (let c = 0; c < nChunks; c++) {
      const o = c * (np + 1);
      f += part[o]!;
      for (let j = 0; j < np; j++) g[j] = g[j]! + part[o + 1 + j]!;
    }
    let pen = 0;
    for (let j = 0; j < penalised; j++) {
      pen += p[j]! * p[j]!;
      g[j] = g[j]! + alpha * p[j]!;
    }
    return f + 0.5 * alpha * pen;
  };
}

/** Σ w_i [log(1+e^z_i) − y_i z_i] + ‖β‖²/(2C), z = Xβ + b; parameters [β (d), b]. */
function binaryObjective(X: Matrix, y: Float64Array, w: Float64Array, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return (
    binaryObjectiveSimd(X, y, w, C, fitIntercept, signal) ??
    chunkedObjective(binaryChunk, X, y, w, 1, C, fitIntercept, X.cols + (fitIntercept ? 1 : 0), X.cols, signal)
  );
}

/** Larger kernel memories are not kept between fits. */
const KEEP_KERNEL_BYTES = 64 * 2 ** 20;
let keptKernel: LinearPanelsKernel | null | undefined;

/**
 * A panel kernel with at least `bytes` of memory. Fits are synchronous and
 * one objective is used at a time, so one instance (its compile, instance and
 * grown memory) serves every fit of the process up to KEEP_KERNEL_BYTES.
 */
function panelsKernel(bytes: number): LinearPanelsKernel | null {
  if (bytes > KEEP_KERNEL_BYTES) {
    const k = linearPanelsKernel({ maxBytes: bytes });
    k?.reserve(bytes);
    return k;
  }
  if (keptKernel === undefined) keptKernel = linearPanelsKernel({ maxBytes: KEEP_KERNEL_BYTES });
  keptKernel?.reserve(bytes);
  return keptKernel;
}

/** Rows per block of the SIMD binary objective: z, residuals and the block's panels stay in L1/L2 between the two passes. */
const SIMD_BLOCK_ROWS = 512;

/**
 * Values of X (rows × features) from which a binary fit splits each
 * evaluation with a helper thread. Measured under load ~3 on 2 cores: 75k × 20
 * fit+predict min 29-31 ms alone -> 18-22 ms with the helper; 7.5k × 20 (two
 * chunks) 2.6 ms either way, so small fits stay on one thread.
 */
const TEAM_MIN_VALUES = 400_000;

/** Where the SIMD binary objective keeps things in its (shared) kernel memory; byte offsets. */
export interface BinaryLayout {
  memory: WebAssembly.Memory;
  n: number;
  d: number;
  unit: boolean;
  /** X in 4-row panels */
  xp: number;
  /** y and sample weights as doubles */
  y: number;
  w: number;
  /** coefficients, then the intercept */
  p: number;
  /** per chunk: 4 partial sums per feature of Xᵀr, the chunk's loss, its Σr */
  out: number;
  /** per thread: z and r of one chunk, the chunk's partial sums */
  scratch: number;
  scratchBytes: number;
}

/** This thread's kernel instances over a layout's memory (the caller's, or a helper's own instances). */
let chunkKernel: { memory: WebAssembly.Memory; kern: LinearPanelsKernel; vexp: VexpFn } | null = null;

function kernelOver(memory: WebAssembly.Memory): { kern: LinearPanelsKernel; vexp: VexpFn } {
  if (chunkKernel?.memory !== memory) {
    const kern = keptKernel?.memory === memory ? keptKernel : linearPanelsKernel({ memory });
    const vexp = expSimd(memory);
    if (!kern || !vexp) throw new LatheError('INTERNAL', `${OWNER}: WebAssembly SIMD is missing on a helper thread.`);
    chunkKernel = { memory, kern, vexp };
  }
  return chunkKernel;
}

/**
 * One chunk (ROWS_PER_CHUNK rows) of the binary objective on the SIMD panel
 * kernels, by the calling thread (thread 0) or a helper (thread 1), each in
 * its own scratch. Per block of rows: z = Xβ + b (the lanes add the features
 * in order: the same z as binaryChunk), loss and residuals in JavaScript with
 * binaryChunk's formulas, then Xᵀr as four partial sums per feature. The
 * chunk's results are copied out only while `current()` holds (a helper that
 * was given up must not write into a later evaluation).
 */
export function binarySimdChunk(a: BinaryLayout, c: number, thread: number, current: () => boolean): void {
  const { kern, vexp } = kernelOver(a.memory);
  const f = new Float64Array(a.memory.buffer);
  const { n, d, unit } = a;
  const c0 = c * ROWS_PER_CHUNK;
  const c1 = Math.min(n, c0 + ROWS_PER_CHUNK);
  const scr = a.scratch + thread * a.scratchBytes;
  const zp = scr / 8;
  const rp = zp + ROWS_PER_CHUNK;
  const gp = rp + ROWS_PER_CHUNK;
  const yp = a.y / 8;
  const wp = a.w / 8;
  const b = f[a.p / 8 + d]!;
  f.fill(0, gp, gp + 4 * d);
  let fc = 0;
  let gb = 0;
  for (let i0 = c0; i0 < c1; i0 += SIMD_BLOCK_ROWS) {
    const i1 = Math.min(c1, i0 + SIMD_BLOCK_ROWS);
    const np = (i1 - i0 + 3) >> 2;
    const zo = zp - c0;
    const ro = rp - c0;
    kern.fwd(a.xp + 8 * i0 * d, a.p, 8 * (zo + i0), np, d, b);
    // e = exp(−|z|) of the block's rows, two at a time (kernels/exp-simd.ts: Math.exp's doubles), in the residuals' place
    for (let q = i0; q < i1; q++) f[ro + q] = -Math.abs(f[zo + q]!);
    for (let q = i1; q < i0 + 4 * np; q++) f[ro + q] = 0;
    vexp(8 * (ro + i0), 2 * np);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const za = f[zo + i]!;
      const zb = f[zo + i + 1]!;
      const zc = f[zo + i + 2]!;
      const zd = f[zo + i + 3]!;
      const ea = f[ro + i]!;
      const eb = f[ro + i + 1]!;
      const ec = f[ro + i + 2]!;
      const ed = f[ro + i + 3]!;
      const wa = f[wp + i]!;
      const wb = f[wp + i + 1]!;
      const wc = f[wp + i + 2]!;
      const wd = f[wp + i + 3]!;
      const ya = f[yp + i]!;
      const yb = f[yp + i + 1]!;
      const yc = f[yp + i + 2]!;
      const yd = f[yp + i + 3]!;
      if (unit) {
        // unit weights: Σ log(1+e) over the four rows as one log of the product (each factor in (1, 2])
        fc += Math.log((1 + ea) * (1 + eb) * (1 + ec) * (1 + ed));
        fc += (za > 0 ? za : 0) - ya * za + (zb > 0 ? zb : 0) - yb * zb + (zc > 0 ? zc : 0) - yc * zc + (zd > 0 ? zd : 0) - yd * zd;
      } else {
        const la = Math.log1p(ea);
        const lb = Math.log1p(eb);
        const lc = Math.log1p(ec);
        const ld = Math.log1p(ed);
        fc += wa * ((za > 0 ? za + la : la) - ya * za);
        fc += wb * ((zb > 0 ? zb + lb : lb) - yb * zb);
        fc += wc * ((zc > 0 ? zc + lc : lc) - yc * zc);
        fc += wd * ((zd > 0 ? zd + ld : ld) - yd * zd);
      }
      const ra = wa * ((za >= 0 ? 1 / (1 + ea) : ea / (1 + ea)) - ya);
      const rb = wb * ((zb >= 0 ? 1 / (1 + eb) : eb / (1 + eb)) - yb);
      const rc = wc * ((zc >= 0 ? 1 / (1 + ec) : ec / (1 + ec)) - yc);
      const rd = wd * ((zd >= 0 ? 1 / (1 + ed) : ed / (1 + ed)) - yd);
      gb += ra;
      gb += rb;
      gb += rc;
      gb += rd;
      f[ro + i] = ra;
      f[ro + i + 1] = rb;
      f[ro + i + 2] = rc;
      f[ro + i + 3] = rd;
    }
    for (; i < i1; i++) {
      const z = f[zo + i]!;
      const wi = f[wp + i]!;
      const yi = f[yp + i]!;
      const e = f[ro + i]!;
      const l = Math.log1p(e);
      fc += wi * ((z > 0 ? z + l : l) - yi * z);
      const r = wi * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
      gb += r;
      f[ro + i] = r;
    }
    // the last panel's rows past n (zeros in X) get residual 0
    for (; i < i0 + 4 * np; i++) f[ro + i] = 0;
    kern.bwd(a.xp + 8 * i0 * d, 8 * (ro + i0), 8 * gp, np, d);
  }
  if (!current()) return;
  const o = a.out / 8 + c * (4 * d + 2);
  f.copyWithin(o, gp, gp + 4 * d);
  f[o + 4 * d] = fc;
  f[o + 4 * d + 1] = gb;
}

const always = (): boolean => true;

/**
 * The binary objective on the SIMD panel kernels (binarySimdChunk), X copied
 * once into 4-row panels of a shared WebAssembly memory; from
 * TEAM_MIN_VALUES values on, a helper thread takes chunks of each evaluation
 * (optim/chunk-team.ts). Chunk results are added in chunk order, so the
 * objective is the same whoever did which chunk. Null where WASM SIMD is
 * missing or X would not fit.
 */
function binaryObjectiveSimd(X: Matrix, y: Float64Array, w: Float64Array, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective | null {
  const n = X.rows;
  const d = X.cols;
  const n4 = (n + 3) & ~3;
  const nChunks = Math.max(1, Math.ceil(n / ROWS_PER_CHUNK));
  const xpOff = 0;
  const yOff = xpOff + 8 * n4 * d;
  const wOff = yOff + 8 * n4;
  const pOff = wOff + 8 * n4;
  const outOff = pOff + 16 * ((d + 2) >> 1);
  const scratchOff = outOff + 8 * nChunks * (4 * d + 2);
  const scratchBytes = 8 * (2 * ROWS_PER_CHUNK + 4 * d);
  const end = scratchOff + 2 * scratchBytes;
  if (end > SIMD_MAX_BYTES) return null;
  const kern = panelsKernel(end);
  if (!kern) return null;
  const f = new Float64Array(kern.memory.buffer);
  packPanels(X.data, n, d, f, xpOff / 8);
  let unit = true;
  for (let i = 0; i < n; i++) {
    f[yOff / 8 + i] = y[i]!;
    f[wOff / 8 + i] = w[i]!;
    if (w[i] !== 1) unit = false;
  }
  const layout: BinaryLayout = { memory: kern.memory, n, d, unit, xp: xpOff, y: yOff, w: wOff, p: pOff, out: outOff, scratch: scratchOff, scratchBytes };
  // X's values are checked here, in the copy: Xᵀ·0 is NaN in a column exactly where the column holds a NaN or ±Infinity
  const zr = scratchOff / 8 + ROWS_PER_CHUNK; // thread 0's r and partial sums
  f.fill(0, zr, zr + ROWS_PER_CHUNK + 4 * d);
  for (let i0 = 0; i0 < n4; i0 += ROWS_PER_CHUNK) kern.bwd(xpOff + 8 * i0 * d, 8 * zr, 8 * (zr + ROWS_PER_CHUNK), Math.min(ROWS_PER_CHUNK, n4 - i0) >> 2, d);
  for (let j = 0; j < 4 * d; j++) if (f[zr + ROWS_PER_CHUNK + j] !== 0) checkMatrix(X, OWNER);
  const team = n * d >= TEAM_MIN_VALUES ? new ChunkTeam(nChunks, { module: import.meta.url, fn: 'binarySimdChunk', args: layout }, true) : null;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  const pp = pOff / 8;
  const op = outOff / 8;
  const local = (c: number): void => {
    if (c > 0) checkAborted(signal, OWNER);
    binarySimdChunk(layout, c, 0, always);
  };
  const objective: ClosableObjective = (p: Float64Array, g: Float64Array): number => {
    for (let j = 0; j < d; j++) f[pp + j] = p[j]!;
    f[pp + d] = fitIntercept ? p[d]! : 0;
    if (team) team.run(local);
    else for (let c = 0; c < nChunks; c++) local(c);
    g.fill(0);
    let loss = 0;
    let gb = 0;
    for (let c = 0; c < nChunks; c++) {
      const o = op + c * (4 * d + 2);
      for (let j = 0; j < d; j++) g[j] = g[j]! + (f[o + 4 * j]! + f[o + 4 * j + 1]! + (f[o + 4 * j + 2]! + f[o + 4 * j + 3]!));
      loss += f[o + 4 * d]!;
      gb += f[o + 4 * d + 1]!;
    }
    if (fitIntercept) g[d] = gb;
    let pen = 0;
    for (let j = 0; j < d; j++) {
      pen += p[j]! * p[j]!;
      g[j] = g[j]! + alpha * p[j]!;
    }
    return loss + 0.5 * alpha * pen;
  };
  objective.close = () => {
    if (!team) return;
    team.close();
    // a helper that did not leave in time may still write into this memory: the next fit gets a fresh one
    if (team.helperBusy && keptKernel === kern) keptKernel = undefined;
  };
  return objective;
}

/** Σ w_i [logsumexp(z_i) − z_i,y_i] + ‖W‖²/(2C), z_i = W x_i + b; parameters [W (K×d row-major), b (K)]. */
function multinomialObjective(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective {
  return multinomialObjectiveSimd(X, y, w, K, C, fitIntercept, signal) ?? multinomialObjectiveJs(X, y, w, K, C, fitIntercept, signal);
}

/** Most bytes of WASM memory the SIMD objective may take (it holds X twice). */
const SIMD_MAX_BYTES = 512 * 2 ** 20;

/** Rows per chunk of the SIMD multinomial objective: an evaluation of digits (1347 rows × 64 × 10 classes) is ~0.4 ms; 192-256-row chunks measured best (64: +25%, 128: +10%). */
const MULTI_CHUNK_ROWS = 256;

let keptTile: DotTileKernel | null | undefined;

/** A shared-memory tile kernel with at least `bytes`; one instance kept for fits up to KEEP_KERNEL_BYTES (as panelsKernel). */
function tileKernel(bytes: number): DotTileKernel | null {
  if (bytes > KEEP_KERNEL_BYTES) {
    const k = dotTileKernel({ shared: true, maxBytes: bytes });
    k?.reserve(bytes);
    return k;
  }
  if (keptTile === undefined) keptTile = dotTileKernel({ shared: true, maxBytes: KEEP_KERNEL_BYTES });
  keptTile?.reserve(bytes);
  return keptTile;
}

interface TileThread {
  memory: WebAssembly.Memory;
  kern: DotTileKernel;
  vexp: VexpFn;
  /** views of the memory (made again when it has grown) */
  f: Float64Array;
  i32: Int32Array;
}

let chunkTile: TileThread | null = null;

/** This thread's tile and exp kernels over a layout's memory and views of it covering `bytes`. */
function tileOver(memory: WebAssembly.Memory, bytes: number): TileThread {
  if (chunkTile?.memory !== memory) {
    const kern = keptTile?.memory === memory ? keptTile : dotTileKernel({ memory });
    const vexp = expSimd(memory);
    if (!kern || !vexp) throw new LatheError('INTERNAL', `${OWNER}: WebAssembly SIMD is missing on a helper thread.`);
    chunkTile = { memory, kern, vexp, f: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer) };
  }
  if (chunkTile.f.length * 8 < bytes) {
    chunkTile.f = new Float64Array(memory.buffer);
    chunkTile.i32 = new Int32Array(memory.buffer);
  }
  return chunkTile;
}

/** Per-row z_y − max z of a chunk, and the chunk's Σ residuals per class (this thread's). */
const chunkZy = new Float64Array(MULTI_CHUNK_ROWS);
let chunkGb = new Float64Array(16);

/** Where the SIMD multinomial objective keeps things in its shared tile-kernel memory; byte offsets. */
export interface MultinomialLayout {
  memory: WebAssembly.Memory;
  n: number;
  d: number;
  K: number;
  /** X in 4-row panels */
  xp: number;
  /** per chunk: Xᵀ of its rows in 4-feature panels (panel stride: the chunk's rows rounded up to 4) */
  xt: number;
  /** class codes (int32) and sample weights (double) */
  y: number;
  w: number;
  /** W in 4-class panels, then the K intercepts */
  W: number;
  bias: number;
  /** zeros (norms of the tiles) and the tile's 4 thresholds (unused) */
  zero: number;
  thr: number;
  /** per chunk: ∂/∂W (K × d), ∂/∂b (K), loss */
  out: number;
  /** per thread: scores, residuals and gradient tiles of one chunk */
  scratch: number;
  scratchBytes: number;
  /** bytes of memory the layout spans */
  bytes: number;
}

/**
 * One chunk (MULTI_CHUNK_ROWS rows) of the multinomial objective on the WASM
 * SIMD tile kernel (kernels/dot-tile.ts; norms 0, so a tile gives −2·dot
 * exactly), by the calling thread (0) or a helper (1) in its own scratch:
 * scores X Wᵀ four classes per tile pass, the softmax, residuals and loss in
 * JavaScript, then the chunk's gradient Rᵀ X from its Xᵀ panels. Sums run
 * over features / rows in order. Results are copied out only while
 * `current()` holds.
 */
export function multinomialSimdChunk(a: MultinomialLayout, c: number, thread: number, current: () => boolean): void {
  const { kern, vexp, f, i32: yc } = tileOver(a.memory, a.bytes);
  const { d, K } = a;
  const K4 = (K + 3) & ~3;
  const d4 = (d + 3) & ~3;
  const CH = MULTI_CHUNK_ROWS;
  const i0 = c * CH;
  const nr = Math.min(a.n, i0 + CH) - i0;
  const nr4 = (nr + 3) & ~3;
  const fo = a.scratch + thread * a.scratchBytes;
  const ro = fo + 8 * K4 * CH;
  const go = ro + 8 * K4 * CH;
  const eo = go + 8 * K4 * d4;
  for (let A = 0; A < K4; A += 4) kern.tile(a.W + 8 * A * d, a.xp + 8 * i0 * d, a.zero, a.zero, fo + 8 * A * CH, nr4 >> 2, d, a.thr);
  const out = fo / 8;
  const rp = ro / 8;
  const yp = a.y / 4;
  const wp = a.w / 8;
  const bp = a.bias / 8;
  if (chunkGb.length < K) chunkGb = new Float64Array(K);
  const gb = chunkGb;
  gb.fill(0, 0, K);
  // z = −½·tile + b; e = z − max z per row, then e^e for the whole chunk two at a time (Math.exp's doubles)
  const ep = eo / 8;
  for (let il = 0; il < nr; il++) {
    const base = out + (il >> 2) * 16 + (il & 3);
    const e = ep + il * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      const zk = -0.5 * f[base + (k >> 2) * 4 * CH + (k & 3) * 4]! + f[bp + k]!;
      f[e + k] = zk;
      if (zk > mx) mx = zk;
    }
    for (let k = 0; k < K; k++) f[e + k] = f[e + k]! - mx;
    chunkZy[il] = f[e + yc[yp + i0 + il]!]!;
  }
  f[ep + nr * K] = 0;
  vexp(eo, (nr * K + 1) >> 1);
  let loss = 0;
  for (let il = 0; il < nr; il++) {
    // softmax and residuals of row i0 + il
    const e = ep + il * K;
    const yi = yc[yp + i0 + il]!;
    const wi = f[wp + i0 + il]!;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += f[e + k]!;
    // loss = log Σ e^{z} − z_y = log(sum) − (z_y − mx)
    loss += wi * (Math.log(sum) - chunkZy[il]!);
    const inv = 1 / sum;
    const rr = rp + 4 * il;
    for (let k = 0; k < K; k++) {
      const r = wi * (f[e + k]! * inv - (k === yi ? 1 : 0));
      gb[k] = gb[k]! + r;
      f[rr + (k >> 2) * 4 * CH + (k & 3)] = r;
    }
  }
  // rows past n in the last panel, and classes past K in the last class panel, have residual 0
  for (let A = 0; A < K4; A += 4) {
    const o = rp + A * CH;
    for (let il = nr; il < nr4; il++) f.fill(0, o + 4 * il, o + 4 * il + 4);
    if (K - A < 4) for (let il = 0; il < nr; il++) for (let q = K - A; q < 4; q++) f[o + 4 * il + q] = 0;
  }
  const xt = a.xt + 8 * c * d4 * CH;
  for (let A = 0; A < K4; A += 4) kern.tile(ro + 8 * A * CH, xt, a.zero, a.zero, go + 8 * A * d4, d4 >> 2, nr4, a.thr);
  if (!current()) return;
  const op = a.out / 8 + c * (K * d + K + 1);
  for (let A = 0; A < K4; A += 4) {
    const kMax = Math.min(4, K - A);
    const t = go / 8 + A * d4;
    for (let qi = 0; qi < kMax; qi++) {
      const o = op + (A + qi) * d;
      for (let j = 0; j < d; j++) f[o + j] = -0.5 * f[t + (j >> 2) * 16 + qi * 4 + (j & 3)]!;
    }
  }
  for (let k = 0; k < K; k++) f[op + K * d + k] = gb[k]!;
  f[op + K * d + K] = loss;
}

/**
 * The multinomial objective on the WASM SIMD tile kernel in chunks of rows
 * (multinomialSimdChunk) over a shared memory; from TEAM_MIN_VALUES
 * rows × features × classes on, a helper thread takes chunks of every
 * evaluation. Chunk results are added in chunk order. Null where WASM SIMD is
 * missing or X is too big to hold twice.
 */
function multinomialObjectiveSimd(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal): ClosableObjective | null {
  const n = X.rows;
  const d = X.cols;
  const CH = MULTI_CHUNK_ROWS;
  const nChunks = Math.max(1, Math.ceil(n / CH));
  const n4 = (n + 3) & ~3;
  const d4 = (d + 3) & ~3;
  const K4 = (K + 3) & ~3;
  const xpOff = 0;
  const xtOff = xpOff + 8 * n4 * d;
  const yOff = xtOff + 8 * nChunks * d4 * CH;
  const wOff = yOff + 8 * ((n4 + 1) >> 1);
  const WOff = wOff + 8 * n4;
  const biasOff = WOff + 8 * K4 * d;
  const zeroOff = biasOff + 8 * K4;
  const thrOff = zeroOff + 8 * (Math.max(CH, d4) + 4);
  const outOff = thrOff + 32;
  const scratchOff = outOff + 8 * nChunks * (K * d + K + 1);
  const scratchBytes = 8 * (2 * K4 * CH + K4 * d4 + K * CH + 2);
  const end = scratchOff + 2 * scratchBytes;
  if (end > SIMD_MAX_BYTES) return null;
  const kern = tileKernel(end);
  if (!kern) return null;
  const f = new Float64Array(kern.memory.buffer);
  const yc = new Int32Array(kern.memory.buffer);
  const x = X.data;
  // the tile kernel reads whole panels: zero what the data do not fill (a kept memory holds the last fit's values)
  f.fill(0, xpOff / 8, yOff / 8);
  f.fill(0, WOff / 8, outOff / 8);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / CH);
    const il = i - c * CH;
    const nr4 = ((Math.min(n, (c + 1) * CH) - c * CH + 3) & ~3);
    const xt = xtOff / 8 + c * d4 * CH;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      finite += v - v; // NaN once a value is NaN or ±Infinity
      f[xpOff / 8 + (i >> 2) * 4 * d + 4 * j + (i & 3)] = v;
      f[xt + (j >> 2) * 4 * nr4 + 4 * il + (j & 3)] = v;
    }
    yc[yOff / 4 + i] = y[i]!;
    f[wOff / 8 + i] = w[i]!;
  }
  if (finite !== 0) checkMatrix(X, OWNER);
  const layout: MultinomialLayout = {
    memory: kern.memory,
    n,
    d,
    K,
    xp: xpOff,
    xt: xtOff,
    y: yOff,
    w: wOff,
    W: WOff,
    bias: biasOff,
    zero: zeroOff,
    thr: thrOff,
    out: outOff,
    scratch: scratchOff,
    scratchBytes,
    bytes: end,
  };
  const team = n * d * K4 >= TEAM_MIN_VALUES ? new ChunkTeam(nChunks, { module: import.meta.url, fn: 'multinomialSimdChunk', args: layout }, true) : null;
  const alpha = Number.isFinite(C) ? 1 / C : 0;
  const Wp = WOff / 8;
  const bp = biasOff / 8;
  const op = outOff / 8;
  const bo = K * d;
  const stride = K * d + K + 1;
  const local = (c: number): void => {
    if (c > 0) checkAborted(signal, OWNER);
    multinomialSimdChunk(layout, c, 0, always);
  };
  const objective: ClosableObjective = (p: Float64Array, g: Float64Array): number => {
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) f[Wp + (k >> 2) * 4 * d + 4 * j + (k & 3)] = p[k * d + j]!;
    for (let k = 0; k < K; k++) f[bp + k] = fitIntercept ? p[bo + k]! : 0;
    if (team) team.run(local);
    else for (let c = 0; c < nChunks; c++) local(c);
    g.fill(0);
    let loss = 0;
    for (let c = 0; c < nChunks; c++) {
      const o = op + c * stride;
      for (let j = 0; j < bo; j++) g[j] = g[j]! + f[o + j]!;
      if (fitIntercept) for (let k = 0; k < K; k++) g[bo + k] = g[bo + k]! + f[o + bo + k]!;
      loss += f[o + bo + K]!;
    }
    let pen = 0;
    for (let j = 0; j < K * d; j++) {
      pen += p[j]! * p[j]!;
      g[j] = g[j]! + alpha * p[j]!;
    }
    return loss + 0.5 * alpha * pen;
  };
  objective.close = () => {
    if (!team) return;
    team.close();
    if (team.helperBusy && keptTile === kern) keptTile = undefined;
  };
  return objective;
}

function multinomialObjectiveJs(X: Matrix, y: Int32Array, w: Float64Array, K: number, C: number, fitIntercept: boolean, signal?: AbortSignal) {
  return chunkedObjective(multinomialChunk, X, y, w, K, C, fitIntercept, K * X.cols + (fitIntercept ? K : 0), K * X.cols, signal);
}
