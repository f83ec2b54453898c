/**
 * One pass over a CSV's records, shared by the import thread (sequential
 * path) and the pipeline's parse worker: read the prelude (dialect, header),
 * then stream the file through a byte buffer, tokenize a chunk of records at
 * a time, build every column under the narrowest kind that fits and hand the
 * chunk to the caller.
 */
import type { Dialect, ImportWarning } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { ColumnData } from '../arrow/types.ts';
import { CsvArena } from './csv-kernel.ts';
import { buildColumn, trackConflict } from './infer.ts';
import type { ArrayPool, ChunkContext, ColumnState } from './infer.ts';
import { SNIFF_BYTES, decodeCp1252, decoderFor, sniff } from './sniff.ts';
import type { ByteSource } from './source.ts';
import { Tokenizer, splitRecords } from './tokenizer.ts';

/** A chunk holds at most this many fields, so a very wide table gets shorter chunks. */
export const FIELDS_PER_CHUNK = 2_000_000;
/** A chunk whose bytes pass this is closed early (very long text fields). */
const MAX_CHUNK_BYTES = 64 << 20;

export function cancelledError(path: string): LatheError {
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


export function startsWith(b: Uint8Array, sig: number[]): boolean {
  return sig.every((c, i) => b[i] === c);
}

export const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1
export const GZIP_MAGIC = [0x1f, 0x8b];
/** an Arrow IPC stream starts with a continuation marker */
export const ARROW_STREAM = [0xff, 0xff, 0xff, 0xff];

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

export function stringDecoder(encoding: Dialect['encoding']): (b: Uint8Array, s: number, e: number) => string {
  if (encoding === 'utf-8') {
    const slice = Buffer.prototype.utf8Slice;
    return (b, s, e) => slice.call(b, s, e);
  }
  return (b, s, e) => decodeCp1252(b.subarray(s, e));
}

export interface Prepared {
  dialect: Dialect;
  names: string[];
  warnings: ImportWarning[];
}

/** Everything one pass over a CSV needs. */
export interface PassState {
  path: string;
  dialect: Dialect;
  names: string[];
  states: ColumnState[];
  skipBadRows: boolean;
  signal: AbortSignal | undefined;
  pass: 1 | 2;
  /**
   * Takes a built chunk. `addStats[j]` says whether column j's values count
   * towards its statistics (after a storage change in pass 1 they come from
   * pass 2). The arrays are reused for the next chunk once this returns.
   */
  onChunk: (rows: number, columns: ColumnData[], addStats: boolean[], ctx: ChunkContext) => void | Promise<void>;
  /**
   * Columns this pass does not build (the pipeline's import thread builds
   * them from the chunk's bytes, see pipeline.ts): their entries in
   * `columns` are EMPTY_COLUMN, their states are not touched. May change
   * between chunks.
   */
  defer?: boolean[] | null;
  /** after each chunk and each read: raw bytes read so far, rows handed over */
  onProgress: (bytes: number, rows: number) => void;
}

export interface Prelude {
  len: number;
  eof: boolean;
  dataStart: number;
  headerLines: number;
  buf: Buffer;
}

export interface PassResult {
  rows: number;
  skipped: number;
  skippedLines: number[];
}

/**
 * Reads the first block of a (decompressed) CSV, sniffs the dialect and the
 * header. Returns the byte offset where data starts.
 */
export async function readPrelude(
  path: string,
  src: ByteSource,
  buf: Buffer,
  gzip: boolean,
  known: Prepared | null,
): Promise<Prelude & { prepared: Prepared }> {
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

/** Reads the records after the prelude into chunks. See PassState. */
export async function csvPass(ps: PassState, prelude: Prelude, src: ByteSource, chunkRows: number): Promise<PassResult> {
  const { dialect, names, states, path, signal } = ps;
  const ncols = names.length;
  const rowsCap = Math.max(16, Math.min(chunkRows, Math.floor(FIELDS_PER_CHUNK / ncols)));
  const tok = new Tokenizer(
    { delimiter: dialect.delimiter.charCodeAt(0), quote: dialect.quote.charCodeAt(0), ncols, skipBadRows: ps.skipBadRows, file: path },
    rowsCap,
  );
  tok.line = 1 + prelude.headerLines;
  let buf = prelude.buf;
  // the WebAssembly kernels' memory: the read buffer, the field arrays and the column arrays
  const arena = CsvArena.create(buf.length, rowsCap, ncols);
  if (arena) {
    arena.buf.set(buf.subarray(0, prelude.len));
    buf = arena.buf;
    tok.useArena(arena);
  }
  let len = prelude.len;
  let eof = prelude.eof;
  let pos = prelude.dataStart;
  let rows = 0;
  const dec = dialect.decimal === ',' ? 44 : 46;
  const str = stringDecoder(dialect.encoding);

  const pool: ArrayPool[] = arena ? arena.pool : names.map(() => ({}));
  const addStats: boolean[] = names.map(() => true);
  const emit = async (): Promise<void> => {
    const n = tok.nrec;
    const ctx: ChunkContext = { buf, tok, n, dec, str, pool };
    const columns: ColumnData[] = new Array(ncols);
    const defer = ps.defer;
    for (let j = 0; j < ncols; j++) {
      const st = states[j]!;
      if (defer?.[j]) {
        columns[j] = EMPTY_COLUMN;
        continue;
      }
      columns[j] = buildColumn(ctx, j, st);
      if (ps.pass === 1) {
        st.sigs.add(st.sig());
        trackConflict(ctx, j, st, true);
      }
    }
    // after a storage change in pass 1 the statistics come from pass 2
    for (let j = 0; j < ncols; j++) addStats[j] = ps.pass === 2 || states[j]!.sigs.size === 1;
    await ps.onChunk(n, columns, addStats, ctx);
    rows += n;
    tok.clear();
  };

  for (;;) {
    pos = tok.scan(buf, pos, len, eof, rowsCap);
    const full = tok.nrec >= rowsCap || (tok.nrec > 0 && pos >= MAX_CHUNK_BYTES);
    if (full || (eof && pos >= len)) {
      if (tok.nrec > 0) {
        if (signal?.aborted) throw cancelledError(path);
        const from = tok.starts[0]!;
        await emit();
        ps.onProgress(src.rawBytes, rows);
        // the next chunk would not fit behind this one: move the unread tail to
        // the front now, while no record is held (later the held records' offsets
        // would have to move with their bytes)
        if (!eof && pos > 0 && (buf.length - pos) * 4 < (pos - from) * 5) {
          buf.copyWithin(0, pos, len);
          len -= pos;
          pos = 0;
        }
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
    ps.onProgress(src.rawBytes, rows);
  }
  return { rows, skipped: tok.skipped, skippedLines: tok.skippedLines };
}

function grow(buf: Buffer, len: number): Buffer {
  const nb = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(nb, 0, 0, len);
  return nb;
}

export const INITIAL_BUFFER = 8 << 20;

/** What a deferred column's slot in `columns` holds (see PassState.defer). */
export const EMPTY_COLUMN: ColumnData = { storage: 'float64', values: new Float64Array(0) };
