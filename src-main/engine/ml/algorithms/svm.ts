/**
 * Support vector classification, as scikit-learn's SVC (libsvm's C-SVC):
 *
 * - Each binary problem is solved by SMO with libsvm's second-order
 *   working-set selection (Fan, Chen & Lin 2005, "WSS2") and an LRU cache of
 *   kernel rows (cache_size MB); no shrinking. Stops when the maximal KKT
 *   violation m(α) − M(α) < tol, or after max_iter iterations (then
 *   `converged` is false, as scikit-learn's ConvergenceWarning).
 * - More than two classes: one-vs-one, one problem per pair (class a is +1),
 *   prediction by votes, ties to the lower class index (libsvm).
 * - probability=true: as libsvm, each pair's decision values come from a
 *   5-fold internal cross-validation (folds shuffled with random_state), a
 *   Platt sigmoid is fitted to them (libsvm's Newton method with backtracking),
 *   and pairwise probabilities are coupled (Wu, Lin & Weng's method 2).
 *   predict still uses votes, as scikit-learn.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import { validateParams, type Params } from '../../../../src-shared/ml/params.ts';
import { SVM_OWNER, SVM_SCHEMA } from '../../../../src-shared/ml/schemas/svm.ts';
import { accuracyOf, checkAborted, checkClassTargets, checkMatrix, checkPredictMatrix, notFitted } from '../check.ts';
import type { Classifier, EstimatorState, FitOptions, Matrix } from '../estimator.ts';
import { Random } from '../random.ts';
import { stateArray, stateNumber } from '../state.ts';
import { RowCache, kernelDiagonal, kernelRow, rowNorms, type KernelName, type KernelSpec } from './kernels.ts';

const TAU = 1e-12;

interface BinaryResult {
  /** dual coefficients α_i y_i, one per row of the problem (0 for non-SVs) */
  coef: Float64Array;
  rho: number;
  iterations: number;
  converged: boolean;
}

interface SolveOptions {
  C: number;
  tol: number;
  maxIter: number;
  cacheBytes: number;
  cancelled?: () => boolean;
}

