/**
 * Ridge regression, as scikit-learn's Ridge with its default 'cholesky'
 * solver: centre X and y (when fitting an intercept), solve
 * (XᵀX + αI) w = Xᵀy by Cholesky — or, with more columns than rows, the dual
 * (XXᵀ + αI) c = y, w = Xᵀc — and recover the intercept from the means.
 * When the system is singular (α = 0 on collinear data) it falls back to the
 * least-squares solution by pivoted QR, as scikit-learn falls back to lstsq.
 * `degree` expands the inputs with PolynomialFeatures first.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { RIDGE_OWNER, RIDGE_SCHEMA } from '../../../../src-shared/ml/schemas/ridge.ts';
import { checkAborted, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import type { EstimatorState, Matrix, Regressor } from '../estimator.ts';
import { cholesky, choleskySolve, gram, linearPredict, qrPivoted, qrSolve, toColMajor } from '../linalg.ts';
import { stateArray, stateNumber } from '../state.ts';
import { centre, olsSummary, type LinearFitOptions, type OlsSummary } from './linreg.ts';
import { polynomialNames, polynomialTerms, polynomialTransform, type PolynomialTerms } from './polynomial.ts';

export class Ridge implements Regressor {
  readonly algo = 'ridge';
  readonly params: Params;
  coef_: Float64Array | null = null;
  intercept_ = 0;
  nFeaturesIn = 0;
  featureNamesOut: string[] = [];
  /** R², F and the rest; no standard errors (the penalty biases the coefficients). */
  summary: OlsSummary | null = null;
  /** Which system was solved: 'cholesky' (primal), 'cholesky-dual' or 'lstsq' (singular fallback). */
  solver_ = '';
  private terms: PolynomialTerms | null = null;

  constructor(params: Params = {}) {
    this.params = validateParams(RIDGE_OWNER, RIDGE_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.coef_ !== null;
  }

  fit(X: Matrix, y: Float64Array, opts: LinearFitOptions = {}): this {
    checkMatrix(X, RIDGE_OWNER);
    checkRegressionTargets(y, X.rows, RIDGE_OWNER);
    checkAborted(opts.signal, RIDGE_OWNER);
    this.coef_ = null;
    this.summary = null;
    const degree = this.params.degree as number;
    this.terms = degree > 1 ? polynomialTerms(X.cols, degree) : null;
    this.nFeaturesIn = X.cols;
    this.featureNamesOut = this.terms
      ? polynomialNames(this.terms, opts.featureNames)
      : Array.from({ length: X.cols }, (_, j) => opts.featureNames?.[j] ?? `x${j}`);
    const D = this.terms ? polynomialTransform(this.terms, X) : X;
    const n = D.rows;
    const p = D.cols;
    const alpha = this.params.alpha as number;
    const fitIntercept = this.params.fit_intercept as boolean;
    const xc = Float64Array.from(D.data);
    const yc = Float64Array.from(y);
    const off = fitIntercept ? centre(xc, n, p, yc) : { xMean: new Float64Array(p), yMean: 0 };
    let coef: Float64Array | null = null;
    const signal = opts.signal;
    const cancelled = signal ? (): boolean => signal.aborted : undefined;
    if (p <= n) {
      const A = gram(xc, n, p, cancelled);
      for (let j = 0; j < p; j++) A[j * p + j] = A[j * p + j]! + alpha;
      const b = new Float64Array(p);
      for (let i = 0; i < n; i++) {
        const yi = yc[i]!;
        const o = i * p;
        for (let j = 0; j < p; j++) b[j] = b[j]! + xc[o + j]! * yi;
      }
      if (cholesky(A, p)) {
        coef = choleskySolve(A, p, b);
        this.solver_ = 'cholesky';
      }
    } else {
      // Dual: K = XXᵀ (n×n).
      const K = new Float64Array(n * n);
      for (let a = 0; a < n; a++) {
        checkAborted(signal, RIDGE_OWNER);
        for (let b = a; b < n; b++) {
          let s = 0;
          const oa = a * p;
          const ob = b * p;
          for (let j = 0; j < p; j++) s += xc[oa + j]! * xc[ob + j]!;
          K[a * n + b] = s;
          K[b * n + a] = s;
        }
        K[a * n + a] = K[a * n + a]! + alpha;
      }
      if (cholesky(K, n)) {
        const c = choleskySolve(K, n, yc);
        coef = new Float64Array(p);
        for (let i = 0; i < n; i++) {
          const ci = c[i]!;
          const o = i * p;
          for (let j = 0; j < p; j++) coef[j] = coef[j]! + xc[o + j]! * ci;
        }
        this.solver_ = 'cholesky-dual';
      }
    }
    checkAborted(opts.signal, RIDGE_OWNER);
    if (!coef) {
      if (alpha > 0) {
        throw new LatheError('BAD_DATA', `${RIDGE_OWNER}: the penalised system is not positive definite (alpha=${alpha}); check the data for huge or constant values.`);
      }
      coef = qrSolve(qrPivoted(toColMajor(xc, n, p), n, p, undefined, cancelled), yc);
      this.solver_ = 'lstsq';
    }
    let intercept = 0;
    if (fitIntercept) {
      intercept = off.yMean;
      for (let j = 0; j < p; j++) intercept -= off.xMean[j]! * coef[j]!;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.summary = olsSummary({
      y,
      pred: this.predictDesign(D),
      coef,
      intercept,
      fitIntercept,
      names: this.featureNamesOut,
      xMean: off.xMean,
      inverseGram: new Float64Array(0),
      perm: Int32Array.from({ length: p }, (_, j) => j),
      rank: Math.min(p, n),
      penalised: alpha > 0,
    });
    opts.onProgress?.(1, 'fitted');
    return this;
  }

  private predictDesign(D: Matrix): Float64Array {
    return linearPredict(D.data, D.rows, D.cols, this.coef_!, this.intercept_);
  }

  predict(X: Matrix): Float64Array {
    if (!this.coef_) throw notFitted(RIDGE_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, RIDGE_OWNER);
    return this.predictDesign(this.terms ? polynomialTransform(this.terms, X) : X);
  }

  score(X: Matrix, y: Float64Array): number {
    const pred = this.predict(X);
    if (!y || y.length !== X.rows) throw new LatheError('BAD_DATA', `${RIDGE_OWNER}.score needs one target value per row of X.`);
    return r2Of(y, pred);
  }

  toJSON(): EstimatorState {
    if (!this.coef_) throw notFitted(RIDGE_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        coef: Float64Array.from(this.coef_),
        intercept: this.intercept_,
        nFeaturesIn: this.nFeaturesIn,
        featureNamesOut: [...this.featureNamesOut],
        solver: this.solver_,
        summary: this.summary,
      },
    };
  }

  static fromJSON(s: EstimatorState): Ridge {
    const m = new Ridge(s.params);
    const st = s.state;
    m.coef_ = stateArray(st, 'coef', 'Float64Array', RIDGE_OWNER);
    m.intercept_ = stateNumber(st, 'intercept', RIDGE_OWNER);
    m.nFeaturesIn = stateNumber(st, 'nFeaturesIn', RIDGE_OWNER);
    m.featureNamesOut = (st.featureNamesOut as string[]) ?? [];
    m.solver_ = typeof st.solver === 'string' ? st.solver : '';
    m.summary = (st.summary as OlsSummary | null) ?? null;
    const degree = m.params.degree as number;
    m.terms = degree > 1 ? polynomialTerms(m.nFeaturesIn, degree) : null;
    return m;
  }
}
