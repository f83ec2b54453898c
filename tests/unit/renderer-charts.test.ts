import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramLabels, histogramOption } from '../../src-renderer/lib/charts/histogram.ts';
import { decodeRows } from '../../src-renderer/lib/arrow.ts';
import { conflictsNotice, errorNotice, httpError, warningNotice, where, withFileName } from '../../src-renderer/lib/notices.ts';
import { websocketUrl } from '../../src-renderer/lib/transport.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { Bool, Dictionary, Float64, Int32, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';

test('numeric histogram: bins become "lo – hi" categories and bars touch', () => {
  const opt = histogramOption({
    histogram: { edges: [4.3, 5.5, 6.7, 7.9], counts: [52, 70, 28] },
    kind: 'float',
    column: 'sepal length (cm)',
  });
  assert.deepEqual(opt.xAxis.data, ['4.3 – 5.5', '5.5 – 6.7', '6.7 – 7.9']);
  assert.deepEqual(opt.series[0]?.data, [52, 70, 28]);
  assert.equal(opt.series[0]?.type, 'bar');
  assert.equal(opt.series[0]?.barCategoryGap, '4%');
  assert.equal(opt.xAxis.name, 'sepal length (cm)  (150 values)');
  assert.equal(opt.animation, false);
  assert.equal(opt.yAxis.minInterval, 1);
});

test('categorical histogram uses the labels and separates the bars', () => {
  const opt = histogramOption({
    histogram: { edges: [], counts: [152, 124, 68], labels: ['Adelie', 'Gentoo', 'Chinstrap'] },
    kind: 'categorical',
    column: 'species',
    color: '#b0532f',
  });
  assert.deepEqual(opt.xAxis.data, ['Adelie', 'Gentoo', 'Chinstrap']);
  assert.equal(opt.series[0]?.barCategoryGap, '30%');
  assert.equal(opt.series[0]?.itemStyle.color, '#b0532f');
});

test('bin edges are rounded for the labels', () => {
  assert.deepEqual(histogramLabels({ edges: [172, 173.96667, 205.43333, 207.4], counts: [1, 2, 3] }, 'integer'), ['172 – 174', '174 – 205.4', '205.4 – 207.4']);
});

test('date histogram labels are dates', () => {
  const d0 = Date.UTC(2012, 0, 1);
  const d1 = Date.UTC(2013, 0, 1);
  const d2 = Date.UTC(2014, 0, 1);
  assert.deepEqual(histogramLabels({ edges: [d0, d1, d2], counts: [366, 365] }, 'date'), ['2012-01-01 – 2013-01-01', '2013-01-01 – 2014-01-01']);
});

test('a histogram whose edges do not match its counts is refused', () => {
  assert.throws(() => histogramOption({ histogram: { edges: [0, 1, 2], counts: [1, 2, 3] }, kind: 'float', column: 'x' }), /3 edges for 3 bins; expected 4/);
});

test('the option does not share arrays with the input', () => {
  const counts = [1, 2];
  const opt = histogramOption({ histogram: { edges: [0, 1, 2], counts }, kind: 'integer', column: 'x' });
  opt.series[0]?.data.push(99);
  assert.deepEqual(counts, [1, 2]);
});

test('decodeRows reads an Arrow IPC page: nulls, dictionary strings, booleans, timestamps', () => {
  const t = new Table({
    f: vectorFromArray([1.5, null, 3], new Float64()),
    i: vectorFromArray([1, 2, null], new Int32()),
    s: vectorFromArray(['a', null, 'b'], new Dictionary(new Utf8(), new Int32())),
    b: vectorFromArray([true, false, null], new Bool()),
    ts: vectorFromArray([Date.UTC(2020, 0, 2), null, 0], new TimestampMillisecond()),
  });
  const block = decodeRows(tableToIPC(t, 'stream'));
  assert.equal(block.count, 3);
  assert.deepEqual(block.columns, ['f', 'i', 's', 'b', 'ts']);
  assert.equal(block.value(0, 0), 1.5);
  assert.equal(block.value(1, 0), null);
  assert.equal(block.value(2, 1), null);
  assert.equal(block.value(2, 2), 'b');
  assert.equal(block.value(1, 2), null);
  assert.equal(block.value(1, 3), false);
  assert.equal(block.value(0, 4), Date.UTC(2020, 0, 2));
  assert.equal(block.indexOf('s'), 2);
  assert.equal(block.indexOf('nope'), -1);
  assert.equal(block.value(5, 0), null, 'out of range reads as missing');
  assert.equal(block.value(0, 9), null);
});

