/**
 * The CSV importer's WebAssembly kernels (csv-kernel.wat) must change
 * nothing but the speed: the tokenizer with them finds the same records,
 * fields, flags, lines, skipped rows and errors as without them, wherever
 * the data is cut; imports give the same chunk bytes and outcome on the
 * shared datasets and on tables full of the numbers the kernel hands back;
 * and the committed module bytes are the .wat's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_KERNEL, CsvArena, FinalKernel } from '../../src-main/engine/ingest/csv-kernel.ts';
import { WASM_BASE64 } from '../../src-main/engine/ingest/csv-kernel-wasm.ts';
import { lastImport } from '../../src-main/engine/ingest/import.ts';
import type { ImportHooks } from '../../src-main/engine/ingest/import.ts';
import { statsCounters } from '../../src-main/engine/ingest/stats.ts';
import { Tokenizer } from '../../src-main/engine/ingest/tokenizer.ts';
import { SHARED_DATASETS } from '../helpers/data.ts';
import { importText, rnd, values } from '../fixtures/ingest-helpers.ts';

test('the committed kernel bytes are csv-kernel.wat as assembled by wabt', async () => {
  const spec = '../../scripts/build-wasm.mjs';
  const { assemble } = (await import(spec)) as { assemble: (wat: string) => Promise<Buffer> };
  const bytes = await assemble('src-main/engine/ingest/csv-kernel.wat');
  assert.equal(WASM_BASE64, bytes.toString('base64'), 'run `node scripts/build-wasm.mjs` after editing the .wat');
});

/** Quoted and quote-bearing fields: plain to the kernel, raw, text after the quote, line breaks inside, quotes inside unquoted text. */
const QUOTED = ['"a,b"', '"say ""hi"""', '""', '"x"y', '"two\nlines"', '"cr\r\nlf"', 'a"b', '"12.5"', '"a""', '","', '"x"'];

/** A random CSV body: mostly plain records, with quotes, CR, CRLF, blank lines and ragged rows sprinkled in. */
function messy(seed: number, rows: number, ncols: number, oddity: number, eol = '\n'): string {
  const r = rnd(seed);
  const field = (): string => {
    const u = r();
    if (u < 0.4) return (r() * 2000 - 1000).toFixed(Math.floor(r() * 5));
    if (u < 0.5) return '';
    if (u < 0.5 + oddity) return QUOTED[Math.floor(r() * QUOTED.length)]!;
    if (u < 0.7) return `w${Math.floor(r() * 100)}`;
    return String(Math.floor(r() * 1e6) - 5e5);
  };
  let s = '';
  for (let i = 0; i < rows; i++) {
    const u = r();
    if (u < oddity / 4) {
      s += '\n';
      continue;
    }
    let n = ncols;
    if (u < oddity / 2) n = ncols + (r() < 0.5 ? -1 : 1);
    const fields = Array.from({ length: Math.max(1, n) }, field);
    const v = r();
    s += fields.join(',') + (v < oddity / 3 ? '\r\n' : v < oddity / 2 ? '\r' : eol);
  }
  return s;
}

interface Trace {
  steps: string[];
  error: string | null;
}

/** Feeds buf to the tokenizer cut at `cuts` (then the end, at eof), taking `cap` records at a time, as csvPass does. */
function drive(tok: Tokenizer, buf: Uint8Array, len: number, cuts: number[], cap: number): Trace {
  const steps: string[] = [];
  let pos = 0;
  try {
    for (const [k, cut] of [...cuts, len].entries()) {
      const eof = k === cuts.length;
      for (;;) {
        pos = tok.scan(buf, pos, cut, eof, cap);
        const held: number[] = [];
        for (let f = 0; f < tok.nrec * tok.ncols; f++) held.push(tok.starts[f]!, tok.ends[f]!, tok.flags[f]!);
        steps.push(`${cut}:${pos}:${tok.nrec}:${tok.line}:${tok.skipped}:${Array.from(tok.lines.subarray(0, tok.nrec)).join(' ')}|${held.join(',')}`);
        if (tok.nrec >= cap || (eof && tok.nrec > 0)) {
          tok.clear();
          if (!eof || pos < len) continue;
        }
        break;
      }
    }
  } catch (e) {
    return { steps, error: `${(e as { code?: string }).code}: ${(e as Error).message}` };
  }
  return { steps, error: null };
}

