/**
 * The k-means teaching view end to end in Chromium on iris petal length ×
 * width: assign and move steps, step back to the previous centroids, k
 * cluster colours in the screenshot's pixels (decoded with Pillow), and a
 * saved session reopening with identical centroids.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';
import { PALETTE } from '../../src-renderer/lib/charts/palette.ts';
import { sklearn } from '../helpers/sklearn.ts';

const skip = chromiumMissing();

async function plot(page: Page): Promise<{ step: number; phase: string; centroids: number[] }> {
  return page.$eval('[data-testid="kmeans-plot"]', (el) => ({
    step: Number(el.getAttribute('data-step')),
    phase: el.getAttribute('data-phase') ?? '',
    centroids: JSON.parse(el.getAttribute('data-centroids') ?? '[]') as number[],
  }));
}

async function waitStep(page: Page, step: number): Promise<void> {
  await page.waitForSelector(`[data-testid="kmeans-plot"][data-step="${step}"]`, { timeout: 10_000 });
}

describe('k-means teaching view (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  let tmp: string;
  before(async () => {
    e = await startE2E({ width: 1400, height: 880 });
    tmp = await mkdtemp(join(tmpdir(), 'lathe-teach-'));
  });
  after(async () => {
    await e?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('iris petals: assign/move, step back, k colours on screen, session round trip', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('iris.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("150 rows × 5 columns")', { timeout: 30_000 });
    await page.click('[data-testid="view-teach"]');
    await page.waitForSelector('[data-testid="kmeans-plot"] canvas');
    await page.selectOption('[data-testid="teach-source"]', 'dataset');
    const id = await page.$eval('[data-testid="teach-dataset"] option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
    await page.selectOption('[data-testid="teach-dataset"]', id);
    await page.waitForSelector('[data-testid="teach-x"] option[value="petal length (cm)"]', { state: 'attached' });
    await page.selectOption('[data-testid="teach-x"]', 'petal length (cm)');
    await page.selectOption('[data-testid="teach-y"]', 'petal width (cm)');
    await page.waitForSelector('[data-testid="teach-counts"]:has-text("150 points")');
    await waitStep(page, 0);
    const k = 3;
    const init = await plot(page);
    assert.equal(init.centroids.length, 2 * k);

    // Assign: centroids stay, points get colours. Move: centroids go to the means.
    await page.click('[data-testid="teach-step"]');
    await waitStep(page, 1);
    const assigned = await plot(page);
    assert.equal(assigned.phase, 'assign');
    assert.deepEqual(assigned.centroids, init.centroids);
    assert.match((await page.textContent('[data-testid="teach-phase"]')) ?? '', /Iteration 1: Points assigned/);
    assert.equal((await page.textContent('[data-testid="teach-step"]'))?.trim(), 'Move centroids');
    await page.click('[data-testid="teach-step"]');
    await waitStep(page, 2);
    const moved = await plot(page);
    assert.equal(moved.phase, 'move');
    assert.notDeepEqual(moved.centroids, assigned.centroids);
    await page.click('[data-testid="teach-back"]');
    await waitStep(page, 1);
    assert.deepEqual((await plot(page)).centroids, assigned.centroids, 'step back returns the previous centroids exactly');
    await page.click('[data-testid="teach-step"]');
    await waitStep(page, 2);
    assert.deepEqual((await plot(page)).centroids, moved.centroids);
    await page.click('[data-testid="teach-step"]');
    await waitStep(page, 3);
    const s3 = await plot(page);

    // The screenshot holds the k cluster colours (points drawn in palette colours).
    await page.waitForTimeout(300);
    const shot = await screenshot(page, 'kmeans');
    const counts = sklearn<number[]>(
      `
from PIL import Image
px = np.asarray(Image.open(inp['path']).convert('RGB')).astype(int)
out = []
for c in inp['colors']:
    d = np.abs(px - np.array(c)).sum(axis=2)
    out.append(int((d <= 12).sum()))
`,
      { path: shot, colors: PALETTE.slice(0, 5).map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16))) },
    );
    for (let c = 0; c < k; c++) assert.ok(counts[c]! > 150, `cluster colour ${c + 1}: ${counts[c]} pixels`);
    for (let c = k; c < 5; c++) assert.ok(counts[c]! < 20, `colour ${c + 1} not used: ${counts[c]} pixels`);

    // Save the session, change everything, reopen it: identical centroids at the same step.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="teach-save"]')]);
    const file = join(tmp, dl.suggestedFilename());
    await dl.saveAs(file);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { step: number; k: number; data: { source: string; x: string } };
    assert.equal(saved.step, 3);
    assert.equal(saved.data.source, 'dataset');
    assert.equal(saved.data.x, 'petal length (cm)');
    await page.click('[data-testid="teach-reset"]');
    await page.fill('[data-testid="teach-seed"]', '7');
    await page.press('[data-testid="teach-seed"]', 'Tab');
    await page.selectOption('[data-testid="teach-source"]', 'shape');
    await page.waitForSelector('[data-testid="teach-counts"]:has-text("300 points")');
    await page.setInputFiles('[data-testid="teach-file"]', file);
    await page.waitForSelector('[data-testid="teach-counts"]:has-text("150 points")');
    await waitStep(page, 3);
    assert.deepEqual((await plot(page)).centroids, s3.centroids);

    // A bad file is refused with a clear message naming the field.
    const bad = join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...saved, k: 0 }));
    await page.setInputFiles('[data-testid="teach-file"]', bad);
    const msg = await page.waitForSelector('[data-testid="teach-view"] :text("\\"k\\" must be a whole number")', { timeout: 5000 });
    assert.ok(msg);
  });
});
