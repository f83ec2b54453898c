/**
 * The importer: a CSV/TSV (optionally gzipped) or Arrow IPC/Feather file →
 * typed Arrow chunks handed to a sink, plus the schema, per-column
 * statistics, the dialect, warnings and kind conflicts.
 *
 * CSV flow: sniff the first 64 KiB, then stream the file through a byte
 * buffer; each chunk of records is tokenized once, every column is parsed
 * straight from the bytes under the narrowest kind that fits the whole
 * chunk, encoded and written. Kinds are inferred over the whole file: when a
 * later chunk widens a column whose earlier chunks were written with another
 * storage, the sink is reset and the file read a second time with the final
 * kinds.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnInfo, ColumnKind, Dialect, ImportOptions, ImportWarning, KindConflict } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Progress } from '../../../src-shared/jobs.ts';
import { encodeBatch } from '../arrow/ipc.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import { hashFile } from './hash.ts';
import type { HashJob } from './hash.ts';
import { ColumnState, buildColumn, trackConflict } from './infer.ts';
import type { ArrayPool, ChunkContext } from './infer.ts';
import { importArrowFile } from './arrow-import.ts';
import { Fallback, parallelImport } from './parallel.ts';
import { SNIFF_BYTES, decodeCp1252, decoderFor, sniff } from './sniff.ts';
import { openSource } from './source.ts';
import type { ByteSource } from './source.ts';
import { StatsAccumulator, releaseStatsScratch } from './stats.ts';
import { Tokenizer, splitRecords } from './tokenizer.ts';
import { K_EMPTY, K_STRING } from './values.ts';

export interface ChunkSink {
  write(rows: number, ipc: Uint8Array): void;
  /** Discard every chunk written so far (the importer starts a second pass). */
  reset(): void;
}

export interface ImportOutcome {
  rows: number;
  columns: ColumnInfo[];
  dialect: Dialect;
  warnings: ImportWarning[];
  conflicts: KindConflict[];
  skippedRows: number;
  sha256: string;
  size: number;
}

export interface ImportHooks {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** rows per chunk (default 65536; wide tables get fewer, see FIELDS_PER_CHUNK) */
  chunkRows?: number;
  /**
   * Parse a plain (not gzipped) CSV over two threads: true forces it, false
   * forbids it; by default (when PARALLEL_BY_DEFAULT) files of
   * PARALLEL_MIN_BYTES and more on a machine with two cores or more.
   */
  parallel?: boolean;
  /** bytes per parallel segment (default: about one chunk's worth); for tests */
  segmentBytes?: number;
  /** for tests: wait for the parse worker to start before sharing out segments */
  waitForWorker?: boolean;
}

/**
 * Whether big CSVs take the two-thread path unasked. Off for now: on the
 * shared 2-core machine (load 13-16) it was only 3-9 % faster in wall time
 * than the sequential path, burned ~0.8 s more CPU and peaked at ~180 MB
 * RSS against the 145 MB budget (2× the Arrow size; sequential: 135-140).
 * Turn it on once a quiet-machine run of `LATHE_BENCH_PARALLEL=1 npm run
 * bench:import` shows the win and the memory fits.
 */
export const PARALLEL_BY_DEFAULT = false;
/** The size from which a CSV is parsed over two threads by default. */
export const PARALLEL_MIN_BYTES = 16 << 20;
/** Rows per chunk on the parallel path (at most; chunkRows still caps it). */
export const PARALLEL_CHUNK_ROWS = 32768;

/** A chunk holds at most this many fields, so a very wide table gets shorter chunks. */
export const FIELDS_PER_CHUNK = 2_000_000;
/** A chunk whose bytes pass this is closed early (very long text fields). */
const MAX_CHUNK_BYTES = 64 << 20;
const PROGRESS_MS = 200;
const TARGET_NAMES = new Set(['target', 'label', 'class', 'species', 'survived', 'y']);

function cancelledError(path: string): LatheError {
  return new LatheError('CANCELLED', `The import of ${path} was cancelled.`, { file: path });
}

