/**
 * Gaussian naive Bayes, as scikit-learn 1.2's GaussianNB: per class and
 * feature a mean and a (population) variance, plus epsilon = var_smoothing ×
 * the largest feature variance of all training rows; class priors from the
 * class frequencies unless given. Scores are joint log-likelihoods;
 * probabilities come from them by log-sum-exp.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams } from '../../../../src-shared/ml/params.ts';
import type { Params } from '../../../../src-shared/ml/params.ts';
import { GNB_OWNER, GNB_SCHEMA } from '../../../../src-shared/ml/schemas/gnb.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkMatrixShape, checkPredictMatrix, notFitted } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { stateArray, stateNumber } from '../state.ts';

const OWNER = GNB_OWNER;

interface Fitted {
  nFeatures: number;
  nClasses: number;
  /** class codes present at fit, ascending */
  classes: Int32Array;
  /** classes.length × nFeatures */
  theta: Float64Array;
  variance: Float64Array;
  /** log prior per present class */
  logPrior: Float64Array;
  classCount: Float64Array;
  epsilon: number;
}

export class GaussianNB implements Classifier {
  readonly algo = 'gnb';
  readonly params: Params;
  private m: Fitted | null = null;

  constructor(params: Params = {}) {
    this.params = validateParams(OWNER, GNB_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.m !== null;
  }

  get nClasses(): number {
    return this.m?.nClasses ?? 0;
  }

  /** Per-class means and variances (classes.length × features, row-major). */
  get moments(): { classes: Int32Array; theta: Float64Array; variance: Float64Array; epsilon: number } {
    const m = this.need();
    return { classes: m.classes, theta: m.theta, variance: m.variance, epsilon: m.epsilon };
  }

  fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): this {
    this.m = null;
    // the values are checked by the first pass below (a NaN or ±Infinity makes its class sums non-finite)
    checkMatrixShape(X, OWNER);
    const { nClasses, counts } = checkClassTargets(y, X.rows, OWNER);
    checkAborted(opts.signal, OWNER);
    const n = X.rows;
    const d = X.cols;
    const x = X.data;
    const classes = Int32Array.from(Array.from(counts.keys()).filter((c) => counts[c]! > 0));
    const K = classes.length;
    const pos = new Int32Array(nClasses).fill(-1);
    classes.forEach((c, j) => (pos[c] = j));

    const priors = this.params.priors as number[] | null;
    const logPrior = new Float64Array(K);
    if (priors) {
      if (priors.length !== nClasses) {
        throw new LatheError('BAD_DATA', `${OWNER}: priors has ${priors.length} values but there are ${nClasses} classes; give one prior per class.`, {
          param: 'priors',
        });
      }
      const sum = priors.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-8) {
        throw new LatheError('BAD_DATA', `${OWNER}: the priors sum to ${sum}; they must sum to 1.`, { param: 'priors' });
      }
      classes.forEach((c, j) => (logPrior[j] = Math.log(priors[c]!)));
    } else {
      classes.forEach((c, j) => (logPrior[j] = Math.log(counts[c]! / n)));
    }