/** SMO on one binary problem: rows of X with labels y ∈ {+1, −1}. */
export function solveBinary(k: KernelSpec, X: Float64Array, n: number, d: number, y: Int8Array, o: SolveOptions): BinaryResult {
  const C = o.C;
  const norms = rowNorms(X, n, d);
  const QD = kernelDiagonal(k, X, n, d, norms);
  const cache = new RowCache(n, o.cacheBytes, (i, out) => {
    kernelRow(k, X, i, norms[i]!, X, n, norms, d, out);
    const yi = y[i]!;
    for (let t = 0; t < n; t++) out[t] = out[t]! * yi * y[t]!;
  });
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1);
  let iter = 0;
  let converged = false;
  while (iter < o.maxIter) {
    // every step: a step scans all n rows and may compute two kernel rows, so the poll is noise (every 1024 ran 2 s unchecked on wide data)
    if (o.cancelled?.()) throw new LatheError('CANCELLED', 'Training SVC was cancelled.');
    // select i: maximal violating from I_up
    let Gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t]! === 1) {
        if (alpha[t]! < C && -G[t]! >= Gmax) {
          Gmax = -G[t]!;
          i = t;
        }
      } else if (alpha[t]! > 0 && G[t]! >= Gmax) {
        Gmax = G[t]!;
        i = t;
      }
    }
    if (i < 0) {
      converged = true;
      break;
    }
    const Qi = cache.get(i);
    const yi = y[i]!;
    let Gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    const QDi = QD[i]!;
    for (let t = 0; t < n; t++) {
      if (y[t]! === 1) {
        if (alpha[t]! > 0) {
          const gd = Gmax + G[t]!;
          if (G[t]! >= Gmax2) Gmax2 = G[t]!;
          if (gd > 0) {
            const qc = QDi + QD[t]! - 2 * yi * Qi[t]!;
            const od = qc > 0 ? -(gd * gd) / qc : -(gd * gd) / TAU;
            if (od <= objMin) {
              j = t;
              objMin = od;
            }
          }
        }
      } else if (alpha[t]! < C) {
        const gd = Gmax - G[t]!;
        if (-G[t]! >= Gmax2) Gmax2 = -G[t]!;
        if (gd > 0) {
          const qc = QDi + QD[t]! + 2 * yi * Qi[t]!;
          const od = qc > 0 ? -(gd * gd) / qc : -(gd * gd) / TAU;
          if (od <= objMin) {
            j = t;
            objMin = od;
          }
        }
      }
    }
    if (Gmax + Gmax2 < o.tol || j < 0) {
      converged = true;
      break;
    }
    iter++;
    const Qj = cache.get(j);
    const Qi2 = cache.get(i); // may have been evicted by j's row
    const ai = alpha[i]!;
    const aj = alpha[j]!;
    let ni: number;
    let nj: number;
    if (y[i]! !== y[j]!) {
      let qc = QD[i]! + QD[j]! + 2 * Qi2[j]!;
      if (qc <= 0) qc = TAU;
      const delta = (-G[i]! - G[j]!) / qc;
      const diff = ai - aj;
      ni = ai + delta;
      nj = aj + delta;
      if (diff > 0) {
        if (nj < 0) {
          nj = 0;
          ni = diff;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = -diff;
      }
      if (diff > 0) {
        if (ni > C) {
          ni = C;
          nj = C - diff;
        }
      } else if (nj > C) {
        nj = C;
        ni = C + diff;
      }
    } else {
      let qc = QD[i]! + QD[j]! - 2 * Qi2[j]!;
      if (qc <= 0) qc = TAU;
      const delta = (G[i]! - G[j]!) / qc;
      const sum = ai + aj;
      ni = ai - delta;
      nj = aj + delta;
      if (sum > C) {
        if (ni > C) {
          ni = C;
          nj = sum - C;
        }
      } else if (nj < 0) {
        nj = 0;
        ni = sum;
      }
      if (sum > C) {
        if (nj > C) {
          nj = C;
          ni = sum - C;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = sum;
      }
    }
    alpha[i] = ni;
    alpha[j] = nj;
    const dai = ni - ai;
    const daj = nj - aj;
    for (let t = 0; t < n; t++) G[t] = G[t]! + Qi2[t]! * dai + Qj[t]! * daj;
  }
  // rho (libsvm calculate_rho)
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t]! * G[t]!;
    const a = alpha[t]!;
    if (a >= C) {
      if (y[t]! === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (a <= 0) {
      if (y[t]! === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const coef = new Float64Array(n);
  for (let t = 0; t < n; t++) coef[t] = alpha[t]! * y[t]!;
  return { coef, rho, iterations: iter, converged };
}

/** libsvm's sigmoid_train: Platt scaling fitted by Newton's method with backtracking. */
export function sigmoidTrain(dec: Float64Array, labels: Int8Array): { A: number; B: number } {
  const l = dec.length;
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) if (labels[i]! > 0) prior1++;
  else prior0++;
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = new Float64Array(l);
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const fOf = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i]! * a + b;
      f += fApB >= 0 ? t[i]! * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log(1 + Math.exp(fApB));
    }
    return f;
  };
  for (let i = 0; i < l; i++) t[i] = labels[i]! > 0 ? hi : lo;
  let fval = fOf(A, B);
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i]! * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1 + Math.exp(-fApB));
        q = 1 / (1 + Math.exp(-fApB));
      } else {
        p = 1 / (1 + Math.exp(fApB));
        q = Math.exp(fApB) / (1 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += dec[i]! * dec[i]! * d2;
      h22 += d2;
      h21 += dec[i]! * d2;
      const d1 = t[i]! - p;
      g1 += dec[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= minStep) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = fOf(nA, nB);
      if (nf < fval + 0.0001 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < minStep) break;
  }
  return { A, B };
}

export function sigmoidPredict(dec: number, A: number, B: number): number {
  const fApB = dec * A + B;
  return fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
}

