/**
 * Dense linear algebra on Float64Array for the ML engine: Householder QR with
 * column pivoting (least squares, rank detection, minimum-norm solutions for
 * rank-deficient problems), Cholesky, triangular solves, and the symmetric
 * eigen-decomposition (Householder tridiagonalisation + implicit QL, after
 * EISPACK tred2/tql2 as in JAMA). Written for the sizes an interactive
 * workbench sees (up to a few thousand columns); no BLAS.
 */

import { LatheError } from '../../../src-shared/errors.ts';

const EPS = 2.220446049250313e-16;

/** Row-major n×p → column-major copy (Householder works on columns). */
export function toColMajor(a: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ri = i * p;
    for (let j = 0; j < p; j++) out[j * n + i] = a[ri + j]!;
  }
  return out;
}

export interface PivotedQR {
  /** Column-major n×p: R on and above the diagonal, Householder vectors below (v_k[k] = 1 implied). */
  qr: Float64Array;
  n: number;
  p: number;
  tau: Float64Array;
  /** perm[k] = original column index of factored column k. */
  perm: Int32Array;
  /** Numerical rank: the number of |R_kk| above tolerance × |R_00|. */
  rank: number;
  /** The diagonal of R (in factored order). */
  rdiag: Float64Array;
}

/**
 * Householder QR with column pivoting (Businger–Golub, LAPACK dgeqp3's norm
 * downdating) of a column-major n×p matrix, which is overwritten.
 * rankTol: relative tolerance on |R_kk| / |R_00|; default max(n, p)·eps.
 * `cancelled` is polled per column step (O(n·p) each).
 */
export function qrPivoted(a: Float64Array, n: number, p: number, rankTol?: number, cancelled?: () => boolean): PivotedQR {
  const tau = new Float64Array(p);
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  const norms = new Float64Array(p);
  const norms0 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) s += a[o + i]! * a[o + i]!;
    norms[j] = norms0[j] = Math.sqrt(s);
  }
  const steps = Math.min(n, p);
  const tol3z = Math.sqrt(EPS);
  for (let k = 0; k < steps; k++) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'The computation was cancelled.');
    // Pivot: the remaining column of largest norm.
    let best = k;
    for (let j = k + 1; j < p; j++) if (norms[j]! > norms[best]!) best = j;
    if (best !== k) {
      const ok = k * n;
      const ob = best * n;
      for (let i = 0; i < n; i++) {
        const t = a[ok + i]!;
        a[ok + i] = a[ob + i]!;
        a[ob + i] = t;
      }
      const tp = perm[k]!;
      perm[k] = perm[best]!;
      perm[best] = tp;
      norms[best] = norms[k]!;
      norms0[best] = norms0[k]!;
    }
    // Householder reflector for a[k:n, k].
    const ok = k * n;
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm += a[ok + i]! * a[ok + i]!;
    const alpha = a[ok + k]!;
    if (xnorm === 0) {
      tau[k] = 0;
    } else {
      const norm = Math.hypot(alpha, Math.sqrt(xnorm));
      const beta = alpha >= 0 ? -norm : norm;
      tau[k] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = k + 1; i < n; i++) a[ok + i] = a[ok + i]! * scale;
      a[ok + k] = beta;
    }
    const t = tau[k]!;
    // Apply H_k = I − tau v vᵀ to the remaining columns, downdate their norms.
    for (let j = k + 1; j < p; j++) {
      const oj = j * n;
      if (t !== 0) {
        let s = a[oj + k]!;
        for (let i = k + 1; i < n; i++) s += a[ok + i]! * a[oj + i]!;
        s *= t;
        a[oj + k] = a[oj + k]! - s;
        for (let i = k + 1; i < n; i++) a[oj + i] = a[oj + i]! - s * a[ok + i]!;
      }
      if (norms[j] !== 0) {
        const r = Math.abs(a[oj + k]!) / norms[j]!;
        let temp = 1 - r * r;
        if (temp < 0) temp = 0;
        const ratio = norms[j]! / norms0[j]!;
        if (temp * ratio * ratio <= tol3z) {
          let s = 0;
          for (let i = k + 1; i < n; i++) s += a[oj + i]! * a[oj + i]!;
          norms[j] = norms0[j] = Math.sqrt(s);
        } else norms[j] = norms[j]! * Math.sqrt(temp);
      }
    }
  }
  const rdiag = new Float64Array(steps);
  for (let k = 0; k < steps; k++) rdiag[k] = a[k * n + k]!;
  const tol = (rankTol ?? Math.max(n, p) * EPS) * Math.abs(rdiag[0] ?? 0);
  let rank = 0;
  while (rank < steps && Math.abs(rdiag[rank]!) > tol) rank++;
  return { qr: a, n, p, tau, perm, rank, rdiag };
}

