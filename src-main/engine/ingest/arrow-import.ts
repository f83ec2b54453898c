/**
 * Import of Arrow IPC files and streams (Feather v2): batches are read one
 * at a time, converted to Lathe's storages, re-encoded and written. Kinds
 * come from the Arrow types (strings become categorical or text by their
 * distinct count; timestamps that are all midnight become dates).
 */
import type { ColumnInfo, ColumnKind, Dialect, ImportWarning, KindConflict } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { encodeBatch, readArrowFile, sliceBatch } from '../arrow/ipc.ts';
import type { Batch, ColumnData } from '../arrow/types.ts';
import type { ChunkSink, ImportHooks } from './import.ts';
import { columnInfo, fixNames, isCategorical, pickTarget } from './import.ts';
import { StatsAccumulator, convertColumn } from './stats.ts';

type Tick = (phase: string, bytes: number, rows: number, fraction: number | null, force?: boolean, message?: string) => void;

const ARROW_DIALECT: Dialect = {
  delimiter: '',
  quote: '',
  decimal: '.',
  header: true,
  lineEnding: 'LF',
  encoding: 'utf-8',
  bom: false,
  gzip: false,
  format: 'arrow',
};

function kindOfStorage(c: ColumnData): ColumnKind {
  switch (c.storage) {
    case 'int32':
      return 'integer';
    case 'bool':
      return 'boolean';
    case 'timestamp':
      return 'datetime';
    case 'string':
      return 'text';
    default:
      return 'float';
  }
}

export async function importArrowFile(
  path: string,
  sink: ChunkSink,
  hooks: ImportHooks | undefined,
  tick: Tick,
): Promise<{ rows: number; columns: ColumnInfo[]; dialect: Dialect; warnings: ImportWarning[]; conflicts: KindConflict[]; skippedRows: number }> {
  const chunkRows = Math.max(1, Math.floor(hooks?.chunkRows ?? 65536));
  const warnings: ImportWarning[] = [];
  let names: string[] = [];
  let storages: string[] = [];
  let widenToFloat: boolean[] = [];
  let pass = 1;
  for (;;) {
    let rows = 0;
    let anyMismatch = false;
    let midnightOnly: boolean[] = [];
    let accs: StatsAccumulator[] = [];
    let first = true;
    for await (const raw of readArrowFile(path)) {
      if (hooks?.signal?.aborted) throw new LatheError('CANCELLED', `The import of ${path} was cancelled.`, { file: path });
      if (first) {
        if (pass === 1) {
          names = fixNames(raw.names, warnings);
          storages = raw.columns.map((c) => c.storage);
          widenToFloat = raw.columns.map(() => false);
        }
        accs = names.map(() => new StatsAccumulator());
        midnightOnly = names.map(() => true);
        first = false;
      }
      for (let s = 0; s < Math.max(raw.rows, 1); s += chunkRows) {
        const part = raw.rows <= chunkRows ? raw : sliceBatch(raw, s, s + chunkRows);
        if (part.rows === 0 && rows > 0) break;
        const columns = part.columns.map((c, j) => {
          if (widenToFloat[j] && c.storage === 'int32') return convertColumn(c, 'integer', rows + 1, 'float64');
          if (c.storage !== storages[j]) {
            if ((c.storage === 'float64' && storages[j] === 'int32') || (c.storage === 'int32' && storages[j] === 'float64')) {
              widenToFloat[j] = true;
              anyMismatch = true;
              storages[j] = 'float64';
              return c.storage === 'int32' ? convertColumn(c, 'integer', rows + 1, 'float64') : c;
            }
            throw new LatheError('UNSUPPORTED_FORMAT', `${path}: column "${names[j]}" changes type between record batches (${storages[j]} then ${c.storage}). Write the file with one schema.`, { file: path, column: names[j] });
          }
          return c;
        });
        columns.forEach((c, j) => {
          if (c.storage === 'timestamp' && midnightOnly[j]) {
            for (let i = 0; i < c.values.length; i++) {
              const v = c.values[i]!;
              if (v === v && v % 86400000 !== 0) {
                midnightOnly[j] = false;
                break;
              }
            }
          }
          accs[j]!.add(c);
        });
        const batch: Batch = { names, columns, rows: part.rows };
        sink.write(part.rows, encodeBatch(batch));
        rows += part.rows;
        tick(pass === 1 ? 'parse' : 'write', 0, rows, null);
        if (raw.rows <= chunkRows) break;
      }
    }
    if (first) throw new LatheError('EMPTY_FILE', `${path} is an Arrow file with no record batches. Choose a file with data.`, { file: path });
    if (anyMismatch && pass === 1) {
      pass = 2;
      sink.reset();
      continue;
    }
    const target = pickTarget(names);
    const columns = names.map((name, j) => {
      const storage = storages[j] as ColumnInfo['storage'];
      let kind: ColumnKind = widenToFloat[j] ? 'integer' : kindOfStorage({ storage } as ColumnData);
      if (kind === 'datetime' && midnightOnly[j]) kind = 'date';
      const acc = accs[j]!;
      const s = acc.result(kind);
      if (storage === 'string') kind = isCategorical(s.distinct, rows - s.missing) ? 'categorical' : 'text';
      return columnInfo(name, j, kind, storage, s, target);
    });
    return { rows, columns, dialect: ARROW_DIALECT, warnings, conflicts: [], skippedRows: 0 };
  }
}
