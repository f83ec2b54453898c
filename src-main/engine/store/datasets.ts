/**
 * Dataset rows and chunk rows: plain synchronous functions over one
 * connection, so the main thread and the workers share them. Callers own
 * transactions.
 */
import type { ColumnInfo, ColumnRole, DatasetMeta, DatasetSummary, Dialect, ImportWarning, KindConflict } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Db } from './db.ts';

export const MAX_NAME_LENGTH = 200;

interface DatasetRow {
  id: string;
  name: string;
  source_path: string;
  source_size: number;
  sha256: string;
  created_at: string;
  rows: number;
  columns: string;
  dialect: string | null;
  warnings: string;
  conflicts: string;
  sample: number;
  skipped_rows: number;
}

function toMeta(r: DatasetRow): DatasetMeta {
  const meta: DatasetMeta = {
    id: r.id,
    name: r.name,
    sourcePath: r.source_path,
    sourceSize: r.source_size,
    sha256: r.sha256,
    createdAt: r.created_at,
    rows: r.rows,
    columns: JSON.parse(r.columns) as ColumnInfo[],
    warnings: JSON.parse(r.warnings) as ImportWarning[],
    conflicts: JSON.parse(r.conflicts) as KindConflict[],
    sample: r.sample === 1,
  };
  if (r.dialect) meta.dialect = JSON.parse(r.dialect) as Dialect;
  return meta;
}

export function notFound(id: string): LatheError {
  return new LatheError('NOT_FOUND', `There is no dataset with id "${id}". It may have been deleted; reload the dataset list.`, {
    id,
    param: 'id',
  });
}

export function findDataset(db: Db, id: string): DatasetMeta | undefined {
  const r = db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  return r ? toMeta(r) : undefined;
}

export function getDataset(db: Db, id: string): DatasetMeta {
  const m = findDataset(db, id);
  if (!m) throw notFound(id);
  return m;
}

export function skippedRowsOf(db: Db, id: string): number {
  const r = db.prepare('SELECT skipped_rows FROM datasets WHERE id = ?').get(id) as { skipped_rows: number } | undefined;
  return r?.skipped_rows ?? 0;
}

export function listDatasets(db: Db): DatasetSummary[] {
  const rows = db
    .prepare('SELECT id, name, rows, columns, created_at, sample, source_size FROM datasets ORDER BY sample DESC, created_at, name')
    .all() as Pick<DatasetRow, 'id' | 'name' | 'rows' | 'columns' | 'created_at' | 'sample' | 'source_size'>[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    rows: r.rows,
    columnCount: (JSON.parse(r.columns) as unknown[]).length,
    createdAt: r.created_at,
    sample: r.sample === 1,
    sourceSize: r.source_size,
  }));
}

export function countDatasets(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
}

/** Checks a name a person typed; returns it trimmed. */
export function validateName(name: unknown, param = 'name'): string {
  if (typeof name !== 'string') {
    throw new LatheError('BAD_REQUEST', `The dataset name must be a string; got ${typeof name}.`, { param });
  }
  const trimmed = name.trim();
  if (!trimmed) throw new LatheError('INVALID_PARAM', 'The dataset name is empty. Type at least one visible character.', { param });
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new LatheError('INVALID_PARAM', `The dataset name is ${trimmed.length} characters long; the limit is ${MAX_NAME_LENGTH}.`, { param });
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new LatheError('INVALID_PARAM', 'The dataset name contains control characters (tabs, newlines...). Remove them.', { param });
  }
  return trimmed;
}

export function nameTaken(db: Db, name: string, exceptId?: string): boolean {
  const r = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: string } | undefined;
  return !!r && r.id !== exceptId;
}

