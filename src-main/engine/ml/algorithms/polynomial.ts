/**
 * Polynomial feature expansion, as scikit-learn's
 * PolynomialFeatures(degree, include_bias=False): the degree-1 terms, then
 * every product of 2, …, degree inputs (combinations with replacement, in
 * lexicographic order), named like `x0`, `x0^2`, `x0 x1`.
 *
 * Lathe uses it through the `degree` parameter of LinearRegression and
 * Ridge (the expansion is part of the fitted model, so a saved model applies
 * it at predict); it is also exported for other callers.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { Matrix } from '../estimator.ts';

export interface PolynomialTerms {
  /** Input column count. */
  nInputs: number;
  degree: number;
  /** For each output term: the term it extends (−1 for a degree-1 term) and the input it multiplies in. */
  parent: Int32Array;
  input: Int32Array;
  /** Input indices of each term (sorted), e.g. [0, 0, 1] for x0^2 x1. */
  combos: number[][];
}

/** How many output columns: C(n + d, d) − 1. */
export function polynomialOutputCount(nInputs: number, degree: number): number {
  let c = 1;
  for (let k = 1; k <= degree; k++) c = (c * (nInputs + k)) / k;
  return Math.round(c) - 1;
}

export function polynomialTerms(nInputs: number, degree: number, maxOutputs = 100_000): PolynomialTerms {
  if (!Number.isInteger(degree) || degree < 1) {
    throw new LatheError('INVALID_PARAM', `The polynomial degree must be an int >= 1. Got ${degree} instead.`, { param: 'degree' });
  }
  const count = polynomialOutputCount(nInputs, degree);
  if (count > maxOutputs) {
    throw new LatheError(
      'INVALID_PARAM',
      `A degree-${degree} polynomial of ${nInputs} columns makes ${count} features (more than ${maxOutputs}). Use a lower degree or fewer columns.`,
      { param: 'degree', outputs: count },
    );
  }
  const combos: number[][] = [];
  const parent: number[] = [];
  const input: number[] = [];
  // Terms of degree k extend terms of degree k−1 whose last input is ≤ the new one.
  let prevStart = 0;
  for (let j = 0; j < nInputs; j++) {
    combos.push([j]);
    parent.push(-1);
    input.push(j);
  }
  for (let k = 2; k <= degree; k++) {
    const prevEnd = combos.length;
    for (let t = prevStart; t < prevEnd; t++) {
      const base = combos[t]!;
      const last = base[base.length - 1]!;
      for (let j = last; j < nInputs; j++) {
        combos.push([...base, j]);
        parent.push(t);
        input.push(j);
      }
    }
    prevStart = prevEnd;
  }
  // sklearn orders by degree, then lexicographically within a degree; the
  // construction above already gives that order.
  return { nInputs, degree, parent: Int32Array.from(parent), input: Int32Array.from(input), combos };
}

/** Names as scikit-learn's get_feature_names_out: `a`, `a^2`, `a b`, `a^2 b`. */
export function polynomialNames(terms: PolynomialTerms, inputNames?: readonly string[]): string[] {
  const name = (j: number): string => inputNames?.[j] ?? `x${j}`;
  return terms.combos.map((c) => {
    const parts: string[] = [];
    let i = 0;
    while (i < c.length) {
      let e = 1;
      while (i + e < c.length && c[i + e] === c[i]) e++;
      parts.push(e === 1 ? name(c[i]!) : `${name(c[i]!)}^${e}`);
      i += e;
    }
    return parts.join(' ');
  });
}

/** Expand X (n × nInputs) into the polynomial terms (n × terms). */
export function polynomialTransform(terms: PolynomialTerms, X: Matrix): Matrix {
  if (X.cols !== terms.nInputs) {
    throw new LatheError('BAD_DATA', `Polynomial features were built for ${terms.nInputs} columns; got ${X.cols}.`, {
      expected: terms.nInputs,
      got: X.cols,
    });
  }
  const m = terms.parent.length;
  const p = X.cols;
  const out = new Float64Array(X.rows * m);
  const { parent, input } = terms;
  for (let i = 0; i < X.rows; i++) {
    const xi = i * p;
    const oi = i * m;
    for (let t = 0; t < m; t++) {
      const par = parent[t]!;
      const v = X.data[xi + input[t]!]!;
      out[oi + t] = par < 0 ? v : out[oi + par]! * v;
    }
  }
  return { data: out, rows: X.rows, cols: m };
}
