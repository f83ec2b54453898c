/**
 * Browser mode end to end: files dropped on the window are imported, shown in
 * the grid and the column panel; import errors name the line; requests
 * without the session token are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();

describe('renderer: import by drop (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  before(async () => {
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
  });

  test('dropping iris.csv shows 150 rows in the grid and its 5 columns in the column panel', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('iris.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("150 rows × 5 columns")', { timeout: 30_000 });
    assert.equal(await page.getAttribute('[data-testid="grid"]', 'data-total-rows'), '150');

    const names = await page.$$eval('[data-testid="column-item"]', (els) => els.map((el) => el.getAttribute('data-column')));
    assert.deepEqual(names, ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'target']);
    assert.equal((await page.textContent('[data-testid="column-count"]'))?.trim(), '5 columns');
    const headers = await page.$$eval('[data-testid="grid-header"]', (els) => els.map((el) => el.getAttribute('data-column')));
    assert.deepEqual(headers, names, 'all 5 columns are visible in the grid header');

    // The first row holds the file's first data line.
    await page.waitForSelector('[data-row="0"] [role="gridcell"]:not(:has(.loading))');
    const first = await page.$$eval('[data-row="0"] [role="gridcell"]', (els) => els.map((el) => el.textContent?.trim()));
    assert.deepEqual(first, ['5.1', '3.5', '1.4', '0.2', '0']);

    // Scroll to the end: row 150 is drawn with the file's last line.
    await page.$eval('[data-testid="grid"]', (el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForSelector('[data-row="149"] [role="gridcell"]:not(:has(.loading))');
    assert.equal((await page.textContent('[data-row="149"] [role="rowheader"]'))?.trim(), '150');
    const last = await page.$$eval('[data-row="149"] [role="gridcell"]', (els) => els.map((el) => el.textContent?.trim()));
    assert.deepEqual(last, ['5.9', '3', '5.1', '1.8', '2']);
    assert.match((await page.textContent('[data-testid="grid-range"]')) ?? '', /of 150$/);
    // Only the rows in view are in the DOM.
    const drawn = await page.$$eval('[data-testid="grid"] [role="row"][data-row]', (els) => els.length);
    assert.ok(drawn < 60, `${drawn} rows drawn`);
  });

  test('clicking a header opens the column panel with statistics and a histogram', async () => {
    const { page } = e;
    await page.click('[data-testid="grid-header"][data-column="petal length (cm)"]');
    await page.waitForSelector('[data-testid="column-detail"][data-column="petal length (cm)"]');
    const text = (await page.textContent('[data-testid="column-detail"]')) ?? '';
    assert.match(text, /Missing\s*0 of 150/);
    assert.match(text, /Min\s*1\b/);
    assert.match(text, /Max\s*6\.9/);
    assert.match(text, /Mean\s*3\.758/);
    await page.waitForSelector('[data-testid="histogram"] canvas', { timeout: 10_000 });
    assert.equal(await page.inputValue('[data-testid="kind-select"]'), 'float');
    assert.equal(await page.inputValue('[data-testid="role-select"]'), 'feature');
  });

  test('a ragged file fails with an error that names the line; "skip bad rows" imports the rest', async () => {
    const { page } = e;
    const lines = (await readFile(datasetPath('iris.csv'), 'utf8')).split('\n');
    // Line 4 of the file (the third data row) loses its last field.
    lines[3] = (lines[3] ?? '').split(',').slice(0, 4).join(',');
    const ragged = join(e.dataDir, 'iris_ragged.csv');
    await writeFile(ragged, lines.join('\n'));

    await dropFile(page, ragged);
    const err = await page.waitForSelector('[data-testid="notice-error"][data-code="RAGGED_ROW"]', { timeout: 30_000 });
    assert.match((await err.textContent()) ?? '', /line 4/);
    assert.match((await page.textContent('[data-testid="notice-error"] [data-testid="notice-where"]')) ?? '', /line 4/);
    assert.equal(await page.$$eval('[data-testid="dataset-item"][data-name^="iris_ragged"]', (els) => els.length), 0, 'nothing was added');
    await screenshot(page, 'import-error');

    // Dismiss, then import again skipping the bad row.
    await page.click('[data-testid="notice-error"] button[aria-label="Dismiss"]');
    assert.equal(await page.$$eval('[data-testid="notice-error"]', (els) => els.length), 0);
    await page.check('[data-testid="skip-bad-rows"]');
    await dropFile(page, ragged);
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("149 rows × 5 columns")', { timeout: 30_000 });
    const warn = await page.waitForSelector('[data-testid="notice-warning"][data-code="SKIPPED_ROWS"]');
    assert.match((await warn.textContent()) ?? '', /4/);
    await page.uncheck('[data-testid="skip-bad-rows"]');
  });

  test('the Open button imports through the file picker too', async () => {
    const { page } = e;
    await page.setInputFiles('[data-testid="file-input"]', datasetPath('wine.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("178 rows × 14 columns")', { timeout: 30_000 });
    const names = await page.$$eval('[data-testid="dataset-item"]', (els) => els.map((el) => el.getAttribute('data-name')));
    assert.deepEqual([...names].sort(), ['iris', 'iris_ragged', 'wine']);
  });

  test('browser mode refuses requests without the session token', async () => {
    const plain = await fetch(`${e.origin}/`);
    assert.equal(plain.status, 401);
    const upload = await fetch(`${e.origin}/api/upload?name=x.csv`, { method: 'POST', body: 'a,b\n1,2\n' });
    assert.equal(upload.status, 401);
    // A page load in a browser that never saw the token (the cookie is per host).
    const page = await e.context.newPage();
    try {
      const res = await page.goto(`http://localhost:${e.server.port}/`);
      assert.equal(res?.status(), 401);
      const socket = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        `ws://localhost:${e.server.port}/ws`,
      );
      assert.equal(socket, 'refused');
    } finally {
      await page.close();
    }
  });

  test('losing the engine shows a reconnect message', async () => {
    await e.server.close();
    const msg = await e.page.waitForSelector('[data-testid="connection-lost"]', { timeout: 10_000 });
    assert.match((await msg.textContent()) ?? '', /lost/);
  });
});
