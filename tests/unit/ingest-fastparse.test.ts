import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATE_ISO, dateValue, fastIsoDate, fastNumber, scan, scanDate, scanNumber } from '../../src-main/engine/ingest/values.ts';

const enc = new TextEncoder();

function both(text: string, dec: number): { fast: number; fastCls: number; slow: number; slowCls: number } {
  const b = enc.encode(`x${text}y`); // the field sits inside other bytes
  const fast = fastNumber(b, 1, b.length - 1, dec);
  const fastCls = scan.cls;
  const slow = scanNumber(b, 1, b.length - 1, dec);
  return { fast, fastCls, slow, slowCls: scan.cls };
}

test('fastNumber gives scanNumber\'s value and class, to the bit, or declines', () => {
  let seed = 7;
  const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const texts: string[] = ['0', '-0', '0.0', '-0.0', '5.', '-5.', '.5', '-.5', '007', '123456789012345', '1234567890123456', '12345678.1234567', '1234567.12345678',
    '9007199254740993', '0.1', '0.30000000000000004', '-', '.', '-.', '', '1e5', '1.5E-3', '+1', ' 1', '1 ', '1,5', '1.2.3', '--1', 'inf', 'NaN', '12a', '999999999999999', '2147483648', '-2147483649'];
  for (let k = 0; k < 20000; k++) {
    const digits = 1 + Math.floor(r() * 17);
    let t = '';
    for (let d = 0; d < digits; d++) t += String(Math.floor(r() * 10));
    const dot = Math.floor(r() * (digits + 2)) - 1;
    if (dot >= 0 && dot <= digits) t = `${t.slice(0, dot)}.${t.slice(dot)}`;
    if (r() < 0.4) t = `-${t}`;
    texts.push(t);
  }
  let fastHits = 0;
  for (const t of texts) {
    for (const dec of [46, 44]) {
      const s = dec === 44 ? t.replace('.', ',') : t;
      const o = both(s, dec);
      if (o.fastCls === 0) continue;
      fastHits++;
      assert.equal(o.fastCls, o.slowCls, `class of "${s}"`);
      assert.ok(Object.is(o.fast, o.slow), `"${s}": fast ${o.fast} vs scanNumber ${o.slow}`);
    }
  }
  assert.ok(fastHits > 15000, `fast path taken ${fastHits} times`);
  // what it declines, scanNumber reads
  for (const s of ['1e5', '+1', ' 1', '1234567890123456']) {
    assert.equal(both(s, 46).fastCls, 0, s);
    assert.notEqual(both(s, 46).slowCls, 0, s);
  }
  for (const s of ['-', '', '12a', '1.2.3']) assert.equal(both(s, 46).fastCls, 0, s);
});

test('fastIsoDate gives scanDate + dateValue(ISO) for plain ISO dates, NaN for the rest', () => {
  const day = 86400000;
  for (let d = -800000; d < 800000; d += 997) {
    const text = new Date(d * day).toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) continue;
    const b = enc.encode(text);
    scanDate(b, 0, b.length);
    assert.ok(scan.dmask & DATE_ISO, text);
    assert.equal(fastIsoDate(b, 0, b.length), dateValue(DATE_ISO), text);
  }
  for (const t of ['2021-02-29', '2020-02-30', '2021-13-01', '2021-00-10', '2021-01-00', '2021-1-01', '2021/01/01', '2021-01-01T00:00', ' 2021-01-01', '20a1-01-01', '01-01-2021']) {
    const b = enc.encode(t);
    assert.ok(Number.isNaN(fastIsoDate(b, 0, b.length)), t);
  }
  const leap = enc.encode('2020-02-29');
  assert.equal(fastIsoDate(leap, 0, leap.length), Date.UTC(2020, 1, 29));
});
