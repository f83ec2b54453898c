/**
 * Points drawn as pixels: one pass over typed-array coordinates counts the
 * points (and sums their colours) per pixel of a view window, a second pass
 * over the pixels turns counts into colour and opacity. Used by the scatter
 * plot above a few tens of thousands of points, where a vector renderer
 * (ECharts) spends seconds per frame; this costs a few milliseconds per
 * million points, so zoom and pan stay interactive and every point is drawn
 * (nothing is thinned). Pure: no DOM, tested under Node. The output is a
 * Uint32Array laid out like ImageData on little-endian machines (0xAABBGGRR).
 */

/** The data window shown and the pixels it maps to (row 0 is the top, y1). */
export interface RasterView {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  width: number;
  height: number;
}

export interface RasterStyle {
  /** Per point: index into `colors`; a point whose code has no colour (e.g. 255, missing) is drawn in `missingColor`. */
  group?: Uint8Array | null;
  /** 0xRRGGBB per group (or the one colour when `group` is absent). */
  colors: readonly number[];
  /** Groups switched off (legend): their points are not drawn. */
  hidden?: readonly boolean[];
  /** Colour of points whose group has no colour (0xRRGGBB). */
  missingColor?: number;
  /** Side of the square a point covers, in pixels: 1 or 2 (default 2). */
  dot?: 1 | 2;
  /** Opacity of one point; k stacked points give 1 − (1 − a)^k (default 0.45). */
  alpha?: number;
  /** Darken dense pixels by log density (default true), so structure inside solid areas shows. */
  shade?: boolean;
}

export interface RasterResult {
  /** Pixels as ImageData bytes read as little-endian Uint32 (0xAABBGGRR); 0 = transparent. */
  pixels: Uint32Array;
  /** Points inside the window (drawn). */
  inside: number;
  /** Most points on one pixel (before the dot spreads them). */
  maxCount: number;
}

/** Buffers kept between frames so a pan does not allocate (sized to the view on first use). */
export class RasterScratch {
  count = new Uint32Array(0);
  r = new Uint32Array(0);
  g = new Uint32Array(0);
  b = new Uint32Array(0);
  pixels = new Uint32Array(0);

  ensure(size: number, colored: boolean): void {
    if (this.count.length !== size) {
      this.count = new Uint32Array(size);
      this.pixels = new Uint32Array(size);
    } else {
      this.count.fill(0);
    }
    if (colored) {
      if (this.r.length !== size) {
        this.r = new Uint32Array(size);
        this.g = new Uint32Array(size);
        this.b = new Uint32Array(size);
      } else {
        this.r.fill(0);
        this.g.fill(0);
        this.b.fill(0);
      }
    }
  }
}

function checkView(v: RasterView): void {
  for (const k of ['x0', 'x1', 'y0', 'y1'] as const) {
    if (!Number.isFinite(v[k])) throw new RangeError(`The raster view's ${k} must be a finite number; got ${v[k]}.`);
  }
  if (!(v.x1 > v.x0) || !(v.y1 > v.y0)) throw new RangeError(`The raster view must have x1 > x0 and y1 > y0; got x ${v.x0}..${v.x1}, y ${v.y0}..${v.y1}.`);
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(v[k]) || v[k] < 1 || v[k] > 16384) throw new RangeError(`The raster view's ${k} must be an integer from 1 to 16384 pixels; got ${v[k]}.`);
  }
}

/**
 * Rasterise the points (xs[i], ys[i]) that fall inside the closed window
 * [x0, x1] × [y0, y1]; NaN coordinates are skipped. Buffers come from
 * `scratch` (pass the same one every frame).
 */
export function rasterizePoints(xs: ArrayLike<number>, ys: ArrayLike<number>, view: RasterView, style: RasterStyle, scratch = new RasterScratch()): RasterResult {
  if (xs.length !== ys.length) throw new RangeError(`x has ${xs.length} values and y ${ys.length}; they must be aligned.`);
  checkView(view);
  const { width: w, height: h } = view;
  const group = style.group ?? null;
  if (group && group.length !== xs.length) throw new RangeError(`group has ${group.length} codes for ${xs.length} points; they must be aligned.`);
  if (style.colors.length === 0) throw new RangeError('At least one colour is needed.');
  const colored = group !== null;
  scratch.ensure(w * h, colored);
  const acc = new Accumulator(view, style, scratch);
  const inside = acc.run(xs, ys, group, 0, xs.length);
  const maxCount = compose(view, style, scratch, colored);
  return { pixels: scratch.pixels, inside, maxCount };
}

/** Counts points (and sums their colours) per pixel, over runs of the point arrays. */
class Accumulator {
  private readonly sx: number;
  private readonly sy: number;
  private readonly R = new Uint32Array(256);
  private readonly G = new Uint32Array(256);
  private readonly B = new Uint32Array(256);
  private readonly skip = new Uint8Array(256);

