import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_SCROLL_PX,
  columnAt,
  columnOffsets,
  columnWidth,
  columnWindow,
  contentHeight,
  pagesFor,
  pageSizeFor,
  pagesWanted,
  rowWindow,
  scrollTopForRow,
  visibleRange,
} from '../../src-renderer/lib/grid-window.ts';
import { LruCache } from '../../src-renderer/lib/lru.ts';

const base = { viewportHeight: 260, rowHeight: 26, overscan: 2 };

test('rowWindow at the top draws the visible rows plus overscan below', () => {
  const w = rowWindow({ ...base, scrollTop: 0, totalRows: 150 });
  assert.equal(w.first, 0);
  assert.equal(w.topRow, 0);
  assert.equal(w.top, 0);
  // 10 visible + 1 partial + 2 overscan
  assert.equal(w.end, 13);
});

test('rowWindow in the middle positions rows at row × height', () => {
  const w = rowWindow({ ...base, scrollTop: 26 * 50 + 13, totalRows: 150 });
  assert.equal(Math.floor(w.topRow), 50);
  assert.equal(w.first, 48);
  assert.equal(w.top, 48 * 26);
});

test('rowWindow at the bottom reaches the last row and never past it', () => {
  const total = 1797;
  const maxScroll = contentHeight(total, 26) - base.viewportHeight;
  const w = rowWindow({ ...base, scrollTop: maxScroll + 5000, totalRows: total });
  assert.equal(w.end, total);
  assert.ok(w.first <= total - 10);
  // The last row's bottom edge meets the viewport's bottom edge.
  const lastTop = w.top + (total - 1 - w.first) * 26;
  assert.equal(lastTop + 26, maxScroll + base.viewportHeight);
});

test('rowWindow handles empty datasets and a zero viewport', () => {
  assert.deepEqual(rowWindow({ ...base, scrollTop: 0, totalRows: 0 }), { first: 0, end: 0, topRow: 0, top: 0 });
  const w = rowWindow({ ...base, viewportHeight: 0, scrollTop: 0, totalRows: 10 });
  assert.equal(w.first, 0);
  assert.ok(w.end <= 10);
});

test('millions of rows: the scroll range is compressed but every row is reachable', () => {
  const total = 10_000_000;
  const h = contentHeight(total, 26);
  assert.equal(h, MAX_SCROLL_PX);
  const maxScroll = h - base.viewportHeight;
  const top = rowWindow({ ...base, scrollTop: 0, totalRows: total });
  assert.equal(top.first, 0);
  const bottom = rowWindow({ ...base, scrollTop: maxScroll, totalRows: total });
  assert.equal(bottom.end, total);
  // Rows are drawn relative to the viewport: the last row ends at the viewport's bottom.
  const lastY = bottom.top + (total - 1 - bottom.first) * 26 - maxScroll;
  assert.ok(Math.abs(lastY + 26 - base.viewportHeight) < 1e-6, `last row bottom at ${lastY + 26}`);
  const mid = rowWindow({ ...base, scrollTop: maxScroll / 2, totalRows: total });
  assert.ok(Math.abs(mid.topRow - (total - 10) / 2) < 1, `middle row ${mid.topRow}`);
  // scrollTopForRow inverts the mapping.
  const st = scrollTopForRow(7_654_321, base.viewportHeight, 26, total);
  const w = rowWindow({ ...base, scrollTop: st, totalRows: total });
  assert.ok(Math.abs(w.topRow - 7_654_321) < 1e-3);
});

test('scrollTopForRow without compression is row × height, clamped', () => {
  assert.equal(scrollTopForRow(10, 260, 26, 150), 260);
  assert.equal(scrollTopForRow(1e9, 260, 26, 150), 150 * 26 - 260);
  assert.equal(scrollTopForRow(-5, 260, 26, 150), 0);
});

test('column offsets, lookup and window', () => {
  const off = columnOffsets([100, 50, 200, 80]);
  assert.deepEqual(off, [0, 100, 150, 350, 430]);
  assert.equal(columnAt(off, 0), 0);
  assert.equal(columnAt(off, 99.9), 0);
  assert.equal(columnAt(off, 100), 1);
  assert.equal(columnAt(off, 349), 2);
  assert.equal(columnAt(off, 10_000), 3);
  assert.deepEqual(columnWindow(off, 0, 120, 0), { first: 0, end: 2 });
  assert.deepEqual(columnWindow(off, 160, 100, 0), { first: 2, end: 3 });
  assert.deepEqual(columnWindow(off, 160, 100, 5), { first: 0, end: 4 });
  assert.deepEqual(columnWindow([0], 0, 100), { first: 0, end: 0 });
});

test('column widths fit the name within bounds', () => {
  assert.equal(columnWidth('x'), 90);
  assert.ok(columnWidth('sepal length (cm)') > columnWidth('target'));
  assert.equal(columnWidth('a'.repeat(200)), 260);
});

test('pages for a row range, and prefetch around it nearest first', () => {
  assert.deepEqual(pagesFor(0, 0, 100), []);
  assert.deepEqual(pagesFor(0, 1, 100), [0]);
  assert.deepEqual(pagesFor(95, 205, 100), [0, 1, 2]);
  assert.deepEqual(pagesWanted(250, 260, 100, 1000, 2), [2, 3, 1, 4, 0]);
  assert.deepEqual(pagesWanted(0, 10, 100, 1000, 1), [0, 1]);
  assert.deepEqual(pagesWanted(990, 1000, 100, 1000, 1), [9, 8]);
  assert.deepEqual(pagesWanted(5, 5, 100, 1000, 1), []);
});

test('page size keeps about 100k cells per page', () => {
  assert.equal(pageSizeFor(5), 1024);
  assert.equal(pageSizeFor(65), 1024);
  assert.equal(pageSizeFor(785), 64);
  assert.equal(pageSizeFor(150), 512);
  assert.equal(pageSizeFor(0), 1024);
});

test('LRU evicts the least recently used and reports it', () => {
  const evicted: number[] = [];
  const lru = new LruCache<number, string>(3, (k) => evicted.push(k));
  lru.set(1, 'a');
  lru.set(2, 'b');
  lru.set(3, 'c');
  assert.equal(lru.get(1), 'a'); // 1 is now the most recent
  lru.set(4, 'd');
  assert.deepEqual(evicted, [2]);
  assert.deepEqual(lru.keys(), [3, 1, 4]);
  assert.equal(lru.peek(3), 'c');
  assert.deepEqual(lru.keys(), [3, 1, 4], 'peek does not refresh');
  lru.set(3, 'c2');
  assert.deepEqual(lru.keys(), [1, 4, 3]);
  assert.equal(lru.size, 3);
  assert.equal(lru.delete(1), true);
  assert.equal(lru.has(1), false);
  assert.equal(lru.get(99), undefined);
  assert.throws(() => new LruCache(0), RangeError);
});

test('visibleRange names the rows in view, 1-based, reaching the last row at the bottom', () => {
  assert.deepEqual(visibleRange(0, 260, 26, 150), { from: 1, to: 10 });
  assert.deepEqual(visibleRange(0.5, 260, 26, 150), { from: 1, to: 11 });
  assert.deepEqual(visibleRange(1797 - 10, 260, 26, 1797), { from: 1788, to: 1797 });
  assert.deepEqual(visibleRange(0, 2600, 26, 5), { from: 1, to: 5 });
  assert.deepEqual(visibleRange(0, 260, 26, 0), { from: 0, to: 0 });
});