/** Unique, non-empty column names; each fix is reported. */
export function fixNames(raw: string[], warnings: ImportWarning[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  raw.forEach((r, j) => {
    let name = r.trim();
    if (!name) {
      name = `column_${j + 1}`;
      warnings.push({ code: 'EMPTY_HEADER', message: `Column ${j + 1} has no name in the header; it is called "${name}".`, column: name });
    }
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      const fixed = `${name}_${k}`;
      warnings.push({ code: 'DUPLICATE_HEADER', message: `The header names "${name}" more than once; column ${j + 1} is called "${fixed}".`, column: fixed });
      name = fixed;
    }
    seen.add(name);
    out.push(name);
  });
  return out;
}

/** Which column is the target: a conventional name that is last, or the only one. */
export function pickTarget(names: string[]): number {
  const hits = names.map((n, j) => (TARGET_NAMES.has(n.trim().toLowerCase()) ? j : -1)).filter((j) => j >= 0);
  if (hits.length === 1) return hits[0]!;
  if (hits.includes(names.length - 1)) return names.length - 1;
  return -1;
}

/** A string column is categorical when it has few distinct values. */
export function isCategorical(distinct: number, nonMissing: number): boolean {
  return distinct <= 1000 && distinct <= Math.max(20, 0.5 * nonMissing);
}

async function statFile(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LatheError('FILE_NOT_FOUND', `${path} does not exist. Check the path.`, { file: path });
    throw new LatheError('FILE_UNREADABLE', `${path} cannot be read (${code ?? (e as Error).message}). Check its permissions.`, { file: path });
  }
  if (st.isDirectory()) throw new LatheError('FILE_UNREADABLE', `${path} is a folder, not a file. Choose a CSV, TSV or Arrow file inside it.`, { file: path });
  if (!st.isFile()) throw new LatheError('FILE_UNREADABLE', `${path} is not a regular file.`, { file: path });
  return st.size;
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new LatheError('FILE_UNREADABLE', `${path} cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check its permissions.`, { file: path });
  }
  try {
    const b = new Uint8Array(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return sig.every((c, i) => b[i] === c);
}

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1
const GZIP_MAGIC = [0x1f, 0x8b];
/** an Arrow IPC stream starts with a continuation marker */
const ARROW_STREAM = [0xff, 0xff, 0xff, 0xff];

function foreignFormat(b: Uint8Array): string | null {
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (an Excel .xlsx or OpenDocument file is one): save the sheet as CSV';
  if (startsWith(b, [0x50, 0x41, 0x52, 0x31])) return 'a Parquet file: convert it to Arrow/Feather or CSV';
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0])) return 'an old Excel/Office file: save the sheet as CSV';
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46])) return 'a PDF';
  if (startsWith(b, [0x42, 0x5a, 0x68])) return 'bzip2-compressed: decompress it or recompress it with gzip';
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz-compressed: decompress it or recompress it with gzip';
  if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd-compressed: decompress it or recompress it with gzip';
  if (startsWith(b, [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65])) return 'an SQLite database';
  return null;
}

function isBinary(b: Uint8Array): boolean {
  let ctrl = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) ctrl++;
  }
  return ctrl > Math.max(8, b.length / 100);
}

function stringDecoder(encoding: Dialect['encoding']): (b: Uint8Array, s: number, e: number) => string {
  if (encoding === 'utf-8') {
    const slice = Buffer.prototype.utf8Slice;
    return (b, s, e) => slice.call(b, s, e);
  }
  return (b, s, e) => decodeCp1252(b.subarray(s, e));
}

class Reporter {
  private last = 0;
  constructor(
    private hooks: ImportHooks | undefined,
    private totalBytes: number,
  ) {}
  /** Share of the work done after `bytes` of the file were read. */
  fraction(bytes: number): number | null {
    return this.totalBytes > 0 ? Math.min(0.95, (0.95 * bytes) / this.totalBytes) : null;
  }
  tick(phase: string, bytes: number, rows: number, fraction: number | null, force = false, message?: string): void {
    const cb = this.hooks?.onProgress;
    if (!cb) return;
    const now = performance.now();
    if (!force && now - this.last < PROGRESS_MS) return;
    this.last = now;
    cb({ phase, bytes, totalBytes: this.totalBytes, rows, fraction, ...(message ? { message } : {}) });
  }
}

interface Prepared {
  dialect: Dialect;
  names: string[];
  warnings: ImportWarning[];
}

