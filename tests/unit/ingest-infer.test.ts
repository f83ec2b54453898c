import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importText, values } from '../fixtures/ingest-helpers.ts';

test('every kind is inferred and stored as its storage', async () => {
  const csv = [
    'i,f,b,d,dt,cat,txt,big',
    '1,1.5,true,2020-01-31,2020-01-31T10:00:00Z,red,alpha one,3000000000',
    '2,2,no,2020-02-29,2020-01-31 11:30,blue,beta two,1',
    '-3,1e3,T,2021-12-01,2020-02-01T00:00:00.250+01:00,red,gamma three,-5',
  ].join('\n');
  const { out, batch } = await importText(csv + '\n');
  const kinds = Object.fromEntries(out.columns.map((c) => [c.name, [c.kind, c.storage]]));
  assert.deepEqual(kinds, {
    i: ['integer', 'int32'],
    f: ['float', 'float64'],
    b: ['boolean', 'bool'],
    d: ['date', 'timestamp'],
    dt: ['datetime', 'timestamp'],
    cat: ['categorical', 'string'],
    txt: ['categorical', 'string'],
    big: ['integer', 'float64'],
  });
  assert.deepEqual(values(batch, 'i'), [1, 2, -3]);
  assert.deepEqual(values(batch, 'f'), [1.5, 2, 1000]);
  assert.deepEqual(values(batch, 'b'), [true, false, true]);
  assert.deepEqual(values(batch, 'd'), [Date.UTC(2020, 0, 31), Date.UTC(2020, 1, 29), Date.UTC(2021, 11, 1)]);
  assert.deepEqual(values(batch, 'dt'), [Date.UTC(2020, 0, 31, 10), Date.UTC(2020, 0, 31, 11, 30), Date.UTC(2020, 0, 31, 23, 0, 0, 250)]);
  assert.deepEqual(values(batch, 'big'), [3000000000, 1, -5]);
});

test('0/1 stay integer; yes/no, y/n, t/f are boolean', async () => {
  const { out } = await importText('a,b,c,d\n0,yes,y,F\n1,No,N,t\n1,YES,n,f\n');
  assert.deepEqual(out.columns.map((c) => c.kind), ['integer', 'boolean', 'boolean', 'boolean']);
});

test('day/month forms: unambiguous over the column, else month first; year first with slashes', async () => {
  const { out, batch } = await importText('dmy,mdy,ymd,amb\n31/12/2020,12/31/2020,2020/12/31,01/02/2020\n01/02/2021,02/01/2021,2021/02/01,03/04/2020\n');
  assert.deepEqual(out.columns.map((c) => c.kind), ['date', 'date', 'date', 'date']);
  assert.deepEqual(values(batch, 'dmy'), [Date.UTC(2020, 11, 31), Date.UTC(2021, 1, 1)]);
  assert.deepEqual(values(batch, 'mdy'), [Date.UTC(2020, 11, 31), Date.UTC(2021, 1, 1)]);
  assert.deepEqual(values(batch, 'ymd'), [Date.UTC(2020, 11, 31), Date.UTC(2021, 1, 1)]);
  assert.deepEqual(values(batch, 'amb'), [Date.UTC(2020, 0, 2), Date.UTC(2020, 2, 4)]);
});

test('missing markers are missing in every kind', async () => {
  const csv = 'n,s,f\n1,a,1.5\nNA,N/A,nan\nnull,None,?\n-,,NULL\n2,b,\n';
  const { out, batch } = await importText(csv);
  assert.deepEqual(out.columns.map((c) => [c.kind, c.missing]), [
    ['integer', 3],
    ['categorical', 3],
    ['float', 4],
  ]);
  assert.deepEqual(values(batch, 'n'), [1, null, null, null, 2]);
  assert.deepEqual(values(batch, 's'), ['a', null, null, null, 'b']);
  const f = values(batch, 'f');
  assert.equal(f[0], 1.5);
  assert.deepEqual(f.slice(1), [null, null, null, null]);
});

test('widening within a chunk is silent; the chunk is decided as a whole', async () => {
  const { out, batch } = await importText('a,b\n1,1\n2,x\n2.5,3\n');
  assert.deepEqual(out.columns.map((c) => c.kind), ['float', 'categorical']);
  assert.deepEqual(out.conflicts, []);
  assert.deepEqual(values(batch, 'a'), [1, 2, 2.5]);
  assert.deepEqual(values(batch, 'b'), ['1', 'x', '3']);
});

