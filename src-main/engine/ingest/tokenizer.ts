/**
 * The byte-level CSV scanner: finds records and fields in a Uint8Array
 * without making strings. For each field it records [start, end) and a flag:
 * 0 plain, 1 quoted (range is inside the quotes, no escapes), 2 quoted with
 * doubled quotes or text after the closing quote (range is raw; see
 * unquote()). Records end at LF, CRLF or a lone CR; line numbers count
 * physical lines, so a quoted field with newlines spans several.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { CsvArena } from './csv-kernel.ts';

export const FIELD_PLAIN = 0;
export const FIELD_QUOTED = 1;
export const FIELD_RAW = 2;

/** Records of a chunk scan() hands back to the kernel before it scans the rest of the call itself. */
const BAILS = 64;

export interface TokenizerOptions {
  delimiter: number;
  quote: number;
  ncols: number;
  skipBadRows: boolean;
  file: string;
}

export class Tokenizer {
  readonly delim: number;
  readonly quote: number;
  readonly ncols: number;
  readonly skipBadRows: boolean;
  readonly file: string;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  lines: Int32Array;
  /** records held in the arrays */
  nrec = 0;
  capacity: number;
  /** the physical line (1-based) of the next byte to scan */
  line = 1;
  skipped = 0;
  skippedLines: number[] = [];
  /** the WebAssembly kernels' memory, when starts/ends/flags are its views (useArena) */
  arena: CsvArena | null = null;

  constructor(o: TokenizerOptions, capacity: number) {
    this.delim = o.delimiter;
    this.quote = o.quote;
    this.ncols = o.ncols;
    this.skipBadRows = o.skipBadRows;
    this.file = o.file;
    this.capacity = capacity;
    this.starts = new Int32Array(capacity * o.ncols);
    this.ends = new Int32Array(capacity * o.ncols);
    this.flags = new Uint8Array(capacity * o.ncols);
    this.lines = new Int32Array(capacity);
  }

  /** Keeps the field arrays in the arena's memory, so that scan() and the column builders can use its kernels. */
  useArena(a: CsvArena): void {
    if (a.starts.length < this.capacity * this.ncols) throw new Error('the arena is smaller than the tokenizer');
    this.arena = a;
    this.starts = a.starts;
    this.ends = a.ends;
    this.flags = a.flags;
  }

  /** The arena when the kernels can work on buf and this tokenizer's arrays. */
  kernelFor(buf: Uint8Array): CsvArena | null {
    const a = this.arena;
    return a && this.starts === a.starts && this.ends === a.ends && this.flags === a.flags && a.holds(buf) ? a : null;
  }

  /** Forget the records held (after the chunk was built). */
  clear(): void {
    this.nrec = 0;
  }

  /** Moves every held field offset by -delta (after the buffer was compacted). */
  shift(delta: number): void {
    const n = this.nrec * this.ncols;
    for (let i = 0; i < n; i++) {
      this.starts[i]! -= delta;
      this.ends[i]! -= delta;
    }
  }

  /**
   * Scans whole records in buf[pos, end) until `maxRecords` are held or the
   * data runs out. Returns where scanning stopped: the start of the first
   * record not taken (incomplete unless eof).
   */
  scan(buf: Uint8Array, pos: number, end: number, eof: boolean, maxRecords: number): number {
    const a = this.kernelFor(buf);
    if (!a) return this.scanJs(buf, pos, end, eof, maxRecords);
    // the kernel takes runs of plain records; this code takes each record it
    // stops at (quotes, CR, blank lines, ragged rows, the end of the data),
    // all of them once a chunk has many such records
    for (let bails = 0; ; bails++) {
      const room = maxRecords - this.nrec;
      if (room <= 0) return pos;
      const got = a.scan(buf, pos, end, this.delim, this.quote, this.ncols, room, this.nrec);
      if (got > 0) {
        const lines = this.lines;
        const line = this.line;
        for (let k = 0, r = this.nrec; k < got; k++, r++) lines[r] = line + k;
        this.nrec += got;
        this.line += got;
        pos = a.stopAt();
        if (got === room) return pos;
      }
      if (bails >= BAILS) return this.scanJs(buf, pos, end, eof, maxRecords);
      const from = pos;
      pos = this.scanJs(buf, pos, end, eof, this.nrec + 1);
      // nothing taken: the data ends inside the record (the caller brings more)
      if (pos === from) return pos;
    }
  }

