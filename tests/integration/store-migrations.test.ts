/** Schema migrations on a real SQLite file, and where the data folder is. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src-main/engine/store/migrations.ts';
import { openDb } from '../../src-main/engine/store/db.ts';
import { Store } from '../../src-main/engine/store/store.ts';
import { resolveDataDir } from '../../src-main/engine/paths.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { tempDir } from './engine-harness.ts';

test('a fresh file gets every migration, WAL, foreign keys and incremental vacuum', () => {
  const tmp = tempDir('lathe-mig-');
  try {
    const store = new Store(tmp.dir);
    assert.equal(schemaVersion(store.db), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('auto_vacuum', { simple: true }), 2);
    store.close();
  } finally {
    tmp.remove();
  }
});

test('a database at version 1 migrates to the latest and keeps its datasets', () => {
  const tmp = tempDir('lathe-mig-');
  const file = join(tmp.dir, 'lathe.db');
  try {
    const old = openDb(file);
    assert.equal(migrate(old, 1), 1);
    old
      .prepare(
        `INSERT INTO datasets (id, name, source_path, source_size, sha256, created_at, rows, columns, warnings, conflicts, sample)
         VALUES ('d1', 'old one', '/x.csv', 10, 'ab', '2024-01-01T00:00:00.000Z', 0, '[]', '[]', '[]', 0)`,
      )
      .run();
    assert.throws(() => old.prepare('SELECT skipped_rows FROM datasets').get());
    old.close();

    const store = new Store(tmp.dir);
    assert.equal(schemaVersion(store.db), SCHEMA_VERSION);
    const row = store.db.prepare('SELECT name, skipped_rows, updated_at FROM datasets WHERE id = ?').get('d1');
    assert.deepEqual(row, { name: 'old one', skipped_rows: 0, updated_at: '2024-01-01T00:00:00.000Z' });
    assert.equal(store.get('d1').name, 'old one');
    assert.deepEqual(store.list().map((d) => d.name), ['old one']);
    store.close();
  } finally {
    tmp.remove();
  }
});

test('a database from a newer Lathe is refused with a message that says what to do', () => {
  const tmp = tempDir('lathe-mig-');
  try {
    const db = new Database(join(tmp.dir, 'lathe.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    db.close();
    assert.throws(
      () => new Store(tmp.dir),
      (e: unknown) => e instanceof LatheError && /newer Lathe/.test(e.message) && /--data-dir/.test(e.message),
    );
  } finally {
    tmp.remove();
  }
});

test('resolveDataDir: flag, then LATHE_DATA_DIR, then the per-user app-data folder', () => {
  const home = '/home/ann';
  assert.equal(resolveDataDir({ flag: '/data/x', env: { LATHE_DATA_DIR: '/other' }, home }), '/data/x');
  assert.equal(resolveDataDir({ env: { LATHE_DATA_DIR: '/from/env' }, home, platform: 'linux' }), '/from/env');
  assert.equal(resolveDataDir({ env: {}, home, platform: 'linux' }), '/home/ann/.local/share/lathe');
  assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, home, platform: 'linux' }), '/xdg/lathe');
  assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: 'relative' }, home, platform: 'linux' }), '/home/ann/.local/share/lathe');
  assert.equal(resolveDataDir({ env: {}, home, platform: 'darwin' }), '/home/ann/Library/Application Support/Lathe');
  assert.equal(resolveDataDir({ env: { APPDATA: 'C:\\Users\\Ann\\AppData\\Roaming' }, home: 'C:\\Users\\Ann', platform: 'win32' }), 'C:\\Users\\Ann\\AppData\\Roaming\\Lathe');
  assert.equal(resolveDataDir({ env: {}, home: 'C:\\Users\\Ann', platform: 'win32' }), 'C:\\Users\\Ann\\AppData\\Roaming\\Lathe');
  assert.equal(resolveDataDir({ flag: '  ', env: { LATHE_DATA_DIR: '/e' }, home }), '/e');
});