/** libsvm's multiclass_probability (Wu, Lin & Weng 2004, method 2). r is k × k row-major. */
export function coupleProbabilities(k: number, r: Float64Array, p: Float64Array): void {
  const Q = new Float64Array(k * k);
  const Qp = new Float64Array(k);
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    let qtt = 0;
    for (let j = 0; j < t; j++) {
      qtt += r[j * k + t]! * r[j * k + t]!;
      Q[t * k + j] = Q[j * k + t]!;
    }
    for (let j = t + 1; j < k; j++) {
      qtt += r[j * k + t]! * r[j * k + t]!;
      Q[t * k + j] = -r[j * k + t]! * r[t * k + j]!;
    }
    Q[t * k + t] = qtt;
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += Q[t * k + j]! * p[j]!;
      Qp[t] = s;
      pQp += p[t]! * s;
    }
    let maxErr = 0;
    for (let t = 0; t < k; t++) maxErr = Math.max(maxErr, Math.abs(Qp[t]! - pQp));
    if (maxErr < eps) break;
    for (let t = 0; t < k; t++) {
      const qtt = Q[t * k + t]!;
      const diff = (-Qp[t]! + pQp) / qtt;
      p[t] = p[t]! + diff;
      pQp = (pQp + diff * (diff * qtt + 2 * Qp[t]!)) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t * k + j]!) / (1 + diff);
        p[j] = p[j]! / (1 + diff);
      }
    }
  }
}

/** Rows of X (row-major) at idx, as one new buffer. */
function gather(X: Float64Array, d: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(X.subarray(idx[i]! * d, idx[i]! * d + d), i * d);
  return out;
}

/** Decision values of a binary solution (rows of Xs with coef) on rows of Xq. */
function binaryDecision(k: KernelSpec, Xs: Float64Array, ns: number, coef: Float64Array, rho: number, Xq: Float64Array, nq: number, d: number): Float64Array {
  // keep only the support vectors
  const sv: number[] = [];
  for (let i = 0; i < ns; i++) if (coef[i] !== 0) sv.push(i);
  const S = gather(Xs, d, sv);
  const c = Float64Array.from(sv, (i) => coef[i]!);
  const normsS = rowNorms(S, sv.length, d);
  const normsQ = rowNorms(Xq, nq, d);
  const row = new Float64Array(sv.length);
  const out = new Float64Array(nq);
  for (let q = 0; q < nq; q++) {
    kernelRow(k, Xq, q, normsQ[q]!, S, sv.length, normsS, d, row);
    let s = 0;
    for (let j = 0; j < sv.length; j++) s += c[j]! * row[j]!;
    out[q] = s - rho;
  }
  return out;
}

export class SVC implements Classifier {
  readonly algo = 'svm';
  readonly params: Params;
  nClasses = 0;
  nFeaturesIn = 0;
  /** The γ used (after 'scale' / 'auto'). */
  gamma_ = 0;
  /** Support vectors (nSV × d) and, per pair, indices into them and coefficients. */
  private sv: Float64Array | null = null;
  private nSV = 0;
  private pairStart = new Int32Array(0);
  private pairIndex = new Int32Array(0);
  private pairCoef = new Float64Array(0);
  private rho = new Float64Array(0);
  private probA = new Float64Array(0);
  private probB = new Float64Array(0);
  /** Whether every binary problem met the tolerance. */
  converged = true;
  iterations = 0;

  constructor(params: Params = {}) {
    this.params = validateParams(SVM_OWNER, SVM_SCHEMA, params);
  }

  get fitted(): boolean {
    return this.sv !== null;
  }

  get supportVectorCount(): number {
    return this.nSV;
  }

  private kernelSpec(): KernelSpec {
    return {
      kernel: this.params.kernel as KernelName,
      gamma: this.gamma_,
      coef0: this.params.coef0 as number,
      degree: this.params.degree as number,
    };
  }

  private solveOpts(cancelled?: () => boolean): SolveOptions {
    const mi = this.params.max_iter as number;
    return {
      C: this.params.C as number,
      tol: this.params.tol as number,
      maxIter: mi < 0 ? Number.MAX_SAFE_INTEGER : mi,
      cacheBytes: (this.params.cache_size as number) * 1024 * 1024,
      cancelled,
    };
  }