  /** scan() in JavaScript: every kind of record. */
  private scanJs(buf: Uint8Array, pos: number, end: number, eof: boolean, maxRecords: number): number {
    const delim = this.delim;
    const quote = this.quote;
    const ncols = this.ncols;
    const starts = this.starts;
    const ends = this.ends;
    const flags = this.flags;
    let line = this.line;
    let i = pos;
    while (this.nrec < maxRecords && i < end) {
      const recStart = i;
      const recLine = line;
      let c = buf[i]!;
      // blank line
      if (c === 10) {
        i++;
        line++;
        continue;
      }
      if (c === 13) {
        if (i + 1 >= end && !eof) break;
        i += buf[i + 1] === 10 ? 2 : 1;
        line++;
        continue;
      }
      const base = this.nrec * ncols;
      let f = 0;
      let complete = false;
      for (;;) {
        let fs: number;
        let fe: number;
        let flag = FIELD_PLAIN;
        if (i < end && buf[i] === quote) {
          const openLine = line;
          i++;
          fs = i;
          fe = -1;
          flag = FIELD_QUOTED;
          for (;;) {
            if (i >= end) break;
            c = buf[i]!;
            if (c === quote) {
              if (i + 1 < end && buf[i + 1] === quote) {
                flag = FIELD_RAW;
                i += 2;
                continue;
              }
              if (i + 1 >= end && !eof) break; // cannot tell "" from " at the buffer end
              fe = i;
              i++;
              break;
            }
            if (c === 10) line++;
            else if (c === 13 && buf[i + 1] !== 10) line++;
            i++;
          }
          if (fe < 0) {
            if (!eof) break; // need more bytes
            throw new LatheError(
              'UNTERMINATED_QUOTE',
              `${this.file}: the quoted field that opens on line ${openLine} is never closed. Add the closing ${String.fromCharCode(quote)} or remove the stray one.`,
              { file: this.file, line: openLine, column: f + 1 },
            );
          }
          // anything between the closing quote and the delimiter stays (lenient)
          if (i < end) {
            c = buf[i]!;
            if (c !== delim && c !== 10 && c !== 13) {
              flag = FIELD_RAW;
              while (i < end) {
                c = buf[i]!;
                if (c === delim || c === 10 || c === 13) break;
                i++;
              }
              fe = i;
              fs = fs - 1;
            } else if (flag === FIELD_RAW) {
              fs = fs - 1;
              fe = i;
            }
          } else if (flag === FIELD_RAW) {
            fs = fs - 1;
            fe = i;
          }
        } else {
          fs = i;
          while (i < end) {
            c = buf[i]!;
            if (c === delim || c === 10 || c === 13) break;
            i++;
          }
          fe = i;
        }
        if (f < ncols) {
          starts[base + f] = fs;
          ends[base + f] = fe;
          flags[base + f] = flag;
        }
        f++;
        if (i >= end) {
          if (eof) complete = true;
          break;
        }
        c = buf[i]!;
        if (c === delim) {
          i++;
          continue;
        }
        if (c === 10) {
          i++;
          line++;
          complete = true;
          break;
        }
        // CR
        if (i + 1 >= end && !eof) break;
        i += buf[i + 1] === 10 ? 2 : 1;
        line++;
        complete = true;
        break;
      }
      if (!complete) {
        // roll back to the record start; the caller brings more bytes
        i = recStart;
        line = recLine;
        break;
      }
      if (f !== ncols) {
        if (!this.skipBadRows) {
          this.line = line;
          throw new LatheError(
            'RAGGED_ROW',
            `${this.file}, line ${recLine}: expected ${ncols} fields (as in the header) but found ${f}. Fix the row in the file, or import with the "skip bad rows" option (--skip-bad-rows) to leave such rows out.`,
            { file: this.file, line: recLine, expected: ncols, got: f },
          );
        }
        this.skipped++;
        if (this.skippedLines.length < 10) this.skippedLines.push(recLine);
        continue;
      }
      this.lines[this.nrec] = recLine;
      this.nrec++;
    }
    this.line = line;
    return i;
  }
}

/** The text of a FIELD_RAW range: quoted parts unescaped ("" → "), the rest as is. */
export function unquoteBytes(buf: Uint8Array, s: number, e: number, quote: number): Uint8Array {
  const out = new Uint8Array(e - s);
  let n = 0;
  let inq = false;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === quote) {
      if (inq && buf[i + 1] === quote && i + 1 < e) {
        out[n++] = quote;
        i++;
      } else inq = !inq;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/**
 * A slow, general record splitter for small pieces (the sniffer's sample and
 * the header line): returns each record's raw fields as byte ranges
 * unescaped to strings by `decode`.
 */
export function splitRecords(
  buf: Uint8Array,
  delim: number,
  quote: number,
  maxRecords: number,
  eof: boolean,
  decode: (b: Uint8Array) => string,
): { records: string[][]; lines: number[]; next: number } {
  const records: string[][] = [];
  const lines: number[] = [];
  let i = 0;
  let line = 1;
  const end = buf.length;
  let next = 0;
  while (records.length < maxRecords && i < end) {
    const recLine = line;
    const c0 = buf[i]!;
    if (c0 === 10 || c0 === 13) {
      i += c0 === 13 && buf[i + 1] === 10 ? 2 : 1;
      line++;
      next = i;
      continue;
    }
    const fields: string[] = [];
    let ok = false;
    for (;;) {
      const fs = i;
      let raw = false;
      if (buf[i] === quote) {
        raw = true;
        i++;
        let closed = false;
        while (i < end) {
          const c = buf[i]!;
          if (c === quote) {
            if (buf[i + 1] === quote) {
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 10 || (c === 13 && buf[i + 1] !== 10)) line++;
          i++;
        }
        if (!closed) break;
      }
      while (i < end) {
        const c = buf[i]!;
        if (c === delim || c === 10 || c === 13) break;
        i++;
      }
      fields.push(decode(raw ? unquoteBytes(buf, fs, i, quote) : buf.subarray(fs, i)));
      if (i >= end) {
        ok = eof;
        break;
      }
      const c = buf[i]!;
      if (c === delim) {
        i++;
        continue;
      }
      if (c === 13 && i + 1 >= end && !eof) break;
      i += c === 13 && buf[i + 1] === 10 ? 2 : 1;
      line++;
      ok = true;
      break;
    }
    if (!ok) break;
    records.push(fields);
    lines.push(recLine);
    next = i;
  }
  return { records, lines, next };
}
