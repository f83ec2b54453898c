/**
 * Draw-a-digit preprocessing: a canvas bitmap in, a row the digit networks
 * take out. Pure TypeScript, so the renderer can run it on a canvas and the
 * engine in tests.
 *
 * MNIST (LeCun et al.): the ink's bounding box is scaled so its longest side
 * is 20 px (aspect ratio kept, anti-aliased), then placed in a 28×28 field so
 * that its centre of mass is at the centre; values 0–255.
 * Optical digits (sklearn's 8×8 sample, UCI optdigits): the ink is scaled
 * into a 32×32 box, thresholded, and each 4×4 block counts its on pixels;
 * values 0–16.
 */
import { LatheError } from '../errors.ts';

/** An RGBA bitmap as a canvas gives it (ImageData-like). */
export interface RgbaBitmap {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export interface DigitOptions {
  /**
   * Which pixels are ink: 'dark' (dark strokes on a light or transparent
   * background), 'light' (light strokes on a dark background), or 'auto'
   * (the background is what the border mostly is). Default 'auto'.
   */
  ink?: 'auto' | 'dark' | 'light';
  /** Ink (0–1) at or below this is background when finding the bounding box. Default 0.05. */
  threshold?: number;
}

export interface DigitRow {
  /** width × height values, row-major: 0–255 (MNIST) or 0–16 (8×8 digits). */
  pixels: Float64Array;
  width: number;
  height: number;
  /** True when the canvas had no ink (pixels are all 0). */
  empty: boolean;
}

function checkBitmap(b: RgbaBitmap): void {
  if (!b || !(b.width >= 1) || !(b.height >= 1) || !Number.isInteger(b.width) || !Number.isInteger(b.height)) {
    throw new LatheError('INVALID_PARAM', `The digit bitmap must have a positive integer width and height. Got ${b?.width} × ${b?.height}.`, { param: 'bitmap' });
  }
  if (!b.data || b.data.length !== b.width * b.height * 4) {
    throw new LatheError(
      'INVALID_PARAM',
      `The digit bitmap must hold width × height × 4 RGBA bytes (${b.width * b.height * 4}); it holds ${b.data?.length ?? 0}.`,
      { param: 'bitmap' },
    );
  }
}

/**
 * Ink per pixel in 0..1. A pixel is composited over white first (so a
 * transparent canvas with dark strokes works), then its darkness is the ink;
 * for light-on-dark drawings the darkness is inverted.
 */
export function inkFromRgba(b: RgbaBitmap, opts: DigitOptions = {}): Float64Array {
  checkBitmap(b);
  const { data, width: w, height: h } = b;
  const n = w * h;
  const dark = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3]! / 255;
    const lum = (0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!) / 255;
    dark[i] = 1 - (lum * a + (1 - a)); // over white
  }
  let mode = opts.ink ?? 'auto';
  if (mode === 'auto') {
    // The border is background: if it is mostly dark, the strokes are light.
    let sum = 0;
    let count = 0;
    for (let x = 0; x < w; x++) {
      sum += dark[x]! + dark[(h - 1) * w + x]!;
      count += 2;
    }
    for (let y = 1; y < h - 1; y++) {
      sum += dark[y * w]! + dark[y * w + w - 1]!;
      count += 2;
    }
    mode = sum / count > 0.5 ? 'light' : 'dark';
  }
  if (mode === 'light') for (let i = 0; i < n; i++) dark[i] = 1 - dark[i]!;
  return dark;
}

export interface Box {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

/** The smallest box holding every pixel with ink above `threshold`, or null when there is none. */
export function inkBoundingBox(ink: ArrayLike<number>, width: number, height: number, threshold = 0.05): Box | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Resample the `box` of `src` (width `sw`) to dw × dh by area averaging: each
 * output pixel is the mean of the source area it covers, with fractional
 * edges. Anti-aliases when shrinking; when enlarging it is a box filter.
 */
export function resampleArea(src: ArrayLike<number>, sw: number, box: Box, dw: number, dh: number): Float64Array {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const sx = bw / dw;
  const sy = bh / dh;
  const out = new Float64Array(dw * dh);
  for (let oy = 0; oy < dh; oy++) {
    const fy0 = box.y0 + oy * sy;
    const fy1 = fy0 + sy;
    for (let ox = 0; ox < dw; ox++) {
      const fx0 = box.x0 + ox * sx;
      const fx1 = fx0 + sx;
      let acc = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          if (wx <= 0) continue;
          acc += src[y * sw + x]! * wx * wy;
        }
      }
      out[oy * dw + ox] = acc / (sx * sy);
    }
  }
  return out;
}