  async fit(X: Matrix, y: Int32Array, opts: FitOptions = {}): Promise<this> {
    checkMatrix(X, SVM_OWNER);
    const { nClasses, counts } = checkClassTargets(y, X.rows, SVM_OWNER);
    const { signal, onProgress } = opts;
    checkAborted(signal, SVM_OWNER);
    this.sv = null;
    const n = X.rows;
    const d = X.cols;
    const data = X.data;
    // gamma
    const g = this.params.gamma;
    if (g === 'scale') {
      let mean = 0;
      for (let i = 0; i < data.length; i++) mean += data[i]!;
      mean /= data.length;
      let v = 0;
      for (let i = 0; i < data.length; i++) v += (data[i]! - mean) ** 2;
      v /= data.length;
      this.gamma_ = v !== 0 ? 1 / (d * v) : 1;
    } else if (g === 'auto') this.gamma_ = 1 / d;
    else this.gamma_ = g as number;
    const k = this.kernelSpec();
    const cancelled = signal ? () => signal.aborted : undefined;
    const so = this.solveOpts(cancelled);
    const byClass: number[][] = Array.from({ length: nClasses }, () => []);
    for (let i = 0; i < n; i++) byClass[y[i]!]!.push(i);
    const pairs: Array<[number, number]> = [];
    for (let a = 0; a < nClasses; a++) for (let b = a + 1; b < nClasses; b++) if (counts[a]! > 0 && counts[b]! > 0) pairs.push([a, b]);
    const isSV = new Uint8Array(n);
    const rho = new Float64Array(nClasses * (nClasses - 1) / 2);
    const probA = new Float64Array(this.params.probability ? rho.length : 0);
    const probB = new Float64Array(probA.length);
    const rng = new Random(typeof this.params.random_state === 'number' ? this.params.random_state : 0);
    let converged = true;
    let iterations = 0;
    let done = 0;
    const pairIndexOf = (a: number, b: number): number => a * nClasses - (a * (a + 1)) / 2 + (b - a - 1);
    const allPairs = nClasses * (nClasses - 1) / 2;
    const rowsOfPair: Int32Array[] = new Array<Int32Array>(allPairs);
    const coefOfPair: Float64Array[] = new Array<Float64Array>(allPairs);
    for (let p = 0; p < allPairs; p++) {
      rowsOfPair[p] = new Int32Array(0);
      coefOfPair[p] = new Float64Array(0);
    }
    for (const [a, b] of pairs) {
      const idx = Int32Array.from([...byClass[a]!, ...byClass[b]!]).sort();
      const ys = Int8Array.from(idx, (i) => (y[i] === a ? 1 : -1));
      const Xs = gather(data, d, idx);
      const res = solveBinary(k, Xs, idx.length, d, ys, so);
      converged &&= res.converged;
      iterations += res.iterations;
      const p = pairIndexOf(a, b);
      rho[p] = res.rho;
      const svRows: number[] = [];
      const svCoef: number[] = [];
      for (let t = 0; t < idx.length; t++) {
        if (res.coef[t] !== 0) {
          svRows.push(idx[t]!);
          svCoef.push(res.coef[t]!);
          isSV[idx[t]!] = 1;
        }
      }
      rowsOfPair[p] = Int32Array.from(svRows);
      coefOfPair[p] = Float64Array.from(svCoef);
      if (this.params.probability) {
        const { A, B } = this.plattPair(k, Xs, idx.length, d, ys, so, rng);
        probA[p] = A;
        probB[p] = B;
      }
      done++;
      onProgress?.(done / pairs.length, `${done} of ${pairs.length} class pairs`);
      await new Promise((r) => setImmediate(r));
      checkAborted(signal, SVM_OWNER);
    }
    // global support-vector list, pair indices into it
    const svOf = new Int32Array(n).fill(-1);
    let nSV = 0;
    for (let i = 0; i < n; i++) if (isSV[i]) svOf[i] = nSV++;
    const svData = gather(data, d, Array.from({ length: n }, (_, i) => i).filter((i) => isSV[i]));
    const pairStart = new Int32Array(allPairs + 1);
    for (let p = 0; p < allPairs; p++) pairStart[p + 1] = pairStart[p]! + rowsOfPair[p]!.length;
    const pairIndex = new Int32Array(pairStart[allPairs]!);
    const pairCoef = new Float64Array(pairStart[allPairs]!);
    for (let p = 0; p < allPairs; p++) {
      const rows = rowsOfPair[p]!;
      for (let t = 0; t < rows.length; t++) {
        pairIndex[pairStart[p]! + t] = svOf[rows[t]!]!;
        pairCoef[pairStart[p]! + t] = coefOfPair[p]![t]!;
      }
    }
    this.sv = svData;
    this.nSV = nSV;
    this.pairStart = pairStart;
    this.pairIndex = pairIndex;
    this.pairCoef = pairCoef;
    this.rho = rho;
    this.probA = probA;
    this.probB = probB;
    this.nClasses = nClasses;
    this.nFeaturesIn = d;
    this.converged = converged;
    this.iterations = iterations;
    return this;
  }

