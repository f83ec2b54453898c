/**
 * The real `lathe` CLI, spawned as a person would run it (node bin/lathe.mjs),
 * on the shared datasets with a temporary --data-dir: import, datasets,
 * describe, rm, the exit codes and the one-JSON-object contract of --json.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetPath } from '../helpers/data.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lathe-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lathe(args: string[], opts: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'lathe.mjs'), ...args], { cwd: opts.cwd ?? root, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** --json output must be exactly one JSON object. */
function one(r: Run): Record<string, unknown> {
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line of JSON, got:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const v = JSON.parse(lines[0]!) as unknown;
  assert.ok(v && typeof v === 'object' && !Array.isArray(v));
  return v as Record<string, unknown>;
}

const KINDS = ['integer', 'float', 'boolean', 'date', 'datetime', 'categorical', 'text'];
let irisId = '';

test('import iris --json: 150 rows, 5 columns with kinds and missing counts', async () => {
  // Run from another folder: the CLI must not depend on the working directory.
  const r = await lathe(['import', datasetPath('iris.csv'), '--data-dir', dataDir, '--json'], { cwd: tmpdir() });
  assert.equal(r.code, 0, r.stderr);
  const o = one(r);
  assert.equal(o.name, 'iris');
  assert.equal(o.rows, 150);
  assert.equal(typeof o.id, 'string');
  irisId = o.id as string;
  const cols = o.columns as { name: string; kind: string; missing: number }[];
  assert.equal(cols.length, 5);
  assert.deepEqual(cols.map((c) => c.name), ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'target']);
  for (const c of cols) {
    assert.ok(KINDS.includes(c.kind), c.kind);
    assert.equal(c.missing, 0);
  }
  assert.equal(cols[0]!.kind, 'float');
  assert.ok(Array.isArray(o.warnings));
  assert.ok(Array.isArray(o.conflicts));
});

test('import with --name, then datasets lists both (JSON and table)', async () => {
  const r = await lathe(['import', datasetPath('penguins.csv'), '--name', 'penguins 2008', '--data-dir', dataDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = one(r);
  assert.equal(o.name, 'penguins 2008');
  assert.equal(o.rows, 344);
  const cols = o.columns as { name: string; kind: string; missing: number }[];
  // The penguin file marks missing values with NA.
  assert.ok(cols.some((c) => c.missing > 0), JSON.stringify(cols));

  const list = one(await lathe(['datasets', '--data-dir', dataDir, '--json']));
  const names = (list.datasets as { name: string; rows: number }[]).map((d) => `${d.name}:${d.rows}`).sort();
  assert.deepEqual(names, ['iris:150', 'penguins 2008:344']);

  const table = await lathe(['datasets', '--data-dir', dataDir]);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^id\s+name\s+rows\s+columns/m);
  assert.match(table.stdout, /penguins 2008\s+344\s+8/);
});

test('describe by name and by id', async () => {
  const byName = one(await lathe(['describe', 'iris', '--data-dir', dataDir, '--json']));
  assert.equal(byName.id, irisId);
  assert.equal(byName.rows, 150);
  const cols = byName.columns as { name: string; stats?: { min: number; max: number } }[];
  assert.equal(cols[0]!.stats?.min, 4.3);
  assert.equal(cols[0]!.stats?.max, 7.9);
  const text = await lathe(['describe', irisId, '--data-dir', dataDir]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /150 rows, 5 columns/);
  assert.match(text.stdout, /sepal length \(cm\)\s+float/);
  const missing = await lathe(['describe', 'no-such', '--data-dir', dataDir, '--json']);
  assert.equal(missing.code, 2);
  assert.equal((one(missing).error as { code: string }).code, 'NOT_FOUND');
});

test('rm removes a dataset; a second rm is NOT_FOUND', async () => {
  const r = await lathe(['rm', 'penguins 2008', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Deleted "penguins 2008"/);
  const again = await lathe(['rm', 'penguins 2008', '--data-dir', dataDir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /NOT_FOUND/);
});

test('a missing file: exit 2, FILE_NOT_FOUND (JSON on stdout, or a message on stderr)', async () => {
  const path = join(dataDir, 'nope.csv');
  const [r, human] = await Promise.all([lathe(['import', path, '--data-dir', dataDir, '--json']), lathe(['import', path, '--data-dir', dataDir])]);
  assert.equal(r.code, 2);
  const e = one(r).error as { code: string; message: string };
  assert.equal(e.code, 'FILE_NOT_FOUND');
  assert.match(e.message, /nope\.csv/);
  assert.equal(human.code, 2);
  assert.equal(human.stdout, '');
  assert.match(human.stderr, /nope\.csv/);
  assert.match(human.stderr, /FILE_NOT_FOUND/);
});

test('a ragged file: exit 2, RAGGED_ROW with its line; --skip-bad-rows imports the rest', async () => {
  const lines = readFileSync(datasetPath('iris.csv'), 'utf8').split('\n');
  lines[41] += ',9.9'; // file line 42 gets a sixth field
  const ragged = join(dataDir, 'iris-ragged.csv');
  writeFileSync(ragged, lines.join('\n'));
  const r = await lathe(['import', ragged, '--data-dir', dataDir, '--json']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const e = one(r).error as { code: string; line: number };
  assert.equal(e.code, 'RAGGED_ROW');
  assert.equal(e.line, 42);

  const ok = await lathe(['import', ragged, '--skip-bad-rows', '--data-dir', dataDir, '--json']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const o = one(ok);
  assert.equal(o.rows, 149);
  assert.equal(o.skippedRows, 1);
  assert.ok((o.warnings as { code: string }[]).some((w) => w.code === 'SKIPPED_ROWS'));
});

test('usage errors: unknown flag and missing argument exit 2 naming them; help exits 0', async () => {
  // These never open the engine: run them side by side.
  const [flag, missing, unknown, help, importHelp] = await Promise.all([
    lathe(['import', datasetPath('iris.csv'), '--frobnicate', '--json']),
    lathe(['describe']),
    lathe(['frobnicate']),
    lathe(['--help']),
    lathe(['import', '--help']),
  ]);
  assert.equal(flag.code, 2);
  const e = one(flag).error as { code: string; message: string };
  assert.equal(e.code, 'BAD_REQUEST');
  assert.match(e.message, /--frobnicate/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /<id\|name>/);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  assert.equal(help.code, 0);
  for (const c of ['import', 'datasets', 'describe', 'rm', 'serve']) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
  assert.equal(importHelp.code, 0);
  assert.match(importHelp.stdout, /--skip-bad-rows/);
  assert.match(importHelp.stdout, /--name N/);
});