test('the tokenizer finds the same records with the kernel as without it, wherever the data is cut', () => {
  let kernelRecords = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = rnd(1000 + seed);
    const ncols = 1 + Math.floor(r() * 7);
    const oddity = [0, 0, 0.01, 0.05, 0.3][seed % 5]!;
    // every third file is a Windows one (CRLF)
    const text = Buffer.from(messy(seed, 30 + Math.floor(r() * 300), ncols, oddity, seed % 3 === 0 ? '\r\n' : '\n'));
    const len = text.length;
    const cuts = Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * len)).sort((a, b) => a - b);
    const cap = 1 + Math.floor(r() * 40);
    for (const skipBadRows of [false, true]) {
      const opts = { delimiter: 44, quote: 34, ncols, skipBadRows, file: 'x.csv' };
      const plain = new Tokenizer(opts, cap);
      const want = drive(plain, text, len, cuts, cap);
      const arena = CsvArena.create(len, cap, ncols);
      assert.ok(arena, 'WebAssembly SIMD is available in Node 20');
      arena.buf.set(text);
      const fast = new Tokenizer(opts, cap);
      fast.useArena(arena);
      const got = drive(fast, arena.buf, len, cuts, cap);
      assert.deepEqual(got, want, `seed ${seed}, skipBadRows ${skipBadRows}`);
      if (oddity === 0) kernelRecords += plain.line;
    }
  }
  assert.ok(kernelRecords > 1000);
});

test('CRLF records are plain to the kernel; a lone CR and a CR at the end of the data are not', () => {
  const text = Buffer.from('1,2\r\n3,4\r\n5,6\r7,8\r\n9,10\r');
  const arena = CsvArena.create(text.length, 10, 2)!;
  arena.buf.set(text);
  assert.equal(arena.scan(arena.buf, 0, text.length, 44, 34, 2, 10, 0), 2);
  assert.equal(arena.stopAt(), 10);
  assert.deepEqual(Array.from(arena.ends.subarray(0, 4)), [1, 3, 6, 8]);
  // from the record after the lone CR: one CRLF record, then the CR the data ends with
  assert.equal(arena.scan(arena.buf, 14, text.length, 44, 34, 2, 10, 0), 1);
  assert.equal(arena.stopAt(), 19);
});

test('quoted fields are plain to the kernel unless raw; a raw field, a CR or too many fields are handed back', () => {
  const text = Buffer.from('1,2\n"a,b",""\n"5""x",6\n7,8\r\n9,10,11\n12,"13"\n');
  const arena = CsvArena.create(text.length, 10, 2)!;
  arena.buf.set(text);
  const tok = new Tokenizer({ delimiter: 44, quote: 34, ncols: 2, skipBadRows: true, file: 'x.csv' }, 10);
  tok.useArena(arena);
  // the kernel alone takes the quoted record ("a,b" with its comma, "" empty) and stops at the raw field
  assert.equal(arena.scan(arena.buf, 0, text.length, 44, 34, 2, 10, 0), 2);
  assert.equal(arena.stopAt(), 13);
  assert.deepEqual([arena.starts[2], arena.ends[2], arena.flags[2], arena.starts[3], arena.ends[3], arena.flags[3]], [5, 8, 1, 11, 11, 1]);
  const pos = tok.scan(arena.buf, 0, text.length, true, 10);
  assert.equal(pos, text.length);
  assert.equal(tok.nrec, 5);
  assert.deepEqual(Array.from(tok.lines.subarray(0, 5)), [1, 2, 3, 4, 6]);
  assert.equal(tok.skipped, 1);
  assert.deepEqual(tok.skippedLines, [5]);
  // the raw field as the JavaScript scanner marks it (quotes included), the last one quoted
  assert.deepEqual([tok.starts[4], tok.ends[4], tok.flags[4]], [13, 19, 2]);
  assert.deepEqual([tok.starts[9], tok.ends[9], tok.flags[9]], [text.length - 4, text.length - 2, 1]);
});

