/**
 * Ordinary least squares, as scikit-learn's LinearRegression (same
 * coefficients: centred data, then the least-squares solution; for a
 * rank-deficient design the minimum-norm one, as scipy's lstsq gives), solved
 * by Householder QR with column pivoting so that collinear columns are
 * detected and named. The fit also computes the OLS summary statsmodels
 * prints: standard errors, t, p-values, 95% intervals, R², adjusted R², F,
 * residual standard error, log-likelihood, AIC and BIC.
 *
 * Polynomial regression is the `degree` parameter: inputs are expanded with
 * PolynomialFeatures (include_bias=False) inside the model.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { LINREG_OWNER, LINREG_SCHEMA } from '../../../../src-shared/ml/schemas/linreg.ts';
import type { EstimatorState, FitOptions, Matrix, Regressor } from '../estimator.ts';
import { stateArray, stateNumber } from '../state.ts';
import { linearPredict, qrInverseGram, qrPivoted, qrSolve } from '../linalg.ts';
import { checkAborted, checkMatrix, checkPredictMatrix, checkRegressionTargets, notFitted, r2Of } from '../check.ts';
import { fSurvival, studentTQuantile, studentTTwoSided } from '../eval/distributions.ts';
import { polynomialNames, polynomialTerms, polynomialTransform, type PolynomialTerms } from './polynomial.ts';

export interface LinearFitOptions extends FitOptions {
  /** Input column names, used to name the terms of the summary (default x0, x1, …). */
  featureNames?: string[];
}

export interface CoefficientRow {
  /** 'const' for the intercept (statsmodels' name), else the term name. */
  name: string;
  coef: number;
  stdErr: number;
  t: number;
  pValue: number;
  ciLow: number;
  ciHigh: number;
}

export interface OlsSummary {
  nObs: number;
  /** Number of model terms besides the intercept. */
  nTerms: number;
  rank: number;
  dfModel: number;
  dfResid: number;
  rSquared: number;
  adjRSquared: number;
  fStatistic: number;
  fPValue: number;
  /** √(RSS / df_resid). */
  residualStdError: number;
  rss: number;
  logLikelihood: number;
  aic: number;
  bic: number;
  /** Intercept first (when fitted), then one row per term. */
  coefficients: CoefficientRow[];
  /** Terms that are linear combinations of others (empty when the design has full rank). */
  aliased: string[];
  warnings: string[];
}

/** Centre X's columns (and y) in place when asked; returns the offsets. */
export function centre(x: Float64Array, n: number, p: number, y: Float64Array): { xMean: Float64Array; yMean: number } {
  const xMean = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) xMean[j] = xMean[j]! + x[o + j]!;
  }
  for (let j = 0; j < p; j++) xMean[j] = xMean[j]! / n;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) x[o + j] = x[o + j]! - xMean[j]!;
  }
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= n;
  for (let i = 0; i < n; i++) y[i] = y[i]! - yMean;
  return { xMean, yMean };
}

/** Column-major copy of a row-major matrix. */
function colMajor(x: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) out[j * n + i] = x[o + j]!;
  }
  return out;
}

export class LinearRegression implements Regressor {
  readonly algo = 'linreg';
  readonly params: Params;
  coef_: Float64Array | null = null;
  intercept_ = 0;
  rank_ = 0;
  nFeaturesIn = 0;
  featureNamesOut: string[] = [];
  summary: OlsSummary | null = null;
  private terms: PolynomialTerms | null = null;