    // Two passes over X: per-class sums, then per-class squared deviations.
    // The overall per-feature variance (for epsilon) follows from those:
    // n·var_j = Σ_k [ Σ_{i∈k} (x_ij − θ_kj)² + n_k (θ_kj − μ_j)² ].
    const theta = new Float64Array(K * d);
    const variance = new Float64Array(K * d);
    const classCount = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const k = pos[y[i]!]!;
      classCount[k] = classCount[k]! + 1;
      const o = i * d;
      const ko = k * d;
      for (let j = 0; j < d; j++) theta[ko + j] = theta[ko + j]! + x[o + j]!;
    }
    for (let q = 0; q < theta.length; q++) {
      const t = theta[q]!;
      if (t - t !== 0) checkMatrix(X, OWNER); // throws, naming the first bad value's row and column
    }
    const mu = new Float64Array(d);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) mu[j] = mu[j]! + theta[k * d + j]!;
    for (let j = 0; j < d; j++) mu[j] = mu[j]! / n;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) theta[k * d + j] = theta[k * d + j]! / classCount[k]!;
    for (let i = 0; i < n; i++) {
      const k = pos[y[i]!]!;
      const o = i * d;
      const ko = k * d;
      for (let j = 0; j < d; j++) {
        const t = x[o + j]! - theta[ko + j]!;
        variance[ko + j] = variance[ko + j]! + t * t;
      }
    }
    const v = new Float64Array(d);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        const t = theta[k * d + j]! - mu[j]!;
        v[j] = v[j]! + variance[k * d + j]! + classCount[k]! * t * t;
      }
    }
    let maxVar = 0;
    for (let j = 0; j < d; j++) maxVar = Math.max(maxVar, v[j]! / n);
    const epsilon = (this.params.var_smoothing as number) * maxVar;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) variance[k * d + j] = variance[k * d + j]! / classCount[k]! + epsilon;
    if (epsilon === 0) {
      for (let q = 0; q < variance.length; q++) {
        if (variance[q] === 0) {
          throw new LatheError(
            'BAD_DATA',
            `${OWNER}: feature ${q % d} is constant within class ${classes[Math.floor(q / d)]} and var_smoothing is 0; set var_smoothing > 0.`,
            { param: 'var_smoothing', column: q % d },
          );
        }
      }
    }
    this.m = { nFeatures: d, nClasses, classes, theta, variance, logPrior, classCount, epsilon };
    opts.onProgress?.(1, 'fitted');
    return this;
  }

  /** Joint log-likelihood log P(c) + log P(x | c): n × classes present (in `classes` order). */
  private jointLogLikelihood(X: Matrix): Float64Array {
    const m = this.need();
    checkMatrixShape(X, OWNER);
    if (X.cols !== m.nFeatures) checkPredictMatrix(X, m.nFeatures, OWNER); // throws: wrong width
    const K = m.classes.length;
    const d = m.nFeatures;
    const base = new Float64Array(K);
    const inv = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        s += Math.log(2 * Math.PI * m.variance[k * d + j]!);
        inv[k * d + j] = 1 / m.variance[k * d + j]!;
      }
      base[k] = m.logPrior[k]! - 0.5 * s;
    }
    const out = new Float64Array(X.rows * K);
    const x = X.data;
    const theta = m.theta;
    const d4 = d & ~3;
    let bad = false;
    for (let i = 0; i < X.rows; i++) {
      const xo = i * d;
      for (let k = 0; k < K; k++) {
        // four partial sums (independent chains), added pairwise at the end
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const o = k * d;
        let j = 0;
        for (; j < d4; j += 4) {
          const t0 = x[xo + j]! - theta[o + j]!;
          const t1 = x[xo + j + 1]! - theta[o + j + 1]!;
          const t2 = x[xo + j + 2]! - theta[o + j + 2]!;
          const t3 = x[xo + j + 3]! - theta[o + j + 3]!;
          s0 += t0 * t0 * inv[o + j]!;
          s1 += t1 * t1 * inv[o + j + 1]!;
          s2 += t2 * t2 * inv[o + j + 2]!;
          s3 += t3 * t3 * inv[o + j + 3]!;
        }
        for (; j < d; j++) {
          const t = x[xo + j]! - theta[o + j]!;
          s0 += t * t * inv[o + j]!;
        }
        const v = base[k]! - 0.5 * (s0 + s1 + (s2 + s3));
        if (v - v !== 0) bad = true;
        out[i * K + k] = v;
      }
    }
    // a NaN or ±Infinity in X makes its row's scores non-finite: name it
    if (bad) checkPredictMatrix(X, m.nFeatures, OWNER);
    return out;
  }

  predict(X: Matrix): Int32Array {
    const m = this.need();
    const jll = this.jointLogLikelihood(X);
    const K = m.classes.length;
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (jll[i * K + k]! > jll[i * K + best]!) best = k;
      out[i] = m.classes[best]!;
    }
    return out;
  }

  /** log P(c | x), n × nClasses (−Infinity for classes absent at fit). */
  predictLogProba(X: Matrix): Float64Array {
    const m = this.need();
    const jll = this.jointLogLikelihood(X);
    const K = m.classes.length;
    const out = new Float64Array(X.rows * m.nClasses).fill(-Infinity);
    for (let i = 0; i < X.rows; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, jll[i * K + k]!);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(jll[i * K + k]! - mx);
      const lse = mx + Math.log(s);
      for (let k = 0; k < K; k++) out[i * m.nClasses + m.classes[k]!] = jll[i * K + k]! - lse;
    }
    return out;
  }

  predictProba(X: Matrix): Float64Array {
    const lp = this.predictLogProba(X);
    for (let q = 0; q < lp.length; q++) lp[q] = Math.exp(lp[q]!);
    return lp;
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    const m = this.need();
    return {
      algo: this.algo,
      params: { ...this.params, priors: Array.isArray(this.params.priors) ? [...this.params.priors] : null },
      state: { ...m },
    };
  }

  static fromJSON(s: EstimatorState): GaussianNB {
    const e = new GaussianNB(s.params);
    const st = s.state;
    e.m = {
      nFeatures: stateNumber(st, 'nFeatures', OWNER),
      nClasses: stateNumber(st, 'nClasses', OWNER),
      classes: stateArray(st, 'classes', 'Int32Array', OWNER),
      theta: stateArray(st, 'theta', 'Float64Array', OWNER),
      variance: stateArray(st, 'variance', 'Float64Array', OWNER),
      logPrior: stateArray(st, 'logPrior', 'Float64Array', OWNER),
      classCount: stateArray(st, 'classCount', 'Float64Array', OWNER),
      epsilon: stateNumber(st, 'epsilon', OWNER),
    };
    return e;
  }

  private need(): Fitted {
    if (!this.m) throw notFitted(OWNER);
    return this.m;
  }
}