const SEQ: ImportHooks = { pipeline: false, parallel: false };

/** Imports text (or a file's bytes) with the kernels on and off; both must agree to the byte. */
async function agree(text: string | Uint8Array, hooks: ImportHooks, label: string): Promise<Awaited<ReturnType<typeof importText>>> {
  const on = await importText(text, {}, hooks);
  const path = lastImport.path;
  CSV_KERNEL.on = false;
  process.env.LATHE_CSV_WASM = '0';
  let off;
  try {
    off = await importText(text, {}, hooks);
  } finally {
    CSV_KERNEL.on = true;
    delete process.env.LATHE_CSV_WASM;
  }
  assert.equal(lastImport.path, path);
  // the same outcome (each import reads its own temporary copy: warnings name it)
  const warnings = on.out.warnings.map((w) => ({ ...w, message: w.message.replaceAll(on.path, off.path) }));
  assert.deepEqual({ ...on.out, warnings }, off.out, label);
  assert.equal(on.sink.chunks.length, off.sink.chunks.length, label);
  on.sink.chunks.forEach((c, k) => assert.deepEqual(c.ipc, off.sink.chunks[k]!.ipc, `${label}: chunk ${k}`));
  return on;
}

/** Numbers in every form the kernel must hand back or get exactly right. */
function numbers(seed: number, rows: number): string {
  const r = rnd(seed);
  const odd = ['+5', '1e3', ' 7', '7 ', '-0', '007', '1.', '.5', '-.5', '-', '.', '1234567890123456', '123456789012345', '0.000000000000001', 'NA', '', '"12"', '"1""2"', '2147483648', '-2147483649', '2147483647', '-2147483648', '1,5', '99999999.9999999', '-0.00000000000001', '1234567.', '.123456789012345', '-.123456789012345', '1.2.3', '12-3', '--1', '0x1F'];
  let s = 'f,i,w,m,q\n';
  for (let i = 0; i < rows; i++) {
    const pick = (p: number, normal: () => string): string => {
      const v = r() < p ? odd[Math.floor(r() * odd.length)]! : normal();
      return v.includes(',') ? `"${v}"` : v;
    };
    const f = pick(0.03, () => (r() * 2e6 - 1e6).toFixed(Math.floor(r() * 9)));
    const n = pick(0.002, () => String(Math.floor(r() * 2e5) - 1e5));
    const w = i === rows - 50 ? '9007199254740993' : pick(0.002, () => String(Math.floor(r() * 4e9) - 2e9));
    const m = r() < 0.5 ? '' : (r() * 10).toFixed(2);
    const q = r() < 0.1 ? `"${(r() * 10).toFixed(1)}"` : (r() * 10).toFixed(1);
    s += `${f},${n},${w},${m},${q}\n`;
  }
  return s;
}

test('imports agree with the kernels on and off: numbers of every form, widening, second passes', async () => {
  for (const [seed, rows] of [[1, 3000], [2, 20000], [3, 600]] as const) {
    const text = numbers(seed, rows);
    const a = await agree(text, { ...SEQ, chunkRows: 700 }, `numbers ${seed}`);
    assert.ok(a.out.rows > 0);
    await agree(text, { pipeline: true, chunkRows: 900 }, `numbers ${seed} (pipeline)`);
  }
  // a column of integers that turns float late: the second pass rewrites the chunks
  const late = 'a,b\n' + Array.from({ length: 5000 }, (_, i) => `${i},${i === 4000 ? '1.5' : i * 3}`).join('\n') + '\n';
  const l = await agree(late, { ...SEQ, chunkRows: 1000 }, 'late float');
  assert.deepEqual(l.out.columns.map((c) => c.kind), ['integer', 'float']);
});

test('imports of the shared datasets agree with the kernels on and off', async () => {
  const files = readdirSync(SHARED_DATASETS).filter((f) => f.endsWith('.csv'));
  assert.ok(files.length >= 7);
  for (const f of files) {
    const bytes = readFileSync(join(SHARED_DATASETS, f));
    await agree(bytes, { ...SEQ, chunkRows: 997 }, f);
  }
});

