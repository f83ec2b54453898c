/**
 * Gaussian anomaly detection, as taught in Andrew Ng's machine-learning
 * course: fit a normal distribution per feature (mean and the 1/m variance)
 * on the normal rows, score a row by its density p(x) = Π_j N(x_j; μ_j, σ_j²),
 * and call it an anomaly when p(x) < ε.
 *
 * ε is chosen, in this order: the `epsilon` parameter when given; with labels
 * (y: 1 = anomaly, 0 = normal), the threshold with the best F1 on the
 * validation rows (`opts.validation`, else the training rows) among
 * `n_thresholds` evenly spaced candidates between the smallest and largest
 * density — as the course's selectThreshold, but spaced on log p, because
 * with tens of features the densities span hundreds of orders of magnitude;
 * without labels, the `contamination` quantile of the training densities.
 * Everything is computed in log space (score_samples = log p(x)), so many
 * features do not underflow.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { ANOMALY_OWNER, ANOMALY_SCHEMA } from '../../../../src-shared/ml/schemas/anomaly.ts';
import { checkAborted, checkMatrix, checkPredictMatrix, notFitted } from '../check.ts';
import type { Estimator, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { stateArray, stateNumber } from '../state.ts';

export interface AnomalyFitOptions extends FitOptions {
  /** Labelled rows (1 = anomaly) on which ε is chosen by F1, as the course's cross-validation set. */
  validation?: { X: Matrix; y: Int32Array };
}

export type ThresholdMethod = 'given' | 'f1' | 'contamination';

const LOG_2PI = Math.log(2 * Math.PI);

/** Check anomaly labels: one per row, each 0 (normal) or 1 (anomaly). */
function checkAnomalyLabels(y: unknown, rows: number, what: string): Int32Array {
  if (!(y instanceof Int32Array)) {
    throw new LatheError('BAD_DATA', `${ANOMALY_OWNER}: ${what} must be an Int32Array of 0 (normal) / 1 (anomaly), one per row.`, { param: what });
  }
  if (y.length !== rows) {
    throw new LatheError('BAD_DATA', `${ANOMALY_OWNER}: X has ${rows} rows but ${what} has ${y.length} labels; they must match.`, { param: what });
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new LatheError('BAD_DATA', `${ANOMALY_OWNER}: ${what} holds ${y[i]} at row ${i}; labels must be 0 (normal) or 1 (anomaly).`, { param: what, row: i });
    }
  }
  return y;
}