/** b ← Qᵀ b for the Q of a (pivoted) QR. */
export function applyQt(f: PivotedQR, b: Float64Array): void {
  const { qr, n, tau } = f;
  const steps = Math.min(n, f.p);
  for (let k = 0; k < steps; k++) {
    const t = tau[k]!;
    if (t === 0) continue;
    const ok = k * n;
    let s = b[k]!;
    for (let i = k + 1; i < n; i++) s += qr[ok + i]! * b[i]!;
    s *= t;
    b[k] = b[k]! - s;
    for (let i = k + 1; i < n; i++) b[i] = b[i]! - s * qr[ok + i]!;
  }
}

/**
 * Least squares min ‖A x − b‖ from a pivoted QR. Full rank: back substitution.
 * Rank r < p: the minimum-norm solution (complete orthogonal decomposition:
 * a second QR of [R11 R12]ᵀ), the same answer as an SVD-based lstsq.
 */
export function qrSolve(f: PivotedQR, b: Float64Array): Float64Array {
  const { qr, n, p, perm, rank: r } = f;
  const c = Float64Array.from(b);
  applyQt(f, c);
  const z = new Float64Array(p);
  if (r === p) {
    for (let k = p - 1; k >= 0; k--) {
      let s = c[k]!;
      for (let j = k + 1; j < p; j++) s -= qr[j * n + k]! * z[j]!;
      z[k] = s / qr[k * n + k]!;
    }
  } else if (r > 0) {
    // Tᵀ (p×r, column-major) where T = [R11 R12] (r×p): Tᵀ[j, i] = R[i, j].
    const tt = new Float64Array(p * r);
    for (let i = 0; i < r; i++) for (let j = i; j < p; j++) tt[i * p + j] = qr[j * n + i]!;
    const g = qrPivotedNoPivot(tt, p, r);
    // T = R2ᵀ Q2ᵀ, so T z = c ⇔ R2ᵀ w = c, z = Q2 w.
    const w = new Float64Array(p);
    for (let i = 0; i < r; i++) {
      let s = c[i]!;
      for (let k = 0; k < i; k++) s -= tt[i * p + k]! * w[k]!;
      w[i] = s / tt[i * p + i]!;
    }
    // Q2 w = H_0 H_1 … H_{r−1} w.
    for (let k = r - 1; k >= 0; k--) {
      const t = g[k]!;
      if (t === 0) continue;
      const ok = k * p;
      let s = w[k]!;
      for (let i = k + 1; i < p; i++) s += tt[ok + i]! * w[i]!;
      s *= t;
      w[k] = w[k]! - s;
      for (let i = k + 1; i < p; i++) w[i] = w[i]! - s * tt[ok + i]!;
    }
    z.set(w);
  }
  const x = new Float64Array(p);
  for (let k = 0; k < p; k++) x[perm[k]!] = z[k]!;
  return x;
}

/** Plain Householder QR (no pivoting) of a column-major n×p matrix in place; returns tau. */
function qrPivotedNoPivot(a: Float64Array, n: number, p: number): Float64Array {
  const tau = new Float64Array(p);
  for (let k = 0; k < Math.min(n, p); k++) {
    const ok = k * n;
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm += a[ok + i]! * a[ok + i]!;
    const alpha = a[ok + k]!;
    if (xnorm === 0) continue;
    const norm = Math.hypot(alpha, Math.sqrt(xnorm));
    const beta = alpha >= 0 ? -norm : norm;
    tau[k] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < n; i++) a[ok + i] = a[ok + i]! * scale;
    a[ok + k] = beta;
    const t = tau[k]!;
    for (let j = k + 1; j < p; j++) {
      const oj = j * n;
      let s = a[oj + k]!;
      for (let i = k + 1; i < n; i++) s += a[ok + i]! * a[oj + i]!;
      s *= t;
      a[oj + k] = a[oj + k]! - s;
      for (let i = k + 1; i < n; i++) a[oj + i] = a[oj + i]! - s * a[ok + i]!;
    }
  }
  return tau;
}

/**
 * (R11ᵀ R11)⁻¹ (rank×rank, row-major, in factored order) for the leading
 * block of R: the unscaled covariance of the least-squares coefficients.
 */
export function qrInverseGram(f: PivotedQR): Float64Array {
  const { qr, n, rank: r } = f;
  // Rinv (upper triangular, r×r, row-major): solve R Rinv = I column by column.
  const rinv = new Float64Array(r * r);
  for (let col = 0; col < r; col++) {
    for (let k = col; k >= 0; k--) {
      let s = k === col ? 1 : 0;
      for (let j = k + 1; j <= col; j++) s -= qr[j * n + k]! * rinv[j * r + col]!;
      rinv[k * r + col] = s / qr[k * n + k]!;
    }
  }
  // (RᵀR)⁻¹ = Rinv Rinvᵀ.
  const out = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = a; b < r; b++) {
      let s = 0;
      for (let j = b; j < r; j++) s += rinv[a * r + j]! * rinv[b * r + j]!;
      out[a * r + b] = s;
      out[b * r + a] = s;
    }
  }
  return out;
}