test('the final statistics pass agrees with the kernels on and off when values leave the first chunk\'s range', async () => {
  // the running quartile buckets are placed over the first chunk's range: a third of the later
  // values land in the overflow bucket, and with them the third quartile
  const r = rnd(99);
  const xs: number[] = [];
  for (let i = 0; i < 12000; i++) xs.push(i < 1000 || r() < 0.65 ? r() : 1.2 + r() * 0.8);
  const text = 'x\n' + xs.map((x) => x.toFixed(6)).join('\n') + '\n';
  const streamed = statsCounters.streamed;
  const a = await agree(text, { ...SEQ, chunkRows: 1000 }, 'drifting');
  assert.equal(statsCounters.streamed, streamed + 2, 'both imports took the streamed final pass');
  const sorted = xs.map((x) => Number(x.toFixed(6))).sort((p, q) => p - q);
  const at = (p: number): number => {
    const h = p * (sorted.length - 1);
    const lo = Math.floor(h);
    return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
  };
  const st = a.out.columns[0]!.stats!;
  assert.equal(st.q1, at(0.25));
  assert.equal(st.median, at(0.5));
  assert.equal(st.q3, at(0.75));
  assert.equal(a.out.columns[0]!.histogram!.counts.reduce((p, c) => p + c, 0), 12000);
});

test('string columns get the same codes and dictionaries with the kernels on and off', async () => {
  const r = rnd(5);
  const odd = ['', 'NA', 'n/a', 'NaN', 'null', 'None', 'none', 'no', 'nice', 'n', 'N', '?', '-', '--', ' a', 'a ', ' ', 'x', 'ab', 'abc', 'abcd',
    'exactly8', 'exactly8bytes!!!', 'seventeen bytes!!', 'a much longer text field than sixteen bytes', 'café', 'naïve', 'Zürich', '"quoted, with comma"', '"say ""hi"""'];
  let text = 'cat,text,n\n';
  for (let i = 0; i < 5000; i++) {
    const cat = r() < 0.3 ? odd[Math.floor(r() * odd.length)]! : `c${Math.floor(r() * 40)}`;
    const t = `w${Math.floor(r() * 1e5)}-${'z'.repeat(Math.floor(r() * 20))}`;
    text += `${cat},${t},${i}\n`;
  }
  const a = await agree(text, { ...SEQ, chunkRows: 300 }, 'strings');
  assert.deepEqual(a.out.columns.map((c) => c.kind), ['categorical', 'text', 'integer']);
  assert.ok(a.out.columns[0]!.missing > 0);
  await agree(text, { pipeline: true, chunkRows: 700 }, 'strings (pipeline)');
  // without raw fields, so the kernel codes whole chunks; and Windows-1252 bytes
  const plain = text.replace(/"say ""hi"""/g, 'hi');
  await agree(plain, { ...SEQ, chunkRows: 450 }, 'strings, no raw fields');
  const latin = Buffer.from(plain.replace(/[^\x00-\x7f]/g, 'e').replace(/c1,/g, 'caf\xe9,'), 'latin1');
  const l = await agree(latin, { ...SEQ, chunkRows: 450 }, 'windows-1252');
  assert.equal(l.out.dialect.encoding, 'windows-1252');
});

