/**
 * Explore view end to end in Chromium: the wine correlation heatmap (14 × 14
 * cells), a click on a cell opens the scatter plot of that pair, and a brush
 * over exactly 10 points lists those 10 rows. Screenshots for the README.
 * Wine repeated 300 times (53,400 rows) is drawn as pixels: the plot says
 * so, every point's pixel is lit, a brush selects the right rows, a pan
 * redraws the layer for the new axes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

  test('wine × 300 (53,400 points) is drawn as pixels: all points lit, brush selects the right rows, pan follows the axes', async () => {
    const { page } = e;
    await page.click('[data-testid="view-data"]');
    await dropFile(page, datasetPath('wine.csv'), { name: 'wine_x300.csv', repeatBody: 299 });
    await page.waitForSelector('[data-testid="dataset-dims"]:has-text("53,400 rows × 14 columns")', { timeout: 60_000 });
    await page.click('[data-testid="view-explore"]');
    await page.click('[data-testid="explore-tab-scatter"]');
    await page.selectOption('[data-testid="scatter-x"]', 'alcohol');
    await page.selectOption('[data-testid="scatter-y"]', 'proline');
    await page.waitForSelector('[data-testid="scatter"][data-x="alcohol"][data-y="proline"]', { timeout: 30_000 });
    const count = await page.waitForSelector('[data-testid="scatter-count"][data-mode="pixels"]:has-text("drawn in")', { timeout: 60_000 });
    assert.match((await count.textContent()) ?? '', /53,400 points, drawn as pixels/);
    const sub = await page.evaluate(() => (window.__lathe_charts!.scatter!.getOption() as { title: { subtext: string }[] }).title[0]!.subtext);
    assert.match(sub, /53,400 points, drawn as pixels/);
    assert.match(sub, /R² = 0\.\d{3} \(53,400 points\)/);

    // The wine pairs, read from the file here.
    const lines = readFileSync(datasetPath('wine.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!.split(',');
    const pts = lines.slice(1).map((l) => {
      const v = l.split(',').map(Number);
      return [v[head.indexOf('alcohol')]!, v[head.indexOf('proline')]!] as [number, number];
    });
    assert.equal(pts.length, 178);

    /** Points whose pixel (3 × 3 around where ECharts maps them) is lit in the layer, and the alpha of the top-left corner. */
    const litCount = (points: [number, number][]): Promise<{ lit: number; inView: number; corner: number; exact: number; inside: number; view: { x0: number; x1: number; y0: number; y1: number } | null; axes: number[] }> =>
      page.evaluate((points) => {
        const c = window.__lathe_charts!.scatter!;
        const layer = window.__lathe_layers!.scatter!;
        const cv = layer.canvas;
        const img = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height);
        const left = parseFloat(cv.style.left);
        const top = parseFloat(cv.style.top);
        // Pixel positions in the layer: the points that map inside it, then the top-left corner. (No named
        // functions in here: tsx would wrap them in a helper the page does not have.)
        const at: [number, number][] = [];
        for (const [x, y] of points) {
          const p = c.convertToPixel({ gridIndex: 0 }, [x, y]) as number[];
          const px = p[0]! - left;
          const py = p[1]! - top;
          if (px >= 0 && py >= 0 && px <= cv.width && py <= cv.height) at.push([px, py]);
        }
        at.push([2, 2]);
        const alpha = at.map(([px, py]) => {
          let best = 0;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const x = Math.floor(px) + dx;
              const y = Math.floor(py) + dy;
              if (x >= 0 && y >= 0 && x < cv.width && y < cv.height) best = Math.max(best, img.data[(y * cv.width + x) * 4 + 3]!);
            }
          return best;
        });
        const corner = alpha.pop()!;
        const inView = alpha.length;
        const lit = alpha.filter((a) => a > 0).length;
        // The data window at the plot area's corners, as the axes have it now.
        const a = c.convertFromPixel({ gridIndex: 0 }, [left, top + cv.height]) as number[];
        const b = c.convertFromPixel({ gridIndex: 0 }, [left + cv.width, top]) as number[];
        const v = layer.stats.view;
        return { lit, inView, corner, exact: layer.stats.exact, inside: layer.stats.inside, view: v && { x0: v.x0, x1: v.x1, y0: v.y0, y1: v.y1 }, axes: [a[0]!, b[0]!, a[1]!, b[1]!] };
      }, points);

    const first = await litCount(pts);
    assert.equal(first.inView, 178);
    assert.equal(first.lit, 178, 'every wine point is lit');
    assert.equal(first.corner, 0, 'no data in the top-left corner (low alcohol, high proline)');
    assert.equal(first.inside, 53_400);

    // Coloured by the class (target): switching a class off in the legend takes its rows out of the layer.
    const perClass = [0, 0, 0];
    for (const l of lines.slice(1)) perClass[Number(l.split(',')[head.indexOf('target')])]! += 300;
    await page.evaluate(() => window.__lathe_charts!.scatter!.dispatchAction({ type: 'legendUnSelect', name: '0' }));
    await page.waitForFunction((want) => window.__lathe_layers!.scatter!.stats.inside === want, 53_400 - perClass[0]!, { timeout: 10_000 });
    await page.evaluate(() => window.__lathe_charts!.scatter!.dispatchAction({ type: 'legendSelect', name: '0' }));
    await page.waitForFunction(() => window.__lathe_layers!.scatter!.stats.inside === 53_400, undefined, { timeout: 10_000 });

    // PNG export carries the points: coloured pixels inside the plot area (only the points are coloured there).
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-scatter"]')]);
    const b64 = readFileSync((await dl.path())!).toString('base64');
    const png = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const cv = document.createElement('canvas');
      cv.width = bmp.width;
      cv.height = bmp.height;
      const ctx = cv.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const layer = window.__lathe_layers!.scatter!.canvas;
      const [l, t, w, h] = [layer.style.left, layer.style.top, layer.style.width, layer.style.height].map((v) => parseFloat(v) * 2);
      const d = ctx.getImageData(l!, t!, w!, h!).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 40) coloured++;
      const c = window.__lathe_charts!.scatter!;
      return { w: bmp.width, h: bmp.height, cw: c.getWidth() * 2, ch: c.getHeight() * 2, coloured };
    }, b64);
    assert.equal(png.w, png.cw);
    assert.equal(png.h, png.ch);
    assert.ok(png.coloured > 300, `points in the exported PNG (${png.coloured} coloured pixels in the plot area)`);

    // Brush the k ≥ 10 wines of largest alcohol (k where the k-th and next values differ): k × 300 rows, alcohol above the cut.
    const sorted = pts.map((p) => p[0]).sort((a, b) => b - a);
    let k = 10;
    while (sorted[k - 1] === sorted[k]) k++;
    const cut = (sorted[k - 1]! + sorted[k]!) / 2;
    await page.evaluate((cut) => {
      window.__lathe_charts!.scatter!.dispatchAction({ type: 'brush', areas: [{ brushType: 'rect', xAxisIndex: 0, yAxisIndex: 0, coordRange: [[cut, 100], [-1e9, 1e9]] }] });
    }, cut);
    await page.waitForSelector(`[data-testid="selected-rows"][data-count="${k * 300}"]`, { timeout: 15_000 });
    await page.waitForSelector('[data-testid="selected-row"]', { timeout: 15_000 });
    const alcohols = await page.$$eval('[data-testid="selected-rows"]', (cards) => {
      const card = cards[0]!;
      const k = [...card.querySelectorAll('th')].map((t) => t.textContent?.trim()).indexOf('alcohol');
      return [...card.querySelectorAll('[data-testid="selected-row"]')].map((r) => Number(r.querySelectorAll('td')[k]?.textContent));
    });
    for (const a of alcohols) assert.ok(a > cut, `alcohol ${a} > ${cut}`);
    await page.evaluate(() => window.__lathe_charts!.scatter!.dispatchAction({ type: 'brush', areas: [] }));

    // Zoom in on x, then pan: the layer follows the axes and its last frame is exact for them.
    await page.evaluate(() => window.__lathe_charts!.scatter!.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 20, end: 60 }));
    for (const start of [22, 25, 30, 33]) {
      await page.evaluate((start) => window.__lathe_charts!.scatter!.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start, end: start + 40 }), start);
      await page.waitForTimeout(30);
    }
    // the layer redraws on the last zoom event a moment later (later still on a loaded machine): wait
    // until its frame is for the axes' window as they stand, rather than a fixed time
    await page.waitForFunction(
      () => {
        const c = window.__lathe_charts!.scatter!;
        const layer = window.__lathe_layers!.scatter!;
        const cv = layer.canvas;
        const v = layer.stats.view;
        if (!v) return false;
        const left = parseFloat(cv.style.left);
        const top = parseFloat(cv.style.top);
        const a = c.convertFromPixel({ gridIndex: 0 }, [left, top + cv.height]) as number[];
        const b = c.convertFromPixel({ gridIndex: 0 }, [left + cv.width, top]) as number[];
        const sx = (b[0]! - a[0]!) * 1e-9;
        const sy = (b[1]! - a[1]!) * 1e-9;
        return Math.abs(v.x0 - a[0]!) <= sx && Math.abs(v.x1 - b[0]!) <= sx && Math.abs(v.y0 - a[1]!) <= sy && Math.abs(v.y1 - b[1]!) <= sy;
      },
      undefined,
      { timeout: 15_000, polling: 100 },
    );
    const panned = await litCount(pts);
    assert.ok(panned.exact > first.exact, 'an exact frame after the pan');
    assert.ok(panned.view);
    const [ax0, ax1, ay0, ay1] = panned.axes;
    const close = (a: number, b: number, span: number): boolean => Math.abs(a - b) <= span * 1e-9;
    assert.ok(close(panned.view.x0, ax0!, ax1! - ax0!) && close(panned.view.x1, ax1!, ax1! - ax0!), `layer x ${panned.view.x0}..${panned.view.x1} = axis ${ax0}..${ax1}`);
    assert.ok(close(panned.view.y0, ay0!, ay1! - ay0!) && close(panned.view.y1, ay1!, ay1! - ay0!));
    const inWindow = pts.filter(([x, y]) => x >= ax0! && x <= ax1! && y >= ay0! && y <= ay1!).length;
    assert.ok(inWindow > 20 && inWindow < 178, `a zoomed window shows part of the data (${inWindow})`);
    assert.equal(panned.inView, inWindow);
    assert.equal(panned.lit, inWindow, 'every point in the panned window is lit');
    assert.equal(panned.inside, inWindow * 300);
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
