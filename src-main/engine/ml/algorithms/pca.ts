/**
 * Principal component analysis, as scikit-learn's PCA(svd_solver='full'):
 * centre the data, take the eigen-decomposition of the covariance (the
 * squared singular values of the centred data; with fewer rows than columns,
 * of the rows' Gram matrix instead), keep n_components (an int, a fraction of
 * variance to reach, or all), and fix each component's sign as svd_flip does
 * (the row with the largest |score| scores positive). transform /
 * inverse_transform / whiten / score (probabilistic-PCA log-likelihood) as
 * scikit-learn's. predict(X) is transform(X).
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { PCA_OWNER, PCA_SCHEMA } from '../../../../src-shared/ml/schemas/pca.ts';
import { checkAborted, checkMatrix, checkPredictMatrix, notFitted } from '../check.ts';
import type { Estimator, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { cholesky, choleskyLogDet, choleskySolve, gram, symmetricEigen } from '../linalg.ts';
import { stateArray, stateNumber } from '../state.ts';

export class PCA implements Estimator {
  readonly algo = 'pca';
  readonly params: Params;
  mean_: Float64Array | null = null;
  /** nComponents × nFeatures, row-major; rows are unit vectors. */
  components_: Float64Array = new Float64Array(0);
  explainedVariance_: Float64Array = new Float64Array(0);
  explainedVarianceRatio_: Float64Array = new Float64Array(0);
  singularValues_: Float64Array = new Float64Array(0);
  noiseVariance_ = 0;
  nComponents_ = 0;
  nFeaturesIn = 0;
  nSamples_ = 0;

  constructor(params: Params = {}) {
    this.params = validateParams(PCA_OWNER, PCA_SCHEMA, params);
    const nc = this.params.n_components;
    if (typeof nc === 'number' && nc >= 1 && !Number.isInteger(nc)) {
      throw new LatheError(
        'INVALID_PARAM',
        `The 'n_components' parameter of ${PCA_OWNER} must be an int in the range [1, inf), a float in the range (0, 1) or None. Got ${nc} instead.`,
        { param: 'n_components', value: nc },
      );
    }
  }

  get fitted(): boolean {
    return this.mean_ !== null;
  }

  fit(X: Matrix, _y?: Float64Array | Int32Array, opts: FitOptions = {}): this {
    checkMatrix(X, PCA_OWNER);
    checkAborted(opts.signal, PCA_OWNER);
    this.mean_ = null;
    const n = X.rows;
    const d = X.cols;
    const maxK = Math.min(n, d);
    const nc = this.params.n_components as number | null;
    if (typeof nc === 'number' && nc >= 1 && nc > maxK) {
      throw new LatheError(
        'BAD_DATA',
        `${PCA_OWNER}: n_components=${nc} must be between 0 and min(n_samples, n_features)=${maxK}. Ask for at most ${maxK} components.`,
        { param: 'n_components' },
      );
    }
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + X.data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
    const xc = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = X.data[i * d + j]! - mean[j]!;
    opts.onProgress?.(0.1, 'centred');

    // Squared singular values s² (descending) and right singular vectors (rows).
    const s2 = new Float64Array(maxK);
    const vt = new Float64Array(maxK * d);
    const signal = opts.signal;
    const cancelled = signal ? (): boolean => signal.aborted : undefined;
    if (d <= n) {
      const eig = symmetricEigen(gram(xc, n, d, cancelled), d, cancelled);
      checkAborted(opts.signal, PCA_OWNER);
      for (let k = 0; k < maxK; k++) s2[k] = Math.max(0, eig.values[k]!);
      vt.set(eig.vectors.subarray(0, maxK * d));
    } else {
      // Fewer rows than columns: eigen of XXᵀ (n×n), then v = Xᵀu / s.
      const K = new Float64Array(n * n);
      for (let a = 0; a < n; a++) {
        checkAborted(signal, PCA_OWNER);
        for (let b = a; b < n; b++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += xc[a * d + j]! * xc[b * d + j]!;
          K[a * n + b] = s;
          K[b * n + a] = s;
        }
      }
      const eig = symmetricEigen(K, n, cancelled);
      checkAborted(opts.signal, PCA_OWNER);
      for (let k = 0; k < maxK; k++) {
        s2[k] = Math.max(0, eig.values[k]!);
        const s = Math.sqrt(s2[k]!);
        if (s === 0) continue;
        for (let i = 0; i < n; i++) {
          const u = eig.vectors[k * n + i]!;
          if (u === 0) continue;
          for (let j = 0; j < d; j++) vt[k * d + j] = vt[k * d + j]! + (u * xc[i * d + j]!) / s;
        }
      }
    }
    opts.onProgress?.(0.8, 'decomposed');
    const total = s2.reduce((a, b) => a + b, 0);
    const ratioAll = s2.map((v) => (total > 0 ? v / total : 0));
    let k: number;
    if (nc === null) k = maxK;
    else if (nc >= 1) k = nc;
    else {
      // Fewest components whose cumulative ratio exceeds nc (numpy searchsorted side='right', + 1).
      let cum = 0;
      k = maxK;
      for (let i = 0; i < maxK; i++) {
        cum += ratioAll[i]!;
        if (cum > nc) {
          k = i + 1;
          break;
        }
      }
    }
    // svd_flip (u-based): the row with the largest |score| on a component scores positive.
    for (let c = 0; c < k; c++) {
      let bestAbs = -1;
      let bestVal = 0;
      const oc = c * d;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const oi = i * d;
        for (let j = 0; j < d; j++) s += xc[oi + j]! * vt[oc + j]!;
        const a = Math.abs(s);
        if (a > bestAbs) {
          bestAbs = a;
          bestVal = s;
        }
      }
      if (bestVal < 0) for (let j = 0; j < d; j++) vt[oc + j] = -vt[oc + j]!;
    }
    this.mean_ = mean;
    this.nFeaturesIn = d;
    this.nSamples_ = n;
    this.nComponents_ = k;
    this.components_ = vt.slice(0, k * d);
    this.explainedVariance_ = s2.slice(0, k).map((v) => v / (n - 1));
    this.explainedVarianceRatio_ = ratioAll.slice(0, k);
    this.singularValues_ = s2.slice(0, k).map((v) => Math.sqrt(v));
    if (k < maxK) {
      let rest = 0;
      for (let i = k; i < maxK; i++) rest += s2[i]! / (n - 1);
      this.noiseVariance_ = rest / (maxK - k);
    } else this.noiseVariance_ = 0;
    opts.onProgress?.(1, `${k} components explain ${(100 * this.explainedVarianceRatio_.reduce((a, b) => a + b, 0)).toFixed(1)}% of the variance`);
    return this;
  }

  /** Project onto the components (n × nComponents, row-major). */
  transform(X: Matrix): Float64Array {
    if (!this.mean_) throw notFitted(PCA_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, PCA_OWNER);
    const d = this.nFeaturesIn;
    const k = this.nComponents_;
    const out = new Float64Array(X.rows * k);
    const row = new Float64Array(d);
    const whiten = this.params.whiten as boolean;
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) row[j] = X.data[i * d + j]! - this.mean_[j]!;
      for (let c = 0; c < k; c++) {
        let s = 0;
        const oc = c * d;
        for (let j = 0; j < d; j++) s += row[j]! * this.components_[oc + j]!;
        out[i * k + c] = whiten ? s / Math.sqrt(this.explainedVariance_[c]!) : s;
      }
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    return this.transform(X);
  }

  /** Back from component scores (n × nComponents) to the original columns. */
  inverseTransform(Z: Matrix): Float64Array {
    if (!this.mean_) throw notFitted(PCA_OWNER);
    const k = this.nComponents_;
    const d = this.nFeaturesIn;
    if (Z.cols !== k) {
      throw new LatheError('BAD_DATA', `${PCA_OWNER}.inverseTransform: got ${Z.cols} columns but the model has ${k} components.`, { expected: k, got: Z.cols });
    }
    const whiten = this.params.whiten as boolean;
    const out = new Float64Array(Z.rows * d);
    for (let i = 0; i < Z.rows; i++) {
      const oi = i * d;
      out.set(this.mean_, oi);
      for (let c = 0; c < k; c++) {
        let z = Z.data[i * k + c]!;
        if (whiten) z *= Math.sqrt(this.explainedVariance_[c]!);
        const oc = c * d;
        for (let j = 0; j < d; j++) out[oi + j] = out[oi + j]! + z * this.components_[oc + j]!;
      }
    }
    return out;
  }

  /**
   * The model covariance of probabilistic PCA, as scikit-learn's
   * get_covariance (including its scaling of whitened components).
   */
  covariance(): Float64Array {
    if (!this.mean_) throw notFitted(PCA_OWNER);
    const d = this.nFeaturesIn;
    const k = this.nComponents_;
    const whiten = this.params.whiten as boolean;
    const cov = new Float64Array(d * d);
    for (let c = 0; c < k; c++) {
      const ev = this.explainedVariance_[c]!;
      const w = Math.max(ev - this.noiseVariance_, 0) * (whiten ? ev : 1);
      const oc = c * d;
      for (let a = 0; a < d; a++) {
        const va = w * this.components_[oc + a]!;
        if (va === 0) continue;
        for (let b = 0; b < d; b++) cov[a * d + b] = cov[a * d + b]! + va * this.components_[oc + b]!;
      }
    }
    for (let a = 0; a < d; a++) cov[a * d + a] = cov[a * d + a]! + this.noiseVariance_;
    return cov;
  }

  /** Log-likelihood of each row under the probabilistic-PCA model (−Infinity when its covariance is singular). */
  scoreSamples(X: Matrix): Float64Array {
    if (!this.mean_) throw notFitted(PCA_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, PCA_OWNER);
    const d = this.nFeaturesIn;
    const L = this.covariance();
    const out = new Float64Array(X.rows);
    if (!cholesky(L, d)) return out.fill(-Infinity);
    const logdet = choleskyLogDet(L, d);
    const r = new Float64Array(d);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) r[j] = X.data[i * d + j]! - this.mean_[j]!;
      const z = choleskySolve(L, d, r);
      let q = 0;
      for (let j = 0; j < d; j++) q += r[j]! * z[j]!;
      out[i] = -0.5 * (d * Math.log(2 * Math.PI) + logdet + q);
    }
    return out;
  }

  /** Mean log-likelihood of the rows (scikit-learn's PCA.score). */
  score(X: Matrix): number {
    const s = this.scoreSamples(X);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i]!;
    return t / s.length;
  }

  toJSON(): EstimatorState {
    if (!this.mean_) throw notFitted(PCA_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        mean: Float64Array.from(this.mean_),
        components: Float64Array.from(this.components_),
        explainedVariance: Float64Array.from(this.explainedVariance_),
        explainedVarianceRatio: Float64Array.from(this.explainedVarianceRatio_),
        singularValues: Float64Array.from(this.singularValues_),
        noiseVariance: this.noiseVariance_,
        nComponents: this.nComponents_,
        nFeaturesIn: this.nFeaturesIn,
        nSamples: this.nSamples_,
      },
    };
  }

  static fromJSON(s: EstimatorState): PCA {
    const m = new PCA(s.params);
    const st = s.state;
    m.mean_ = stateArray(st, 'mean', 'Float64Array', PCA_OWNER);
    m.components_ = stateArray(st, 'components', 'Float64Array', PCA_OWNER);
    m.explainedVariance_ = stateArray(st, 'explainedVariance', 'Float64Array', PCA_OWNER);
    m.explainedVarianceRatio_ = stateArray(st, 'explainedVarianceRatio', 'Float64Array', PCA_OWNER);
    m.singularValues_ = stateArray(st, 'singularValues', 'Float64Array', PCA_OWNER);
    m.noiseVariance_ = stateNumber(st, 'noiseVariance', PCA_OWNER);
    m.nComponents_ = stateNumber(st, 'nComponents', PCA_OWNER);
    m.nFeaturesIn = stateNumber(st, 'nFeaturesIn', PCA_OWNER);
    m.nSamples_ = stateNumber(st, 'nSamples', PCA_OWNER);
    if (m.components_.length !== m.nComponents_ * m.nFeaturesIn || m.mean_.length !== m.nFeaturesIn) {
      throw new LatheError('BAD_MODEL_FILE', `The saved ${PCA_OWNER} has components or a mean of the wrong size.`);
    }
    return m;
  }
}
