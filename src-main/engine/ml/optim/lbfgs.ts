/**
 * L-BFGS for smooth unconstrained minimisation, built to follow SciPy's
 * L-BFGS-B (as scikit-learn calls it) step for step on problems without
 * bounds: memory m = 10, first step 1/‖d‖ then 1, the Moré–Thuente line
 * search (MINPACK-2 dcsrch/dcstep, ftol 1e-3, gtol 0.9, xtol 0.1, at most
 * maxLineSearch evaluations), a pair (s, y) kept only when sᵀy > ε·(−gᵀd·step),
 * and the same stopping rules: ‖g‖∞ ≤ gtol, or relative decrease of f
 * ≤ ftol (2.2e-9), or maxIter iterations.
 *
 * The objective writes its gradient into `g` and returns f.
 */
import { LatheError } from '../../../../src-shared/errors.ts';

export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** memory (pairs kept); 10 as SciPy */
  m?: number;
  maxIter?: number;
  /** stop when max |g_i| ≤ gtol (SciPy's pgtol; sklearn passes its tol) */
  gtol?: number;
  /** stop when (f_old − f) / max(|f_old|, |f|, 1) ≤ ftol (SciPy's default 2.22e-9) */
  ftol?: number;
  /** most function evaluations per line search (SciPy's maxls, 20) */
  maxLineSearch?: number;
  /** most function evaluations overall (SciPy's maxfun, 15000) */
  maxEval?: number;
  signal?: AbortSignal;
  /** called after every iteration; return true to stop early */
  onIteration?: (iter: number, f: number, gInfNorm: number) => boolean | void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** gradient at x */
  g: Float64Array;
  nIter: number;
  nEval: number;
  converged: boolean;
  /** why it stopped, in words */
  message: string;
}

const EPSMCH = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