  constructor(params: Params = {}) {
    this.params = validateParams(LINREG_OWNER, LINREG_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.coef_ !== null;
  }

  fit(X: Matrix, y: Float64Array, opts: LinearFitOptions = {}): this {
    checkMatrix(X, LINREG_OWNER);
    checkRegressionTargets(y, X.rows, LINREG_OWNER);
    checkAborted(opts.signal, LINREG_OWNER);
    this.coef_ = null;
    this.summary = null;
    const degree = this.params.degree as number;
    this.terms = degree > 1 ? polynomialTerms(X.cols, degree) : null;
    this.nFeaturesIn = X.cols;
    const names = this.terms ? polynomialNames(this.terms, opts.featureNames) : Array.from({ length: X.cols }, (_, j) => opts.featureNames?.[j] ?? `x${j}`);
    this.featureNamesOut = names;
    const D = this.terms ? polynomialTransform(this.terms, X) : X;
    const n = D.rows;
    const p = D.cols;
    const fitIntercept = this.params.fit_intercept as boolean;
    const xd = Float64Array.from(D.data);
    const yc = Float64Array.from(y);
    const off = fitIntercept ? centre(xd, n, p, yc) : { xMean: new Float64Array(p), yMean: 0 };
    const signal = opts.signal;
    const qr = qrPivoted(colMajor(xd, n, p), n, p, undefined, signal ? () => signal.aborted : undefined);
    checkAborted(opts.signal, LINREG_OWNER);
    const coef = qrSolve(qr, yc);
    let intercept = 0;
    if (fitIntercept) {
      intercept = off.yMean;
      for (let j = 0; j < p; j++) intercept -= off.xMean[j]! * coef[j]!;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.rank_ = qr.rank;
    // Residuals on the original design.
    const pred = this.predictDesign(D);
    this.summary = olsSummary({
      y,
      pred,
      coef,
      intercept,
      fitIntercept,
      names,
      xMean: off.xMean,
      inverseGram: qrInverseGram(qr),
      perm: qr.perm,
      rank: qr.rank,
    });
    opts.onProgress?.(1, 'fitted');
    return this;
  }

  private predictDesign(D: Matrix): Float64Array {
    return linearPredict(D.data, D.rows, D.cols, this.coef_!, this.intercept_);
  }

  predict(X: Matrix): Float64Array {
    if (!this.coef_) throw notFitted(LINREG_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, LINREG_OWNER);
    return this.predictDesign(this.terms ? polynomialTransform(this.terms, X) : X);
  }

  score(X: Matrix, y: Float64Array): number {
    const pred = this.predict(X);
    if (!y || y.length !== X.rows) throw new LatheError('BAD_DATA', `${LINREG_OWNER}.score needs one target value per row of X.`);
    return r2Of(y, pred);
  }

  toJSON(): EstimatorState {
    if (!this.coef_) throw notFitted(LINREG_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        coef: Float64Array.from(this.coef_),
        intercept: this.intercept_,
        rank: this.rank_,
        nFeaturesIn: this.nFeaturesIn,
        featureNamesOut: [...this.featureNamesOut],
        summary: this.summary,
      },
    };
  }

  static fromJSON(s: EstimatorState): LinearRegression {
    const m = new LinearRegression(s.params);
    const st = s.state;
    m.coef_ = stateArray(st, 'coef', 'Float64Array', LINREG_OWNER);
    m.intercept_ = stateNumber(st, 'intercept', LINREG_OWNER);
    m.rank_ = stateNumber(st, 'rank', LINREG_OWNER);
    m.nFeaturesIn = stateNumber(st, 'nFeaturesIn', LINREG_OWNER);
    m.featureNamesOut = (st.featureNamesOut as string[]) ?? [];
    m.summary = (st.summary as OlsSummary | null) ?? null;
    const degree = m.params.degree as number;
    m.terms = degree > 1 ? polynomialTerms(m.nFeaturesIn, degree) : null;
    return m;
  }
}

export interface OlsInputs {
  y: ArrayLike<number>;
  pred: Float64Array;
  coef: Float64Array;
  intercept: number;
  fitIntercept: boolean;
  names: string[];
  /** Column means of the design (zeros without an intercept). */
  xMean: Float64Array;
  /** (XcᵀXc)⁻¹ of the pivoted, rank-truncated design (rank×rank, factored order). */
  inverseGram: Float64Array;
  perm: Int32Array;
  rank: number;
  /** Ridge: the penalty changes the degrees of freedom, so no tests are reported. */
  penalised?: boolean;
}

/** The statsmodels OLS summary from a fitted least-squares model. */
export function olsSummary(o: OlsInputs): OlsSummary {
  const n = o.y.length;
  const p = o.coef.length;
  const k = o.fitIntercept ? 1 : 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += o.y[i]!;
  yMean /= n;
  let rss = 0;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const r = o.y[i]! - o.pred[i]!;
    rss += r * r;
    const t = o.fitIntercept ? o.y[i]! - yMean : o.y[i]!;
    tss += t * t;
  }
  const dfModel = o.rank;
  const dfResid = n - o.rank - k;
  const sigma2 = dfResid > 0 ? rss / dfResid : NaN;
  const rSquared = tss > 0 ? 1 - rss / tss : rss === 0 ? 1 : 0;
  const adjRSquared = dfResid > 0 ? 1 - ((n - k) / dfResid) * (1 - rSquared) : NaN;
  const ess = tss - rss;
  const fStatistic = dfModel > 0 && dfResid > 0 ? ess / dfModel / sigma2 : NaN;
  const fPValue = Number.isFinite(fStatistic) ? fSurvival(fStatistic, dfModel, dfResid) : NaN;
  const logLikelihood = -(n / 2) * (Math.log(2 * Math.PI) + Math.log(rss / n) + 1);
  const nParams = o.rank + k;
  const aic = -2 * logLikelihood + 2 * nParams;
  const bic = -2 * logLikelihood + Math.log(n) * nParams;
  const warnings: string[] = [];
  const aliased: string[] = [];
  for (let kk = o.rank; kk < p; kk++) aliased.push(o.names[o.perm[kk]!]!);
  const fullRank = o.rank === p;
  if (!fullRank) {
    warnings.push(
      `The design has rank ${o.rank} but ${p} terms: ${aliased.join(', ')} ${aliased.length === 1 ? 'is a linear combination' : 'are linear combinations'} of other terms. ` +
        'The coefficients are the minimum-norm solution and have no standard errors; drop the collinear columns for a meaningful summary.',
    );
  }
  if (o.penalised) warnings.push('Ridge coefficients are penalised: standard errors, t, p-values and intervals are not reported.');
  if (dfResid <= 0) warnings.push(`There are no residual degrees of freedom (${n} rows for ${nParams} parameters): tests are undefined.`);