  /** libsvm's svm_binary_svc_probability: 5-fold CV decision values, then a sigmoid. */
  private plattPair(k: KernelSpec, Xs: Float64Array, n: number, d: number, ys: Int8Array, so: SolveOptions, rng: Random): { A: number; B: number } {
    const folds = 5;
    const perm = rng.permutation(n);
    const dec = new Float64Array(n);
    for (let f = 0; f < folds; f++) {
      const begin = Math.floor((f * n) / folds);
      const end = Math.floor(((f + 1) * n) / folds);
      const trainIdx: number[] = [];
      for (let j = 0; j < begin; j++) trainIdx.push(perm[j]!);
      for (let j = end; j < n; j++) trainIdx.push(perm[j]!);
      const testIdx = Array.from(perm.subarray(begin, end));
      let pos = 0;
      let neg = 0;
      for (const i of trainIdx) if (ys[i]! > 0) pos++;
      else neg++;
      if (pos === 0 || neg === 0) {
        const v = pos > 0 ? 1 : neg > 0 ? -1 : 0;
        for (const i of testIdx) dec[i] = v;
        continue;
      }
      const Xt = gather(Xs, d, trainIdx);
      const yt = Int8Array.from(trainIdx, (i) => ys[i]!);
      const res = solveBinary(k, Xt, trainIdx.length, d, yt, so);
      const Xq = gather(Xs, d, testIdx);
      const dv = binaryDecision(k, Xt, trainIdx.length, res.coef, res.rho, Xq, testIdx.length, d);
      testIdx.forEach((i, q) => (dec[i] = dv[q]!));
    }
    return sigmoidTrain(dec, ys);
  }

  /** Decision values per pair (rows × nPairs, pair order (0,1), (0,2), ... (1,2) ...). */
  decisionPairs(X: Matrix): Float64Array {
    const sv = this.sv;
    if (!sv) throw notFitted(SVM_OWNER);
    checkPredictMatrix(X, this.nFeaturesIn, SVM_OWNER);
    const d = X.cols;
    const k = this.kernelSpec();
    const nP = this.rho.length;
    const out = new Float64Array(X.rows * nP);
    const normsS = rowNorms(sv, this.nSV, d);
    const normsQ = rowNorms(X.data, X.rows, d);
    const krow = new Float64Array(this.nSV);
    for (let q = 0; q < X.rows; q++) {
      kernelRow(k, X.data, q, normsQ[q]!, sv, this.nSV, normsS, d, krow);
      for (let p = 0; p < nP; p++) {
        let s = 0;
        for (let t = this.pairStart[p]!; t < this.pairStart[p + 1]!; t++) s += this.pairCoef[t]! * krow[this.pairIndex[t]!]!;
        out[q * nP + p] = s - this.rho[p]!;
      }
    }
    return out;
  }

  /** Two classes: the signed distance (positive = class 1, as scikit-learn); more: the pair values. */
  decisionFunction(X: Matrix): Float64Array {
    const D = this.decisionPairs(X);
    if (this.nClasses !== 2) return D;
    for (let i = 0; i < D.length; i++) D[i] = -D[i]!;
    return D;
  }

