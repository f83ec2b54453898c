/**
 * Networks end to end in Chromium (browser mode): the MLP preset trained on
 * the digits sample with the loss chart growing while it trains, the backend
 * named, the result with the board's metrics; a digit drawn with mouse
 * strokes gets ten probabilities; the model exported as a .lathe download
 * and loaded back into the library; cancel stops a training.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();

async function points(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid="loss-chart"]', 'data-points'));
}

async function stroke(page: Page, path: [number, number][]): Promise<void> {
  const box = (await page.locator('[data-testid="draw-canvas"]').boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  const [x0, y0] = at(path[0]!);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (const p of path.slice(1)) {
    const [x, y] = at(p);
    await page.mouse.move(x, y, { steps: 6 });
  }
  await page.mouse.up();
}

describe('renderer: networks (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  before(async () => {
    e = await startE2E({ width: 1480, height: 1000 });
  });
  after(async () => {
    await e?.close();
  });

  test('train the MLP preset on digits: the loss chart grows while training, the backend is named, the result has the board metrics (screenshot)', async (t) => {
    const { page } = e;
    await dropFile(page, datasetPath('digits.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("1,797 rows × 65 columns")', { timeout: 30_000 });
    await page.click('[data-testid="view-nn"]');
    await page.waitForSelector('[data-testid="network-view"]');
    assert.equal(await page.inputValue('[data-testid="nn-preset"]'), 'mlp-digits');
    assert.equal(await page.inputValue('[data-testid="nn-target"]'), 'target');
    // 64-128-128-10: 8,320 + 16,512 + 1,290 parameters.
    assert.equal(await page.getAttribute('[data-testid="layer-summary"]', 'data-total'), '26122');
    assert.equal(await page.locator('[data-testid="layer-row"]').count(), 2);
    await page.waitForSelector('[data-testid="backend-note"][data-used="wasm"]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid="backend-note"]'))!, /Why not tensorflow-gpu, tensorflow, webgpu/);
    await page.fill('[data-testid="opt-epochs"]', '30');

    const t0 = Date.now();
    await page.click('[data-testid="nn-train"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > 0, null, { timeout: 60_000 });
    const first = await points(page);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > n, first, { timeout: 30_000 });
    const second = await points(page);
    assert.ok(second > first, `loss series grew from ${first} to ${second} points during training`);
    assert.equal(await page.isVisible('[data-testid="nn-progress"]'), true, 'still training at the second read');

    await page.waitForSelector('[data-testid="train-result"]', { timeout: 180_000 });
    t.diagnostic(`MLP preset, 30 epochs on digits in the browser: ${Date.now() - t0} ms from click to result`);
    const acc = Number(await page.textContent('[data-testid="metric"][data-metric="accuracy"] b'));
    assert.ok(acc > 0.9, `held-out accuracy ${acc}`);
    for (const m of ['balanced_accuracy', 'f1_macro']) assert.equal(await page.locator(`[data-testid="metric"][data-metric="${m}"]`).count(), 1);
    assert.match((await page.textContent('[data-testid="backend-note"]'))!, /Trained on wasm/);
    assert.ok((await points(page)) >= 30 * 2, 'training and validation points for every epoch');
    await screenshot(page, 'network-training');
  });

  test('draw a digit with mouse strokes: ten probabilities (screenshot)', async () => {
    const { page } = e;
    await page.waitForSelector('[data-testid="draw-model"] option', { state: 'attached' });
    // A "7": a bar across the top, then a stroke down to the bottom left.
    await stroke(page, [
      [0.25, 0.2],
      [0.75, 0.2],
      [0.45, 0.85],
    ]);
    await page.waitForSelector('[data-testid="probabilities"][data-count="10"]', { timeout: 20_000 });
    const answer = await page.getAttribute('[data-testid="draw-answer"]', 'data-predicted');
    assert.match(answer ?? '', /^[0-9]$/);
    await page.locator('[data-testid="draw-digit"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'draw-digit');
    // Clearing and drawing again predicts again.
    await page.click('[data-testid="draw-clear"]');
    await page.waitForSelector('[data-testid="probabilities"][data-count="0"]');
    await stroke(page, [
      [0.5, 0.15],
      [0.5, 0.85],
    ]);
    await page.waitForSelector('[data-testid="probabilities"][data-count="10"]', { timeout: 20_000 });

    // "Predict from an image file": a PNG of a digit from the dataset (white ink on black, 10× scaled).
    const png = await page.evaluate(() => {
      const rows = ['0 0 0 12 13 5 0 0', '0 0 0 11 16 9 0 0', '0 0 3 15 16 6 0 0', '0 7 15 16 16 2 0 0', '0 0 1 16 16 3 0 0', '0 0 1 16 16 6 0 0', '0 0 1 16 16 6 0 0', '0 0 0 11 16 10 0 0'];
      const c = document.createElement('canvas');
      c.width = 80;
      c.height = 80;
      const g = c.getContext('2d')!;
      rows.forEach((r, y) =>
        r.split(' ').forEach((v, x) => {
          const k = Math.round((Number(v) / 16) * 255);
          g.fillStyle = `rgb(${k},${k},${k})`;
          g.fillRect(x * 10, y * 10, 10, 10);
        }),
      );
      return c.toDataURL('image/png').split(',')[1]!;
    });
    await page.setInputFiles('[data-testid="draw-file"]', { name: 'one.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.waitForSelector('[data-testid="draw-answer"][data-predicted="1"]', { timeout: 20_000 });
  });

  test('export downloads a .lathe file; loading it back lists the model', async () => {
    const { page } = e;
    await page.click('[data-testid="view-models"]');
    const item = page.locator('[data-testid="model-item"][data-algo="mlp"]').first();
    await item.waitFor();
    const before = await page.locator('[data-testid="model-item"]').count();
    const [download] = await Promise.all([page.waitForEvent('download'), item.locator('[data-testid="model-export-lathe"]').click()]);
    assert.match(download.suggestedFilename(), /\.lathe$/);
    const file = join(e.dataDir, download.suggestedFilename());
    await download.saveAs(file);
    assert.ok((await readFile(file)).byteLength > 26122 * 4, 'the file holds the float32 weights');
    await page.setInputFiles('[data-testid="model-load-input"]', file);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="model-item"]').length === n + 1, before, { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="model-item"][data-algo="mlp"]').count(), 2);
  });

  test('cancel stops a training; it is shown as info, not failure', async () => {
    const { page } = e;
    await page.click('[data-testid="view-nn"]');
    await page.fill('[data-testid="opt-epochs"]', '500');
    await page.click('[data-testid="nn-train"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="nn-progress"]')?.getAttribute('data-fraction')) > 0, null, { timeout: 60_000 });
    const t0 = Date.now();
    await page.click('[data-testid="nn-cancel"]');
    await page.waitForSelector('[data-testid="nn-progress"]', { state: 'detached', timeout: 10_000 });
    assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
    await page.waitForSelector('[data-testid="notice-info"]:has-text("Training cancelled")');
    assert.equal(await page.locator('[data-testid="nn-error"]').count(), 0);
  });
});