export function lbfgs(fun: Objective, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const m = opts.m ?? 10;
  const maxIter = opts.maxIter ?? 15000;
  const gtol = opts.gtol ?? 1e-5;
  const ftol = opts.ftol ?? 2.220446049250313e-9;
  const maxLs = opts.maxLineSearch ?? 20;
  const maxEval = opts.maxEval ?? 15000;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let nEval = 1;
  let f = fun(x, g);
  if (!Number.isFinite(f)) {
    throw new LatheError('BAD_DATA', 'The objective is not finite at the starting point; check the data for extreme values.', {});
  }
  if (infNorm(g) <= gtol) {
    return { x, f, g, nIter: 0, nEval, converged: true, message: 'The gradient at the start is already below tol.' };
  }
  if (maxIter <= 0) return { x, f, g, nIter: 0, nEval, converged: false, message: 'The iteration limit (0) was reached.' };

  // the memory as a ring of m preallocated pairs: pair j (0 = oldest) lives in slot (head + j) % m
  const S: Float64Array[] = Array.from({ length: m }, (): Float64Array => new Float64Array(n));
  const Y: Float64Array[] = Array.from({ length: m }, (): Float64Array => new Float64Array(n));
  const rho = new Float64Array(m);
  let head = 0;
  let kept = 0;
  const slot = (j: number): number => (head + j) % m;
  let sNew: Float64Array = new Float64Array(n);
  let yNew: Float64Array = new Float64Array(n);
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  const xOld = new Float64Array(n);
  const gOld = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  let iter = 0;
  let first = true;

  for (;;) {
    if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The optimisation was cancelled.');
    // Direction by two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    const k = kept;
    for (let j = k - 1; j >= 0; j--) {
      const q = slot(j);
      const a = rho[q]! * dot(S[q]!, d);
      alpha[j] = a;
      const yj = Y[q]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * yj[i]!;
    }
    if (k > 0) {
      const q = slot(k - 1);
      const yl = Y[q]!;
      const gamma = 1 / (rho[q]! * dot(yl, yl)); // sᵀy / yᵀy
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    }
    for (let j = 0; j < k; j++) {
      const q = slot(j);
      const b = rho[q]! * dot(Y[q]!, d);
      const sj = S[q]!;
      const c = alpha[j]! - b;
      for (let i = 0; i < n; i++) d[i] = d[i]! + c * sj[i]!;
    }
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // Not a descent direction (numerical trouble): forget the memory and take steepest descent.
      kept = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      gd = dot(g, d);
      first = true;
      if (!(gd < 0)) break;
    }

    // Line search along d.
    xOld.set(x);
    gOld.set(g);
    const fOld = f;
    const dnorm = Math.sqrt(dot(d, d));
    const stpmax = 1e10;
    let stp = first ? Math.min(1 / dnorm, stpmax) : 1;
    const ls = new MoreThuente(fOld, gd, stp, 1e-3, 0.9, 0.1, 0, stpmax);
    let lsEvals = 0;
    let ok = false;
    let fNew = f;
    for (;;) {
      // per evaluation, not per iteration: on wide multinomial data one evaluation is ~0.2 s and a line search may take several
      if (opts.signal?.aborted) throw new LatheError('CANCELLED', 'The optimisation was cancelled.');
      for (let i = 0; i < n; i++) xt[i] = xOld[i]! + stp * d[i]!;
      fNew = fun(xt, gt);
      nEval++;
      lsEvals++;
      const dg = dot(gt, d);
      const r = ls.step(stp, fNew, dg);
      if (r.done) {
        ok = Number.isFinite(fNew);
        break;
      }
      if (lsEvals >= maxLs || nEval >= maxEval) {
        ok = false;
        break;
      }
      stp = r.stp;
    }
    if (!ok) {
      // SciPy restores x and retries once from steepest descent with an empty memory.
      if (kept === 0) {
        x.set(xOld);
        g.set(gOld);
        f = fOld;
        return { x, f, g, nIter: iter, nEval, converged: false, message: 'The line search failed to find a better point (ABNORMAL_TERMINATION_IN_LNSRCH).' };
      }
      kept = 0;
      first = true;
      x.set(xOld);
      g.set(gOld);
      f = fOld;
      continue;
    }
    x.set(xt);
    g.set(gt);
    f = fNew;
    iter++;
    first = false;

    const gInf = infNorm(g);
    if (opts.onIteration?.(iter, f, gInf)) {
      return { x, f, g, nIter: iter, nEval, converged: false, message: 'Stopped by the caller.' };
    }
    if (gInf <= gtol) return { x, f, g, nIter: iter, nEval, converged: true, message: 'The projected gradient is below tol.' };
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      return { x, f, g, nIter: iter, nEval, converged: true, message: 'The relative reduction of the objective is below ftol.' };
    }
    if (iter >= maxIter) return { x, f, g, nIter: iter, nEval, converged: false, message: `The iteration limit (${maxIter}) was reached.` };
    if (nEval >= maxEval) return { x, f, g, nIter: iter, nEval, converged: false, message: `The evaluation limit (${maxEval}) was reached.` };

    // Update the memory when the curvature condition holds (as L-BFGS-B's test).
    const s = sNew;
    const y = yNew;
    for (let i = 0; i < n; i++) {
      s[i] = x[i]! - xOld[i]!;
      y[i] = g[i]! - gOld[i]!;
    }
    const sy = dot(s, y);
    const ddum = -gd * stp;
    if (sy > EPSMCH * ddum) {
      // into the slot after the newest (the oldest's when the memory is full); its arrays take the next candidate
      const q = slot(kept === m ? 0 : kept);
      sNew = S[q]!;
      yNew = Y[q]!;
      S[q] = s;
      Y[q] = y;
      rho[q] = 1 / sy;
      if (kept === m) head = (head + 1) % m;
      else kept++;
    }
  }
  return { x, f, g, nIter: iter, nEval, converged: false, message: 'No descent direction could be found.' };
}

/**
 * Moré & Thuente's line search (MINPACK-2 dcsrch) in step form: construct
 * with φ(0), φ'(0) and the first trial step; call step(stp, φ(stp), φ'(stp))
 * and either stop (done) or evaluate at the returned stp.
 */
export class MoreThuente {
  private brackt = false;
  private stage = 1;
  private readonly finit: number;
  private readonly ginit: number;
  private readonly gtest: number;
  private width: number;
  private width1: number;
  private stx = 0;
  private fx: number;
  private gx: number;
  private sty = 0;
  private fy: number;
  private gy: number;
  private stmin = 0;
  private stmax: number;