/** Everything one pass over a CSV needs. */
interface PassState {
  path: string;
  dialect: Dialect;
  names: string[];
  states: ColumnState[];
  accs: StatsAccumulator[];
  sink: ChunkSink;
  hooks: ImportHooks | undefined;
  reporter: Reporter;
  skipBadRows: boolean;
  pass: 1 | 2;
}

/**
 * Reads the first block of a (decompressed) CSV, sniffs the dialect and the
 * header. Returns the byte offset where data starts.
 */
async function readPrelude(
  path: string,
  src: ByteSource,
  buf: Buffer,
  gzip: boolean,
  known: Prepared | null,
): Promise<{ len: number; eof: boolean; dataStart: number; headerLines: number; prepared: Prepared; buf: Buffer }> {
  let len = 0;
  let eof = false;
  while (len < SNIFF_BYTES && !eof) {
    const n = await src.read(buf, len, buf.length - len);
    if (n === 0) eof = true;
    len += n;
  }
  let sample = buf.subarray(0, len);
  const warnings: ImportWarning[] = [];
  let bom = false;
  let start = 0;
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    bom = true;
    start = 3;
  } else if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    throw new LatheError('UNSUPPORTED_FORMAT', `${path} is UTF-16 text. Save it as UTF-8 (CSV UTF-8) and import it again.`, { file: path, line: 1 });
  }
  if (!known) {
    const foreign = foreignFormat(sample);
    if (foreign) throw new LatheError('UNSUPPORTED_FORMAT', `${path} is ${foreign}. Lathe reads CSV, TSV, gzipped CSV and Arrow/Feather files.`, { file: path });
    if (isBinary(sample)) {
      throw new LatheError('BINARY_FILE', `${path} is not a text table (it holds NUL or control bytes near the start). Choose a CSV, TSV or Arrow file.`, { file: path, line: 1 });
    }
  }
  let body = sample.subarray(start);
  if (!/[^\s]/.test(Buffer.prototype.latin1Slice.call(body, 0, Math.min(body.length, 4096))) && eof) {
    throw new LatheError('EMPTY_FILE', `${path} is empty (it holds no header and no rows). Choose a file with data.`, { file: path, line: 1 });
  }
  let sn = known
    ? known.dialect
    : (() => {
        const s = sniff(body, eof);
        return { ...s, bom, gzip, format: 'csv' as const };
      })();
  const decode = decoderFor(sn.encoding);
  // the first record (header or first row) must be whole: read more if it is very long
  for (;;) {
    const first = splitRecords(body, sn.delimiter.charCodeAt(0), sn.quote.charCodeAt(0), 1, eof, decode);
    if (first.records.length || eof) break;
    if (len === buf.length) {
      const nb = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(nb, 0, 0, len);
      buf = nb;
    }
    const n = await src.read(buf, len, buf.length - len);
    if (n === 0) eof = true;
    len += n;
    sample = buf.subarray(0, len);
    body = sample.subarray(start);
    if (!known) {
      const s = sniff(body, eof);
      sn = { ...s, bom, gzip, format: 'csv' as const };
    }
  }
  const first = splitRecords(body, sn.delimiter.charCodeAt(0), sn.quote.charCodeAt(0), 1, eof, decode);
  const rec = first.records[0];
  if (!rec) throw new LatheError('EMPTY_FILE', `${path} holds no rows. Choose a file with data.`, { file: path, line: 1 });
  // physical lines the header took (blank lines before it included)
  let headerLines = 0;
  for (let i = 0; i < first.next; i++) {
    const c = body[i];
    if (c === 10 || (c === 13 && body[i + 1] !== 10)) headerLines++;
  }
  let names: string[];
  let dataStart: number;
  if (known) {
    names = known.names;
    dataStart = sn.header ? start + first.next : start;
    if (!sn.header) headerLines = 0;
    return { len, eof, dataStart, headerLines, prepared: known, buf };
  }
  if (sn.header) {
    names = fixNames(rec, warnings);
    dataStart = start + first.next;
  } else {
    names = rec.map((_, j) => `column_${j + 1}`);
    warnings.push({ code: 'NO_HEADER', message: `The first row of ${path} looks like data, not a header; the columns are named column_1 … column_${rec.length}.`, line: 1 });
    dataStart = start;
    headerLines = 0;
  }
  if (sn.encoding === 'windows-1252') {
    warnings.push({ code: 'ENCODING', message: `${path} is not valid UTF-8; it was read as Windows-1252 (Latin-1). If letters look wrong, save the file as UTF-8.` });
  }
  return { len, eof, dataStart, headerLines, prepared: { dialect: sn, names, warnings }, buf };
}

