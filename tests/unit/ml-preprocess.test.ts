/**
 * Preprocessing steps against scikit-learn 1.2 (StandardScaler, MinMaxScaler,
 * SimpleImputer, OneHotEncoder(handle_unknown='ignore')) on real columns with
 * gaps (penguins, titanic), fitted on train rows and applied to test rows;
 * plus the pipeline's save/load, column matching and refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCsv, fixedSplit } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import { Imputer } from '../../src-main/engine/ml/preprocess/impute.ts';
import { MinMaxScaler, StandardScaler } from '../../src-main/engine/ml/preprocess/scale.ts';
import { OneHotEncoder } from '../../src-main/engine/ml/preprocess/onehot.ts';
import { Pipeline, defaultPipeline } from '../../src-main/engine/ml/preprocess/pipeline.ts';
import { tableToMatrix, takeTableRows, type FeatureTable } from '../../src-main/engine/ml/preprocess/table.ts';
import { sortLabels } from '../../src-main/engine/ml/prepare.ts';
import { LatheError } from '../../src-shared/errors.ts';

/** A table straight from the CSV: the named numeric and categorical columns ('' and NA are missing). */
function csvTable(file: string, numeric: string[], categorical: string[]): FeatureTable {
  const { header, rows } = readCsv(file);
  const miss = (s: string | undefined): boolean => s === undefined || s === '' || s === 'NA';
  return {
    rows: rows.length,
    columns: [
      ...numeric.map((n) => {
        const j = header.indexOf(n);
        return { name: n, kind: 'numeric' as const, values: Float64Array.from(rows, (r) => (miss(r[j]) ? NaN : Number(r[j]))) };
      }),
      ...categorical.map((n) => {
        const j = header.indexOf(n);
        const cats = sortLabels(rows.filter((r) => !miss(r[j])).map((r) => r[j]!)).reverse(); // deliberately not sorted
        const idx = new Map(cats.map((c, k) => [c, k]));
        return { name: n, kind: 'categorical' as const, categories: cats, codes: Int32Array.from(rows, (r) => (miss(r[j]) ? -1 : idx.get(r[j]!)!)) };
      }),
    ],
  };
}

const plain = (t: FeatureTable): (number | null)[][] =>
  Array.from({ length: t.rows }, (_, i) => t.columns.map((c) => (c.kind === 'numeric' ? (Number.isNaN(c.values[i]!) ? null : c.values[i]!) : null)));
const labels = (t: FeatureTable): (string | null)[][] =>
  Array.from({ length: t.rows }, (_, i) => t.columns.flatMap((c) => (c.kind === 'categorical' ? [c.codes[i]! >= 0 ? c.categories[c.codes[i]!]! : null] : [])));

function assertClose(a: ArrayLike<number>, b: (number | null)[], what: string, tol = 1e-12): void {
  assert.equal(a.length, b.length, `${what}: size`);
  for (let i = 0; i < b.length; i++) {
    const e = b[i] ?? NaN;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a[i]!), `${what}[${i}] should be missing`);
    else assert.ok(Math.abs(a[i]! - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}] ${a[i]} vs ${e}`);
  }
}

test('scalers, imputers and one-hot equal scikit-learn on penguins and titanic (fit on train, apply to test)', () => {
  const sets = [
    csvTable('penguins.csv', ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'], ['island', 'sex']),
    csvTable('titanic.csv', ['age', 'fare', 'sibsp', 'body'], ['embarked', 'sex', 'boat']),
  ];
  for (const [si, t] of sets.entries()) {
    const { train, test: te } = fixedSplit(t.rows, 0.3, 5 + si);
    const tr = takeTableRows(t, train);
    const ts = takeTableRows(t, te);
    const numTr = { rows: tr.rows, columns: tr.columns.filter((c) => c.kind === 'numeric') };
    const numTs = { rows: ts.rows, columns: ts.columns.filter((c) => c.kind === 'numeric') };
    const catTr = { rows: tr.rows, columns: tr.columns.filter((c) => c.kind === 'categorical') };
    const catTs = { rows: ts.rows, columns: ts.columns.filter((c) => c.kind === 'categorical') };
    const ref = sklearn<Record<string, (number | null)[][]> & { names: string[] }>(
      `
from sklearn.preprocessing import StandardScaler, MinMaxScaler, OneHotEncoder
from sklearn.impute import SimpleImputer
f = lambda a: np.array([[np.nan if v is None else v for v in r] for r in a], dtype=float)
Xtr, Xte = f(inp['numTr']), f(inp['numTs'])
nan = lambda a: [[None if np.isnan(v) else v for v in r] for r in a]
out = {'std': nan(StandardScaler().fit(Xtr).transform(Xte)), 'mm': nan(MinMaxScaler().fit(Xtr).transform(Xte))}
for s in ['mean', 'median', 'most_frequent']:
    out[s] = SimpleImputer(strategy=s).fit(Xtr).transform(Xte)