  constructor(
    private readonly view: RasterView,
    style: RasterStyle,
    private readonly scratch: RasterScratch,
  ) {
    this.sx = view.width / (view.x1 - view.x0);
    this.sy = view.height / (view.y1 - view.y0);
    const missing = style.missingColor ?? 0x9aa0a8;
    const hidden = style.hidden ?? [];
    for (let k = 0; k < 256; k++) {
      const c = k < style.colors.length ? style.colors[k]! : missing;
      this.R[k] = (c >>> 16) & 255;
      this.G[k] = (c >>> 8) & 255;
      this.B[k] = c & 255;
      this.skip[k] = hidden[k] ? 1 : 0;
    }
  }

  /** Points from..to-1; returns how many fell inside. */
  run(xs: ArrayLike<number>, ys: ArrayLike<number>, group: Uint8Array | null, from: number, to: number): number {
    const { width: w, height: h, x0, y1 } = this.view;
    const { sx, sy } = this;
    const { count, r, g, b } = this.scratch;
    let inside = 0;
    if (!group) {
      for (let i = from; i < to; i++) {
        const px = (xs[i]! - x0) * sx;
        if (!(px >= 0 && px <= w)) continue;
        const py = (y1 - ys[i]!) * sy;
        if (!(py >= 0 && py <= h)) continue;
        const ix = px < w ? px | 0 : w - 1;
        const iy = py < h ? py | 0 : h - 1;
        count[iy * w + ix]!++;
        inside++;
      }
      return inside;
    }
    const { R, G, B, skip } = this;
    for (let i = from; i < to; i++) {
      const px = (xs[i]! - x0) * sx;
      if (!(px >= 0 && px <= w)) continue;
      const py = (y1 - ys[i]!) * sy;
      if (!(py >= 0 && py <= h)) continue;
      const k = group[i]!;
      if (skip[k]) continue;
      const ix = px < w ? px | 0 : w - 1;
      const iy = py < h ? py | 0 : h - 1;
      const p = iy * w + ix;
      count[p]!++;
      r[p]! += R[k]!;
      g[p]! += G[k]!;
      b[p]! += B[k]!;
      inside++;
    }
    return inside;
  }
}

/**
 * The points bucketed by a grid of cells over their extent (cells in row
 * order, points of a cell together): a window reads only the cells it
 * overlaps — a pan's new strip a few per cent of the points, a zoomed view
 * only what is near it — and writes land close together.
 */
export class PointIndex {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly group: Uint8Array | null;
  /** Points of cell c (row cy from the bottom, column cx): start[c] .. start[c + 1] - 1, c = cy·cells + cx. */
  readonly start: Uint32Array;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;

  constructor(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    group: Uint8Array | null,
    readonly cells = 64,
  ) {
    if (xs.length !== ys.length) throw new RangeError(`x has ${xs.length} values and y ${ys.length}; they must be aligned.`);
    if (group && group.length !== xs.length) throw new RangeError(`group has ${group.length} codes for ${xs.length} points; they must be aligned.`);
    if (!Number.isInteger(cells) || cells < 1 || cells > 256) throw new RangeError(`cells must be an integer from 1 to 256; got ${cells}.`);
    const n = xs.length;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      m++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    if (m === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
    this.x0 = x0;
    this.x1 = x1;
    this.y0 = y0;
    this.y1 = y1;
    const cx = cells / (x1 - x0 || 1);
    const cy = cells / (y1 - y0 || 1);
    const cell = new Uint16Array(n);
    const start = new Uint32Array(cells * cells + 1);
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const c = Math.min(cells - 1, ((y - y0) * cy) | 0) * cells + Math.min(cells - 1, ((x - x0) * cx) | 0);
      cell[i] = c;
      start[c + 1]!++;
    }
    for (let c = 0; c < cells * cells; c++) start[c + 1]! += start[c]!;
    const next = start.slice(0, cells * cells);
    this.xs = new Float64Array(m);
    this.ys = new Float64Array(m);
    this.group = group ? new Uint8Array(m) : null;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const at = next[cell[i]!]!++;
      this.xs[at] = x;
      this.ys[at] = y;
      if (group) this.group![at] = group[i]!;
    }
    this.start = start;
  }

  /** Cell columns (or rows) a..b overlapping [lo, hi] on an axis from v0 over `cells` cells; null when none. */
  private span(lo: number, hi: number, v0: number, v1: number): [number, number] | null {
    if (hi < v0 || lo > v1) return null;
    const k = this.cells / (v1 - v0 || 1);
    const a = Math.max(0, Math.min(this.cells - 1, Math.floor((lo - v0) * k)));
    const b = Math.max(0, Math.min(this.cells - 1, Math.floor((hi - v0) * k)));
    return [a, b];
  }

  /** Runs [from, to) of the bucketed arrays that hold every point inside the window (and some near it). */
  runs(view: RasterView): [number, number][] {
    const sx = this.span(view.x0, view.x1, this.x0, this.x1);
    const sy = this.span(view.y0, view.y1, this.y0, this.y1);
    if (!sx || !sy) return [];
    const out: [number, number][] = [];
    const n = this.cells;
    if (sx[0] === 0 && sx[1] === n - 1) {
      // Whole rows of cells are one run.
      const from = this.start[sy[0] * n]!;
      const to = this.start[(sy[1] + 1) * n]!;
      if (to > from) out.push([from, to]);
      return out;
    }
    for (let row = sy[0]; row <= sy[1]; row++) {
      const from = this.start[row * n + sx[0]]!;
      const to = this.start[row * n + sx[1] + 1]!;
      if (to > from) out.push([from, to]);
    }
    return out;
  }
}

