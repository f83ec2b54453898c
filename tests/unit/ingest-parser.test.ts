import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importText, rejects, values } from '../fixtures/ingest-helpers.ts';
import { scanNumber, scan } from '../../src-main/engine/ingest/values.ts';

test('trailing newline or not gives the same rows', async () => {
  const a = await importText('x,y\n1,a\n2,b\n');
  const b = await importText('x,y\n1,a\n2,b');
  assert.equal(a.out.rows, 2);
  assert.equal(b.out.rows, 2);
  assert.deepEqual(values(b.batch, 'y'), ['a', 'b']);
});

test('empty last field, quoted empty, blank lines', async () => {
  const { out, batch } = await importText('x,y,z\n1,a,\n2,"",c\n\n3,b,""\n\n');
  assert.equal(out.rows, 3);
  assert.deepEqual(values(batch, 'z'), [null, 'c', null]);
  assert.deepEqual(values(batch, 'y'), ['a', null, 'b']);
});

test('header-only file is a valid 0-row dataset', async () => {
  const { out } = await importText('a,b,c\n');
  assert.equal(out.rows, 0);
  assert.deepEqual(out.columns.map((c) => c.name), ['a', 'b', 'c']);
});

test('line numbers count physical lines across quoted newlines', async () => {
  const e = await rejects(importText('a,b\n1,"x\ny"\n2,z,extra\n'));
  assert.equal(e.code, 'RAGGED_ROW');
  assert.equal(e.details.line, 4);
});

test('skip bad rows counts them and warns with line numbers', async () => {
  const { out, batch } = await importText('a,b\n1,x\n2\n3,y\n4,z,w\n', { skipBadRows: true });
  assert.equal(out.rows, 2);
  assert.equal(out.skippedRows, 2);
  const w = out.warnings.find((x) => x.code === 'SKIPPED_ROWS');
  assert.ok(w && /3, 5/.test(w.message), w?.message);
  assert.deepEqual(values(batch, 'a'), [1, 3]);
});

test('text after a closing quote is kept; quotes inside unquoted fields are literal', async () => {
  const { batch } = await importText('a,b\n"ab"c,x"y\n');
  assert.deepEqual(values(batch, 'a'), ['abc']);
  assert.deepEqual(values(batch, 'b'), ['x"y']);
});

test('numbers parse exactly from bytes', () => {
  const cases = ['0', '-0.5', '3.14159', '1e-7', '-2.5E+10', '123456789012345678', '0.1', '.5', '5.', '+7', '1.7976931348623157e308', '4.9e-324', '12345.678901234567'];
  for (const c of cases) {
    const b = new TextEncoder().encode(` ${c} `);
    const v = scanNumber(b, 0, b.length, 46);
    assert.notEqual(scan.cls, 0, c);
    assert.equal(v, Number(c), c);
  }
  for (const bad of ['1.2.3', 'e5', '1e', '-', '12a', '']) {
    const b = new TextEncoder().encode(bad);
    scanNumber(b, 0, b.length, 46);
    assert.equal(scan.cls, 0, bad);
  }
});

test('rows spanning the read buffer and chunk boundaries stay whole', async () => {
  const lines = ['id,text'];
  for (let i = 0; i < 5000; i++) lines.push(`${i},"row ${i}, with ""quotes"" and\nnewline"`);
  const { out, batch } = await importText(lines.join('\r\n') + '\r\n', {}, { chunkRows: 777 });
  assert.equal(out.rows, 5000);
  const t = values(batch, 'text');
  assert.equal(t[4321], 'row 4321, with "quotes" and\nnewline');
  assert.deepEqual(values(batch, 'id').slice(0, 3), [0, 1, 2]);
});
