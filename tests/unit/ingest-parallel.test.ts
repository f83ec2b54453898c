/**
 * The parallel CSV path (import thread + parse worker over segments) must
 * give exactly what the sequential path gives: rows, kinds, storage,
 * statistics, conflicts, skipped rows and errors with their lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelAtFirstChunk, importText, rejects, rnd, values } from '../fixtures/ingest-helpers.ts';
import type { ImportHooks } from '../../src-main/engine/ingest/import.ts';
import { lastParallel } from '../../src-main/engine/ingest/parallel.ts';
import type { ImportOptions } from '../../src-shared/dataset.ts';

const PAR: ImportHooks = { parallel: true, segmentBytes: 16 << 10, chunkRows: 500, waitForWorker: true };
const SEQ: ImportHooks = { parallel: false, chunkRows: 500 };

function table(rows: number, eol = '\n', late?: (i: number) => string | null): string {
  const r = rnd(7);
  const colors = ['red', 'green', 'blue', 'NA', '"dark, red"'];
  let s = `f,i,c,d,b,t${eol}`;
  for (let i = 0; i < rows; i++) {
    const special = late?.(i);
    if (special !== null && special !== undefined) {
      s += special + eol;
      continue;
    }
    const f = r() < 0.02 ? '' : (r() * 200 - 100).toFixed(3);
    const d = new Date(Date.UTC(2001, 0, 1) + Math.floor(r() * 5000) * 86400000).toISOString().slice(0, 10);
    s += `${f},${Math.floor(r() * 1000) - 500},${colors[Math.floor(r() * colors.length)]},${d},${r() < 0.5 ? 'yes' : 'no'},word${Math.floor(r() * 1e6)}${eol}`;
  }
  return s;
}

async function both(text: string, opts: ImportOptions = {}) {
  const seq = await importText(text, opts, SEQ);
  const par = await importText(text, opts, PAR);
  return { seq, par };
}

function sameOutcome(a: Awaited<ReturnType<typeof importText>>, b: Awaited<ReturnType<typeof importText>>): void {
  assert.equal(b.out.rows, a.out.rows);
  assert.equal(b.batch.rows, a.batch.rows);
  assert.deepEqual(b.out.conflicts, a.out.conflicts);
  assert.deepEqual(b.out.warnings, a.out.warnings);
  assert.equal(b.out.skippedRows, a.out.skippedRows);
  assert.equal(b.out.sha256, a.out.sha256);
  for (const [j, ca] of a.out.columns.entries()) {
    const cb = b.out.columns[j]!;
    const { stats: sa, ...restA } = ca;
    const { stats: sb, ...restB } = cb;
    assert.deepEqual(restB, restA, ca.name);
    if (sa) {
      assert.ok(sb, ca.name);
      for (const k of Object.keys(sa) as (keyof typeof sa)[]) {
        const x = sa[k];
        const y = sb[k];
        // the mean sums in another order
        assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)), `${ca.name}.${k}: ${y} vs ${x}`);
      }
    }
    assert.deepEqual(values(b.batch, ca.name), values(a.batch, ca.name), ca.name);
  }
}

test('parallel and sequential imports agree on a mixed table (both threads parse)', async () => {
  const { seq, par } = await both(table(6000));
  assert.ok(lastParallel.workerSegments > 0, 'the worker parsed segments');
  assert.ok(lastParallel.mainSegments > 0, 'the import thread parsed segments');
  assert.equal(lastParallel.passes, 1);
  assert.ok(par.sink.chunks.length > 4);
  assert.deepEqual(
    par.out.columns.map((c) => c.kind),
    ['float', 'integer', 'categorical', 'date', 'boolean', 'text'],
  );
  sameOutcome(seq, par);
});

test('CRLF line endings split the same way', async () => {
  const { seq, par } = await both(table(3000, '\r\n'));
  assert.equal(par.out.dialect.lineEnding, 'CRLF');
  sameOutcome(seq, par);
});

test('a late widening in a later segment: second pass, same conflicts and lines', async () => {
  const text = table(6000, '\n', (i) => (i === 5000 ? '1.5,3.25,red,2001-01-01,yes,w' : i === 5500 ? 'x,7,blue,2001-01-02,no,w' : null));
  const { seq, par } = await both(text);
  assert.equal(lastParallel.passes, 2);
  assert.ok(par.sink.resets >= 1);
  assert.equal(par.out.columns[1]!.kind, 'float');
  assert.equal(par.out.columns[0]!.kind, 'text');
  assert.ok(par.out.conflicts.length >= 2);
  assert.equal(par.out.conflicts.find((c) => c.column === 'i')!.examples[0]!.line, 5002);
  sameOutcome(seq, par);
});

test('a quoted newline across a segment bound falls back to the sequential result', async () => {
  const long = `"${'a'.repeat(300)}\n${'b'.repeat(300)}\nend"`;
  const text = table(4000, '\n', (i) => (i % 150 === 149 ? `1,2,red,2001-01-01,yes,${long}` : null));
  const { seq, par } = await both(text);
  sameOutcome(seq, par);
  assert.equal(par.out.rows, 4000);
});

test('skip bad rows: same count and absolute line numbers', async () => {
  const text = table(5000, '\n', (i) => (i === 4200 || i === 4800 ? '1,2,3' : null));
  const { seq, par } = await both(text, { skipBadRows: true });
  assert.equal(par.out.skippedRows, 2);
  assert.equal(par.out.warnings.find((w) => w.code === 'SKIPPED_ROWS')!.line, 4202);
  sameOutcome(seq, par);
});

test('a ragged row late in the file is RAGGED_ROW on its own line', async () => {
  const text = table(5000, '\n', (i) => (i === 4321 ? '1,2,3' : null));
  const e = await rejects(importText(text, {}, PAR));
  assert.equal(e.code, 'RAGGED_ROW');
  assert.equal(e.details.line, 4323);
});

test('cancel during a parallel import throws CANCELLED', async () => {
  const { error, chunks } = await cancelAtFirstChunk(table(60000), PAR);
  assert.equal(error.code, 'CANCELLED');
  assert.ok(chunks < 120, `stopped early (${chunks} of 120 chunks written)`);
});
