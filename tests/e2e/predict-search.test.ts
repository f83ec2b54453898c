/**
 * Predict and Search in the Models view, end to end in Chromium (browser
 * mode): a k-NN search over n_neighbors 1,3,5 on iris lists three candidates
 * with mean ± std and saves the best; "Predict…" with that model on a
 * shifted copy of iris (wine-like scales) shows a large-drift warning; on
 * iris itself it stores a predictions dataset and downloads preds.csv with
 * prediction and proba_* for all 150 rows in input order; a comparison
 * chart downloads as PNG and as SVG.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();

describe('renderer: Predict and Search in the Models view (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  let irisText = '';
  before(async () => {
    e = await startE2E({ width: 1480, height: 900 });
    irisText = await readFile(datasetPath('iris.csv'), 'utf8');
    await dropFile(e.page, datasetPath('iris.csv'));
    await e.page.waitForSelector('[data-testid="dataset-dims"]:has-text("150 rows × 5 columns")', { timeout: 30_000 });
  });
  after(async () => {
    await e?.close();
  });

  test('a k-NN search over n_neighbors 1,3,5 shows three candidates, the best highlighted, and saves the best model', async (t) => {
    const { page } = e;
    await page.click('[data-testid="view-models"]');
    await page.click('[data-testid="search-open"]');
    await page.waitForSelector('[data-testid="search-panel"]');
    assert.equal(await page.inputValue('[data-testid="search-target"]'), 'target');
    assert.equal(await page.inputValue('[data-testid="search-algo"]'), 'knn');
    // A bad value blocks the run with the standard message next to the field.
    await page.fill('[data-testid="grid-input"][data-param="n_neighbors"]', '1, 0');
    const err = await page.waitForSelector('[data-testid="grid-error"][data-param="n_neighbors"]');
    assert.match((await err.textContent()) ?? '', /^The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range \[1, inf\)\. Got 0 instead\./);
    assert.equal(await err.getAttribute('data-code'), 'INVALID_PARAM');
    assert.equal(await page.isDisabled('[data-testid="search-run"]'), true);
    await page.fill('[data-testid="grid-input"][data-param="n_neighbors"]', '1, 3, 5');
    await page.waitForSelector('[data-testid="grid-error"]', { state: 'detached' });
    assert.match((await page.textContent('[data-testid="search-run"]')) ?? '', /Search 3 candidates/);
    const t0 = Date.now();
    await page.click('[data-testid="search-run"]');
    await page.waitForSelector('[data-testid="search-saved"]', { timeout: 90_000 });
    t.diagnostic(`knn search 3 candidates × 5 folds on iris: ${Date.now() - t0} ms`);
    const rows = await page.$$eval('[data-testid="search-candidate"]', (els) =>
      els.map((el) => ({ best: el.getAttribute('data-best') === 'true', mean: Number(el.getAttribute('data-mean')), params: JSON.parse(el.getAttribute('data-params') ?? '{}') as Record<string, unknown>, text: el.textContent ?? '' })),
    );
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => r.params.n_neighbors), [1, 3, 5]);
    for (const r of rows) {
      assert.ok(r.mean > 0.9 && r.mean <= 1, `mean accuracy ${r.mean}`);
      assert.match(r.text, /0\.\d{4} ± 0\.\d{4}/);
    }
    const best = rows.filter((r) => r.best);
    assert.equal(best.length, 1);
    assert.equal(best[0]!.mean, Math.max(...rows.map((r) => r.mean)));
    // The best model is in the library, and the link finds it.
    const id = await page.getAttribute('[data-testid="search-saved"]', 'data-model-id');
    assert.ok(id);
    await page.click('[data-testid="search-show-model"]');
    await page.waitForSelector(`[data-testid="model-item"][data-id="${id}"][data-algo="knn"]`);
    await screenshot(page, 'search-panel');
  });

  test('Predict… on shifted (wine-like) data shows a large drift warning before the results', async () => {
    const { page } = e;
    const lines = irisText.trim().split('\n');
    const shifted = [lines[0], ...lines.slice(1).map((l) => l.split(',').map((v, i) => (i < 4 ? (Number(v) * 3 + 10).toFixed(2) : v)).join(','))].join('\n');
    const file = join(e.dataDir, 'wine_like_shifted.csv');
    await writeFile(file, shifted + '\n');
    await page.click('[data-testid="search-open"]');
    const item = page.locator('[data-testid="model-item"][data-algo="knn"]').first();
    await item.locator('[data-testid="model-predict"]').click();
    await page.waitForSelector('[data-testid="predict-panel"]');
    await page.setInputFiles('[data-testid="predict-file"]', file);
    await page.waitForSelector('[data-testid="predict-drop"]:has-text("wine_like_shifted.csv")');
    await page.click('[data-testid="predict-run"]');
    const report = await page.waitForSelector('[data-testid="drift-report"]', { timeout: 60_000 });
    assert.equal(await report.getAttribute('data-level'), 'large');
    assert.match((await page.textContent('[data-testid="drift-title"]')) ?? '', /Large drift/);
    const cols = await page.$$eval('[data-testid="drift-column"]', (els) => els.map((el) => ({ name: el.getAttribute('data-name'), level: el.getAttribute('data-level'), psi: Number(el.getAttribute('data-psi')) })));
    assert.equal(cols.length, 4);
    for (const c of cols) assert.equal(c.level, 'large', `${c.name} PSI ${c.psi}`);
    assert.ok((await page.$$eval('[data-testid="drift-warning"]', (els) => els.length)) >= 1);
    // The drift report comes before the predictions summary.
    const order = await page.$eval('[data-testid="predict-panel"]', (el) => {
      const d = el.querySelector('[data-testid="drift-report"]');
      const r = el.querySelector('[data-testid="predict-result"]');
      return d && r ? d.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    assert.ok(order, 'drift report above the result');
    await screenshot(page, 'predict-drift');
  });

  test('Predict… on iris: a predictions dataset appears; Download CSV has prediction and proba_* for 150 rows in input order', async () => {
    const { page } = e;
    const before = await page.$$eval('[data-testid="dataset-item"]', (els) => els.length);
    // Back to a stored dataset: iris from the list.
    const irisId = await page.$eval('[data-testid="predict-dataset"]', (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.textContent?.trim() === 'iris')?.value ?? '');
    assert.ok(irisId, 'iris is in the list');
    await page.selectOption('[data-testid="predict-dataset"]', irisId);
    await page.click('[data-testid="predict-run"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="drift-report"]')?.getAttribute('data-level') === 'none', undefined, { timeout: 60_000 });
    const result = await page.waitForSelector('[data-testid="predict-result"][data-rows="150"]');
    const predId = await result.getAttribute('data-dataset-id');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="dataset-item"]').length > n, before);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="predict-download"]')]);
    assert.equal(download.suggestedFilename(), 'preds.csv');
    const saved = join(e.dataDir, 'preds.csv');
    await download.saveAs(saved);
    const csv = (await readFile(saved, 'utf8')).trim().split(/\r?\n/);
    const head = csv[0]!.split(',');
    assert.ok(head.includes('prediction'), head.join(','));
    const probas = head.filter((h) => h.startsWith('proba_'));
    assert.deepEqual(probas, ['proba_0', 'proba_1', 'proba_2']);
    assert.equal(csv.length, 151);
    // Input row order: the predictions agree with iris's target on nearly every row, row by row.
    const pi = head.indexOf('prediction');
    const truth = irisText.trim().split('\n').slice(1).map((l) => l.split(',')[4]);
    const agree = csv.slice(1).filter((l, i) => Number(l.split(',')[pi]) === Number(truth[i])).length;
    assert.ok(agree >= 140, `${agree} of 150 predictions match the target in order`);
    // Open in the grid.
    await page.click('[data-testid="predict-open"]');
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("150 rows")');
    assert.ok(predId);
  });

  test('a comparison chart downloads as PNG and as SVG', async () => {
    const { page } = e;
    await page.click('[data-testid="dataset-item"][data-name="iris"] button.pick');
    await page.waitForSelector('[data-testid="dataset-item"][data-name="iris"].selected');
    await page.click('[data-testid="view-compare"]');
    await page.waitForSelector('[data-testid="compare-setup"]');
    await page.click('[data-testid="run-compare"]');
    await page.waitForSelector('[data-testid="roc-chart"] canvas', { timeout: 120_000 });
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-compare-roc"]')]);
    assert.match(png.suggestedFilename(), /^ROC.*\.png$/);
    const pngFile = join(e.dataDir, 'roc.png');
    await png.saveAs(pngFile);
    const pngBytes = await readFile(pngFile);
    assert.deepEqual([...pngBytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-svg-compare-roc"]')]);
    assert.match(svg.suggestedFilename(), /\.svg$/);
    const svgFile = join(e.dataDir, 'roc.svg');
    await svg.saveAs(svgFile);
    const svgText = await readFile(svgFile, 'utf8');
    assert.match(svgText, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.ok(svgText.includes('<path'), 'the curves are drawn');
    // The strip plot has its buttons too.
    await page.waitForSelector('[data-testid="export-png-compare-strip"]');
  });
});