async function csvPass(ps: PassState, prelude: { len: number; eof: boolean; dataStart: number; headerLines: number; buf: Buffer }, src: ByteSource, chunkRows: number): Promise<{ rows: number; skipped: number; skippedLines: number[] }> {
  const { dialect, names, states, accs, sink, hooks, reporter, path } = ps;
  const ncols = names.length;
  const rowsCap = Math.max(16, Math.min(chunkRows, Math.floor(FIELDS_PER_CHUNK / ncols)));
  const tok = new Tokenizer(
    { delimiter: dialect.delimiter.charCodeAt(0), quote: dialect.quote.charCodeAt(0), ncols, skipBadRows: ps.skipBadRows, file: path },
    rowsCap,
  );
  tok.line = 1 + prelude.headerLines;
  let buf = prelude.buf;
  let len = prelude.len;
  let eof = prelude.eof;
  let pos = prelude.dataStart;
  let rows = 0;
  const dec = dialect.decimal === ',' ? 44 : 46;
  const str = stringDecoder(dialect.encoding);
  const phase = ps.pass === 1 ? 'parse' : 'write';
  const message = ps.pass === 2 ? 'second pass: rewriting chunks with the widened kinds' : undefined;
  const signal = hooks?.signal;

  const pool: ArrayPool[] = names.map(() => ({}));
  const emit = (): void => {
    const n = tok.nrec;
    const ctx: ChunkContext = { buf, tok, n, dec, str, pool };
    const columns: ColumnData[] = new Array(ncols);
    for (let j = 0; j < ncols; j++) {
      const st = states[j]!;
      const data = buildColumn(ctx, j, st);
      columns[j] = data;
      if (ps.pass === 1) {
        st.sigs.add(st.sig());
        trackConflict(ctx, j, st, true);
      }
    }
    const batch: Batch = { names, columns, rows: n };
    sink.write(n, encodeBatch(batch));
    // after a storage change in pass 1 the statistics come from pass 2
    for (let j = 0; j < ncols; j++) if (ps.pass === 2 || states[j]!.sigs.size === 1) accs[j]!.add(columns[j]!);
    rows += n;
    tok.clear();
  };

  for (;;) {
    pos = tok.scan(buf, pos, len, eof, rowsCap);
    const full = tok.nrec >= rowsCap || (tok.nrec > 0 && pos >= MAX_CHUNK_BYTES);
    if (full || (eof && pos >= len)) {
      if (tok.nrec > 0) {
        if (signal?.aborted) throw cancelledError(path);
        emit();
        reporter.tick(phase, src.rawBytes, rows, reporter.fraction(src.rawBytes), false, message);
      }
      if (eof && pos >= len) break;
      continue;
    }
    if (eof) break; // unreachable: at eof scan takes every record or throws
    // need more bytes: make room
    if (len === buf.length) {
      if (tok.nrec === 0 && pos > 0) {
        buf.copyWithin(0, pos, len);
        len -= pos;
        pos = 0;
      } else if (tok.nrec > 0 && pos > 0 && tok.starts[0]! > 0) {
        // keep the held records' bytes, drop what precedes them
        const from = Math.min(tok.starts[0]!, pos) - 1;
        if (from > 0) {
          buf.copyWithin(0, from, len);
          tok.shift(from);
          len -= from;
          pos -= from;
        }
        if (len === buf.length) buf = grow(buf, len);
      } else buf = grow(buf, len);
    }
    const n = await src.read(buf, len, buf.length - len);
    if (n === 0) eof = true;
    len += n;
    if (signal?.aborted) throw cancelledError(path);
    reporter.tick(phase, src.rawBytes, rows, reporter.fraction(src.rawBytes), false, message);
  }
  return { rows, skipped: tok.skipped, skippedLines: tok.skippedLines };
}

function grow(buf: Buffer, len: number): Buffer {
  const nb = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(nb, 0, 0, len);
  return nb;
}

