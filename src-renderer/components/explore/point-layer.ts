/**
 * The scatter plot's pixel layer: a canvas under the ECharts canvas, lined up
 * with the plot area, where lib/point-raster.ts draws the points when there
 * are too many for ECharts. It follows every ECharts paint ('rendered'): the
 * data window is read back through convertFromPixel, so zoom, pan, resize
 * and the sliders all line up. A pure pan shifts the last frame by whole
 * pixels and draws only the strips that came into view (a frame costs one
 * pass over the points with almost no writes); a full, exact frame follows
 * when the view has been still for IDLE_MS. A zoom or a data change draws
 * the exact frame at once.
 */
import type { ECharts } from 'echarts/core';
import type { PointCloud } from '../../lib/charts/scatter.ts';
import { PointIndex, RasterScratch, rasterizeIndex, rasterizePoints, type RasterResult, type RasterStyle, type RasterView } from '../../lib/point-raster.ts';

/** Every legend event carries the whole `selected` map: a click toggles, actions select, unselect, all, invert. */
const LEGEND_EVENTS = ['legendselectchanged', 'legendselected', 'legendunselected', 'legendselectall', 'legendinverseselect'] as const;

/** Still this long after a pan → the exact frame. */
export const IDLE_MS = 150;

export interface LayerStats {
  /** Exact frames and shifted frames drawn, the last exact frame's ms and points inside. */
  exact: number;
  shifted: number;
  lastMs: number;
  inside: number;
  /** The data window of the last frame (tests compare it with the axes). */
  view: RasterView | null;
}

declare global {
  interface Window {
    __lathe_layers?: Record<string, PointLayer>;
  }
}

