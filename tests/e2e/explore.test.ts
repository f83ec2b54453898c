/**
 * Explore view end to end in Chromium: the wine correlation heatmap (14 × 14
 * cells), a click on a cell opens the scatter plot of that pair, and a brush
 * over exactly 10 points lists those 10 rows. Screenshots for the README.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, datasetPath, dropFile, screenshot, startE2E, type E2E } from '../helpers/e2e.ts';

const skip = chromiumMissing();

describe('explore: heatmap, scatter, brushing (browser mode, Chromium)', { skip: skip ?? false }, () => {
  let e: E2E;
  before(async () => {
    e = await startE2E({ width: 1400, height: 900 });
  });
  after(async () => {
    await e?.close();
  });

  test('wine: 14 × 14 heatmap; a cell opens its scatter; a brush over 10 points shows 10 rows', async () => {
    const { page } = e;
    await dropFile(page, datasetPath('wine.csv'));
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("178 rows × 14 columns")', { timeout: 30_000 });
    await page.click('[data-testid="view-explore"]');
    await page.waitForSelector('[data-testid="heatmap"] canvas', { timeout: 30_000 });
    await page.waitForFunction(() => {
      const c = window.__lathe_charts?.heatmap;
      const o = c?.getOption() as { series?: { data?: unknown[] }[] } | undefined;
      return (o?.series?.[0]?.data?.length ?? 0) > 0;
    });
    const cells = await page.evaluate(() => {
      const o = window.__lathe_charts!.heatmap!.getOption() as { series: { data: unknown[] }[]; xAxis: { data: string[] }[]; yAxis: { data: string[] }[] };
      return { n: o.series[0]!.data.length, x: o.xAxis[0]!.data, y: o.yAxis[0]!.data };
    });
    assert.equal(cells.n, 14 * 14);
    assert.equal(cells.x.length, 14);
    assert.deepEqual(cells.x, cells.y);
    assert.match((await page.textContent('[data-testid="corr-dims"]')) ?? '', /14 × 14 columns/);
    assert.match((await page.textContent('[data-testid="measure-legend"]')) ?? '', /Pearson r/);
    await page.waitForTimeout(300);
    await screenshot(page, 'heatmap');

    // Click the cell at (x = alcohol, y = proline): the scatter of proline vs alcohol opens.
    const xi = cells.x.indexOf('alcohol');
    const yi = cells.y.indexOf('proline');
    const at = await page.evaluate(
      ([xi, yi]) => {
        const c = window.__lathe_charts!.heatmap!;
        const p = c.convertToPixel({ seriesIndex: 0 }, [xi, yi]) as number[];
        const r = c.getDom().getBoundingClientRect();
        return [r.left + p[0]!, r.top + p[1]!];
      },
      [xi, yi],
    );
    await page.mouse.click(at[0]!, at[1]!);
    await page.waitForSelector('[data-testid="scatter"][data-x="alcohol"][data-y="proline"] canvas', { timeout: 15_000 });
    await page.waitForFunction(() => (window.__lathe_charts?.scatter?.getOption() as { series?: unknown[] } | undefined)?.series?.length);
    const axes = await page.evaluate(() => {
      const o = window.__lathe_charts!.scatter!.getOption() as { xAxis: { name: string }[]; yAxis: { name: string }[]; title: { text: string; subtext: string }[] };
      return { x: o.xAxis[0]!.name, y: o.yAxis[0]!.name, title: o.title[0]!.text, sub: o.title[0]!.subtext };
    });
    assert.equal(axes.x, 'alcohol');
    assert.equal(axes.y, 'proline');
    assert.match(axes.sub, /R² = 0\.\d{3} \(178 points\)/);

    // A rectangle holding exactly the 10 points of largest alcohol (found from the chart's own data).
    const area = await page.evaluate(() => {
      const o = window.__lathe_charts!.scatter!.getOption() as { series: { type: string; data: ArrayLike<number>; dimensions?: unknown[] }[] };
      const pts: [number, number][] = [];
      for (const s of o.series) {
        if (s.type !== 'scatter') continue;
        const d = s.data;
        const dim = s.dimensions?.length ?? 2;
        for (let i = 0; i + 1 < d.length; i += dim) pts.push([d[i]!, d[i + 1]!]);
      }
      // The 10 points at one end of one axis, where the 10th and 11th values differ.
      for (const [axis, sign] of [[0, -1], [0, 1], [1, -1], [1, 1]] as const) {
        const v = pts.map((p) => p[axis]).sort((a, b) => sign * (a - b));
        if (v[9] === v[10]) continue;
        const cut = (v[9]! + v[10]!) / 2;
        const range: [number, number] = sign < 0 ? [cut, v[0]! + 1] : [v[0]! - 1, cut];
        const all: [number, number] = [-1e9, 1e9];
        return { ok: true, axis, sign, total: pts.length, coordRange: axis === 0 ? [range, all] : [all, range] };
      }
      return { ok: false, axis: 0, sign: 0, total: pts.length, coordRange: [] };
    });
    assert.ok(area.ok, 'some axis end holds exactly 10 points');
    assert.equal(area.total, 178);
    await page.evaluate((coordRange) => {
      window.__lathe_charts!.scatter!.dispatchAction({ type: 'brush', areas: [{ brushType: 'rect', xAxisIndex: 0, yAxisIndex: 0, coordRange }] });
    }, area.coordRange);
    await page.waitForSelector('[data-testid="selected-rows"][data-count="10"]', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="selected-row"]').length === 10, undefined, { timeout: 10_000 });
    // The listed rows are those points: their values lie inside the rectangle.
    const col = area.axis === 0 ? 'alcohol' : 'proline';
    const values = await page.$$eval(
      '[data-testid="selected-rows"]',
      (cards, col) => {
        const card = cards[0]!;
        const heads = [...card.querySelectorAll('th')].map((t) => t.textContent?.trim());
        const k = heads.indexOf(col);
        return [...card.querySelectorAll('[data-testid="selected-row"]')].map((r) => Number(r.querySelectorAll('td')[k]?.textContent));
      },
      col,
    );
    const range = area.coordRange[area.axis] as [number, number];
    assert.equal(values.length, 10);
    for (const v of values) assert.ok(v >= range[0] && v <= range[1], `${col} ${v} in ${range}`);
    await page.waitForTimeout(200);
    await screenshot(page, 'scatter');
  });

  test('informative projections rank wine pairs and a row opens its scatter', async () => {
    const { page } = e;
    await page.click('[data-testid="explore-tab-projections"]');
    await page.click('[data-testid="proj-run"]');
    await page.waitForSelector('[data-testid="proj-row"]', { timeout: 60_000 });
    assert.equal((await page.$$('[data-testid="proj-row"]')).length, 78);
    const first = await page.$$eval('[data-testid="proj-row"]:first-child td', (tds) => tds.map((t) => t.textContent?.trim() ?? ''));
    await page.click('[data-testid="proj-row"]:first-child');
    await page.waitForSelector(`[data-testid="scatter"][data-x="${first[1]}"][data-y="${first[2]}"] canvas`, { timeout: 15_000 });
  });
});
