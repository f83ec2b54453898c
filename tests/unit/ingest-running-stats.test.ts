import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnKind } from '../../src-shared/dataset.ts';
import type { ColumnData } from '../../src-main/engine/arrow/types.ts';
import { runningStatsBytes } from '../../src-main/engine/ingest/running-stats.ts';
import { StatsAccumulator, statsCounters } from '../../src-main/engine/ingest/stats.ts';

let seed = 11;
const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const N = 150_000;
const CHUNK = 32768;
const DAY = 86400000;

function chunks(a: Float64Array, storage: 'float64' | 'int32' | 'timestamp' | 'mixed'): ColumnData[] {
  const out: ColumnData[] = [];
  for (let s = 0, c = 0; s < a.length; s += CHUNK, c++) {
    const part = a.slice(s, s + CHUNK);
    const nulls = Uint8Array.from(part, (x) => (x !== x ? 1 : 0));
    const withNulls = nulls.includes(1) ? { nulls } : {};
    if (storage === 'int32' || (storage === 'mixed' && c < 2)) out.push({ storage: 'int32', values: Int32Array.from(part, (x) => (x !== x ? 0 : x)), ...withNulls });
    else if (storage === 'timestamp') out.push({ storage: 'timestamp', values: part, ...withNulls });
    else out.push({ storage: 'float64', values: part, ...withNulls });
  }
  return out;
}

const cols: [string, ColumnKind, 'float64' | 'int32' | 'timestamp' | 'mixed', Float64Array][] = [
  ['uniform, 2 decimals, missing', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => (i % 97 === 3 ? NaN : Number((r() * 1000).toFixed(2))))],
  ['normal-ish, 3 decimals', 'float', 'float64', Float64Array.from({ length: N }, () => Number(((r() + r() + r() - 1.5) * 200).toFixed(3)))],
  ['sorted (first chunk narrow)', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => i / 10)],
  ['wide int32 (hash distinct)', 'integer', 'int32', Float64Array.from({ length: N }, () => Math.floor(r() * 2e9) - 1e9)],
  ['int32 with a small range', 'integer', 'int32', Float64Array.from({ length: N }, () => Math.floor(r() * 20))],
  ['int32 chunks then float64', 'float', 'mixed', Float64Array.from({ length: N }, (_, i) => (i < 2 * CHUNK ? Math.floor(r() * 5000) : Number((r() * 5000).toFixed(1))))],
  ['whole days', 'date', 'timestamp', Float64Array.from({ length: N }, () => (Math.floor(r() * 9000) + 10957) * DAY)],
  ['date-times', 'datetime', 'timestamp', Float64Array.from({ length: N }, () => Math.floor(r() * 9000 * 24) * 3600000)],
  ['heavy ties', 'float', 'float64', Float64Array.from({ length: N }, () => Math.floor(r() * 5))],
  ['-0, 0 and one infinity', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => (i === 70000 ? Infinity : i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : r()))],
  ['-0 and 0 among decimals', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => (i % 5 === 0 ? -0 : i % 5 === 1 ? 0 : Number((r() - 0.5).toFixed(2))))],
  ['full-precision doubles', 'float', 'float64', Float64Array.from({ length: N }, () => r() * 7 - 3)],
  ['constant first chunk', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => (i < CHUNK ? 5 : Number((r() * 10).toFixed(1))))],
  ['more decimals after the probe', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => (i < 300 ? Number(r().toFixed(1)) : Number(r().toFixed(6))))],
  ['drifting range', 'float', 'float64', Float64Array.from({ length: N }, (_, i) => Number((r() * 100 + i / 100).toFixed(2)))],
];

test('running statistics with the streamed final pass give the long way\'s results to the bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-running-'));
  try {
    let streamed = 0;
    for (const [name, kind, storage, values] of cols) {
      const cs = chunks(values, storage);
      const plain = new StatsAccumulator();
      for (const c of cs) plain.add(c);
      const want = plain.result(kind);
      for (const spillAt of [1, 65536, 1 << 30]) {
        const before = statsCounters.streamed;
        const acc = new StatsAccumulator(dir, spillAt);
        for (const c of cs) acc.add(c);
        const got = acc.result(kind);
        streamed += statsCounters.streamed - before;
        if (process.env.LATHE_DEBUG) console.log(name, spillAt, statsCounters.streamed - before);
        assert.deepStrictEqual(got, want, `${name}, spill at ${spillAt}`);
        acc.dispose();
      }
    }
    // most of these columns take the streamed pass (the others fall back on purpose)
    assert.ok(streamed >= 24, `streamed ${streamed} of ${cols.length * 3}`);
    assert.deepEqual(readdirSync(dir), [], 'spill files are removed');
    assert.equal(runningStatsBytes(), 0, 'running distinct counts give their memory back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('final statistics finished from an exported state (the pipeline worker\'s half) agree to the bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-running-'));
  try {
    let exported = 0;
    for (const [name, kind, storage, values] of cols) {
      const cs = chunks(values, storage);
      const plain = new StatsAccumulator();
      for (const c of cs) plain.add(c);
      const want = plain.result(kind);
      for (const spillAt of [1, 65536, 1 << 30]) {
        const acc = new StatsAccumulator(dir, spillAt);
        for (const c of cs) acc.add(c);
        const state = acc.exportFinal();
        if (state) {
          exported++;
          // as it crosses threads
          const copy = structuredClone(state, { transfer: [state.tail.buffer] });
          assert.deepStrictEqual(StatsAccumulator.finishFinal(copy, kind), want, `${name}, spill at ${spillAt}`);
        } else assert.deepStrictEqual(acc.result(kind), want, `${name}, spill at ${spillAt}`);
        acc.dispose();
      }
    }
    assert.ok(exported >= 24, `exported ${exported} of ${cols.length * 3}`);
    assert.deepEqual(readdirSync(dir), [], 'spill files are removed');
    assert.equal(runningStatsBytes(), 0, 'running distinct counts give their memory back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('merged accumulators (the parallel path) take the long way and agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-running-'));
  try {
    const values = cols[0]![3];
    const cs = chunks(values, 'float64');
    // the long way adds the adopted values first
    const plain = new StatsAccumulator();
    for (const c of [...cs.slice(2), ...cs.slice(0, 2)]) plain.add(c);
    const want = plain.result('float');
    const a = new StatsAccumulator(dir, 1);
    const b = new StatsAccumulator(dir, 1);
    cs.forEach((c, i) => (i < 2 ? a : b).add(c));
    const before = statsCounters.streamed;
    a.mergeState(b.exportState());
    assert.deepStrictEqual(a.result('float'), want);
    assert.equal(statsCounters.streamed, before);
    a.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('many wide columns at once: distinct sets past the memory budget give up, results unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-running-'));
  try {
    const data = Array.from({ length: 10 }, () => Float64Array.from({ length: N }, () => r() * 1e6));
    const accs = data.map(() => new StatsAccumulator(dir));
    const all = data.map((a) => chunks(a, 'float64'));
    for (let c = 0; c < all[0]!.length; c++) for (const [j, acc] of accs.entries()) acc.add(all[j]![c]!);
    assert.ok(runningStatsBytes() <= 12 << 20, `budget kept: ${runningStatsBytes()}`);
    for (const [j, acc] of accs.entries()) {
      const plain = new StatsAccumulator();
      for (const c of all[j]!) plain.add(c);
      assert.deepStrictEqual(acc.result('float'), plain.result('float'), `column ${j}`);
      acc.dispose();
    }
    assert.equal(runningStatsBytes(), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
