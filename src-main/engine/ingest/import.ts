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
import { encodeBatch } from '../arrow/ipc-write.ts';
import {
  ARROW_MAGIC,
  ARROW_STREAM,
  FIELDS_PER_CHUNK,
  GZIP_MAGIC,
  INITIAL_BUFFER,
  cancelledError,
  csvPass,
  readPrelude,
  startsWith,
} from './csv-pass.ts';
import type { PassResult, PassState, Prepared } from './csv-pass.ts';
import { hashFile, hashInline } from './hash.ts';
import type { HashJob } from './hash.ts';
import { ColumnState } from './infer.ts';
import { Fallback, parallelImport } from './parallel.ts';
import { PipeLink, pipelineImport, statsKind } from './pipeline.ts';
import { SNIFF_BYTES } from './sniff.ts';
import { openSource } from './source.ts';
import { StatsAccumulator, releaseStatsScratch } from './stats.ts';
import { K_EMPTY, K_STRING } from './values.ts';

export { FIELDS_PER_CHUNK, fixNames } from './csv-pass.ts';

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
  /**
   * Parse a CSV in a worker thread while this thread writes the chunks and
   * keeps the statistics (pipeline.ts): true forces it, false forbids it; by
   * default (when PIPELINE_BY_DEFAULT) files of PIPELINE_MIN_BYTES and more
   * on a machine with two cores or more. `parallel: true` wins over it.
   */
  pipeline?: boolean;
  /**
   * On the pipelined path, at most this many text and date columns are built
   * by the import thread from the worker's fields (pipeline.ts; default
   * pipe-worker.ts's DEFAULT_SPLIT): 0 keeps all the parsing in the worker.
   */
  pipelineSplit?: number;
}

/** Whether big CSVs take the pipelined two-thread path unasked. */
export const PIPELINE_BY_DEFAULT = true;
/** The size from which a CSV is pipelined by default (the worker's start-up must pay for itself). */
export const PIPELINE_MIN_BYTES = 16 << 20;

/**
 * Rows per chunk on the pipelined path (at most; chunkRows still caps it):
 * the worker's tokenizer and column arrays, its read buffer's use and the
 * chunk in flight scale with it. 16,384 keeps bench:import's peak RSS at
 * 128-134 MB (32,768: 137-147) at the same speed.
 */
export const PIPELINE_CHUNK_ROWS = 16384;

/** Which path the last CSV import took (for tests and the benchmark). */
export const lastImport = { path: '' as '' | 'sequential' | 'parallel' | 'pipeline' };

const SECOND_PASS = 'second pass: rewriting chunks with the widened kinds';

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

const PROGRESS_MS = 200;
const TARGET_NAMES = new Set(['target', 'label', 'class', 'species', 'survived', 'y']);

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


