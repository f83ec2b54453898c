import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniff, decodeCp1252 } from '../../src-main/engine/ingest/sniff.ts';
import { importText, values } from '../fixtures/ingest-helpers.ts';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

test('sniffs each delimiter', () => {
  const rows = (d: string) => ['name', 'x', 'y'].join(d) + '\n' + ['a', '1', '2.5'].join(d) + '\n' + ['b', '3', '4.5'].join(d) + '\n';
  for (const d of [',', ';', '\t', '|']) assert.equal(sniff(b(rows(d)), true).delimiter, d, JSON.stringify(d));
});

test('quoted fields with embedded delimiters, newlines and doubled quotes', async () => {
  const csv = 'id,text,n\n1,"a, b",2\n2,"line1\nline2",3\n3,"say ""hi""",4\n4,"",5\n';
  const s = sniff(b(csv), true);
  assert.equal(s.delimiter, ',');
  assert.equal(s.quote, '"');
  const { out, batch } = await importText(csv);
  assert.equal(out.rows, 4);
  assert.deepEqual(values(batch, 'text'), ['a, b', 'line1\nline2', 'say "hi"', null]);
  assert.deepEqual(values(batch, 'n'), [2, 3, 4, 5]);
});

test('single-quote files', async () => {
  const csv = "id,name\n1,'Smith, J'\n2,'Doe, A'\n";
  assert.equal(sniff(b(csv), true).quote, "'");
  const { batch } = await importText(csv);
  assert.deepEqual(values(batch, 'name'), ['Smith, J', 'Doe, A']);
});

test('decimal comma with semicolons', async () => {
  const csv = 'a;b;c\n1,5;2;x\n3,25;4;y\n-0,5;6;z\n';
  const s = sniff(b(csv), true);
  assert.equal(s.delimiter, ';');
  assert.equal(s.decimal, ',');
  const { out, batch } = await importText(csv);
  assert.equal(out.columns[0]!.kind, 'float');
  assert.deepEqual(values(batch, 'a'), [1.5, 3.25, -0.5]);
  assert.equal(out.dialect.decimal, ',');
});

test('header or no header', async () => {
  assert.equal(sniff(b('a,b\n1,2\n3,4\n'), true).header, true);
  assert.equal(sniff(b('1,2\n3,4\n5,6\n'), true).header, false);
  const { out, batch } = await importText('1.5,2,x\n3.5,4,y\n');
  assert.deepEqual(out.columns.map((c) => c.name), ['column_1', 'column_2', 'column_3']);
  assert.ok(out.warnings.some((w) => w.code === 'NO_HEADER'));
  assert.equal(out.rows, 2);
  assert.deepEqual(values(batch, 'column_1'), [1.5, 3.5]);
});

test('BOM, CRLF and CR line endings', async () => {
  const bom = await importText('\ufeffa,b\r\n1,x\r\n2,y\r\n');
  assert.equal(bom.out.dialect.bom, true);
  assert.equal(bom.out.dialect.lineEnding, 'CRLF');
  assert.deepEqual(bom.out.columns.map((c) => c.name), ['a', 'b']);
  assert.deepEqual(values(bom.batch, 'b'), ['x', 'y']);
  const cr = await importText('a,b\r1,x\r2,y\r');
  assert.equal(cr.out.dialect.lineEnding, 'CR');
  assert.equal(cr.out.rows, 2);
  assert.deepEqual(values(cr.batch, 'a'), [1, 2]);
});

test('Latin-1 / Windows-1252 bytes are detected and decoded with a warning', async () => {
  // "café;€5" in Windows-1252
  const bytes = new Uint8Array([...b('name,price\n'), 0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x35, 0x0a, ...b('tea,x\n')]);
  assert.equal(sniff(bytes, true).encoding, 'windows-1252');
  assert.equal(decodeCp1252(new Uint8Array([0x80, 0xe9])), '€é');
  const { out, batch } = await importText(bytes);
  assert.equal(out.dialect.encoding, 'windows-1252');
  assert.ok(out.warnings.some((w) => w.code === 'ENCODING'));
  assert.deepEqual(values(batch, 'name'), ['café', 'tea']);
  assert.deepEqual(values(batch, 'price'), ['€5', 'x']);
});

test('UTF-8 text stays UTF-8', async () => {
  const { out, batch } = await importText('city,n\nZürich,1\n東京,2\n');
  assert.equal(out.dialect.encoding, 'utf-8');
  assert.deepEqual(values(batch, 'city'), ['Zürich', '東京']);
});

test('duplicate and empty header names get unique names with warnings', async () => {
  const { out } = await importText('a,a,,b,a\n1,2,3,4,5\n');
  assert.deepEqual(out.columns.map((c) => c.name), ['a', 'a_2', 'column_3', 'b', 'a_3']);
  assert.equal(out.warnings.filter((w) => w.code === 'DUPLICATE_HEADER').length, 2);
  assert.equal(out.warnings.filter((w) => w.code === 'EMPTY_HEADER').length, 1);
});
