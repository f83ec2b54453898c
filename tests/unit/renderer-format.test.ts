import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes,
  formatCell,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatPercent,
  formatStat,
} from '../../src-renderer/lib/format.ts';
import { KIND_LOOK } from '../../src-renderer/lib/kinds.ts';
import { COLUMN_KINDS } from '../../src-shared/dataset.ts';

test('formatCount groups thousands', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(150), '150');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(Number.NaN), 'NaN');
});

test('formatBytes uses binary units with one decimal', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(2777), '2.7 KB');
  assert.equal(formatBytes(18_275_524), '17.4 MB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
  assert.equal(formatBytes(-1), '–');
  assert.equal(formatBytes(Number.NaN), '–');
});

test('formatNumber keeps significant digits, drops trailing zeros, uses exponents only at the extremes', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(5.1), '5.1');
  assert.equal(formatNumber(3), '3');
  assert.equal(formatNumber(-2.5), '-2.5');
  assert.equal(formatNumber(1 / 3), '0.333333');
  assert.equal(formatNumber(1 / 3, 3), '0.333');
  assert.equal(formatNumber(123456.789), '123457');
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(1e-7), '1e-7');
  assert.equal(formatNumber(2.5e20), '2.5e+20');
  assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
  assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '−∞');
  assert.equal(formatNumber(Number.NaN), 'NaN');
});

test('dates are shown in UTC', () => {
  const ms = Date.UTC(2012, 0, 31, 7, 5, 9);
  assert.equal(formatDate(ms), '2012-01-31');
  assert.equal(formatDateTime(ms), '2012-01-31 07:05:09');
  assert.equal(formatDate(Number.NaN), 'NaN');
});

test('formatCell: missing values are null, so the grid can draw them distinctly', () => {
  assert.equal(formatCell(null, 'float'), null);
  assert.equal(formatCell(undefined, 'text'), null);
  assert.equal(formatCell(Number.NaN, 'float'), null);
  assert.equal(formatCell(5.1, 'float'), '5.1');
  assert.equal(formatCell(42, 'integer'), '42');
  assert.equal(formatCell(10n, 'integer'), '10');
  assert.equal(formatCell(true, 'boolean'), 'true');
  assert.equal(formatCell(false, 'boolean'), 'false');
  assert.equal(formatCell('Adelie', 'categorical'), 'Adelie');
  assert.equal(formatCell('', 'text'), '');
  assert.equal(formatCell(Date.UTC(2015, 5, 1), 'date'), '2015-06-01');
  assert.equal(formatCell(Date.UTC(2015, 5, 1, 12), 'datetime'), '2015-06-01 12:00:00');
  assert.equal(formatCell(new Date(Date.UTC(2015, 5, 1)), 'date'), '2015-06-01');
});

test('formatStat follows the column kind', () => {
  assert.equal(formatStat(Date.UTC(2020, 1, 29), 'date'), '2020-02-29');
  assert.equal(formatStat(5.843333333, 'float'), '5.8433');
  assert.equal(formatStat(1797, 'integer'), '1797');
});

test('formatPercent and formatDuration', () => {
  assert.equal(formatPercent(null), '');
  assert.equal(formatPercent(undefined), '');
  assert.equal(formatPercent(0.05), '5.0%');
  assert.equal(formatPercent(0.456), '46%');
  assert.equal(formatPercent(1.7), '100%');
  assert.equal(formatPercent(-1), '0.0%');
  assert.equal(formatDuration(0.4234), '0.42 s');
  assert.equal(formatDuration(12.4), '12 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(-1), '–');
});

test('every column kind has a badge, a label and a colour', () => {
  for (const k of COLUMN_KINDS) {
    const look = KIND_LOOK[k];
    assert.ok(look.badge.length > 0 && look.badge.length <= 4, k);
    assert.ok(look.label.length > 0, k);
    assert.match(look.color, /^#[0-9a-f]{6}$/, k);
  }
});