/** Imports one file into the sink. See the module comment. */
export async function importFile(path: string, opts: ImportOptions, sink: ChunkSink, hooks?: ImportHooks): Promise<ImportOutcome> {
  const size = await statFile(path);
  if (size === 0) throw new LatheError('EMPTY_FILE', `${path} is empty (0 bytes). Choose a file with data.`, { file: path });
  const head = await readHead(path, 16);
  const signal = hooks?.signal;
  if (signal?.aborted) throw cancelledError(path);
  const reporter = new Reporter(hooks, size);
  reporter.tick('sniff', 0, 0, 0, true);
  const arrow = startsWith(head, ARROW_MAGIC) || startsWith(head, ARROW_STREAM);
  const gzip = startsWith(head, GZIP_MAGIC);
  const chunkRows = Math.max(1, Math.floor(hooks?.chunkRows ?? 65536));
  // the pipeline's worker loads while this thread sniffs the file
  const wantPipeline = !arrow && !hooks?.parallel && (hooks?.pipeline ?? (PIPELINE_BY_DEFAULT && size >= PIPELINE_MIN_BYTES && availableParallelism() >= 2));
  const link: PipeLink | null = wantPipeline ? PipeLink.start() : null;
  // with a parse worker this thread mostly waits: it hashes the file itself (one thread and its memory fewer)
  // (started once the worker has its run: see hash.start below)
  const hash: HashJob = link ? hashInline(path, true) : hashFile(path);
  let spillDir: string | undefined;
  let accs: StatsAccumulator[] = [];
  try {
    if (arrow) {
      // loaded only for Arrow files: it brings apache-arrow (~0.15 s to load), which CSV imports never need
      const { importArrowFile } = await import('./arrow-import.ts');
      const r = await importArrowFile(path, sink, hooks, reporter.tick.bind(reporter));
      return { ...r, sha256: await hash.done, size };
    }
    const skipBadRows = opts.skipBadRows ?? false;

    // pass 1
    spillDir = await mkdtemp(join(tmpdir(), 'lathe-import-'));
    let src = await openSource(path, gzip);
    let prepared: Prepared;
    let result: PassResult;
    let states: ColumnState[];
    const pass = (ps: Pick<PassState, 'states' | 'pass'>): PassState => {
      const phase = ps.pass === 1 ? 'parse' : 'write';
      const message = ps.pass === 2 ? SECOND_PASS : undefined;
      return {
        ...ps,
        path,
        dialect: prepared.dialect,
        names: prepared.names,
        skipBadRows,
        signal,
        onChunk: (n, columns, addStats) => {
          sink.write(n, encodeBatch({ names: prepared.names, columns, rows: n }));
          for (let j = 0; j < columns.length; j++) if (addStats[j]) accs[j]!.add(columns[j]!);
        },
        onProgress: (bytes, rows) => reporter.tick(phase, bytes, rows, reporter.fraction(bytes), false, message),
      };
    };
    // after a worker path fell back: the whole file again on this thread, from a fresh source
    // (src is replaced first, so the finally below closes the new one whatever happens)
    const sequentialAgain = async (): Promise<{ states: ColumnState[]; result: PassResult }> => {
      src = await openSource(path, gzip);
      const pre = await readPrelude(path, src, Buffer.allocUnsafe(INITIAL_BUFFER), gzip, prepared);
      const st = prepared.names.map((n) => new ColumnState(n));
      accs = prepared.names.map(() => new StatsAccumulator(spillDir));
      return { states: st, result: await csvPass(pass({ states: st, pass: 1 }), pre, src, chunkRows) };
    };
    try {
      // the pipeline's worker reads the file itself: this thread needs only the first block
      const pre = await readPrelude(path, src, Buffer.allocUnsafe(link ? SNIFF_BYTES : INITIAL_BUFFER), gzip, null);
      prepared = pre.prepared;
      const ncols = prepared.names.length;
      const rowsCap = Math.max(16, Math.min(chunkRows, Math.floor(FIELDS_PER_CHUNK / ncols)));
      const want = hooks?.parallel ?? (PARALLEL_BY_DEFAULT && size >= PARALLEL_MIN_BYTES && availableParallelism() >= 2);
      if (link) {
        await src.close();
        try {
          // pipelineImport sends the worker its run before its first await: the hash may start
          hash.start?.();
          const out = await pipelineImport({
            link,
            // shorter chunks than the sequential path's: the worker's buffers and the chunk in flight fit the memory budget
            run: { path, gzip, prepared, skipBadRows, chunkRows: Math.min(chunkRows, PIPELINE_CHUNK_ROWS), ...(hooks?.pipelineSplit !== undefined ? { split: hooks.pipelineSplit } : {}) },
            spillDir,
            sink,
            signal,
            tick: (phase, bytes, rows, force, message) => reporter.tick(phase, bytes, rows, reporter.fraction(bytes), force, message),
          });
          lastImport.path = 'pipeline';
          return await finish(path, size, prepared, out.states, out.result, (j) => out.stats[j]!, hash, reporter);
        } catch (e) {
          if (!(e instanceof Fallback)) throw e;
          // the worker died: the sequential path does it all again
          sink.reset();
          releaseStatsScratch();
        }
        ({ states, result } = await sequentialAgain());
      } else if (want && !gzip && prepared.dialect.lineEnding !== 'CR') {
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
          lastImport.path = 'parallel';
          return await finish(path, size, prepared, par.states, par, (j) => par.stats[j]!, hash, reporter);
        } catch (e) {
          if (!(e instanceof Fallback)) throw e;
          // a bound inside quotes, a bad row or a lost worker: the sequential path decides
          sink.reset();
          releaseStatsScratch();
        }
        ({ states, result } = await sequentialAgain());
      } else {
        states = prepared.names.map((n) => new ColumnState(n));
        accs = prepared.names.map(() => new StatsAccumulator(spillDir));
        result = await csvPass(pass({ states, pass: 1 }), pre, src, chunkRows);
      }
    } finally {
      await src.close();
    }

    // pass 2 when a written chunk has another storage than the final kind
    if (states.some((s) => s.sigs.size > 1)) {
      if (signal?.aborted) throw cancelledError(path);
      sink.reset();
      reporter.tick('write', 0, 0, 0, true, SECOND_PASS);
      for (const a of accs) a.dispose();
      accs = prepared.names.map(() => new StatsAccumulator(spillDir));
      src = await openSource(path, gzip);
      try {
        const pre = await readPrelude(path, src, Buffer.allocUnsafe(INITIAL_BUFFER), gzip, prepared);
        result = await csvPass(pass({ states, pass: 2 }), pre, src, chunkRows);
      } finally {
        await src.close();
      }
    }

    lastImport.path = 'sequential';
    const final = accs;
    return await finish(path, size, prepared, states, result, (j, st) => final[j]!.result(statsKind(st)), hash, reporter);
  } catch (e) {
    hash.cancel();
    throw e;
  } finally {
    link?.close();
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
  hash.start?.();
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
