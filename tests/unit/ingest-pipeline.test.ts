/**
 * The pipelined CSV path (parse worker → import thread writing chunks and
 * keeping statistics) must give exactly what the sequential path gives:
 * rows, kinds, storage, chunk bytes, statistics, conflicts, warnings,
 * skipped rows and errors with their lines; cancel stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { cancelAtFirstChunk, importText, rejects, rnd, values } from '../fixtures/ingest-helpers.ts';
import { lastImport } from '../../src-main/engine/ingest/import.ts';
import { lastPipeline } from '../../src-main/engine/ingest/pipeline.ts';
import type { ImportHooks } from '../../src-main/engine/ingest/import.ts';
import type { ImportOptions } from '../../src-shared/dataset.ts';

const PIPE: ImportHooks = { pipeline: true, chunkRows: 500 };
const SEQ: ImportHooks = { pipeline: false, parallel: false, chunkRows: 500 };

function table(rows: number, eol = '\n', late?: (i: number) => string | null): string {
  const r = rnd(11);
  const colors = ['red', 'green', 'blue', 'NA', '"dark, red"'];
  let s = `f,i,c,d,b,t,w${eol}`;
  for (let i = 0; i < rows; i++) {
    const special = late?.(i);
    if (special !== null && special !== undefined) {
      s += special + eol;
      continue;
    }
    const f = r() < 0.02 ? '' : (r() * 200 - 100).toFixed(3);
    const d = r() < 0.01 ? 'NA' : new Date(Date.UTC(1960, 0, 1) + Math.floor(r() * 30000) * 86400000).toISOString().slice(0, 10);
    const b = r() < 0.01 ? '' : r() < 0.5 ? 'yes' : 'no';
    const w = r() < 0.01 ? '' : String(Math.floor(r() * 8e9) - 4e9);
    s += `${f},${Math.floor(r() * 1000) - 500},${colors[Math.floor(r() * colors.length)]},${d},${b},word${Math.floor(r() * 1e6)},${w}${eol}`;
  }
  return s;
}

async function both(text: string | Uint8Array, opts: ImportOptions = {}) {
  const seq = await importText(text, opts, SEQ);
  assert.equal(lastImport.path, 'sequential');
  const pipe = await importText(text, opts, PIPE);
  assert.equal(lastImport.path, 'pipeline');
  return { seq, pipe };
}

/** Same outcome to the bit: the statistics see the same values in the same order. */
function sameOutcome(a: Awaited<ReturnType<typeof importText>>, b: Awaited<ReturnType<typeof importText>>): void {
  assert.deepEqual(b.out, a.out);
  assert.equal(b.sink.chunks.length, a.sink.chunks.length);
  b.sink.chunks.forEach((c, k) => assert.deepEqual(c.ipc, a.sink.chunks[k]!.ipc, `chunk ${k}`));
  for (const c of a.out.columns) assert.deepEqual(values(b.batch, c.name), values(a.batch, c.name), c.name);
}

test('pipelined and sequential imports agree on a mixed table with missing values', async () => {
  const { seq, pipe } = await both(table(6000));
  assert.ok(pipe.sink.chunks.length > 4);
  assert.deepEqual(
    pipe.out.columns.map((c) => c.kind),
    ['float', 'integer', 'categorical', 'date', 'boolean', 'text', 'integer'],
  );
  assert.equal(pipe.out.columns[6]!.storage, 'float64');
  assert.ok(pipe.out.columns[3]!.missing > 0 && pipe.out.columns[4]!.missing > 0);
  sameOutcome(seq, pipe);
});

test('CRLF and gzip go through the pipeline the same way', async () => {
  const crlf = await both(table(3000, '\r\n'));
  assert.equal(crlf.pipe.out.dialect.lineEnding, 'CRLF');
  sameOutcome(crlf.seq, crlf.pipe);
  const gz = await both(gzipSync(Buffer.from(table(3000))));
  assert.equal(gz.pipe.out.dialect.gzip, true);
  sameOutcome(gz.seq, gz.pipe);
});

test('a late widening: second pass (sink reset), same conflicts and lines', async () => {
  const text = table(6000, '\n', (i) => (i === 5000 ? '1.5,3.25,red,2001-01-01,yes,w,1' : i === 5500 ? 'x,7,blue,2001-01-02,no,w,2' : null));
  const { seq, pipe } = await both(text);
  assert.ok(pipe.sink.resets >= 1);
  assert.equal(pipe.out.columns[1]!.kind, 'float');
  assert.equal(pipe.out.columns[0]!.kind, 'text');
  assert.equal(pipe.out.conflicts.find((c) => c.column === 'i')!.examples[0]!.line, 5002);
  sameOutcome(seq, pipe);
});

test('text and date columns built on the import thread: a late widening there still decides the second pass', async () => {
  // column d (date) and c (categorical) are deferred after the first chunk; d turns to text at row 5200,
  // c gets a quoted field with a doubled quote (FIELD_RAW) and a newline inside quotes
  const text = table(6000, '\n', (i) =>
    i === 5200 ? '1.5,3,red,not a date,yes,w,1' : i === 5300 ? '2.5,4,"say ""hi""\nthere",2001-01-02,no,w,2' : null,
  );
  const seq = await importText(text, {}, SEQ);
  const pipe = await importText(text, {}, { ...PIPE, pipelineSplit: 4 });
  assert.equal(lastImport.path, 'pipeline');
  assert.ok(lastPipeline.deferredColumns >= 3, `deferred ${lastPipeline.deferredColumns}`);
  assert.ok(pipe.sink.resets >= 1);
  assert.equal(pipe.out.columns[3]!.kind, 'text');
  const cf = pipe.out.conflicts.find((c) => c.column === 'd')!;
  assert.equal(cf.examples[0]!.line, 5202);
  sameOutcome(seq, pipe);
  // and the same with every column built in the worker (the default on this table)
  const whole = await importText(text, {}, { ...PIPE, pipelineSplit: 0 });
  assert.equal(lastPipeline.deferredColumns, 0);
  sameOutcome(seq, whole);
});

test('skip bad rows: same count and line numbers', async () => {
  const text = table(5000, '\n', (i) => (i === 4200 || i === 4800 ? '1,2,3' : null));
  const { seq, pipe } = await both(text, { skipBadRows: true });
  assert.equal(pipe.out.skippedRows, 2);
  assert.equal(pipe.out.warnings.find((w) => w.code === 'SKIPPED_ROWS')!.line, 4202);
  sameOutcome(seq, pipe);
});

test('errors from the parse worker keep their code, file and line', async () => {
  const ragged = await rejects(importText(table(5000, '\n', (i) => (i === 4321 ? '1,2,3' : null)), {}, PIPE));
  assert.equal(ragged.code, 'RAGGED_ROW');
  assert.equal(ragged.details.line, 4323);
  assert.match(ragged.message, /line 4323/);
  const quote = await rejects(importText(table(2000) + '1,2,"red', {}, PIPE));
  assert.equal(quote.code, 'UNTERMINATED_QUOTE');
  assert.equal(quote.details.line, 2002);
});

test('cancel during a pipelined import throws CANCELLED', async () => {
  const { error, chunks } = await cancelAtFirstChunk(table(60000), PIPE);
  assert.equal(error.code, 'CANCELLED');
  assert.ok(chunks < 120, `stopped early (${chunks} of 120 chunks written)`);
});
