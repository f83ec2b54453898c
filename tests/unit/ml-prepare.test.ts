/**
 * prepare(): dataset columns (as the importer stores them, several batches
 * with chunk-local dictionaries) → feature table + target, on the real
 * titanic, cars, weather and penguins files, checked cell by cell against the
 * raw CSV.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importFile } from '../../src-main/engine/ingest/import.ts';
import { decodeBatch } from '../../src-main/engine/arrow/ipc.ts';
import type { Batch } from '../../src-main/engine/arrow/types.ts';
import type { ColumnInfo } from '../../src-shared/dataset.ts';
import { prepare, sortLabels } from '../../src-main/engine/ml/prepare.ts';
import { defaultPipeline } from '../../src-main/engine/ml/preprocess/pipeline.ts';
import { takeTableRows, labelAt, type CategoricalColumn, type NumericColumn } from '../../src-main/engine/ml/preprocess/table.ts';
import { LinearRegression } from '../../src-main/engine/ml/algorithms/linreg.ts';
import { datasetPath, fixedSplit, readCsv, take } from '../helpers/data.ts';
import { LatheError } from '../../src-shared/errors.ts';

const cache = new Map<string, { columns: ColumnInfo[]; batches: Batch[] }>();
async function load(file: string): Promise<{ columns: ColumnInfo[]; batches: Batch[] }> {
  const hit = cache.get(file);
  if (hit) return hit;
  const chunks: Uint8Array[] = [];
  const out = await importFile(datasetPath(file), {}, { write: (_r, ipc) => chunks.push(ipc), reset: () => (chunks.length = 0) }, { chunkRows: 500 });
  const r = { columns: out.columns, batches: chunks.map((c) => decodeBatch(c)) };
  cache.set(file, r);
  return r;
}

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof LatheError, String(e));
    return e.code;
  }
  return 'no error';
};

test('titanic: integer target with 2 values is classification; text features are refused by name', async () => {
  const d = await load('titanic.csv');
  assert.ok(d.batches.length >= 3, 'several batches');
  let err: unknown;
  try {
    prepare({ ...d, target: 'survived' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof LatheError && err.code === 'BAD_KIND' && err.message.includes("'name'"), String(err));

  const p = prepare({ ...d, target: 'survived', features: ['pclass', 'sex', 'age', 'fare', 'embarked'] });
  assert.equal(p.task, 'classification');
  assert.match(p.taskReason, /integer target with 2 distinct values/);
  assert.deepEqual(p.classes, ['0', '1']);
  assert.equal(p.droppedMissingTarget, 0);
  assert.equal(p.table.rows, 1309);
  const raw = readCsv('titanic.csv');
  const h = (n: string): number => raw.header.indexOf(n);
  const [pclass, sex, age, fare, embarked] = p.table.columns as [NumericColumn, CategoricalColumn, NumericColumn, NumericColumn, CategoricalColumn];
  assert.equal(pclass.kind, 'numeric');
  assert.deepEqual(sex.categories, ['female', 'male']);
  assert.deepEqual(embarked.categories, ['C', 'Q', 'S']);
  raw.rows.forEach((r, i) => {
    assert.equal(p.y[i], Number(r[h('survived')]));
    assert.equal(pclass.values[i], Number(r[h('pclass')]));
    assert.equal(labelAt(sex, i), r[h('sex')]);
    const a = r[h('age')]!;
    if (a === '') assert.ok(Number.isNaN(age.values[i]!));
    else assert.equal(age.values[i], Number(a));
    const e = r[h('embarked')]!;
    assert.equal(labelAt(embarked, i), e === '' ? null : e);
    if (r[h('fare')] !== '') assert.equal(fare.values[i], Number(r[h('fare')]));
  });
  assert.equal(age.values.filter(Number.isNaN).length, 263);
});

test('cars: float target is regression, rows with a missing target are dropped and counted, dates become epoch ms', async () => {
  const d = await load('cars.csv');
  const p = prepare({ ...d, target: 'Miles_per_Gallon', features: ['Cylinders', 'Horsepower', 'Weight_in_lbs', 'Year', 'Origin'] });
  assert.equal(p.task, 'regression');
  assert.equal(p.droppedMissingTarget, 8);
  assert.equal(p.table.rows, 398);
  assert.equal(p.rowIds.length, 398);
  const raw = readCsv('cars.csv');
  const mpg = raw.header.indexOf('Miles_per_Gallon');
  const year = raw.header.indexOf('Year');
  const yearCol = p.table.columns[3] as NumericColumn;
  p.rowIds.forEach((rid, i) => {
    assert.equal(p.y[i], Number(raw.rows[rid]![mpg]));
    assert.equal(yearCol.values[i], Date.parse(`${raw.rows[rid]![year]}T00:00:00Z`));
  });
  assert.ok(raw.rows.filter((r) => r[mpg] === '').length === 8);
  // Overrides and refusals.
  assert.equal(prepare({ ...d, target: 'Cylinders', features: ['Horsepower'] }).task, 'classification');
  assert.equal(prepare({ ...d, target: 'Weight_in_lbs', features: ['Horsepower'] }).task, 'regression');
  assert.equal(prepare({ ...d, target: 'Cylinders', features: ['Horsepower'], task: 'regression' }).task, 'regression');
  const forced = prepare({ ...d, target: 'Acceleration', features: ['Horsepower'], task: 'classification' });
  assert.equal(forced.classes.length, 96);
  assert.equal(code(() => prepare({ ...d, target: 'Origin', features: ['Horsepower'], task: 'regression' })), 'BAD_KIND');
  assert.equal(code(() => prepare({ ...d, target: 'nope' })), 'UNKNOWN_COLUMN');
  assert.equal(code(() => prepare({ ...d, target: 'Origin', features: ['Horsepower', 'Colour'] })), 'UNKNOWN_COLUMN');
  assert.equal(code(() => prepare({ ...d, target: 'Origin', features: ['Name'] })), 'BAD_KIND');
  assert.equal(code(() => prepare({ ...d, target: 'Origin', features: [] })), 'BAD_DATA');
});

test('cars end to end: prepare → pipeline fitted on train rows → linear regression', async () => {
  const d = await load('cars.csv');
  const p = prepare({ ...d, target: 'Miles_per_Gallon', features: ['Cylinders', 'Horsepower', 'Weight_in_lbs', 'Year', 'Origin'] });
  const { train, test: te } = fixedSplit(p.table.rows, 0.25, 1);
  const pipe = defaultPipeline(p.table);
  const Xtr = pipe.fitTransform(takeTableRows(p.table, train));
  assert.deepEqual(pipe.featureNamesOut, ['Cylinders', 'Horsepower', 'Weight_in_lbs', 'Year', 'Origin_Europe', 'Origin_Japan', 'Origin_USA']);
  const m = new LinearRegression().fit(Xtr, take(p.y as Float64Array, train), { featureNames: pipe.featureNamesOut });
  const r2 = m.score(pipe.transform(takeTableRows(p.table, te)), take(p.y as Float64Array, te));
  assert.ok(r2 > 0.75, `test R² ${r2}`);
  // The one-hot columns sum to one, so with the intercept the design is rank-deficient and says so.
  assert.equal(m.summary!.rank, 6);
  assert.equal(m.summary!.aliased.length, 1);
  assert.match(m.summary!.warnings[0]!, /linear combination/);
});

test('weather and penguins: categorical targets across batches keep one label order', async () => {
  const w = await load('weather.csv');
  assert.ok(w.batches.length >= 5);
  const p = prepare({ ...w, target: 'weather' });
  assert.equal(p.task, 'classification');
  assert.deepEqual(p.classes, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  const raw = readCsv('weather.csv');
  const wi = raw.header.indexOf('weather');
  raw.rows.forEach((r, i) => assert.equal(p.classes[p.y[i]!], r[wi]));
  assert.deepEqual(
    p.table.columns.map((c) => `${c.name}:${c.kind}`),
    ['location:categorical', 'date:numeric', 'precipitation:numeric', 'temp_max:numeric', 'temp_min:numeric', 'wind:numeric'],
  );
  const pg = prepare({ ...(await load('penguins.csv')), target: 'species' });
  assert.deepEqual(pg.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
  const sex = pg.table.columns.find((c) => c.name === 'sex') as CategoricalColumn;
  assert.equal(Array.from(sex.codes).filter((c) => c < 0).length, 11);
});

test('sortLabels sorts numbers numerically and strings by code point', () => {
  assert.deepEqual(sortLabels(['10', '9', '-1', '9']), ['-1', '9', '10']);
  assert.deepEqual(sortLabels(['b', 'B', 'a']), ['B', 'a', 'b']);
});
