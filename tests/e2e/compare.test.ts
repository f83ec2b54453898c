/**
 * The comparison board end to end in Chromium (browser mode): the five
 * classifiers on breast_cancer, a confusion cell's rows, cancelling a long
 * comparison, decision boundaries on iris, a regression board on diabetes,
 * run history, and "Train & save" into the model library.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, datasetPath, dropFile, screenshot, SCREENSHOTS, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();
const FIVE = ['knn', 'gnb', 'logreg', 'tree', 'forest'];

async function openDataset(page: Page, file: string, dims: string): Promise<void> {
  await page.click('[data-testid="view-data"]');
  await dropFile(page, datasetPath(file));
  await page.waitForSelector(`[data-testid="dataset-dims"]:has-text("${dims}")`, { timeout: 30_000 });
  await page.click('[data-testid="view-compare"]');
  await page.waitForSelector('[data-testid="compare-setup"]');
}

async function dismissInfos(page: Page): Promise<void> {
  for (const b of await page.$$('[data-testid="notice-info"] button[aria-label="Dismiss"]')) await b.click();
}

async function checkedLearners(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="learner-check"]:checked', (els) => els.map((el) => el.getAttribute('data-algo') ?? ''));
}

describe('renderer: the comparison board (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  before(async () => {
    e = await startE2E({ width: 1480, height: 900 });
  });
  after(async () => {
    await e?.close();
  });

  test('the five classifiers on breast_cancer: five rows with accuracies, best highlighted (screenshot)', async (t) => {
    const { page } = e;
    await openDataset(page, 'breast_cancer.csv', '569 rows × 31 columns');
    assert.equal(await page.inputValue('[data-testid="target-select"]'), 'target');
    assert.deepEqual(await checkedLearners(page), FIVE);
    assert.equal(await page.$$eval('[data-testid="feature-check"]:checked', (els) => els.length), 30);

    // An invalid parameter shows the standard message inline and blocks the run.
    await page.fill('[data-testid="param-input"][data-algo="knn"][data-param="n_neighbors"]', '0');
    const err = await page.waitForSelector('[data-testid="param-error"][data-algo="knn"]');
    assert.equal((await err.textContent())?.trim(), "The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.");
    assert.equal(await page.isDisabled('[data-testid="run-compare"]'), true);
    await page.fill('[data-testid="param-input"][data-algo="knn"][data-param="n_neighbors"]', '5');
    await page.waitForSelector('[data-testid="param-error"]', { state: 'detached' });

    const t0 = Date.now();
    await page.click('[data-testid="run-compare"]');
    await page.waitForSelector('[data-testid="results-table"]', { timeout: 180_000 });
    t.diagnostic(`five classifiers, 5-fold CV on breast_cancer: ${Date.now() - t0} ms from click to table`);
    const rows = await page.$$eval('[data-testid="result-row"]', (els) => els.map((el) => el.getAttribute('data-algo')));
    assert.deepEqual(rows, FIVE);
    const acc = await page.$$eval('[data-testid="result-row"] [data-metric="accuracy"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    assert.equal(acc.length, 5);
    for (const a of acc) assert.ok(a > 0.88 && a <= 1, `accuracy ${a}`);
    const accText = await page.$$eval('[data-testid="result-row"] [data-metric="accuracy"]', (els) => els.map((el) => el.textContent?.trim() ?? ''));
    for (const t of accText) assert.match(t, /^0\.\d{4} ± 0\.\d{4}$/);
    // The best accuracy is highlighted, and it is the largest.
    const best = await page.$$eval('[data-testid="result-row"] td.best[data-metric="accuracy"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    assert.ok(best.length >= 1);
    assert.equal(best[0], Math.max(...acc));
    // Charts and verdicts are there.
    await page.waitForSelector('[data-testid="strip-plot"] canvas');
    await page.waitForSelector('[data-testid="roc-chart"] canvas');
    assert.equal(await page.$$eval('[data-testid="confusion"]', (els) => els.length), 5);
    const verdicts = await page.$$eval('[data-testid="verdict"]', (els) => els.map((el) => el.textContent ?? ''));
    assert.equal(verdicts.length, 10, 'one t-test per pair of the five');
    for (const v of verdicts) assert.match(v, /p [=<] 0\.\d{3}/);
    await dismissInfos(page);
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-board');
  });

  test('clicking a confusion-matrix cell lists its rows (as many as the cell counts)', async () => {
    const { page } = e;
    // The first off-diagonal cell with rows, over the five matrices.
    const cell = await page.$$eval('[data-testid="confusion-cell"]', (els) => {
      const el = els.find((x) => x.getAttribute('data-actual') !== x.getAttribute('data-predicted') && Number(x.getAttribute('data-count')) > 0);
      if (!el) return null;
      const algo = el.closest('[data-testid="confusion"]')?.getAttribute('data-algo');
      return { algo, actual: el.getAttribute('data-actual'), predicted: el.getAttribute('data-predicted'), count: Number(el.getAttribute('data-count')) };
    });
    assert.ok(cell, 'some learner misclassifies some rows');
    await page.click(`[data-testid="confusion"][data-algo="${cell.algo}"] [data-testid="confusion-cell"][data-actual="${cell.actual}"][data-predicted="${cell.predicted}"]`);
    const panel = await page.waitForSelector('[data-testid="cell-rows"]');
    await page.waitForSelector('[data-testid="cell-row"]', { timeout: 10_000 });
    assert.equal(Number(await panel.getAttribute('data-count')), cell.count);
    assert.equal(await page.$$eval('[data-testid="cell-row"]', (els) => els.length), cell.count);
    // The rows listed really have the cell's actual class in the target column (first column after the row number).
    const targets = await page.$$eval('[data-testid="cell-row"] td.target', (els) => els.map((el) => el.textContent?.trim()));
    assert.deepEqual(new Set(targets), new Set([cell.actual]));
    assert.match((await page.textContent('[data-testid="cell-rows-count"]')) ?? '', new RegExp(`^${cell.count} misclassified rows`));
  });

  test('cancel stops a running comparison, shown as info, nothing stored', async (t) => {
    const { page } = e;
    const runsBefore = await page.$$eval('[data-testid="run-item"]', (els) => els.length);
    await page.fill('[data-testid="folds-input"]', '10');
    await page.fill('[data-testid="repeats-input"]', '10');
    await page.fill('[data-testid="param-input"][data-algo="forest"][data-param="n_estimators"]', '500');
    await page.click('[data-testid="run-compare"]');
    await page.waitForSelector('[data-testid="compare-progress"]');
    await page.waitForSelector('[data-testid="learner-progress"]:not([data-fraction="0"])', { timeout: 30_000 });
    const started = Date.now();
    await page.click('[data-testid="cancel-compare"]');
    await page.waitForSelector('[data-testid="compare-cancelled"]', { timeout: 10_000 });
    const took = Date.now() - started;
    assert.ok(took < 5000, `cancelled in ${took} ms`);
    t.diagnostic(`cancel → board shows cancelled in ${took} ms`);
    await page.waitForSelector('[data-testid="notice-info"]:has-text("Comparison cancelled")');
    assert.equal(await page.$$eval('[data-testid="notice-error"]', (els) => els.length), 0, 'a cancel is not a failure');
    // The previous result stays; no run was added.
    assert.equal(await page.$$eval('[data-testid="result-row"]', (els) => els.length), 5);
    await page.waitForTimeout(300);
    assert.equal(await page.$$eval('[data-testid="run-item"]', (els) => els.length), runsBefore);
    await page.fill('[data-testid="folds-input"]', '5');
    await page.fill('[data-testid="repeats-input"]', '1');
    await page.fill('[data-testid="param-input"][data-algo="forest"][data-param="n_estimators"]', '100');
  });

  test('decision boundaries on iris petal length × width: five panels in one row (screenshot)', async () => {
    const { page } = e;
    await openDataset(page, 'iris.csv', '150 rows × 5 columns');
    assert.deepEqual(await checkedLearners(page), FIVE);
    await page.selectOption('[data-testid="boundary-x"]', 'petal length (cm)');
    await page.selectOption('[data-testid="boundary-y"]', 'petal width (cm)');
    await page.click('[data-testid="draw-boundary"]');
    await page.waitForSelector('[data-testid="boundary-panel"] canvas', { timeout: 60_000 });
    const panels = await page.$$eval('[data-testid="boundary-panel"]', (els) =>
      els.map((el) => ({ algo: el.getAttribute('data-algo'), acc: Number(el.getAttribute('data-accuracy')), title: el.querySelector('figcaption')?.textContent ?? '', top: Math.round(el.getBoundingClientRect().top) })),
    );
    assert.deepEqual(panels.map((p) => p.algo), FIVE);
    for (const p of panels) {
      assert.ok(p.acc > 0.9, `${p.algo} training accuracy ${p.acc}`);
      assert.match(p.title, /training accuracy (0\.9\d\d|1\.000)/);
    }
    assert.equal(new Set(panels.map((p) => p.top)).size, 1, 'all panels in one row');
    assert.equal(await page.$$eval('[data-testid="boundary-panel"] canvas', (els) => els.length), 5);
    // The board above, then the boundaries.
    await page.click('[data-testid="run-compare"]');
    await page.waitForSelector('[data-testid="run-header"]:has-text("iris")', { timeout: 120_000 });
    await dismissInfos(page);
    const row = await page.$('[data-testid="boundary-row"]');
    await row?.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await row?.screenshot({ path: join(SCREENSHOTS, 'compare-boundaries.png') });

    // Three classes: the ROC chart offers a one-vs-rest class.
    assert.deepEqual(await page.$$eval('[data-testid="roc-class-select"] option', (els) => els.map((el) => el.textContent)), ['0', '1', '2']);
    await page.selectOption('[data-testid="roc-class-select"]', '2');
    await page.waitForSelector('[data-testid="roc-chart"] canvas');
  });

  test("a learner that fails shows its error in its row; the others still report", async () => {
    const { page } = e;
    // More neighbours than training rows (iris, 5-fold: 120) fails at fit time.
    await page.fill('[data-testid="param-input"][data-algo="knn"][data-param="n_neighbors"]', '500');
    await page.click('[data-testid="run-compare"]');
    const err = await page.waitForSelector('[data-testid="result-row"][data-algo="knn"] [data-testid="learner-error"]', { timeout: 120_000 });
    assert.ok((await err.getAttribute('data-code'))?.length);
    assert.match((await err.textContent()) ?? '', /n_neighbors|neighbou?rs/i);
    const others = await page.$$eval('[data-testid="result-row"]:not([data-algo="knn"]) [data-metric="accuracy"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    assert.equal(others.length, 4);
    for (const a of others) assert.ok(a > 0.85, `accuracy ${a}`);
    assert.equal(await page.$$eval('[data-testid="confusion"]', (els) => els.length), 4);
    await page.fill('[data-testid="param-input"][data-algo="knn"][data-param="n_neighbors"]', '5');
  });

  test('a regression target (diabetes) switches the board to r2 / mae / rmse with predicted-vs-actual and residuals', async () => {
    const { page } = e;
    await openDataset(page, 'diabetes.csv', '442 rows × 11 columns');
    assert.equal(await page.inputValue('[data-testid="target-select"]'), 'target');
    assert.match((await page.textContent('[data-testid="task-select"] option[value="auto"]')) ?? '', /regression/);
    // The default regressors, in catalogue order.
    assert.deepEqual(await checkedLearners(page), ['knn', 'tree', 'forest', 'linreg', 'ridge']);
    await page.click('[data-testid="run-compare"]');
    await page.waitForSelector('[data-testid="run-header"]:has-text("diabetes")', { timeout: 180_000 });
    const heads = await page.$$eval('[data-testid="results-table"] th[data-metric]', (els) => els.map((el) => el.getAttribute('data-metric')));
    assert.deepEqual(heads, ['r2', 'mae', 'rmse', 'fitSeconds', 'predictSeconds']);
    const r2 = await page.$$eval('[data-testid="result-row"] [data-metric="r2"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    assert.equal(r2.length, 5);
    const linreg = await page.$eval('[data-testid="result-row"][data-algo="linreg"] [data-metric="r2"]', (el) => Number(el.getAttribute('data-value')));
    assert.ok(linreg > 0.4 && linreg < 0.55, `linear regression R² ${linreg}`);
    await page.waitForSelector('[data-testid="pred-chart"] canvas');
    assert.equal(await page.$$eval('[data-testid="pred-chart"]', (els) => els.length), 5);
    assert.equal(await page.$$eval('[data-testid="residual-chart"]', (els) => els.length), 5);
    assert.equal(await page.$$eval('[data-testid="confusion"]', (els) => els.length), 0);
    assert.equal(await page.$$eval('[data-testid="boundary-row"]', (els) => els.length), 0);
  });

  test('Train & save puts a model in the Models view; rename and delete it; the history reopens a run', async () => {
    const { page } = e;
    await page.click('[data-testid="result-row"][data-algo="linreg"] [data-testid="train-save"]');
    await page.waitForSelector('[data-testid="notice-info"]:has-text("Saved")', { timeout: 60_000 });
    await page.click('[data-testid="view-models"]');
    const item = await page.waitForSelector('[data-testid="model-item"][data-algo="linreg"]');
    assert.match((await item.textContent()) ?? '', /diabetes/);
    await page.click('[data-testid="model-item"][data-algo="linreg"] [data-testid="model-rename"]');
    await page.fill('[data-testid="model-rename-input"]', 'diabetes baseline');
    await page.press('[data-testid="model-rename-input"]', 'Enter');
    await page.waitForSelector('[data-testid="model-item"][data-name="diabetes baseline"]');
    await page.click('[data-testid="model-item"][data-name="diabetes baseline"] [data-testid="model-delete"]');
    await page.click('[data-testid="model-item"][data-name="diabetes baseline"] [data-testid="model-confirm-delete"]');
    await page.waitForSelector('[data-testid="model-item"]', { state: 'detached' });

    await page.click('[data-testid="view-compare"]');
    const runs = await page.$$eval('[data-testid="run-item"]', (els) => els.map((el) => el.textContent ?? ''));
    assert.equal(runs.length, 4, 'breast_cancer, iris twice, diabetes');
    await page.click('[data-testid="run-item"]:has-text("breast_cancer")');
    await page.waitForSelector('[data-testid="run-header"]:has-text("breast_cancer")');
    assert.equal(await page.$$eval('[data-testid="result-row"]', (els) => els.length), 5);
    assert.equal(await page.$$eval('[data-testid="confusion"]', (els) => els.length), 5);
  });
});
