/**
 * The store's schema, as an ordered list of migrations. The database's
 * `PRAGMA user_version` is the number of migrations applied; opening a
 * database runs the missing ones, each in its own transaction. Append new
 * migrations at the end; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';
import { LatheError } from '../../../src-shared/errors.ts';

export interface Migration {
  /** What the migration does, for the log and for people reading this list. */
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'settings, datasets and their Arrow chunks',
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
        CREATE TABLE datasets (
          id          TEXT PRIMARY KEY,
          name        TEXT NOT NULL COLLATE NOCASE,
          source_path TEXT NOT NULL,
          source_size INTEGER NOT NULL,
          sha256      TEXT NOT NULL,
          created_at  TEXT NOT NULL,
          rows        INTEGER NOT NULL,
          columns     TEXT NOT NULL,
          dialect     TEXT,
          warnings    TEXT NOT NULL DEFAULT '[]',
          conflicts   TEXT NOT NULL DEFAULT '[]',
          sample      INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX datasets_name ON datasets(name);
        -- A normal rowid table: the BLOBs are large, and WITHOUT ROWID tables
        -- keep whole rows inside the index b-tree.
        CREATE TABLE chunks (
          dataset_id  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
          chunk_index INTEGER NOT NULL,
          row_start   INTEGER NOT NULL,
          row_count   INTEGER NOT NULL,
          ipc         BLOB NOT NULL,
          UNIQUE (dataset_id, chunk_index)
        );
      `);
    },
  },
  {
    name: 'remember how many rows an import skipped, and when a dataset last changed',
    up(db) {
      db.exec(`
        ALTER TABLE datasets ADD COLUMN skipped_rows INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE datasets ADD COLUMN updated_at TEXT;
        UPDATE datasets SET updated_at = created_at WHERE updated_at IS NULL;
        CREATE INDEX datasets_created ON datasets(created_at);
      `);
    },
  },
  {
    name: 'comparison runs and the model library',
    up(db) {
      // Both outlive the dataset they came from (no foreign key): a run or a
      // model still reads back, with the dataset's name, after it is deleted.
      db.exec(`
        CREATE TABLE runs (
          id           TEXT PRIMARY KEY,
          dataset_id   TEXT NOT NULL,
          dataset_name TEXT NOT NULL,
          target       TEXT NOT NULL,
          task         TEXT NOT NULL,
          learners     TEXT NOT NULL,
          best         TEXT,
          created_at   TEXT NOT NULL,
          result       BLOB NOT NULL
        );
        CREATE INDEX runs_created ON runs(created_at);
        CREATE TABLE models (
          id             TEXT PRIMARY KEY,
          name           TEXT NOT NULL COLLATE NOCASE,
          description    TEXT,
          algo           TEXT NOT NULL,
          task           TEXT NOT NULL,
          params         TEXT NOT NULL,
          dataset_id     TEXT NOT NULL,
          dataset_name   TEXT NOT NULL,
          dataset_sha256 TEXT NOT NULL,
          dataset_schema TEXT NOT NULL,
          target         TEXT,
          features       TEXT NOT NULL,
          classes        TEXT NOT NULL,
          metrics        TEXT NOT NULL,
          backend        TEXT NOT NULL,
          pipeline       TEXT NOT NULL,
          estimator      TEXT NOT NULL,
          lathe_version  TEXT NOT NULL,
          created_at     TEXT NOT NULL
        );
        CREATE UNIQUE INDEX models_name ON models(name);
        CREATE INDEX models_created ON models(created_at);
      `);
    },
  },
  {
    name: 'training-data fingerprint of each model (per-feature distributions for the drift check)',
    up(db) {
      // JSON list of ColumnFingerprint (src-shared/model-bundle.ts); NULL for models stored before.
      db.exec(`ALTER TABLE models ADD COLUMN fingerprint TEXT;`);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the database up to `target` (default: the latest). Refuses a
 * database written by a newer Lathe rather than guessing at its schema.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION, file = 'lathe.db'): number {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new LatheError(
      'INTERNAL',
      `The data file ${file} has schema version ${current}, but this Lathe knows only up to ${SCHEMA_VERSION}: ` +
        'it was written by a newer Lathe. Run that version, or start this one with another --data-dir.',
      { file, version: current, supported: SCHEMA_VERSION },
    );
  }
  for (let v = current; v < target; v++) {
    const m = MIGRATIONS[v];
    if (!m) break;
    db.transaction(() => {
      // Another process (the CLI beside the app) may have applied it while we waited for the lock.
      if (schemaVersion(db) !== v) return;
      m.up(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return schemaVersion(db);
}