/** rasterizePoints over an index: reads only the cells the window overlaps. Same pixels. */
export function rasterizeIndex(index: PointIndex, view: RasterView, style: RasterStyle, scratch = new RasterScratch()): RasterResult {
  checkView(view);
  if (style.colors.length === 0) throw new RangeError('At least one colour is needed.');
  const group = style.group === undefined || style.group === null ? null : index.group;
  scratch.ensure(view.width * view.height, group !== null);
  const acc = new Accumulator(view, style, scratch);
  let inside = 0;
  for (const [from, to] of index.runs(view)) inside += acc.run(index.xs, index.ys, group, from, to);
  const maxCount = compose(view, style, scratch, group !== null);
  return { pixels: scratch.pixels, inside, maxCount };
}

/** Counts (and colour sums) → pixels, spreading each point over a dot × dot square. */
function compose(view: RasterView, style: RasterStyle, scratch: RasterScratch, colored: boolean): number {
  const { width: w, height: h } = view;
  const { count, r, g, b, pixels } = scratch;
  const dot = style.dot ?? 2;
  const alpha = Math.min(1, Math.max(0.01, style.alpha ?? 0.45));
  const shade = style.shade ?? true;
  const one = style.colors[0]!;
  const size = w * h;
  let maxCount = 0;
  for (let p = 0; p < size; p++) if (count[p]! > maxCount) maxCount = count[p]!;
  // Opacity by stacked count (a table; beyond it the pixel is opaque) and darkening by log density.
  const TABLE = 64;
  const opacity = new Uint8Array(TABLE);
  for (let k = 1; k < TABLE; k++) opacity[k] = Math.round(255 * (1 - Math.pow(1 - alpha, k)));
  const logMax = Math.log1p(Math.max(1, maxCount * dot * dot));
  const darken = (k: number): number => (shade && maxCount > 1 ? 1 - 0.45 * (Math.log1p(k) / logMax) : 1);
  const twoBy = dot === 2;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const p = row + x;
      let k = count[p]!;
      let rs = 0;
      let gs = 0;
      let bs = 0;
      if (colored) {
        rs = r[p]!;
        gs = g[p]!;
        bs = b[p]!;
      }
      if (twoBy) {
        // This pixel also shows the points one pixel left, above, and above-left.
        if (x > 0) {
          k += count[p - 1]!;
          if (colored) {
            rs += r[p - 1]!;
            gs += g[p - 1]!;
            bs += b[p - 1]!;
          }
        }
        if (y > 0) {
          const q = p - w;
          k += count[q]!;
          if (colored) {
            rs += r[q]!;
            gs += g[q]!;
            bs += b[q]!;
          }
          if (x > 0) {
            k += count[q - 1]!;
            if (colored) {
              rs += r[q - 1]!;
              gs += g[q - 1]!;
              bs += b[q - 1]!;
            }
          }
        }
      }
      if (k === 0) {
        pixels[p] = 0;
        continue;
      }
      let cr: number;
      let cg: number;
      let cb: number;
      if (colored) {
        cr = rs / k;
        cg = gs / k;
        cb = bs / k;
      } else {
        cr = (one >>> 16) & 255;
        cg = (one >>> 8) & 255;
        cb = one & 255;
      }
      const d = darken(k);
      const a = k < TABLE ? opacity[k]! : 255;
      pixels[p] = ((a << 24) | ((cb * d) << 16) | ((cg * d) << 8) | (cr * d)) >>> 0;
    }
  }
  return maxCount;
}

/** The pixel [column, row] a point lands on, as rasterizePoints computes it; null outside the window. */
export function pixelOf(x: number, y: number, view: RasterView): [number, number] | null {
  const px = (x - view.x0) * (view.width / (view.x1 - view.x0));
  const py = (view.y1 - y) * (view.height / (view.y1 - view.y0));
  if (!(px >= 0 && px <= view.width && py >= 0 && py <= view.height)) return null;
  return [px < view.width ? Math.floor(px) : view.width - 1, py < view.height ? Math.floor(py) : view.height - 1];
}