/** `base`, or `base (2)`, `base (3)`... whichever is free first (names compare case-insensitively). */
export function uniqueName(db: Db, base: string): string {
  if (!nameTaken(db, base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base} (${i})`;
    if (!nameTaken(db, candidate)) return candidate;
  }
}

export interface NewDataset {
  id: string;
  name: string;
  sourcePath: string;
  sourceSize: number;
  sha256: string;
  createdAt: string;
  rows: number;
  columns: ColumnInfo[];
  dialect?: Dialect;
  warnings: ImportWarning[];
  conflicts: KindConflict[];
  sample: boolean;
  skippedRows: number;
}

/**
 * Insert the dataset's row. Inside an import the row is written first (the
 * chunks reference it) and completed by `completeDataset` in the same
 * transaction, so no other connection ever sees it half done.
 */
export function insertDataset(db: Db, d: NewDataset): void {
  db.prepare(
    `INSERT INTO datasets (id, name, source_path, source_size, sha256, created_at, updated_at, rows, columns, dialect, warnings, conflicts, sample, skipped_rows)
     VALUES (@id, @name, @sourcePath, @sourceSize, @sha256, @createdAt, @createdAt, @rows, @columns, @dialect, @warnings, @conflicts, @sample, @skippedRows)`,
  ).run({
    ...d,
    columns: JSON.stringify(d.columns),
    dialect: d.dialect ? JSON.stringify(d.dialect) : null,
    warnings: JSON.stringify(d.warnings),
    conflicts: JSON.stringify(d.conflicts),
    sample: d.sample ? 1 : 0,
  });
}

export function completeDataset(db: Db, d: NewDataset): void {
  db.prepare(
    `UPDATE datasets SET name = @name, source_size = @sourceSize, sha256 = @sha256, rows = @rows, columns = @columns,
       dialect = @dialect, warnings = @warnings, conflicts = @conflicts, skipped_rows = @skippedRows, updated_at = @updatedAt
     WHERE id = @id`,
  ).run({
    id: d.id,
    name: d.name,
    sourceSize: d.sourceSize,
    sha256: d.sha256,
    rows: d.rows,
    columns: JSON.stringify(d.columns),
    dialect: d.dialect ? JSON.stringify(d.dialect) : null,
    warnings: JSON.stringify(d.warnings),
    conflicts: JSON.stringify(d.conflicts),
    skippedRows: d.skippedRows,
    updatedAt: new Date().toISOString(),
  });
}

export function renameDataset(db: Db, id: string, name: string): void {
  if (!findDataset(db, id)) throw notFound(id);
  if (nameTaken(db, name, id)) {
    throw new LatheError('NAME_TAKEN', `Another dataset is already called "${name}". Choose a different name.`, { param: 'name', name });
  }
  db.prepare('UPDATE datasets SET name = ?, updated_at = ? WHERE id = ?').run(name, new Date().toISOString(), id);
}

export function setColumns(db: Db, id: string, columns: ColumnInfo[]): void {
  db.prepare('UPDATE datasets SET columns = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(columns), new Date().toISOString(), id);
}

/** Columns with `name` given `role`; at most one target (a new target turns the old one into a feature). */
export function applyRole(columns: ColumnInfo[], name: string, role: ColumnRole): ColumnInfo[] {
  return columns.map((c) => {
    if (c.name === name) return { ...c, role };
    if (role === 'target' && c.role === 'target') return { ...c, role: 'feature' };
    return c;
  });
}

/** Deletes the dataset and (by cascade) its chunks. */
export function deleteDataset(db: Db, id: string): boolean {
  db.prepare('DELETE FROM chunks WHERE dataset_id = ?').run(id);
  return db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}

// ---- chunks ----

export interface ChunkRef {
  index: number;
  rowStart: number;
  rowCount: number;
}

export function listChunks(db: Db, datasetId: string): ChunkRef[] {
  return db
    .prepare('SELECT chunk_index AS "index", row_start AS rowStart, row_count AS rowCount FROM chunks WHERE dataset_id = ? ORDER BY chunk_index')
    .all(datasetId) as ChunkRef[];
}

export function readChunkIpc(db: Db, datasetId: string, index: number): Uint8Array {
  const r = db.prepare('SELECT ipc FROM chunks WHERE dataset_id = ? AND chunk_index = ?').get(datasetId, index) as { ipc: Buffer } | undefined;
  if (!r) throw new LatheError('INTERNAL', `Chunk ${index} of dataset ${datasetId} is missing from the data file.`, { id: datasetId, chunk: index });
  return new Uint8Array(r.ipc.buffer, r.ipc.byteOffset, r.ipc.byteLength);
}

export function insertChunk(db: Db, datasetId: string, c: ChunkRef, ipc: Uint8Array): void {
  db.prepare('INSERT INTO chunks (dataset_id, chunk_index, row_start, row_count, ipc) VALUES (?, ?, ?, ?, ?)').run(
    datasetId,
    c.index,
    c.rowStart,
    c.rowCount,
    Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength),
  );
}

export function replaceChunkIpc(db: Db, datasetId: string, index: number, ipc: Uint8Array): void {
  db.prepare('UPDATE chunks SET ipc = ? WHERE dataset_id = ? AND chunk_index = ?').run(
    Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength),
    datasetId,
    index,
  );
}

export function deleteChunks(db: Db, datasetId: string): void {
  db.prepare('DELETE FROM chunks WHERE dataset_id = ?').run(datasetId);
}

// ---- settings ----

export function getSetting(db: Db, key: string): string | undefined {
  const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return r?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
