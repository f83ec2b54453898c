/**
 * Scatter-plot and correlation benchmark (not a test): in headless Chromium
 * against the real browser-mode server,
 *  - "open scatter" → first complete paint (ECharts' `finished`) for 100k and
 *    1M points (columns fetched as Float64Arrays over the WebSocket, large mode);
 *  - frame time while panning (a dataZoom step every animation frame);
 *  - ml.correlate on 1M rows × 20 numeric columns (Pearson and Spearman), and
 *    pandas' DataFrame.corr on the same file for a ratio.
 * Run: node --import tsx bench/scatter.ts   (generates bench/.data/scatter_*.csv once)
 *      node --import tsx bench/scatter.ts --scatter-only   (skips the correlation part)
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../src-main/engine/engine.ts';
import { RpcClient, RpcServer } from '../src-shared/rpc/core.ts';
import { memoryTransportPair } from '../src-shared/rpc/memory.ts';
import { ROOT, startE2E, type E2E } from '../tests/helpers/e2e.ts';
import type { Page } from 'playwright-core';

const DATA = join(ROOT, 'bench', '.data');
const COLS = 20;

/** n rows of 20 correlated numeric columns (an AR(1) chain across columns) and a 3-level class; seeded. */
async function writeCsv(path: string, n: number): Promise<void> {
  if (existsSync(path)) return;
  mkdirSync(DATA, { recursive: true });
  let s = 0x2545f491;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const out = createWriteStream(path);
  const write = (t: string): Promise<void> => (out.write(t) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r())));
  await write(Array.from({ length: COLS }, (_, j) => `c${String(j + 1).padStart(2, '0')}`).join(',') + ',cls\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const cls = i % 3;
    let v = normal() + cls;
    const row: string[] = [];
    for (let j = 0; j < COLS; j++) {
      row.push(v.toFixed(4));
      v = 0.8 * v + 0.6 * normal();
    }
    buf += row.join(',') + `,k${cls}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

function stats(xs: number[]): { median: number; p95: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/**
 * Open the scatter of (x, y) from the selectors and wait for the app's own "drawn in N ms"; also the
 * part of it spent until the columns arrived (engine read + transfer), the rest being the renderer's.
 */
async function openScatter(page: Page, y: string): Promise<{ paint: number; columns: number; mode: string }> {
  await page.selectOption('[data-testid="scatter-y"]', y);
  const h = await page.waitForSelector('[data-testid="scatter-count"]:has-text("drawn in")', { timeout: 120_000 });
  const m = /drawn in (\d+) ms/.exec((await h.textContent()) ?? '');
  return { paint: Number(m?.[1]), columns: Number(await h.getAttribute('data-columns-ms')), mode: (await h.getAttribute('data-mode')) ?? '?' };
}

/**
 * Pan: one dataZoom step per animation frame for `frames` frames; the
 * intervals between frames. Sent as source text: tsx's name helpers do not
 * exist in the page.
 */
async function pan(page: Page, frames: number): Promise<number[]> {
  const script = `new Promise((resolve) => {
    const c = window.__lathe_charts.scatter;
    c.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 20, end: 60 });
    setTimeout(() => {
      const times = [];
      let i = 0;
      const tick = (t) => {
        times.push(t);
        if (i++ >= ${frames}) return resolve(times.slice(1).map((x, k) => x - times[k]));
        const start = 20 + 20 * Math.sin(i / 10);
        c.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start, end: start + 40 });
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, 500);
  })`;
  return (await page.evaluate(script)) as number[];
}

async function main(): Promise<void> {
  const f1m = join(DATA, 'scatter_1000000x20.csv');
  const f100k = join(DATA, 'scatter_100000x20.csv');
  console.log('generating data (once)…');
  await writeCsv(f100k, 100_000);
  await writeCsv(f1m, 1_000_000);

  let engine: Engine | undefined;
  const e: E2E = await startE2E({
    width: 1400,
    height: 900,
    makeEngine: async (dir) => (engine = await createEngine({ dataDir: dir, shell: 'browser', seedSamples: false })),
  });
  try {
    const [a, b] = memoryTransportPair();
    new RpcServer(engine!.handlers, b);
    const client = new RpcClient(a);
    const ids: Record<string, string> = {};
    for (const [name, path] of [['100k', f100k], ['1M', f1m]] as const) {
      const t0 = performance.now();
      const r = await client.call('datasets.importPath', { path });
      ids[name] = r.dataset.id;
      console.log(`import ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }

    const scatterOnly = process.argv.includes('--scatter-only');
    // Correlation matrix, 1M rows × 20 columns.
    const columns = Array.from({ length: COLS }, (_, j) => `c${String(j + 1).padStart(2, '0')}`);
    const corr: Record<string, number> = {};
    for (const method of scatterOnly ? [] : (['pearson', 'spearman'] as const)) {
      const t0 = performance.now();
      await client.call('ml.correlate', { datasetId: ids['1M']!, method, columns });
      corr[method] = (performance.now() - t0) / 1000;
      console.log(`ml.correlate ${method} 1M × ${COLS}: ${corr[method]!.toFixed(2)} s`);
    }
    const py = scatterOnly ? [NaN, NaN] : execFileSync('/usr/bin/python3', [
      '-c',
      `import time, pandas as pd
d = pd.read_csv(${JSON.stringify(f1m)}, usecols=range(${COLS}))
t = time.perf_counter(); d.corr('pearson'); p = time.perf_counter() - t
t = time.perf_counter(); d.corr('spearman'); s = time.perf_counter() - t
print(p, s)`,
    ])
      .toString()
      .trim()
      .split(/\s+/)
      .map(Number);

    const { page } = e;
    const results: string[] = [];
    for (const name of ['100k', '1M'] as const) {
      await page.click('[data-testid="view-data"]');
      await page.click(`[data-testid="dataset-item"][data-name="scatter_${name === '1M' ? '1000000' : '100000'}x20"] button.pick`);
      await page.waitForSelector(`[data-testid="dataset-dims"]:has-text("${name === '1M' ? '1,000,000' : '100,000'} rows")`, { timeout: 60_000 });
      await page.click('[data-testid="view-explore"]');
      await page.click('[data-testid="explore-tab-scatter"]');
      await page.selectOption('[data-testid="scatter-color"]', '');
      await page.waitForSelector('[data-testid="scatter-count"]:has-text("drawn in")', { timeout: 120_000 });
      const opens: { paint: number; columns: number; mode: string }[] = [];
      for (const y of ['c03', 'c02', 'c04', 'c02']) opens.push(await openScatter(page, y));
      const paints = opens.map((o) => o.paint);
      const frames = await pan(page, 90);
      const p = stats(paints);
      const f = stats(frames);
      const layer = (await page.evaluate('(() => { const l = window.__lathe_layers && window.__lathe_layers.scatter; return l ? { exact: l.stats.exact, shifted: l.stats.shifted, lastMs: l.stats.lastMs } : null; })()')) as { exact: number; shifted: number; lastMs: number } | null;
      results.push(
        `${name.padStart(4)} points (${opens[0]!.mode}): open → first paint median ${p.median.toFixed(0)} ms (runs ${paints.join(', ')}; columns arrived after ${opens.map((o) => o.columns).join(', ')} ms); ` +
          `pan frame median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms → ${(1000 / f.mean).toFixed(1)} fps` +
          (layer ? ` (pixel layer: ${layer.shifted} shifted + ${layer.exact} exact frames, last exact ${layer.lastMs.toFixed(1)} ms)` : ''),
      );
      console.log(results[results.length - 1]);
    }
    console.log(`\nScatter (headless Chromium, software rendering, this machine; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    for (const r of results) console.log('  ' + r);
    if (scatterOnly) return;
    console.log('\nCorrelation matrix, 1,000,000 rows × 20 columns:');
    console.log(`  Lathe ml.correlate pearson ${corr.pearson!.toFixed(2)} s, spearman ${corr.spearman!.toFixed(2)} s (in a worker, reading from the store)`);
    console.log(`  pandas DataFrame.corr pearson ${py[0]!.toFixed(2)} s, spearman ${py[1]!.toFixed(2)} s (in memory, after read_csv)`);
    console.log(`  ratio Lathe/pandas: pearson ${(corr.pearson! / py[0]!).toFixed(2)}×, spearman ${(corr.spearman! / py[1]!).toFixed(2)}×`);
  } finally {
    await e.close();
  }
}

await main();