  predict(X: Matrix): Int32Array {
    const D = this.decisionPairs(X);
    const K = this.nClasses;
    const nP = this.rho.length;
    const out = new Int32Array(X.rows);
    const votes = new Int32Array(K);
    for (let q = 0; q < X.rows; q++) {
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < K; a++)
        for (let b = a + 1; b < K; b++) {
          if (D[q * nP + p]! > 0) votes[a]!++;
          else votes[b]!++;
          p++;
        }
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c]! > votes[best]!) best = c;
      out[q] = best;
    }
    return out;
  }

  predictProba(X: Matrix): Float64Array {
    if (!this.sv) throw notFitted(SVM_OWNER);
    if (this.probA.length === 0) {
      throw new LatheError(
        'BAD_REQUEST',
        'predictProba is not available: this SVC was fitted with probability=false. Fit it again with probability=true to get Platt-scaled probabilities.',
        { param: 'probability' },
      );
    }
    const D = this.decisionPairs(X);
    const K = this.nClasses;
    const nP = this.rho.length;
    const out = new Float64Array(X.rows * K);
    const r = new Float64Array(K * K);
    const p = new Float64Array(K);
    const minP = 1e-7;
    for (let q = 0; q < X.rows; q++) {
      let pi = 0;
      for (let a = 0; a < K; a++)
        for (let b = a + 1; b < K; b++) {
          const v = Math.min(Math.max(sigmoidPredict(D[q * nP + pi]!, this.probA[pi]!, this.probB[pi]!), minP), 1 - minP);
          r[a * K + b] = v;
          r[b * K + a] = 1 - v;
          pi++;
        }
      if (K === 2) {
        out[q * 2] = r[1]!;
        out[q * 2 + 1] = r[2]!;
      } else {
        coupleProbabilities(K, r, p);
        out.set(p, q * K);
      }
    }
    return out;
  }

  score(X: Matrix, y: Int32Array): number {
    return accuracyOf(y, this.predict(X));
  }

  toJSON(): EstimatorState {
    if (!this.sv) throw notFitted(SVM_OWNER);
    return {
      algo: this.algo,
      params: { ...this.params },
      state: {
        task: 'classification',
        nClasses: this.nClasses,
        nFeaturesIn: this.nFeaturesIn,
        gamma: this.gamma_,
        nSV: this.nSV,
        supportVectors: Float64Array.from(this.sv),
        pairStart: Int32Array.from(this.pairStart),
        pairIndex: Int32Array.from(this.pairIndex),
        pairCoef: Float64Array.from(this.pairCoef),
        rho: Float64Array.from(this.rho),
        probA: Float64Array.from(this.probA),
        probB: Float64Array.from(this.probB),
        converged: this.converged,
        iterations: this.iterations,
      },
    };
  }

  static fromJSON(s: EstimatorState): SVC {
    const m = new SVC(s.params);
    const st = s.state;
    m.nClasses = stateNumber(st, 'nClasses', SVM_OWNER);
    m.nFeaturesIn = stateNumber(st, 'nFeaturesIn', SVM_OWNER);
    m.gamma_ = stateNumber(st, 'gamma', SVM_OWNER);
    m.nSV = stateNumber(st, 'nSV', SVM_OWNER);
    const sv = stateArray(st, 'supportVectors', 'Float64Array', SVM_OWNER);
    m.pairStart = stateArray(st, 'pairStart', 'Int32Array', SVM_OWNER);
    m.pairIndex = stateArray(st, 'pairIndex', 'Int32Array', SVM_OWNER);
    m.pairCoef = stateArray(st, 'pairCoef', 'Float64Array', SVM_OWNER);
    m.rho = stateArray(st, 'rho', 'Float64Array', SVM_OWNER);
    m.probA = stateArray(st, 'probA', 'Float64Array', SVM_OWNER);
    m.probB = stateArray(st, 'probB', 'Float64Array', SVM_OWNER);
    m.converged = st.converged !== false;
    m.iterations = typeof st.iterations === 'number' ? st.iterations : 0;
    const nP = (m.nClasses * (m.nClasses - 1)) / 2;
    const bad =
      sv.length !== m.nSV * m.nFeaturesIn ||
      m.rho.length !== nP ||
      m.pairStart.length !== nP + 1 ||
      m.pairIndex.length !== m.pairStart[nP] ||
      m.pairCoef.length !== m.pairIndex.length ||
      m.pairIndex.some((v) => v < 0 || v >= m.nSV) ||
      (m.probA.length !== 0 && m.probA.length !== nP);
    if (bad) throw new LatheError('BAD_MODEL_FILE', `${SVM_OWNER} state is corrupt: its support-vector arrays do not fit together.`);
    m.sv = sv;
    return m;
  }
}
