import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rejectsWith, startEngine, tempDir } from './engine-harness.ts';

test('an upload that fails to import names the dropped file, not the temporary upload', async () => {
  const t = tempDir();
  const h = await startEngine(t.dir);
  try {
    const up = h.engine.newUpload();
    writeFileSync(up.path, 'a,b\n1,2\n3\n');
    const e = await rejectsWith(h.client.call('datasets.importUpload', { uploadId: up.id, fileName: 'measurements.csv' }), 'RAGGED_ROW');
    assert.equal(e.details.file, 'measurements.csv');
    assert.equal(e.details.line, 3);
    assert.match(e.message, /measurements\.csv/);
    assert.doesNotMatch(e.message, /uploads/);
  } finally {
    await h.close();
    t.remove();
  }
});