/** Centre of mass (x, y) of a w × h image, in pixel-centre coordinates; null when it is all zero. */
export function centreOfMass(img: ArrayLike<number>, w: number, h: number): { x: number; y: number } | null {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x]!;
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/** The ink's bounding box scaled so its longest side is `side` pixels (at least 1 px the other way). */
function scaleInk(ink: Float64Array, w: number, box: Box, side: number): { img: Float64Array; w: number; h: number } {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const f = side / Math.max(bw, bh);
  const nw = Math.max(1, Math.min(side, Math.round(bw * f)));
  const nh = Math.max(1, Math.min(side, Math.round(bh * f)));
  return { img: resampleArea(ink, w, box, nw, nh), w: nw, h: nh };
}

/** A drawing as an MNIST row: 28×28 values 0–255 (digit 20 px on its longest side, centred by mass). */
export function digitToMnist(bitmap: RgbaBitmap, opts: DigitOptions = {}): DigitRow {
  const FIELD = 28;
  const pixels = new Float64Array(FIELD * FIELD);
  const ink = inkFromRgba(bitmap, opts);
  const box = inkBoundingBox(ink, bitmap.width, bitmap.height, opts.threshold ?? 0.05);
  if (!box) return { pixels, width: FIELD, height: FIELD, empty: true };
  const { img, w, h } = scaleInk(ink, bitmap.width, box, 20);
  const com = centreOfMass(img, w, h) ?? { x: w / 2, y: h / 2 };
  // MNIST put the centre of mass at pixel index 14 (pixel-centre coordinate 14.5):
  // the mean over the sample is 14.50, 14.50.
  const dx = Math.round(FIELD / 2 + 0.5 - com.x);
  const dy = Math.round(FIELD / 2 + 0.5 - com.y);
  for (let y = 0; y < h; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= FIELD) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= FIELD) continue;
      pixels[ty * FIELD + tx] = Math.round(Math.min(1, img[y * w + x]!) * 255);
    }
  }
  return { pixels, width: FIELD, height: FIELD, empty: false };
}

/**
 * A drawing as a row of sklearn's 8×8 digits: the ink scaled into a 32×32
 * box (longest side 32, centred), thresholded at `onLevel`, and each 4×4
 * block's on pixels counted: values 0–16.
 */
export function digitToDigits8x8(bitmap: RgbaBitmap, opts: DigitOptions & { onLevel?: number } = {}): DigitRow {
  const pixels = new Float64Array(64);
  const ink = inkFromRgba(bitmap, opts);
  const box = inkBoundingBox(ink, bitmap.width, bitmap.height, opts.threshold ?? 0.05);
  if (!box) return { pixels, width: 8, height: 8, empty: true };
  const { img, w, h } = scaleInk(ink, bitmap.width, box, 32);
  const ox = Math.floor((32 - w) / 2);
  const oy = Math.floor((32 - h) / 2);
  const on = opts.onLevel ?? 0.5;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (img[y * w + x]! >= on) pixels[((oy + y) >> 2) * 8 + ((ox + x) >> 2)]! += 1;
    }
  }
  return { pixels, width: 8, height: 8, empty: false };
}

/** A grayscale row (0..max) painted into an RGBA bitmap, dark ink on white, `scale`× larger (for tests and previews). */
export function rowToRgba(row: ArrayLike<number>, width: number, height: number, max: number, scale = 1): RgbaBitmap {
  const W = width * scale;
  const H = height * scale;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = row[Math.floor(y / scale) * width + Math.floor(x / scale)]! / max;
      const g = Math.round(255 * (1 - v));
      const o = (y * W + x) * 4;
      data[o] = g;
      data[o + 1] = g;
      data[o + 2] = g;
      data[o + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}