c = lambda a: np.array([[('__missing__' if v is None else v) for v in r] for r in a], dtype=object)
ctr, cte = c(inp['catTr']), c(inp['catTs'])
imp = SimpleImputer(strategy='most_frequent', missing_values='__missing__').fit(ctr)
enc = OneHotEncoder(handle_unknown='ignore').fit(imp.transform(ctr))
out['onehot'] = enc.transform(imp.transform(cte)).toarray()
out['names'] = list(enc.get_feature_names_out(inp['catNames']))
`,
      { numTr: plain(numTr), numTs: plain(numTs), catTr: labels(catTr), catTs: labels(catTs), catNames: catTr.columns.map((c) => c.name) },
    );
    const flat = (m: (number | null)[][]): (number | null)[] => m.flat();
    assertClose(tableToMatrix(new StandardScaler().fit(numTr).transform(numTs)).data, flat(ref.std!), `set ${si} standard`);
    assertClose(tableToMatrix(new MinMaxScaler().fit(numTr).transform(numTs)).data, flat(ref.mm!), `set ${si} minmax`);
    for (const s of ['mean', 'median', 'most_frequent'] as const) {
      assertClose(tableToMatrix(new Imputer(s).fit(numTr).transform(numTs)).data, flat(ref[s]!), `set ${si} impute ${s}`);
    }
    const imp = new Imputer('most_frequent').fit(catTr);
    const enc = new OneHotEncoder().fit(imp.transform(catTr));
    const oh = enc.transform(imp.transform(catTs));
    assert.deepEqual(oh.columns.map((c) => c.name), ref.names);
    assert.deepEqual(enc.featureNamesOut(catTr.columns.map((c) => c.name)), ref.names);
    assertClose(tableToMatrix(oh).data, flat(ref.onehot!), `set ${si} onehot`);
  }
});

test('one-hot matches by label: unknown categories and missing values encode as zeros', () => {
  const fitT: FeatureTable = { rows: 3, columns: [{ name: 'c', kind: 'categorical', codes: Int32Array.of(0, 1, 1), categories: ['b', 'a'] }] };
  const enc = new OneHotEncoder().fit(fitT);
  const other: FeatureTable = { rows: 4, columns: [{ name: 'c', kind: 'categorical', codes: Int32Array.of(0, 1, 2, -1), categories: ['a', 'z', 'b'] }] };
  const m = tableToMatrix(enc.transform(other));
  assert.deepEqual(Array.from(m.data), [1, 0, 0, 0, 0, 1, 0, 0]);
});

test('pipeline: fitted on train rows only, saved and loaded, columns matched by name, refusals', () => {
  const t = csvTable('penguins.csv', ['bill_length_mm', 'body_mass_g'], ['island', 'sex']);
  const { train, test: te } = fixedSplit(t.rows, 0.3, 9);
  const tr = takeTableRows(t, train);
  const ts = takeTableRows(t, te);
  const p = defaultPipeline(tr, { impute: 'median', scale: 'minmax' });
  assert.deepEqual(p.steps.map((s) => s.kind), ['impute', 'minmax', 'onehot']);
  const Xtr = p.fitTransform(tr);
  assert.deepEqual(p.featureNamesOut, ['bill_length_mm', 'body_mass_g', 'island_Biscoe', 'island_Dream', 'island_Torgersen', 'sex_female', 'sex_male']);
  // Min-max on the training rows spans exactly [0, 1].
  for (let j = 0; j < 2; j++) {
    const col = Array.from({ length: Xtr.rows }, (_, i) => Xtr.data[i * Xtr.cols + j]!);
    assert.ok(Math.abs(Math.min(...col)) < 1e-12);
    assert.ok(Math.abs(Math.max(...col) - 1) < 1e-12); // x·scale + min_, as scikit-learn, may land an ulp off
  }
  const Xte = p.transform(ts);
  assert.ok(!Xte.data.some(Number.isNaN));
  const loaded = Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  assert.deepEqual(Array.from(loaded.transform(ts).data), Array.from(Xte.data));
  // Columns in another order give the same matrix.
  const shuffled: FeatureTable = { rows: ts.rows, columns: [...ts.columns].reverse() };
  assert.deepEqual(Array.from(loaded.transform(shuffled).data), Array.from(Xte.data));
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return e instanceof LatheError ? e.code : String(e);
    }
    return 'none';
  };
  assert.equal(code(() => loaded.transform({ rows: ts.rows, columns: ts.columns.slice(1) })), 'FEATURES_MISSING');
  assert.equal(code(() => new Pipeline([new StandardScaler()]).transform(ts)), 'NOT_FITTED');
  assert.equal(code(() => new Pipeline([new StandardScaler()]).fitTransform(tr)), 'BAD_DATA'); // categorical left unencoded
  assert.equal(code(() => Pipeline.fromJSON({ version: 2 } as never)), 'BAD_MODEL_FILE');
  assert.equal(code(() => new Imputer('mode' as never)), 'INVALID_PARAM');
  const asNumeric: FeatureTable = { rows: ts.rows, columns: ts.columns.map((c) => (c.name === 'sex' ? { name: 'sex', kind: 'numeric', values: new Float64Array(ts.rows) } : c)) };
  assert.equal(code(() => loaded.transform(asNumeric)), 'BAD_KIND');
});