const INITIAL_BUFFER = 8 << 20;

/** Imports one file into the sink. See the module comment. */
export async function importFile(path: string, opts: ImportOptions, sink: ChunkSink, hooks?: ImportHooks): Promise<ImportOutcome> {
  const size = await statFile(path);
  if (size === 0) throw new LatheError('EMPTY_FILE', `${path} is empty (0 bytes). Choose a file with data.`, { file: path });
  const head = await readHead(path, 16);
  const signal = hooks?.signal;
  if (signal?.aborted) throw cancelledError(path);
  const reporter = new Reporter(hooks, size);
  reporter.tick('sniff', 0, 0, 0, true);
  const hash: HashJob = hashFile(path);
  let spillDir: string | undefined;
  let accs: StatsAccumulator[] = [];
  try {
    if (startsWith(head, ARROW_MAGIC) || startsWith(head, ARROW_STREAM)) {
      const r = await importArrowFile(path, sink, hooks, reporter.tick.bind(reporter));
      return { ...r, sha256: await hash.done, size };
    }
    const gzip = startsWith(head, GZIP_MAGIC);
    const skipBadRows = opts.skipBadRows ?? false;
    const chunkRows = Math.max(1, Math.floor(hooks?.chunkRows ?? 65536));

    // pass 1
    spillDir = await mkdtemp(join(tmpdir(), 'lathe-import-'));
    let src = await openSource(path, gzip);
    let prepared: Prepared;
    let result;
    let states: ColumnState[];
    try {
      const pre = await readPrelude(path, src, Buffer.allocUnsafe(INITIAL_BUFFER), gzip, null);
      prepared = pre.prepared;
      const ncols = prepared.names.length;
      const rowsCap = Math.max(16, Math.min(chunkRows, Math.floor(FIELDS_PER_CHUNK / ncols)));
      const want = hooks?.parallel ?? (PARALLEL_BY_DEFAULT && size >= PARALLEL_MIN_BYTES && availableParallelism() >= 2);
      if (want && !gzip && prepared.dialect.lineEnding !== 'CR') {
        await src.close();
        const dialect = prepared.dialect;
        // shorter chunks than the sequential path's: two parsers and the chunks
        // waiting for their turn must fit the memory budget together
        const parRows = Math.min(rowsCap, PARALLEL_CHUNK_ROWS);
        const segmentBytes = hooks?.segmentBytes ?? segmentSize(pre.buf.subarray(pre.dataStart, pre.len), parRows);
        try {
          const par = await parallelImport({
            path, size, dataStart: pre.dataStart, headerLines: pre.headerLines, dialect, names: prepared.names, skipBadRows, rowsCap: parRows, segmentBytes, spillDir, sink, hooks,
            waitForWorker: hooks?.waitForWorker ?? false,
            tick: (phase, bytes, rows, message) => reporter.tick(phase, bytes, rows, reporter.fraction(bytes), false, message),
          });
          return await finish(path, size, prepared, par.states, par, (j) => par.stats[j]!, hash, reporter);
        } catch (e) {
          if (!(e instanceof Fallback)) throw e;
          // a bound inside quotes, a bad row or a lost worker: the sequential path decides
          sink.reset();
          releaseStatsScratch();
        }
        src = await openSource(path, gzip);
        const again = await readPrelude(path, src, Buffer.allocUnsafe(INITIAL_BUFFER), gzip, prepared);
        states = prepared.names.map((n) => new ColumnState(n));
        accs = prepared.names.map(() => new StatsAccumulator(spillDir));
        const ps: PassState = { path, dialect, names: prepared.names, states, accs, sink, hooks, reporter, skipBadRows, pass: 1 };
        result = await csvPass(ps, again, src, chunkRows);
      } else {
        states = prepared.names.map((n) => new ColumnState(n));
        accs = prepared.names.map(() => new StatsAccumulator(spillDir));
        const ps: PassState = { path, dialect: prepared.dialect, names: prepared.names, states, accs, sink, hooks, reporter, skipBadRows, pass: 1 };
        result = await csvPass(ps, pre, src, chunkRows);
      }
    } finally {
      await src.close();
    }

    // pass 2 when a written chunk has another storage than the final kind
    if (states.some((s) => s.sigs.size > 1)) {
      if (signal?.aborted) throw cancelledError(path);
      sink.reset();
      reporter.tick('write', 0, 0, 0, true, 'second pass: rewriting chunks with the widened kinds');
      accs = prepared.names.map(() => new StatsAccumulator(spillDir));
      src = await openSource(path, gzip);
      try {
        const pre = await readPrelude(path, src, Buffer.allocUnsafe(INITIAL_BUFFER), gzip, prepared);
        const ps: PassState = { path, dialect: prepared.dialect, names: prepared.names, states, accs, sink, hooks, reporter, skipBadRows, pass: 2 };
        result = await csvPass(ps, pre, src, chunkRows);
      } finally {
        await src.close();
      }
    }

    const final = accs;
    return await finish(path, size, prepared, states, result, (j, st) => final[j]!.result(st.k === K_STRING ? 'text' : st.k === K_EMPTY ? 'float' : st.kind()), hash, reporter);
  } catch (e) {
    hash.cancel();
    throw e;
  } finally {
    for (const a of accs) a.dispose();
    releaseStatsScratch();
    if (spillDir) await rm(spillDir, { recursive: true, force: true });
  }
}