export class PointLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private cloud: PointCloud | null = null;
  private index: PointIndex | null = null;
  private hidden: boolean[] = [];
  private scratch = new RasterScratch();
  private strip = new RasterScratch();
  private image: ImageData | null = null;
  private stripImage: ImageData | null = null;
  /** What the canvas holds: the window of its content (after shifts, whole pixels off the true view). */
  private content: RasterView | null = null;
  /** Whether the content is exact for `content` (no shifted strips). */
  private exactContent = false;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private indexing: ReturnType<typeof setTimeout> | undefined;
  private dirty = true;
  readonly stats: LayerStats = { exact: 0, shifted: 0, lastMs: 0, inside: 0, view: null };

  constructor(
    private readonly chart: ECharts,
    host: HTMLElement,
    readonly name: string,
  ) {
    this.canvas = document.createElement('canvas');
    // Behind ECharts' canvas (z-index −1 inside the host's own stacking context), after it in the DOM
    // so `host canvas` still finds ECharts' canvas first.
    this.canvas.style.cssText = 'position:absolute;left:0;top:0;z-index:-1;pointer-events:none;display:none';
    this.canvas.dataset.testid = 'point-layer';
    if (getComputedStyle(host).position === 'static') host.style.position = 'relative';
    host.style.isolation = 'isolate';
    host.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: false });
    if (!ctx) throw new Error('This browser gives no 2D canvas; the point layer cannot draw.');
    this.ctx = ctx;
    chart.on('rendered', this.onRendered);
    for (const ev of LEGEND_EVENTS) chart.on(ev, this.onLegend);
    (window.__lathe_layers ??= {})[name] = this;
  }

  /** New points (or none: ECharts draws them). Drawn on the next ECharts paint. */
  set(cloud: PointCloud | null): void {
    if (cloud === this.cloud) return;
    this.cloud = cloud;
    // The cell index is built after the first frame (it costs more than one plain pass), see exact().
    this.index = null;
    clearTimeout(this.indexing);
    this.indexing = undefined;
    this.hidden = [];
    this.dirty = true;
    this.content = null;
    if (!cloud) this.canvas.style.display = 'none';
  }

  dispose(): void {
    clearTimeout(this.idle);
    clearTimeout(this.indexing);
    this.chart.off('rendered', this.onRendered);
    for (const ev of LEGEND_EVENTS) this.chart.off(ev, this.onLegend);
    this.canvas.remove();
    if (window.__lathe_layers?.[this.name] === this) delete window.__lathe_layers[this.name];
  }

  private onLegend = (p: unknown): void => {
    const selected = (p as { selected?: Record<string, boolean> }).selected ?? {};
    this.hidden = (this.cloud?.names ?? []).map((n) => selected[n] === false);
    this.dirty = true;
  };

  private onRendered = (): void => {
    this.sync();
  };

  /** The current plot area (CSS px) and data window, from ECharts. */
  private currentView(): { left: number; top: number; cssW: number; cssH: number; view: RasterView } | null {
    const cloud = this.cloud;
    if (!cloud) return null;
    const { left, right, top, bottom } = cloud.grid;
    const cssW = this.chart.getWidth() - left - right;
    const cssH = this.chart.getHeight() - top - bottom;
    if (cssW < 1 || cssH < 1) return null;
    const a = this.chart.convertFromPixel({ gridIndex: 0 }, [left, top + cssH]) as number[] | undefined;
    const b = this.chart.convertFromPixel({ gridIndex: 0 }, [left + cssW, top]) as number[] | undefined;
    if (!a || !b) return null;
    const [x0, y0] = a;
    const [x1, y1] = b;
    if (!Number.isFinite(x0) || !Number.isFinite(x1) || !Number.isFinite(y0) || !Number.isFinite(y1) || !(x1! > x0!) || !(y1! > y0!)) return null;
    const dpr = window.devicePixelRatio || 1;
    return { left, top, cssW, cssH, view: { x0: x0!, x1: x1!, y0: y0!, y1: y1!, width: Math.round(cssW * dpr), height: Math.round(cssH * dpr) } };
  }

  /** Rasterise through the cell index when it is built, else in one plain pass over the points. */
  private raster(v: RasterView, style: RasterStyle, scratch: RasterScratch): RasterResult {
    if (this.index) return rasterizeIndex(this.index, v, style, scratch);
    return rasterizePoints(this.cloud!.xs, this.cloud!.ys, v, style, scratch);
  }

  /**
   * Bucket the points by cells once per data, after the first frame is up (a plain pass is
   * cheaper than building the index, so the first paint does not wait for it); every frame
   * after reads only the cells in view and its writes land close together.
   */
  private buildIndexSoon(): void {
    if (this.index || this.indexing !== undefined) return;
    const cloud = this.cloud;
    this.indexing = setTimeout(() => {
      this.indexing = undefined;
      if (cloud && cloud === this.cloud && !this.index) this.index = new PointIndex(cloud.xs, cloud.ys, cloud.group);
    }, 50);
  }

  private style(): RasterStyle {
    const c = this.cloud!;
    return { group: c.group, colors: c.colors, hidden: this.hidden };
  }

  /** Bring the canvas up to the chart's current view. */
  sync(): void {
    const cur = this.currentView();
    if (!cur) return;
    const { view } = cur;
    const c = this.content;
    const sameSize = c && c.width === view.width && c.height === view.height;
    if (!this.dirty && sameSize && c.x0 === view.x0 && c.x1 === view.x1 && c.y0 === view.y0 && c.y1 === view.y1) return;
    const s = this.canvas.style;
    s.left = `${cur.left}px`;
    s.top = `${cur.top}px`;
    s.width = `${cur.cssW}px`;
    s.height = `${cur.cssH}px`;
    s.display = 'block';
    const spanX = view.x1 - view.x0;
    const spanY = view.y1 - view.y0;
    const sameScale = c && sameSize && Math.abs((c.x1 - c.x0) / spanX - 1) < 1e-9 && Math.abs((c.y1 - c.y0) / spanY - 1) < 1e-9;
    if (!this.dirty && sameScale && this.shift(c, view)) {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => this.exact(), IDLE_MS);
      return;
    }
    this.exact(view);
  }

  /** The exact frame for the view (the current one when not given). */
  private exact(view?: RasterView): void {
    clearTimeout(this.idle);
    const v = view ?? this.currentView()?.view;
    if (!v || !this.cloud) return;
    if (!view && this.exactContent && this.content && sameView(this.content, v)) return;
    const t0 = performance.now();
    if (this.canvas.width !== v.width || this.canvas.height !== v.height) {
      this.canvas.width = v.width;
      this.canvas.height = v.height;
    }
    if (!this.image || this.image.width !== v.width || this.image.height !== v.height) this.image = new ImageData(v.width, v.height);
    const r = this.raster(v, this.style(), this.scratch);
    this.buildIndexSoon();
    new Uint32Array(this.image.data.buffer).set(r.pixels);
    this.ctx.putImageData(this.image, 0, 0);
    this.content = v;
    this.exactContent = true;
    this.dirty = false;
    this.stats.exact++;
    this.stats.lastMs = performance.now() - t0;
    this.stats.inside = r.inside;
    this.stats.view = v;
  }

  /**
   * Move the content by whole pixels towards `view` and draw the strips that
   * came into view. False when the move is too large to be worth it.
   */
  private shift(c: RasterView, view: RasterView): boolean {
    const w = view.width;
    const h = view.height;
    const dx = Math.round(((c.x0 - view.x0) * w) / (view.x1 - view.x0));
    const dy = Math.round(((view.y1 - c.y1) * h) / (view.y1 - view.y0));
    if (Math.abs(dx) >= w / 2 || Math.abs(dy) >= h / 2) return false;
    if (dx === 0 && dy === 0) return true;
    const pxX = (c.x1 - c.x0) / w;
    const pxY = (c.y1 - c.y0) / h;
    // The content's window after the move: the old one moved by whole pixels.
    const moved: RasterView = { ...c, x0: c.x0 - dx * pxX, x1: c.x1 - dx * pxX, y0: c.y0 + dy * pxY, y1: c.y1 + dy * pxY };
    const ctx = this.ctx;
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(this.canvas, dx, dy);
    ctx.globalCompositeOperation = 'source-over';
    // Strips: columns [0, dx) or [w + dx, w); rows [0, dy) or [h + dy, h).
    if (dx !== 0) {
      const cols = Math.abs(dx);
      const at = dx > 0 ? 0 : w - cols;
      this.drawStrip(moved, at, 0, cols, h);
    }
    if (dy !== 0) {
      const rows = Math.abs(dy);
      const at = dy > 0 ? 0 : h - rows;
      this.drawStrip(moved, 0, at, w, rows);
    }
    this.content = moved;
    this.exactContent = false;
    this.stats.shifted++;
    return true;
  }

  /** Rasterise the sub-window of `v` at pixel (px, py) of size sw × sh into the canvas. */
  private drawStrip(v: RasterView, px: number, py: number, sw: number, sh: number): void {
    const pxX = (v.x1 - v.x0) / v.width;
    const pxY = (v.y1 - v.y0) / v.height;
    const sub: RasterView = { x0: v.x0 + px * pxX, x1: v.x0 + (px + sw) * pxX, y1: v.y1 - py * pxY, y0: v.y1 - (py + sh) * pxY, width: sw, height: sh };
    const r = this.raster(sub, this.style(), this.strip);
    let img = this.stripImage;
    if (!img || img.width !== sw || img.height !== sh) img = this.stripImage = new ImageData(sw, sh);
    new Uint32Array(img.data.buffer).set(r.pixels);
    this.ctx.putImageData(img, px, py);
  }

  /**
   * The current view drawn afresh at `scale` device pixels per CSS pixel (exports), with where it
   * goes in the chart (CSS px); null when the layer draws nothing.
   */
  renderAt(scale: number): { canvas: HTMLCanvasElement; left: number; top: number; width: number; height: number } | null {
    const cur = this.currentView();
    if (!cur || !this.cloud) return null;
    const v: RasterView = { ...cur.view, width: Math.round(cur.cssW * scale), height: Math.round(cur.cssH * scale) };
    const r = this.raster(v, { ...this.style(), dot: scale >= 2 ? 2 : 1 }, new RasterScratch());
    const canvas = document.createElement('canvas');
    canvas.width = v.width;
    canvas.height = v.height;
    const img = new ImageData(v.width, v.height);
    new Uint32Array(img.data.buffer).set(r.pixels);
    canvas.getContext('2d')!.putImageData(img, 0, 0);
    return { canvas, left: cur.left, top: cur.top, width: cur.cssW, height: cur.cssH };
  }

  /** Whether a layer is drawing (the chart's points are in it). */
  get active(): boolean {
    return this.cloud !== null;
  }
}

function sameView(a: RasterView, b: RasterView): boolean {
  return a.x0 === b.x0 && a.x1 === b.x1 && a.y0 === b.y0 && a.y1 === b.y1 && a.width === b.width && a.height === b.height;
}