test('a late row widens across chunks: conflict listed, chunks rewritten', async () => {
  const lines = ['id,n,d,flag'];
  for (let i = 1; i <= 300; i++) lines.push(`${i},${i % 7},2020-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'yes' : 'no'}`);
  lines.push('301,3.5,2020-01-01,yes'); // line 302
  lines.push('302,abc,not a date,maybe'); // line 303
  lines.push('303,4,2020-01-02,no');
  const { out, batch, sink } = await importText(lines.join('\n') + '\n', {}, { chunkRows: 100 });
  assert.equal(out.rows, 303);
  assert.equal(sink.resets, 1, 'second pass');
  const byName = Object.fromEntries(out.columns.map((c) => [c.name, c]));
  assert.equal(byName.n!.kind, 'categorical');
  assert.equal(byName.d!.kind, 'categorical');
  assert.equal(byName.flag!.kind, 'categorical');
  assert.equal(byName.id!.kind, 'integer');
  const conflicts = Object.fromEntries(out.conflicts.map((c) => [c.column, c]));
  assert.deepEqual(Object.keys(conflicts).sort(), ['d', 'flag', 'n']);
  assert.equal(conflicts.n!.from, 'integer');
  assert.equal(conflicts.n!.to, 'categorical');
  assert.equal(conflicts.n!.count, 2);
  assert.deepEqual(conflicts.n!.examples, [
    { line: 302, value: '3.5' },
    { line: 303, value: 'abc' },
  ]);
  assert.equal(conflicts.d!.from, 'date');
  assert.deepEqual(conflicts.d!.examples, [{ line: 303, value: 'not a date' }]);
  assert.equal(conflicts.flag!.from, 'boolean');
  // every chunk now holds strings for n, including the first ones
  const n = values(batch, 'n');
  assert.equal(n[0], '1');
  assert.equal(n[300], '3.5');
  assert.ok(sink.chunks.every((c) => c.rows <= 100));
});

test('integer → float across chunks keeps values exact', async () => {
  const lines = ['x'];
  for (let i = 0; i < 250; i++) lines.push(String(i));
  lines.push('0.125');
  const { out, batch } = await importText(lines.join('\n'), {}, { chunkRows: 64 });
  assert.equal(out.columns[0]!.kind, 'float');
  assert.equal(out.conflicts[0]!.from, 'integer');
  assert.equal(out.conflicts[0]!.to, 'float');
  assert.equal(out.conflicts[0]!.count, 1);
  assert.equal(out.conflicts[0]!.examples[0]!.line, 252);
  const v = values(batch, 'x');
  assert.equal(v[10], 10);
  assert.equal(v[250], 0.125);
});

test('an int32 overflow in a late chunk moves the column to float64 storage, kind stays integer', async () => {
  const lines = ['x'];
  for (let i = 0; i < 100; i++) lines.push(String(i));
  lines.push('9007199254740');
  const { out, batch } = await importText(lines.join('\n') + '\n', {}, { chunkRows: 30 });
  assert.equal(out.columns[0]!.kind, 'integer');
  assert.equal(out.columns[0]!.storage, 'float64');
  assert.deepEqual(out.conflicts, []);
  assert.equal(values(batch, 'x')[100], 9007199254740);
});

test('a column empty in early chunks gets its kind from later ones', async () => {
  const lines = ['a,b'];
  for (let i = 0; i < 50; i++) lines.push(`${i},`);
  lines.push('50,7');
  const { out, batch } = await importText(lines.join('\n') + '\n', {}, { chunkRows: 16 });
  assert.equal(out.columns[1]!.kind, 'integer');
  assert.equal(out.columns[1]!.missing, 50);
  assert.equal(values(batch, 'b')[50], 7);
});

test('categorical vs text by distinct count; target role', async () => {
  const lines = ['name,species'];
  for (let i = 0; i < 100; i++) lines.push(`person ${i},${['a', 'b', 'c'][i % 3]}`);
  const { out } = await importText(lines.join('\n'));
  assert.deepEqual(out.columns.map((c) => [c.kind, c.role]), [
    ['text', 'feature'],
    ['categorical', 'target'],
  ]);
});
