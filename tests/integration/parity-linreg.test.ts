/**
 * LinearRegression and Ridge against scikit-learn 1.2 on the same rows:
 * coefficients and intercepts to 1e-6 relative; the OLS summary against the
 * textbook formulas evaluated by numpy/scipy (statsmodels is not installed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearRegression } from '../../src-main/engine/ml/algorithms/linreg.ts';
import { Ridge } from '../../src-main/engine/ml/algorithms/ridge.ts';
import { fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

function close(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) {
    const tol = rel * Math.max(Math.abs(b[i]!), scale * 1e-3, 1e-12);
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]} (tol ${tol})`);
  }
}

const SETS = [
  { file: 'diabetes.csv', target: 'target' },
  { file: 'wine.csv', target: 'target' },
  { file: 'cars.csv', target: 'Miles_per_Gallon' },
  { file: 'breast_cancer.csv', target: 'target' },
];

interface Ref {
  coef: number[];
  intercept: number;
  ridge: Record<string, { coef: number[]; intercept: number }>;
  poly: { coef: number[]; intercept: number; names: string[] };
  noInt: number[];
  se: number[];
  t: number[];
  p: number[];
  lo: number[];
  hi: number[];
  r2: number;
  adj: number;
  f: number;
  fp: number;
  rse: number;
  llf: number;
}

const PY = `
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.preprocessing import PolynomialFeatures
from scipy import stats
X = np.array(inp['X']); y = np.array(inp['y'])
m = LinearRegression().fit(X, y)
out = {'coef': m.coef_, 'intercept': float(m.intercept_), 'ridge': {}}
for a in [0.1, 1.0, 10.0]:
    r = Ridge(alpha=a).fit(X, y)
    out['ridge'][str(a)] = {'coef': r.coef_, 'intercept': float(r.intercept_)}
out['noInt'] = LinearRegression(fit_intercept=False).fit(X, y).coef_
pf = PolynomialFeatures(2, include_bias=False)
Xp = pf.fit_transform(X[:, :3])
mp = LinearRegression().fit(Xp, y)
out['poly'] = {'coef': mp.coef_, 'intercept': float(mp.intercept_), 'names': list(pf.get_feature_names_out())}
n, p = X.shape
D = np.column_stack([np.ones(n), X])
b = np.linalg.solve(D.T @ D, D.T @ y)
res = y - D @ b
df = n - p - 1
s2 = res @ res / df
cov = s2 * np.linalg.inv(D.T @ D)
se = np.sqrt(np.diag(cov))
t = b / se
pv = 2 * stats.t.sf(np.abs(t), df)
q = stats.t.ppf(0.975, df)
tss = ((y - y.mean())**2).sum()
r2 = 1 - (res @ res) / tss
f = ((tss - res @ res) / p) / s2
out.update({'se': se, 't': t, 'p': pv, 'lo': b - q * se, 'hi': b + q * se, 'r2': r2,
  'adj': 1 - (n - 1) / df * (1 - r2), 'f': f, 'fp': stats.f.sf(f, p, df), 'rse': np.sqrt(s2),
  'llf': -n / 2 * (np.log(2 * np.pi) + np.log(res @ res / n) + 1)})
`;

for (const set of SETS) {
  test(`linear regression and ridge match scikit-learn on ${set.file}`, () => {
    const d = loadXY(set.file, set.target);
    const { train } = fixedSplit(d.X.rows, 0.25, 7);
    const X = takeRows(d.X, train);
    const y = take(d.yNum, train);
    const ref = sklearn<Ref>(PY, { X: Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols))), y });

    const m = new LinearRegression().fit(X, y, { featureNames: d.features });
    close(m.coef_!, ref.coef, 1e-6, 'coef');
    close([m.intercept_], [ref.intercept], 1e-6, 'intercept');
    const s = m.summary!;
    assert.equal(s.rank, X.cols);
    assert.deepEqual(s.aliased, []);
    close(s.coefficients.map((c) => c.coef), [ref.intercept, ...ref.coef], 1e-6, 'summary coef');
    close(s.coefficients.map((c) => c.stdErr), ref.se, 1e-6, 'stderr');
    close(s.coefficients.map((c) => c.t), ref.t, 1e-6, 't');
    close(s.coefficients.map((c) => c.ciLow), ref.lo, 1e-6, 'ci low');
    close(s.coefficients.map((c) => c.ciHigh), ref.hi, 1e-6, 'ci high');
    s.coefficients.forEach((c, i) => assert.ok(Math.abs(c.pValue - ref.p[i]!) <= 1e-9 + 1e-6 * ref.p[i]!, `p[${i}] ${c.pValue} vs ${ref.p[i]}`));
    close([s.rSquared, s.adjRSquared, s.fStatistic, s.residualStdError, s.logLikelihood], [ref.r2, ref.adj, ref.f, ref.rse, ref.llf], 1e-8, 'fit stats');
    assert.ok(Math.abs(s.fPValue - ref.fp) <= 1e-12 + 1e-6 * ref.fp, `F p ${s.fPValue} vs ${ref.fp}`);
    assert.equal(s.coefficients[1]!.name, d.features[0]);

    close(new LinearRegression({ fit_intercept: false }).fit(X, y).coef_!, ref.noInt, 1e-6, 'no-intercept coef');

    for (const [alpha, r] of Object.entries(ref.ridge)) {
      const rm = new Ridge({ alpha: Number(alpha) }).fit(X, y);
      close(rm.coef_!, r.coef, 1e-6, `ridge ${alpha} coef`);
      close([rm.intercept_], [r.intercept], 1e-6, `ridge ${alpha} intercept`);
    }

    const X3 = { data: new Float64Array(X.rows * 3), rows: X.rows, cols: 3 };
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < 3; j++) X3.data[i * 3 + j] = X.data[i * X.cols + j]!;
    const pm = new LinearRegression({ degree: 2 }).fit(X3, y);
    assert.deepEqual(pm.featureNamesOut, ref.poly.names);
    close(pm.coef_!, ref.poly.coef, 1e-6, 'poly coef');
    close([pm.intercept_], [ref.poly.intercept], 1e-6, 'poly intercept');
  });
}