  // Variances of the slopes, back in original column order.
  const varCoef = new Float64Array(p).fill(NaN);
  let varIntercept = NaN;
  if (fullRank && !o.penalised && dfResid > 0) {
    const r = o.rank;
    const pos = new Int32Array(p); // original column → factored position
    for (let kk = 0; kk < p; kk++) pos[o.perm[kk]!] = kk;
    for (let j = 0; j < p; j++) varCoef[j] = sigma2 * o.inverseGram[pos[j]! * r + pos[j]!]!;
    if (o.fitIntercept) {
      // Var(b0) = σ² (1/n + x̄ᵀ (XcᵀXc)⁻¹ x̄)
      let q = 0;
      for (let a = 0; a < p; a++) {
        const ma = o.xMean[a]!;
        if (ma === 0) continue;
        for (let b = 0; b < p; b++) q += ma * o.inverseGram[pos[a]! * r + pos[b]!]! * o.xMean[b]!;
      }
      varIntercept = sigma2 * (1 / n + q);
    }
  }
  const tq = dfResid > 0 ? studentTQuantile(0.975, dfResid) : NaN;
  const row = (name: string, coef: number, variance: number): CoefficientRow => {
    const se = Math.sqrt(variance);
    const t = coef / se;
    const pValue = Number.isFinite(t) ? studentTTwoSided(t, dfResid) : NaN;
    return { name, coef, stdErr: se, t, pValue, ciLow: coef - tq * se, ciHigh: coef + tq * se };
  };
  const coefficients: CoefficientRow[] = [];
  if (o.fitIntercept) coefficients.push(row('const', o.intercept, varIntercept));
  for (let j = 0; j < p; j++) coefficients.push(row(o.names[j]!, o.coef[j]!, varCoef[j]!));
  return {
    nObs: n,
    nTerms: p,
    rank: o.rank,
    dfModel,
    dfResid,
    rSquared,
    adjRSquared,
    fStatistic,
    fPValue,
    residualStdError: Math.sqrt(sigma2),
    rss,
    logLikelihood,
    aic,
    bic,
    coefficients,
    aliased,
    warnings,
  };
}