/**
 * Cholesky A = L Lᵀ of a symmetric positive-definite p×p row-major matrix,
 * in place (lower triangle gets L, upper is left as is). Returns false when A
 * is not numerically positive definite.
 */
export function cholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    const oj = j * p;
    let d = a[oj + j]!;
    for (let k = 0; k < j; k++) d -= a[oj + k]! * a[oj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[oj + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const oi = i * p;
      let s = a[oi + j]!;
      for (let k = 0; k < j; k++) s -= a[oi + k]! * a[oj + k]!;
      a[oi + j] = s / ljj;
    }
  }
  return true;
}

/** Solve L Lᵀ x = b with the factor from cholesky(); returns x (b untouched). */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = y[i]!;
    const oi = i * p;
    for (let k = 0; k < i; k++) s -= l[oi + k]! * y[k]!;
    y[i] = s / l[oi + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  return y;
}

/** log det(A) = 2 Σ log L_ii from a Cholesky factor. */
export function choleskyLogDet(l: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) s += Math.log(l[i * p + i]!);
  return 2 * s;
}

export interface SymEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Row-major p×p: row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric p×p row-major matrix (only read, not
 * changed): Householder reduction to tridiagonal form then the implicit QL
 * algorithm (EISPACK tred2 + tql2). O(p³), accurate to a few ulps of the
 * largest eigenvalue. `cancelled` is polled per row of each phase (O(p²) each).
 */
export function symmetricEigen(a: Float64Array, p: number, cancelled?: () => boolean): SymEigen {
  const n = p;
  const V = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: V };
  // --- tred2 (row-major V[i][j] = V[i*n+j]) ---
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'The computation was cancelled.');
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j]! * d[k]!;
          e[k] = e[k]! + V[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j] = V[k * n + j]! - (f * e[k]! + g * d[k]!);
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j] = V[k * n + j]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;

  // --- tql2, on W = Vᵀ so that the rotations touch two contiguous rows ---
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[j * n + i] = V[i * n + j]!;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    if (cancelled && cancelled()) throw new LatheError('CANCELLED', 'The computation was cancelled.');
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l]!;
        let pp = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(pp, 1);
        if (pp < 0) r = -r;
        d[l] = e[l]! / (pp + r);
        d[l + 1] = e[l]! * (pp + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        pp = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * pp;
          r = Math.hypot(pp, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = pp / r;
          pp = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const oi = i * n;
          const oi1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = W[oi1 + k]!;
            const wk = W[oi + k]!;
            W[oi1 + k] = s * wk + c * hk;
            W[oi + k] = c * wk - s * hk;
          }
        }
        pp = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * pp;
        d[l] = c * pp;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  // Sort largest first.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    vectors.set(W.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/** XᵀX (p×p, row-major, full) of a row-major n×p matrix, blocked over rows; `cancelled` is polled every 64 rows. */
export function gram(x: Float64Array, n: number, p: number, cancelled?: () => boolean): Float64Array {
  const g = new Float64Array(p * p);
  // Upper triangle, four rows at a time to reuse the loaded row values.
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (cancelled && (i & 63) === 0 && cancelled()) throw new LatheError('CANCELLED', 'The computation was cancelled.');
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    for (let a = 0; a < p; a++) {
      const x0 = x[o0 + a]!;
      const x1 = x[o1 + a]!;
      const x2 = x[o2 + a]!;
      const x3 = x[o3 + a]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const og = a * p;
      for (let b = a; b < p; b++) g[og + b] = g[og + b]! + x0 * x[o0 + b]! + x1 * x[o1 + b]! + x2 * x[o2 + b]! + x3 * x[o3 + b]!;
    }
  }
  for (; i < n; i++) {
    const o = i * p;
    for (let a = 0; a < p; a++) {
      const xa = x[o + a]!;
      if (xa === 0) continue;
      const og = a * p;
      for (let b = a; b < p; b++) g[og + b] = g[og + b]! + xa * x[o + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) g[a * p + b] = g[b * p + a]!;
  return g;
}

/** X·coef + intercept for a row-major design matrix (the linear models' predict). */
export function linearPredict(data: Float64Array, rows: number, cols: number, coef: Float64Array, intercept: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = intercept;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o + j]! * coef[j]!;
    out[i] = s;
  }
  return out;
}