/** F1 of the anomaly class for "score < threshold" predictions. */
export function anomalyF1(scores: ArrayLike<number>, y: ArrayLike<number>, threshold: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const pred = scores[i]! < threshold;
    if (pred && y[i] === 1) tp++;
    else if (pred) fp++;
    else if (y[i] === 1) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Linear-interpolated percentile (numpy's default), q in [0, 1]. */
function quantile(values: Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export class GaussianAnomalyDetector implements Estimator {
  readonly algo = 'anomaly';
  readonly params: Params;
  mean_: Float64Array | null = null;
  var_: Float64Array = new Float64Array(0);
  /** log ε: rows with log p(x) below it are anomalies. */
  logEpsilon_ = -Infinity;
  thresholdMethod_: ThresholdMethod = 'contamination';
  /** F1 on the rows ε was chosen on (NaN unless chosen by F1). */
  f1_ = NaN;
  nFeaturesIn = 0;

  constructor(params: Params = {}) {
    this.params = validateParams(ANOMALY_OWNER, ANOMALY_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.mean_ !== null;
  }

  /** ε itself (may underflow to 0 with many features; logEpsilon_ is exact). */
  get epsilon_(): number {
    return Math.exp(this.logEpsilon_);
  }

  fit(X: Matrix, y?: Int32Array | Float64Array, opts: AnomalyFitOptions = {}): this {
    checkMatrix(X, ANOMALY_OWNER);
    checkAborted(opts.signal, ANOMALY_OWNER);
    const labels = y === undefined ? null : checkAnomalyLabels(y, X.rows, 'y');
    if (opts.validation) {
      checkPredictMatrix(opts.validation.X, X.cols, ANOMALY_OWNER);
      checkAnomalyLabels(opts.validation.y, opts.validation.X.rows, 'validation.y');
    }
    this.mean_ = null;
    const n = X.rows;
    const d = X.cols;
    // Mean and 1/m variance of the normal rows.
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (labels && labels[i] === 1) continue;
      m++;
      for (let j = 0; j < d; j++) mean[j] = mean[j]! + X.data[i * d + j]!;
    }
    if (m === 0) {
      throw new LatheError('BAD_DATA', `${ANOMALY_OWNER}: every training row is labelled an anomaly; the normal distribution needs normal rows (label 0).`, {
        param: 'y',
      });
    }
    for (let j = 0; j < d; j++) mean[j] = mean[j]! / m;
    for (let i = 0; i < n; i++) {
      if (labels && labels[i] === 1) continue;
      for (let j = 0; j < d; j++) {
        const t = X.data[i * d + j]! - mean[j]!;
        variance[j] = variance[j]! + t * t;
      }
    }
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      variance[j] = variance[j]! / m;
      if (variance[j]! > maxVar) maxVar = variance[j]!;
    }
    const smoothing = (this.params.var_smoothing as number) * maxVar;
    for (let j = 0; j < d; j++) {
      variance[j] = variance[j]! + smoothing;
      if (!(variance[j]! > 0)) {
        throw new LatheError(
          'BAD_DATA',
          `${ANOMALY_OWNER}: feature column ${j} is constant on the normal rows (zero variance). Drop it or set var_smoothing > 0.`,
          { column: j },
        );
      }
    }
    this.mean_ = mean;
    this.var_ = variance;
    this.nFeaturesIn = d;
    this.f1_ = NaN;
    const eps = this.params.epsilon as number | null;
    if (eps !== null) {
      this.logEpsilon_ = Math.log(eps);
      this.thresholdMethod_ = 'given';
    } else if (labels || opts.validation) {
      const vx = opts.validation?.X ?? X;
      const vy = opts.validation?.y ?? labels!;
      const { logEpsilon, f1 } = this.selectThreshold(this.scoreSamples(vx), vy);
      this.logEpsilon_ = logEpsilon;
      this.f1_ = f1;
      this.thresholdMethod_ = 'f1';
    } else {
      this.logEpsilon_ = quantile(this.scoreSamples(X), this.params.contamination as number);
      this.thresholdMethod_ = 'contamination';
    }
    opts.onProgress?.(1, `threshold log ε = ${this.logEpsilon_.toPrecision(6)} (${this.thresholdMethod_})`);
    return this;
  }

  /**
   * The course's selectThreshold on log densities: try n_thresholds evenly
   * spaced values from the smallest to the largest score, keep the first with
   * the best F1 (anomaly = score below the threshold).
   */
  selectThreshold(scores: Float64Array, y: Int32Array): { logEpsilon: number; f1: number } {
    const steps = this.params.n_thresholds as number;
    const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
    let positives = 0;
    for (let i = 0; i < y.length; i++) positives += y[i]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < scores.length; i++) {
      if (scores[i]! < lo) lo = scores[i]!;
      if (scores[i]! > hi) hi = scores[i]!;
    }
    const step = (hi - lo) / steps;
    let best = { logEpsilon: lo, f1: 0 };
    let below = 0; // rows with score < threshold
    let tp = 0;
    for (let s = 0; s <= steps; s++) {
      const t = s === steps ? hi : lo + s * step;
      while (below < order.length && scores[order[below]!]! < t) {
        tp += y[order[below]!]!;
        below++;
      }
      const fp = below - tp;
      const fn = positives - tp;
      const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      if (f1 > best.f1) best = { logEpsilon: t, f1 };
    }
    return best;
  }

  /** log p(x) of every row. */
  scoreSamples(X: Matrix): Float64Array {
    if (!this.mean_) throw notFitted(ANOMALY_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, ANOMALY_OWNER);
    const d = this.nFeaturesIn;
    let constant = 0;
    const inv = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      constant -= 0.5 * (LOG_2PI + Math.log(this.var_[j]!));
      inv[j] = 0.5 / this.var_[j]!;
    }
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = constant;
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const t = X.data[o + j]! - this.mean_[j]!;
        s -= t * t * inv[j]!;
      }
      out[i] = s;
    }
    return out;
  }

  /** 1 = anomaly (p(x) < ε), 0 = normal. */
  predict(X: Matrix): Int32Array {
    const s = this.scoreSamples(X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < s.length; i++) out[i] = s[i]! < this.logEpsilon_ ? 1 : 0;
    return out;
  }

  /** With labels: F1 of the anomaly class; without: the mean log density. */
  score(X: Matrix, y?: Float64Array | Int32Array): number {
    const s = this.scoreSamples(X);
    if (y !== undefined) return anomalyF1(s, checkAnomalyLabels(y, X.rows, 'y'), this.logEpsilon_);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i]!;
    return t / s.length;
  }

  toJSON(): EstimatorState {
    if (!this.mean_) throw notFitted(ANOMALY_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        mean: Float64Array.from(this.mean_),
        variance: Float64Array.from(this.var_),
        // JSON has no -Infinity: a null log ε means "nothing is an anomaly".
        logEpsilon: Number.isFinite(this.logEpsilon_) ? this.logEpsilon_ : null,
        thresholdMethod: this.thresholdMethod_,
        f1: Number.isFinite(this.f1_) ? this.f1_ : null,
        nFeaturesIn: this.nFeaturesIn,
      },
    };
  }

  static fromJSON(s: EstimatorState): GaussianAnomalyDetector {
    const m = new GaussianAnomalyDetector(s.params);
    const st = s.state;
    m.mean_ = stateArray(st, 'mean', 'Float64Array', ANOMALY_OWNER);
    m.var_ = stateArray(st, 'variance', 'Float64Array', ANOMALY_OWNER);
    m.nFeaturesIn = stateNumber(st, 'nFeaturesIn', ANOMALY_OWNER);
    m.logEpsilon_ = typeof st.logEpsilon === 'number' ? st.logEpsilon : -Infinity;
    m.thresholdMethod_ = (st.thresholdMethod as ThresholdMethod) ?? 'contamination';
    m.f1_ = typeof st.f1 === 'number' ? st.f1 : NaN;
    if (m.mean_.length !== m.nFeaturesIn || m.var_.length !== m.nFeaturesIn) {
      throw new LatheError('BAD_MODEL_FILE', `The saved ${ANOMALY_OWNER} has a mean or variance of the wrong length.`);
    }
    return m;
  }
}