test('ISO date columns agree with the kernels on and off, leap days and year 0 included', async () => {
  const r = rnd(17);
  const fixed = ['0000-01-15', '0000-02-29', '0000-03-01', '0001-01-01', '1600-02-29', '1900-02-28', '2000-02-29', '2024-02-29', '1969-12-31', '1970-01-01', '9999-12-31'];
  // each bad day in its own column, so that the kernel meets it while the column is still a date
  const bad = ['2001-02-30', '2001-04-31', '2001-06-31', '2001-09-31', '2001-11-31', '1900-02-29', '2001-13-01', '2001-00-10', '2001-01-00', '2001-01-32', '2001-1-01', '2001/01/01'];
  let text = `d,later,${bad.map((_, k) => `x${k}`).join(',')}\n`;
  const want: (number | null)[] = [];
  for (let i = 0; i < 4000; i++) {
    const ms = Date.UTC(1, 0, 1) + Math.floor(r() * 3.6e6) * 86400000;
    let d = i < fixed.length ? fixed[i]! : new Date(ms).toISOString().slice(0, 10);
    if (d.startsWith('+') || d.startsWith('-')) d = '2000-01-01';
    const missing = r() < 0.02;
    want.push(missing ? null : Date.parse(`${d}T00:00:00Z`));
    // a second column turns into datetimes late, a third has a bad day late (it becomes text)
    const later = i === 3500 ? '2001-02-03T04:05:06' : d;
    const xs = bad.map((b) => (i === 3900 ? b : d));
    text += `${missing ? (r() < 0.5 ? '' : 'NA') : d},${later},${xs.join(',')}\n`;
  }
  const a = await agree(text, { ...SEQ, chunkRows: 500 }, 'dates');
  // the kernel stops at the late datetime and the bad day: the columns widen as without it
  assert.equal(a.out.columns[0]!.kind, 'date');
  assert.notEqual(a.out.columns[1]!.kind, 'date');
  // a bad day makes its column text ('2001-1-01' is a date in another ISO form the JavaScript code reads)
  assert.deepEqual(a.out.columns.slice(2).map((c) => c.kind === 'text'), bad.map((b) => b !== '2001-1-01'));
  const got = a.batch.columns[0]!;
  const vals = Array.from({ length: 4000 }, (_, i) => (got.nulls?.[i] ? null : (got as { values: Float64Array }).values[i]!));
  // Date.parse takes years 0000-9999 in ISO form; the leap day of year 0 (a leap year) included
  assert.deepEqual(vals, want);
  await agree(text, { pipeline: true, chunkRows: 700 }, 'dates (pipeline)');
});

test('the final pass kernel does not keep a memory grown for one big column', () => {
  const k = FinalKernel.get()!;
  const edges = Float64Array.of(0, 1, 2);
  const slot = new Int32Array(4098).fill(-1);
  slot[1] = 0;
  // every value in quartile bucket 1 (0 <= (x - lo) * scale < 1): one million slots to fill
  k.begin(edges, slot, 1_000_000);
  const xs = new Float64Array(1_000_000).fill(0.5);
  const ss = k.block(xs, 0.5, 0, 1, 0, 1 / 1024, 0);
  const hist = new Int32Array(2);
  const fill = new Int32Array(4098);
  const out = new Float64Array(1_000_000);
  k.end(hist, fill, out);
  assert.equal(ss, 0);
  assert.deepEqual(Array.from(hist), [1_000_000, 0]);
  assert.equal(fill[1], 1_000_000);
  assert.equal(out[999_999], 0.5);
  assert.notEqual(FinalKernel.get(), k, 'a fresh, small kernel next time');
});

test('semicolon files with decimal commas and tab-separated files agree with the kernels on and off', async () => {
  const r = rnd(23);
  let semi = 'a;b;c;d\n';
  let tsv = 'a\tb\tc\td\n';
  for (let i = 0; i < 3000; i++) {
    const x = (r() * 2000 - 1000).toFixed(3);
    const y = String(Math.floor(r() * 1000));
    const c = `"k${Math.floor(r() * 9)}"`;
    const d = new Date(Date.UTC(2000, 0, 1) + Math.floor(r() * 5000) * 86400000).toISOString().slice(0, 10);
    semi += `${x.replace('.', ',')};${y};${c};${d}\n`;
    tsv += `${x}\t${y}\t${c}\t${d}\n`;
  }
  const s = await agree(semi, { ...SEQ, chunkRows: 800 }, 'semicolons');
  assert.equal(s.out.dialect.decimal, ',');
  assert.deepEqual(s.out.columns.map((c) => c.kind), ['float', 'integer', 'categorical', 'date']);
  const t = await agree(tsv, { ...SEQ, chunkRows: 800 }, 'tabs');
  assert.equal(t.out.dialect.delimiter, '\t');
  assert.deepEqual(values(t.batch, 'a'), values(s.batch, 'a'));
});