test('decodeRows refuses bytes that are not Arrow IPC', () => {
  assert.throws(() => decodeRows(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
});

test('error notices carry code, message, line and column from the wire details', () => {
  const n = errorNotice('Import of bad.csv failed', new LatheError('RAGGED_ROW', 'Line 4 has 3 fields; the header has 5.', { file: 'bad.csv', line: 4, column: 3 }));
  assert.equal(n.level, 'error');
  assert.equal(n.code, 'RAGGED_ROW');
  assert.equal(n.line, 4);
  assert.equal(n.column, '3');
  assert.equal(where(n), 'bad.csv, line 4, column 3');
  const plain = errorNotice('x', new Error('boom'));
  assert.equal(plain.code, 'INTERNAL');
  assert.equal(where(plain), '');
  assert.notEqual(plain.id, n.id);
});

test('warnings and kind conflicts become notices', () => {
  const w = warningNotice('t.csv', { code: 'DUPLICATE_HEADER', message: 'Column "a" appears twice; renamed to "a_2".', line: 1, column: 'a' });
  assert.equal(w.level, 'warning');
  assert.equal(where(w), 'line 1, column a');
  assert.equal(conflictsNotice('t.csv', []), null);
  const c = conflictsNotice('t.csv', [{ column: 'age', from: 'integer', to: 'float', count: 2, examples: [{ line: 900, value: '0.92' }] }]);
  assert.ok(c);
  assert.equal(c.items?.[0], 'age: integer → float, 2 values, e.g. "0.92" (line 900)');
  assert.match(c.title, /^1 column changed kind/);
});

test('HTTP error answers turn into LatheErrors with the server code, or UNAUTHORIZED for 401', () => {
  const e1 = httpError(400, JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'No name.' } }), 'The upload');
  assert.equal(e1.code, 'BAD_REQUEST');
  assert.equal(e1.message, 'No name.');
  const e2 = httpError(401, 'Unauthorized', 'The upload of a.csv');
  assert.equal(e2.code, 'UNAUTHORIZED');
  assert.match(e2.message, /token/);
  const e3 = httpError(502, '<html>bad gateway</html>', 'The upload');
  assert.equal(e3.code, 'INTERNAL');
  assert.match(e3.message, /HTTP 502/);
});

test('the WebSocket URL follows the page protocol and host', () => {
  assert.equal(websocketUrl({ protocol: 'http:', host: '127.0.0.1:4321' }), 'ws://127.0.0.1:4321/ws');
  assert.equal(websocketUrl({ protocol: 'https:', host: 'example.test' }), 'wss://example.test/ws');
});

test('an error about a browser-mode upload names the dropped file, not the temporary path', () => {
  const id = '51e85551-7d28-4a82-ac4f-23f27381ec1f';
  const path = `/tmp/lathe-data/uploads/${id}.csv`;
  const n = errorNotice('Import of iris_ragged.csv failed', new LatheError('RAGGED_ROW', `${path}, line 4: expected 5 fields but found 4.`, { file: path, line: 4 }));
  const fixed = withFileName(n, id, 'iris_ragged.csv');
  assert.equal(fixed.message, 'iris_ragged.csv, line 4: expected 5 fields but found 4.');
  assert.equal(fixed.file, 'iris_ragged.csv');
  assert.equal(fixed.line, 4);
  assert.equal(where(fixed), 'iris_ragged.csv, line 4');
  const other = errorNotice('x', new LatheError('FILE_NOT_FOUND', 'No such file /a/b.csv.', { file: '/a/b.csv' }));
  assert.deepEqual(withFileName(other, id, 'c.csv'), other);
  assert.deepEqual(withFileName(other, '', 'c.csv'), other);
});
