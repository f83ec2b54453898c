/**
 * Browser mode end to end: the virtual grid reaches the last row of larger
 * datasets, column edits (kind, role) and their refusals, rename and delete,
 * and cancelling an import.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();

async function lastLine(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  return (lines[lines.length - 1] ?? '').split(',');
}

describe('renderer: grid, column panel, dataset list, cancel (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  before(async () => {
    e = await startE2E({ width: 1480, height: 860 });
  });
  after(async () => {
    await e?.close();
  });

  test('the grid scrolls to the last row of digits (1797 rows × 65 columns) and shows it', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('digits.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("1,797 rows × 65 columns")', { timeout: 30_000 });
    const expected = await lastLine(datasetPath('digits.csv'));

    await page.$eval('[data-testid="grid"]', (el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForSelector('[data-row="1796"] [role="gridcell"]:not(:has(.loading))', { timeout: 10_000 });
    assert.equal((await page.textContent('[data-row="1796"] [role="rowheader"]'))?.trim(), '1797');
    const left = await page.$$eval('[data-row="1796"] [role="gridcell"]', (els) => els.map((el) => el.textContent?.trim()));
    assert.deepEqual(left, expected.slice(0, left.length));
    // The last row is inside the viewport, not just in the DOM.
    const inView = await page.$eval('[data-testid="grid"]', (grid) => {
      const row = grid.querySelector('[data-row="1796"]');
      if (!row) return false;
      const g = grid.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return r.top >= g.top && r.bottom <= g.bottom + 1;
    });
    assert.ok(inView, 'row 1797 is visible');
    assert.match((await page.textContent('[data-testid="grid-range"]')) ?? '', /–1,797 of 1,797$/);

    // And to the last column: only the columns in view are drawn.
    await page.$eval('[data-testid="grid"]', (el) => el.scrollTo(el.scrollWidth, el.scrollHeight));
    await page.waitForSelector('[data-testid="grid-header"][data-column="target"]');
    const cells = await page.$$eval('[data-row="1796"] [role="gridcell"]', (els) => els.map((el) => el.textContent?.trim()));
    assert.equal(cells[cells.length - 1], expected[expected.length - 1]);
    assert.ok(cells.length < 30, `${cells.length} of 65 columns drawn`);
  });

  test('penguins: missing values shown as NA, categorical top values, histogram (screenshot)', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('penguins.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("344 rows × 8 columns")', { timeout: 30_000 });
    // Row 4 of penguins has NA measurements.
    await page.waitForSelector('[data-row="3"] [role="gridcell"]:not(:has(.loading))');
    const nas = await page.$$eval('[data-row="3"] .na', (els) => els.length);
    assert.ok(nas >= 4, `${nas} missing cells in row 4`);

    await page.click('[data-testid="grid-header"][data-column="species"]');
    const top = await page.waitForSelector('[data-testid="top-values"]');
    assert.match((await top.textContent()) ?? '', /Adelie\s*152/);

    await page.click('[data-testid="grid-header"][data-column="flipper_length_mm"]');
    await page.waitForSelector('[data-testid="column-detail"][data-column="flipper_length_mm"] [data-testid="histogram"] canvas', { timeout: 10_000 });
    const text = (await page.textContent('[data-testid="column-detail"]')) ?? '';
    assert.match(text, /Missing\s*2 of 344/);
    assert.match(text, /Min\s*172/);
    assert.match(text, /Max\s*231/);
    for (const b of await page.$$('[data-testid="notice-info"] button[aria-label="Dismiss"]')) await b.click();
    // Playwright scrolled the clicked header into view; show the table from its start.
    await page.$eval('[data-testid="grid"]', (el) => el.scrollTo(0, 0));
    await page.waitForTimeout(250);
    await screenshot(page, 'data-grid');
  });

  test('column kind override: a refusal shows BAD_KIND; role changes stick', async () => {
    const { page } = e;
    await page.click('[data-testid="column-item"][data-column="bill_length_mm"]');
    await page.selectOption('[data-testid="kind-select"]', 'boolean');
    const err = await page.waitForSelector('[data-testid="column-error"][data-code="BAD_KIND"]', { timeout: 20_000 });
    assert.match((await err.textContent()) ?? '', /boolean/);
    assert.equal(await page.inputValue('[data-testid="kind-select"]'), 'float', 'the select goes back to the kind in force');

    await page.selectOption('[data-testid="kind-select"]', 'categorical');
    await page.waitForSelector('[data-testid="grid-header"][data-column="bill_length_mm"] .kind-badge:has-text("ABC")', { timeout: 20_000 });
    assert.equal(await page.$$eval('[data-testid="column-error"]', (els) => els.length), 0);

    await page.click('[data-testid="column-item"][data-column="species"]');
    await page.selectOption('[data-testid="role-select"]', 'target');
    await page.waitForSelector('[data-testid="column-item"][data-column="species"]:has-text("target")', { timeout: 10_000 });
  });

  test('rename inline and delete with confirmation', async () => {
    const { page } = e;
    await page.click('[data-testid="dataset-item"][data-name="penguins"] button.pick');
    await page.click('[data-testid="dataset-item"][data-name="penguins"] [data-testid="rename"]');
    await page.fill('[data-testid="rename-input"]', 'palmer penguins');
    await page.press('[data-testid="rename-input"]', 'Enter');
    await page.waitForSelector('[data-testid="dataset-item"][data-name="palmer penguins"]');
    assert.equal((await page.textContent('[data-testid="dataset-title"]'))?.trim(), 'palmer penguins');

    await page.click('[data-testid="dataset-item"][data-name="palmer penguins"] [data-testid="delete"]');
    await page.click('[data-testid="dataset-item"][data-name="palmer penguins"] [data-testid="confirm-delete"]');
    await page.waitForSelector('[data-testid="dataset-item"][data-name="palmer penguins"]', { state: 'detached' });
    const names = await page.$$eval('[data-testid="dataset-item"]', (els) => els.map((el) => el.getAttribute('data-name')));
    assert.deepEqual(names, ['digits']);
  });

  test('cancelling an import of mnist_10k (17 MB) stops it and adds nothing', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('mnist_10k.csv'));
    const bar = await page.waitForSelector('[data-testid="import-progress"]', { timeout: 20_000 });
    // Wait until the engine is importing (past the upload), then cancel.
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-testid="import-progress"]')?.textContent ?? '';
      return !/uploading|starting/.test(t);
    }, undefined, { timeout: 20_000 });
    assert.ok(await bar.isVisible());
    await page.click('[data-testid="cancel-import"]');
    await page.waitForSelector('[data-testid="notice-info"][data-code="CANCELLED"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="import-progress"]', { state: 'detached' });
    assert.equal(await page.$$eval('[data-testid="notice-error"]', (els) => els.length), 0, 'a cancel is not shown as a failure');
    const names = await page.$$eval('[data-testid="dataset-item"]', (els) => els.map((el) => el.getAttribute('data-name')));
    assert.deepEqual(names, ['digits']);
    const list = await e.engine.handlers['datasets.list']?.(undefined, { signal: new AbortController().signal, progress: () => undefined });
    assert.deepEqual(list?.map((d) => d.name), ['digits']);
  });
});