/** The outcome from the final kinds and each column's statistics. */
async function finish(
  path: string,
  size: number,
  prepared: Prepared,
  states: ColumnState[],
  result: { rows: number; skipped: number; skippedLines: number[] },
  statsOf: (j: number, st: ColumnState) => ReturnType<StatsAccumulator['result']>,
  hash: HashJob,
  reporter: Reporter,
): Promise<ImportOutcome> {
  reporter.tick('stats', size, result.rows, 0.96, true);
  const targetIdx = pickTarget(prepared.names);
  const columns: ColumnInfo[] = states.map((st, j) => {
    let kind: ColumnKind = st.k === K_EMPTY ? 'float' : st.kind();
    if (st.k === K_STRING) {
      const probe = statsOf(j, st);
      kind = isCategorical(probe.distinct, result.rows - probe.missing) ? 'categorical' : 'text';
      return columnInfo(st.name, j, kind, 'string', probe, targetIdx);
    }
    const storage = st.k === K_EMPTY ? 'float64' : storageOf(st.sig());
    return columnInfo(st.name, j, kind, storage, statsOf(j, st), targetIdx);
  });
  const warnings = [...prepared.warnings];
  if (result.skipped > 0) {
    warnings.push({
      code: 'SKIPPED_ROWS',
      message: `${result.skipped} row(s) with the wrong number of fields were skipped (lines ${result.skippedLines.join(', ')}${result.skipped > result.skippedLines.length ? ', …' : ''}).`,
      line: result.skippedLines[0],
    });
  }
  const conflicts: KindConflict[] = [];
  for (const [j, st] of states.entries()) {
    if (!st.conflict) continue;
    conflicts.push({ ...st.conflict, to: columns[j]!.kind });
  }
  const sha256 = await hash.done;
  reporter.tick('stats', size, result.rows, 1, true);
  return { rows: result.rows, columns, dialect: prepared.dialect, warnings, conflicts, skippedRows: result.skipped, sha256, size };
}

/** Bytes per parallel segment: about one chunk of rows, judged from the first block's line lengths. */
function segmentSize(sample: Uint8Array, rowsCap: number): number {
  let lines = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 10) lines++;
  const perRow = lines > 0 ? sample.length / lines : 256;
  return Math.max(64 << 10, Math.min(32 << 20, Math.floor(0.97 * rowsCap * perRow)));
}

function storageOf(sig: string): ColumnInfo['storage'] {
  if (sig.startsWith('ts')) return 'timestamp';
  return sig as ColumnInfo['storage'];
}

export function columnInfo(
  name: string,
  index: number,
  kind: ColumnKind,
  storage: ColumnInfo['storage'],
  s: ReturnType<StatsAccumulator['result']>,
  targetIdx: number,
): ColumnInfo {
  const info: ColumnInfo = {
    name,
    index,
    kind,
    inferredKind: kind,
    storage,
    role: index === targetIdx ? 'target' : 'feature',
    missing: s.missing,
    distinct: s.distinct,
  };
  if (s.stats) info.stats = s.stats;
  if (s.top) info.top = s.top;
  if (s.histogram) info.histogram = s.histogram;
  return info;
}