  constructor(
    f0: number,
    g0: number,
    stp: number,
    private readonly ftol: number,
    private readonly gtol: number,
    private readonly xtol: number,
    private readonly stpmin: number,
    private readonly stpmax: number,
  ) {
    this.finit = f0;
    this.ginit = g0;
    this.gtest = ftol * g0;
    this.width = stpmax - stpmin;
    this.width1 = this.width / 0.5;
    this.fx = f0;
    this.gx = g0;
    this.fy = f0;
    this.gy = g0;
    this.stmax = stp + 4 * stp;
  }

  step(stpIn: number, f: number, g: number): { done: boolean; stp: number } {
    let stp = stpIn;
    if (!Number.isFinite(f)) {
      // Overshot into overflow: shrink towards the best point so far.
      const s = this.stx + 0.5 * (stp - this.stx);
      this.brackt = true;
      this.sty = stp;
      this.fy = Infinity;
      this.stmax = stp;
      return { done: false, stp: s };
    }
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) return { done: true, stp };
    if (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax) return { done: true, stp };
    if (stp === this.stpmax && f <= ftest && g <= this.gtest) return { done: true, stp };
    if (stp === this.stpmin && (f > ftest || g >= this.gtest)) return { done: true, stp };
    if (f <= ftest && Math.abs(g) <= this.gtol * -this.ginit) return { done: true, stp };

    if (this.stage === 1 && f <= this.fx && f > ftest) {
      const fm = f - stp * this.gtest;
      const gm = g - this.gtest;
      const r = dcstep(this.stx, this.fx - this.stx * this.gtest, this.gx - this.gtest, this.sty, this.fy - this.sty * this.gtest, this.gy - this.gtest, stp, fm, gm, this.brackt, this.stmin, this.stmax);
      this.stx = r.stx;
      this.fx = r.fx + r.stx * this.gtest;
      this.gx = r.dx + this.gtest;
      this.sty = r.sty;
      this.fy = r.fy + r.sty * this.gtest;
      this.gy = r.dy + this.gtest;
      this.brackt = r.brackt;
      stp = r.stp;
    } else {
      const r = dcstep(this.stx, this.fx, this.gx, this.sty, this.fy, this.gy, stp, f, g, this.brackt, this.stmin, this.stmax);
      this.stx = r.stx;
      this.fx = r.fx;
      this.gx = r.dx;
      this.sty = r.sty;
      this.fy = r.fy;
      this.gy = r.dy;
      this.brackt = r.brackt;
      stp = r.stp;
    }
    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) stp = this.stx + 0.5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
    }
    if (this.brackt) {
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = stp + 1.1 * (stp - this.stx);
      this.stmax = stp + 4 * (stp - this.stx);
    }
    stp = Math.max(stp, this.stpmin);
    stp = Math.min(stp, this.stpmax);
    if ((this.brackt && (stp <= this.stmin || stp >= this.stmax)) || (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax)) stp = this.stx;
    return { done: false, stp };
  }
}

function dcstep(
  stx0: number,
  fx0: number,
  dx0: number,
  sty0: number,
  fy0: number,
  dy0: number,
  stp: number,
  fp: number,
  dp: number,
  brackt0: boolean,
  stpmin: number,
  stpmax: number,
): { stx: number; fx: number; dx: number; sty: number; fy: number; dy: number; stp: number; brackt: boolean } {
  let stx = stx0;
  let fx = fx0;
  let dx = dx0;
  let sty = sty0;
  let fy = fy0;
  let dy = dy0;
  let brackt = brackt0;
  const sgnd = dp * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
      else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else if (brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    const r = p / q;
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    sty = stp;
    fy = fp;
    dy = dp;
  } else {
    if (sgnd < 0) {
      sty = stx;
      fy = fx;
      dy = dx;
    }
    stx = stp;
    fx = fp;
    dx = dp;
  }
  return { stx, fx, dx, sty, fy, dy, stp: stpf, brackt };
}
