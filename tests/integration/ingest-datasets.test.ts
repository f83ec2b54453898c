/**
 * The importer on the real shared datasets, malformed files, cancellation,
 * Arrow files, and statistics checked against pandas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../src-main/engine/ingest/import.ts';
import type { ImportOutcome } from '../../src-main/engine/ingest/import.ts';
import { encodeFile } from '../../src-main/engine/arrow/ipc.ts';
import type { Progress } from '../../src-shared/jobs.ts';
import { datasetPath } from '../helpers/data.ts';
import { CollectSink, importText, rejects, tempFile, values } from '../fixtures/ingest-helpers.ts';

const repo = new URL('../..', import.meta.url).pathname;

async function load(file: string): Promise<{ out: ImportOutcome; sink: CollectSink }> {
  const sink = new CollectSink();
  const out = await importFile(file, {}, sink);
  return { out, sink };
}

function kinds(out: ImportOutcome): Record<string, string> {
  return Object.fromEntries(out.columns.map((c) => [c.name, c.kind]));
}

const SHAPES: [string, number, number][] = [
  ['breast_cancer.csv', 569, 31],
  ['iris.csv', 150, 5],
  ['wine.csv', 178, 14],
  ['digits.csv', 1797, 65],
  ['diabetes.csv', 442, 11],
  ['titanic.csv', 1309, 14],
  ['penguins.csv', 344, 8],
  ['cars.csv', 406, 9],
  ['weather.csv', 2922, 7],
  ['mnist_10k.csv', 10000, 785],
];

for (const [file, rows, cols] of SHAPES) {
  test(`${file}: ${rows} × ${cols}`, async () => {
    const { out, sink } = await load(datasetPath(file));
    assert.equal(out.rows, rows);
    assert.equal(out.columns.length, cols);
    assert.equal(sink.chunks.reduce((a, c) => a + c.rows, 0), rows);
    assert.equal(out.dialect.delimiter, ',');
    assert.equal(out.dialect.header, true);
    assert.equal(out.sha256, createHash('sha256').update(readFileSync(datasetPath(file))).digest('hex'));
    assert.equal(out.size, readFileSync(datasetPath(file)).length);
    assert.deepEqual(out.conflicts, []);
    if (file !== 'mnist_10k.csv') {
      const b = sink.batch();
      assert.equal(b.rows, rows);
    }
  });
}

test('titanic kinds and missing counts', async () => {
  const { out } = await load(datasetPath('titanic.csv'));
  const k = kinds(out);
  assert.equal(k.pclass, 'integer');
  assert.equal(k.survived, 'integer');
  assert.equal(k.name, 'text');
  assert.equal(k.sex, 'categorical');
  assert.equal(k.age, 'float');
  const col = (n: string) => out.columns.find((c) => c.name === n)!;
  assert.equal(col('age').missing, 263);
  assert.equal(col('cabin').missing, 1014);
  assert.equal(col('fare').missing, 1);
  assert.equal(col('embarked').missing, 2);
  assert.equal(col('boat').missing, 823);
  assert.equal(col('body').missing, 1188);
  assert.equal(col('home.dest').missing, 564);
  assert.equal(col('survived').role, 'target');
});

test('penguins kinds and NA markers', async () => {
  const { out } = await load(datasetPath('penguins.csv'));
  const k = kinds(out);
  assert.equal(k.species, 'categorical');
  assert.equal(k.island, 'categorical');
  assert.equal(k.sex, 'categorical');
  assert.equal(k.bill_length_mm, 'float');
  const col = (n: string) => out.columns.find((c) => c.name === n)!;
  assert.equal(col('bill_length_mm').missing, 2);
  assert.equal(col('sex').missing, 11);
  assert.equal(col('species').role, 'target');
});

test('cars and weather kinds', async () => {
  const cars = kinds((await load(datasetPath('cars.csv'))).out);
  assert.equal(cars.Year, 'date');
  assert.equal(cars.Name, 'text');
  assert.equal(cars.Origin, 'categorical');
  const w = await load(datasetPath('weather.csv'));
  assert.equal(kinds(w.out).date, 'date');
  assert.equal(kinds(w.out).weather, 'categorical');
  const d = values(w.sink.batch(), 'date');
  assert.equal(d[0], Date.UTC(2012, 0, 1));
});

test('iris/digits/mnist targets and integer pixels', async () => {
  const iris = await load(datasetPath('iris.csv'));
  assert.equal(iris.out.columns.at(-1)!.role, 'target');
  assert.equal(iris.out.columns[0]!.kind, 'float');
  const digits = await load(datasetPath('digits.csv'));
  assert.ok(digits.out.columns.every((c) => c.kind === 'integer'));
});

test('gzipped mnist (detected by magic bytes) equals the plain file', async () => {
  const gz = await load(join(repo, 'datasets', 'mnist_10k.csv.gz'));
  assert.equal(gz.out.rows, 10000);
  assert.equal(gz.out.columns.length, 785);
  assert.equal(gz.out.dialect.gzip, true);
  assert.equal(gz.out.sha256, createHash('sha256').update(readFileSync(join(repo, 'datasets', 'mnist_10k.csv.gz'))).digest('hex'));
  assert.equal(gz.out.columns[0]!.name, 'label');
  assert.equal(gz.out.columns[0]!.role, 'target');
  assert.equal(gz.out.columns[0]!.distinct, 10);
  // a gzip file with a .csv name is still read as gzip
  const renamed = tempFile(gzipSync('a,b\n1,2\n'), '.csv');
  const r = await load(renamed);
  assert.equal(r.out.rows, 1);
  assert.equal(r.out.dialect.gzip, true);
});

test('statistics match pandas describe()', async () => {
  const py = `
import pandas as pd, json, sys
out = {}
for f, cols in [("titanic.csv", ["age", "fare", "sibsp"]), ("penguins.csv", ["bill_length_mm", "body_mass_g"])]:
    df = pd.read_csv(sys.argv[1] + "/" + f)
    for c in cols:
        d = df[c].describe()
        out[f + ":" + c] = {"min": d["min"], "max": d["max"], "mean": d["mean"], "std": d["std"], "q1": d["25%"], "median": d["50%"], "q3": d["75%"], "missing": int(df[c].isna().sum()), "distinct": int(df[c].nunique())}
print(json.dumps(out))
`;
  const dir = datasetPath('titanic.csv').replace(/\/titanic\.csv$/, '');
  const r = spawnSync('/usr/bin/python3', ['-c', py, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const ref = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
  for (const [key, want] of Object.entries(ref)) {
    const [file, col] = key.split(':') as [string, string];
    const { out } = await load(datasetPath(file));
    const c = out.columns.find((x) => x.name === col)!;
    assert.equal(c.missing, want.missing, key);
    assert.equal(c.distinct, want.distinct, key);
    for (const k of ['min', 'max', 'mean', 'std', 'q1', 'median', 'q3'] as const) {
      const got = c.stats![k];
      assert.ok(Math.abs(got - want[k]!) <= 1e-9 * Math.max(1, Math.abs(want[k]!)), `${key} ${k}: ${got} vs pandas ${want[k]}`);
    }
  }
});

test('malformed files: each gets its error code and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bad-'));
  const cases: { name: string; path: string; code: string; line?: number }[] = [
    { name: 'missing file', path: join(dir, 'nope.csv'), code: 'FILE_NOT_FOUND' },
    { name: 'a folder', path: dir, code: 'FILE_UNREADABLE' },
    { name: '0 bytes', path: tempFile(''), code: 'EMPTY_FILE' },
    { name: 'only whitespace', path: tempFile(' \n\n  \r\n'), code: 'EMPTY_FILE' },
    { name: 'NUL bytes', path: tempFile(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01, 0x02, 0x0a])), code: 'BINARY_FILE' },
    { name: 'ragged row', path: tempFile('a,b,c\n1,2,3\n4,5\n6,7,8\n'), code: 'RAGGED_ROW', line: 3 },
    { name: 'too many fields', path: tempFile('a,b\n1,2\n3,4\n5,6,7\n'), code: 'RAGGED_ROW', line: 4 },
    { name: 'unterminated quote', path: tempFile('a,b\n1,2\n3,"open\n4,5\n6,7\n'), code: 'UNTERMINATED_QUOTE', line: 3 },
    { name: 'xlsx', path: tempFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), '.csv'), code: 'UNSUPPORTED_FORMAT' },
    { name: 'utf-16', path: tempFile(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00])), code: 'UNSUPPORTED_FORMAT' },
    { name: 'broken gzip', path: tempFile(gzipSync('a,b\n'.repeat(5000)).subarray(0, 60)), code: 'FILE_UNREADABLE' },
  ];
  for (const c of cases) {
    const e = await rejects(importFile(c.path, {}, new CollectSink()));
    assert.equal(e.code, c.code, `${c.name}: ${e.message}`);
    if (c.line !== undefined) assert.equal(e.details.line, c.line, c.name);
    if (c.code !== 'FILE_NOT_FOUND') assert.ok(e.message.length > 20, c.name);
  }
  const ragged = await rejects(importFile(cases[5]!.path, {}, new CollectSink()));
  assert.match(ragged.message, /skip bad rows|--skip-bad-rows/);
  assert.match(ragged.message, /expected 3 fields .* found 2/);
});

test('cancel mid-import throws CANCELLED promptly', async () => {
  const ac = new AbortController();
  const phases = new Set<string>();
  let calls = 0;
  const t0 = performance.now();
  const e = await rejects(
    importFile(datasetPath('mnist_10k.csv'), {}, new CollectSink(), {
      signal: ac.signal,
      chunkRows: 1000,
      onProgress: (p: Progress) => {
        phases.add(p.phase);
        calls++;
        if (p.phase === 'parse' && (p.rows ?? 0) > 0) ac.abort();
      },
    }),
  );
  assert.equal(e.code, 'CANCELLED');
  assert.ok(calls >= 2);
  assert.ok(phases.has('sniff'));
  assert.ok(performance.now() - t0 < 20000);
  const pre = new AbortController();
  pre.abort();
  assert.equal((await rejects(importFile(datasetPath('iris.csv'), {}, new CollectSink(), { signal: pre.signal }))).code, 'CANCELLED');
});

test('progress reports bytes, rows and phases', async () => {
  const seen: Progress[] = [];
  await importFile(datasetPath('mnist_10k.csv'), {}, new CollectSink(), { onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 3);
  assert.equal(seen[0]!.phase, 'sniff');
  assert.equal(seen.at(-1)!.phase, 'stats');
  assert.equal(seen.at(-1)!.fraction, 1);
  assert.ok(seen.every((p) => p.totalBytes === 18275524));
});

test('Arrow IPC / Feather files import with kinds from the Arrow types', async () => {
  const file = encodeFile([
    {
      names: ['x', 'n', 'flag', 'day', 'species'],
      rows: 3,
      columns: [
        { storage: 'float64', values: new Float64Array([1.5, NaN, 3]), nulls: new Uint8Array([0, 1, 0]) },
        { storage: 'int32', values: new Int32Array([1, 2, 3]) },
        { storage: 'bool', values: new Uint8Array([1, 0, 1]) },
        { storage: 'timestamp', values: new Float64Array([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]) },
        { storage: 'string', codes: new Int32Array([0, 1, 0]), dictionary: ['a', 'b'] },
      ],
    },
    {
      names: ['x', 'n', 'flag', 'day', 'species'],
      rows: 1,
      columns: [
        { storage: 'float64', values: new Float64Array([4]) },
        { storage: 'int32', values: new Int32Array([4]) },
        { storage: 'bool', values: new Uint8Array([0]) },
        { storage: 'timestamp', values: new Float64Array([Date.UTC(2020, 0, 4)]) },
        { storage: 'string', codes: new Int32Array([1]), dictionary: ['a', 'b'] },
      ],
    },
  ]);
  const { out, batch } = await importText(file, {}, undefined, '.feather');
  assert.equal(out.dialect.format, 'arrow');
  assert.equal(out.rows, 4);
  assert.deepEqual(out.columns.map((c) => c.kind), ['float', 'integer', 'boolean', 'date', 'categorical']);
  assert.equal(out.columns[0]!.missing, 1);
  assert.equal(out.columns[4]!.role, 'target');
  assert.deepEqual(values(batch, 'species'), ['a', 'b', 'a', 'b']);
});
