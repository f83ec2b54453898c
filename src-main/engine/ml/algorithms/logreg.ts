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
import { lbfgs, type LbfgsResult } from '../optim/lbfgs.ts';
import { binaryObjective } from '../optim/logistic-binary.ts';
import type { ClosableObjective } from '../optim/logistic-common.ts';
import { multinomialObjective } from '../optim/logistic-multinomial.ts';
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
