/**
 * Correlation measures against SciPy on real files: pearsonr / spearmanr on
 * pairwise-complete rows, contingency.association (Cramér's V, no bias
 * correction) on crosstabs, and the correlation ratio η from pandas groupby.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetPath, readCsv } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import {
  clusterOrder,
  correlationMatrix,
  correlationRatio,
  cramersV,
  pearson,
  rankAverage,
  spearman,
  type CorrColumn,
} from '../../src-main/engine/stats/correlation.ts';

const MISSING = new Set(['', 'NA', 'nan', 'NaN']);

function columnsOf(file: string, numeric: string[], categorical: string[]): CorrColumn[] {
  const { header, rows } = readCsv(file);
  const out: CorrColumn[] = [];
  for (const name of [...numeric, ...categorical]) {
    const j = header.indexOf(name);
    assert.ok(j >= 0, `${file} has ${name}`);
    const cells = rows.filter((r) => r.length === header.length).map((r) => r[j]!);
    if (numeric.includes(name)) {
      out.push({ name, type: 'numeric', values: Float64Array.from(cells, (s) => (MISSING.has(s) ? NaN : Number(s))) });
    } else {
      const levels: string[] = [];
      const index = new Map<string, number>();
      const codes = Int32Array.from(cells, (s) => {
        if (MISSING.has(s)) return -1;
        let k = index.get(s);
        if (k === undefined) {
          index.set(s, (k = levels.length));
          levels.push(s);
        }
        return k;
      });
      out.push({ name, type: 'categorical', codes, levels });
    }
  }
  return out;
}

interface Ref {
  pearson: (number | null)[][];
  spearman: (number | null)[][];
}

function scipyReference(file: string, numeric: string[], categorical: string[]): Ref {
  return sklearn<Ref>(
    `
    import pandas as pd
    from scipy import stats
    from scipy.stats.contingency import association
    df = pd.read_csv(${JSON.stringify(datasetPath(file))}, keep_default_na=False, na_values=['', 'NA', 'nan', 'NaN'])
    num, cat = inp['numeric'], inp['categorical']
    cols = num + cat
    def eta(g, x):
        d = pd.DataFrame({'g': g, 'x': x}).dropna()
        if len(d) < 3: return None
        m = d.x.mean(); sst = ((d.x - m) ** 2).sum()
        if sst == 0: return None
        grp = d.groupby('g').x
        return float(np.sqrt((grp.count() * (grp.mean() - m) ** 2).sum() / sst))
    def cell(a, b, method):
        if a in num and b in num:
            d = df[[a, b]].dropna() if a != b else df[[a]].dropna()
            x = d[a].to_numpy(float); y = d[b].to_numpy(float)
            f = stats.pearsonr if method == 'pearson' else stats.spearmanr
            return float(f(x, y)[0])
        if a in cat and b in cat:
            if a == b: return 1.0
            d = df[[a, b]].dropna()
            t = pd.crosstab(d[a].astype(str), d[b].astype(str)).to_numpy()
            return float(association(t, method='cramer'))
        g, x = (a, b) if a in cat else (b, a)
        return eta(df[g].astype(object).where(df[g].notna()), df[x].astype(float))
    def clean(v): return None if v is None or v != v else v
    out = {m: [[clean(cell(a, b, m)) for b in cols] for a in cols] for m in ['pearson', 'spearman']}
    `,
    { numeric, categorical },
  );
}

const CASES: [string, string[], string[]][] = [
  [
    'wine.csv',
    ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline'],
    ['target'],
  ],
  ['penguins.csv', ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year'], ['species', 'island', 'sex']],
  ['titanic.csv', ['pclass', 'survived', 'age', 'sibsp', 'parch', 'fare', 'body'], ['sex', 'embarked', 'boat']],
];

for (const [file, numeric, categorical] of CASES) {
  test(`${file}: Pearson, Spearman, Cramér's V and η match SciPy/pandas`, () => {
    const cols = columnsOf(file, numeric, categorical);
    const ref = scipyReference(file, numeric, categorical);
    for (const method of ['pearson', 'spearman'] as const) {
      const m = correlationMatrix(cols, { method });
      const want = ref[method];
      for (let i = 0; i < cols.length; i++) {
        for (let j = 0; j < cols.length; j++) {
          const got = m.matrix[i]![j];
          const exp = want[i]![j];
          const where = `${file} ${method} ${cols[i]!.name} × ${cols[j]!.name}`;
          if (exp === null || exp === undefined || Number.isNaN(exp)) assert.equal(got, null, where);
          else {
            assert.ok(got !== null && got !== undefined, `${where}: expected ${exp}, got null`);
            assert.ok(Math.abs(got - exp) < 1e-9, `${where}: ${got} vs ${exp}`);
          }
        }
      }
      const kinds = new Set(m.measures.flat());
      if (categorical.length > 1) assert.ok(kinds.has('cramers_v'));
      assert.ok(kinds.has('correlation_ratio') && kinds.has(method));
      assert.deepEqual([...m.order].sort((a, b) => a - b), cols.map((_, i) => i), 'order is a permutation');
    }
  });
}

test('ranks average ties as scipy.stats.rankdata', () => {
  assert.deepEqual(Array.from(rankAverage(Float64Array.from([3, 1, 3, 2, 3]))), [4, 1, 4, 2, 4]);
  assert.deepEqual(Array.from(rankAverage(Float64Array.from([-1, -1]))), [1.5, 1.5]);
});

test('degenerate pairs give null, not NaN', () => {
  const c = Float64Array.from([1, 1, 1, 1]);
  const x = Float64Array.from([1, 2, 3, 4]);
  assert.equal(pearson(c, x), null, 'constant column');
  assert.equal(spearman(Float64Array.from([1, NaN, NaN, 2]), Float64Array.from([1, 2, 3, NaN])), null, 'too few complete rows');
  assert.equal(cramersV(Int32Array.from([0, 0, 0]), 1, Int32Array.from([0, 1, 0]), 2), null, 'one level');
  assert.equal(correlationRatio(Int32Array.from([0, 1, 0, 1]), 2, c), null, 'no variance');
  assert.equal(correlationRatio(Int32Array.from([0, 1, 0, 1]), 2, Float64Array.from([1, 5, 1, 5])), 1, 'groups explain everything');
});

test('cluster order puts strongly related columns together', () => {
  // a~c strongly, b~d strongly, across weakly.
  const r = [
    [1, 0.1, 0.9, 0.05],
    [0.1, 1, 0.2, -0.95],
    [0.9, 0.2, 1, 0.1],
    [0.05, -0.95, 0.1, 1],
  ];
  const order = clusterOrder(r);
  const pos = (i: number): number => order.indexOf(i);
  assert.equal(Math.abs(pos(0) - pos(2)), 1);
  assert.equal(Math.abs(pos(1) - pos(3)), 1);
});

test('1M rows × 20 columns (Pearson; Spearman on 250k): in reasonable time', () => {
  const n = 1_000_000; // the brief's size for long data
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const base = Float64Array.from({ length: n }, rnd);
  const cols: CorrColumn[] = Array.from({ length: 20 }, (_, k) => ({
    name: `c${k}`,
    type: 'numeric' as const,
    values: Float64Array.from(base, (v) => v * (k % 3) + rnd()),
  }));
  // One column with gaps takes the pairwise-complete path.
  (cols[5] as { values: Float64Array }).values[17] = NaN;
  for (const method of ['pearson', 'spearman'] as const) {
    // Spearman sorts every column (about 20 s for 1M rows on a loaded 2-core machine): a quarter of the rows keeps the suite light.
    const use = method === 'pearson' ? cols : cols.map((c) => ({ ...c, values: (c as { values: Float64Array }).values.subarray(0, n / 4) }) as CorrColumn);
    const t0 = performance.now();
    const m = correlationMatrix(use, { method });
    const ms = performance.now() - t0;
    assert.equal(m.matrix.length, 20);
    assert.ok(ms < 30_000, `${method} took ${ms.toFixed(0)} ms`);
    console.log(`# ${use[0]!.type === 'numeric' ? (use[0] as { values: Float64Array }).values.length : 0} × 20 ${method}: ${ms.toFixed(0)} ms`);
  }
});
