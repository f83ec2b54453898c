/**
 * Chart export: PNG from the canvas instance, SVG from a throw-away instance
 * on ECharts' SVG renderer with the same option, animations as an animated
 * GIF (a small encoder with LZW below, palette by popularity) or WebM
 * (MediaRecorder on a canvas stream), downloads through an <a download>.
 * The GIF encoder is pure and runs in tests without a browser.
 */

/** What export needs of an ECharts instance (kept structural so this file stays free of the library). */
export interface ExportableChart {
  getDataURL(opts: { type?: 'png' | 'jpeg' | 'svg'; pixelRatio?: number; backgroundColor?: string }): string;
  getOption(): unknown;
  getWidth(): number;
  getHeight(): number;
}

export interface SvgChart {
  setOption(option: unknown, opts?: { notMerge?: boolean }): void;
  renderToSVGString(): string;
  dispose(): void;
}

export type SvgInit = (dom: HTMLElement, theme: null, opts: { renderer: 'svg'; width: number; height: number; ssr?: boolean }) => SvgChart;

/** File-name safe: letters, digits, dot, dash, underscore. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
}

export function download(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  download(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportPng(chart: ExportableChart, name: string): string {
  const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  download(url, `${fileSafe(name)}.png`);
  return url;
}

/** The chart's option drawn by the SVG renderer, as SVG text. */
export function svgOf(chart: ExportableChart, initSvg: SvgInit): string {
  const dom = document.createElement('div');
  const w = chart.getWidth();
  const h = chart.getHeight();
  dom.style.cssText = `position:fixed;left:-10000px;top:0;width:${w}px;height:${h}px`;
  document.body.appendChild(dom);
  const svg = initSvg(dom, null, { renderer: 'svg', width: w, height: h });
  try {
    const option = chart.getOption() as Record<string, unknown>;
    // Interactive pieces mean nothing in a file.
    svg.setOption({ ...option, toolbox: [], dataZoom: (option.dataZoom as unknown[] | undefined)?.filter((z) => (z as { type?: string }).type === 'inside') ?? [], backgroundColor: '#fff', animation: false }, { notMerge: true });
    return svg.renderToSVGString();
  } finally {
    svg.dispose();
    dom.remove();
  }
}

export function exportSvg(chart: ExportableChart, initSvg: SvgInit, name: string): string {
  const text = svgOf(chart, initSvg);
  downloadBlob(new Blob([text], { type: 'image/svg+xml' }), `${fileSafe(name)}.svg`);
  return text;
}

/* ------------------------------------------------------------------ GIF */

export interface RgbaFrame {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8ClampedArray | Uint8Array;
}

/**
 * Up to 256 colours for the frames: the most frequent colours (at 5 bits per
 * channel; charts hold few), every other pixel mapped to its nearest.
 */
export function buildPalette(frames: RgbaFrame[]): { palette: Uint8Array; indexOf: (r: number, g: number, b: number) => number } {
  const counts = new Map<number, number>();
  for (const f of frames) {
    const d = f.data;
    for (let i = 0; i < d.length; i += 4) {
      const key = ((d[i]! >> 3) << 10) | ((d[i + 1]! >> 3) << 5) | (d[i + 2]! >> 3);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 256);
  const palette = new Uint8Array(256 * 3);
  top.forEach(([key], i) => {
    palette[3 * i] = (((key >> 10) & 31) << 3) | 4;
    palette[3 * i + 1] = (((key >> 5) & 31) << 3) | 4;
    palette[3 * i + 2] = ((key & 31) << 3) | 4;
  });
  const n = top.length;
  const cache = new Map<number, number>();
  const indexOf = (r: number, g: number, b: number): number => {
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    let best = cache.get(key);
    if (best !== undefined) return best;
    let bestD = Infinity;
    best = 0;
    for (let i = 0; i < n; i++) {
      const dr = palette[3 * i]! - r;
      const dg = palette[3 * i + 1]! - g;
      const db = palette[3 * i + 2]! - b;
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    cache.set(key, best);
    return best;
  };
  return { palette, indexOf };
}

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b & 255;
  }

  u16(v: number): void {
    this.byte(v & 255);
    this.byte(v >> 8);
  }

  bytes(a: ArrayLike<number>): void {
    for (let i = 0; i < a.length; i++) this.byte(a[i]!);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** GIF's variable-width LZW of colour indices (minimum code size 8), as data sub-blocks. */
export function lzwEncode(indices: Uint8Array, out: ByteWriter, minCodeSize = 8): void {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let codeSize = minCodeSize + 1;
  let next = eoi + 1;
  let dict = new Map<number, number>();
  const block: number[] = [];
  let acc = 0;
  let bits = 0;
  const flushBlock = (): void => {
    out.byte(block.length);
    out.bytes(block);
    block.length = 0;
  };
  const emit = (code: number): void => {
    acc |= code << bits;
    bits += codeSize;
    while (bits >= 8) {
      block.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
      if (block.length === 255) flushBlock();
    }
  };
  out.byte(minCodeSize);
  emit(clear);
  if (indices.length) {
    let prefix = indices[0]!;
    for (let i = 1; i < indices.length; i++) {
      const k = indices[i]!;
      const key = (prefix << 8) | k;
      const found = dict.get(key);
      if (found !== undefined) {
        prefix = found;
        continue;
      }
      emit(prefix);
      if (next < 4096) {
        dict.set(key, next++);
        // The decoder widens one code later than the encoder adds it.
        if (next > 1 << codeSize && codeSize < 12) codeSize++;
      } else {
        emit(clear);
        dict = new Map();
        next = eoi + 1;
        codeSize = minCodeSize + 1;
      }
      prefix = k;
    }
    emit(prefix);
  }
  emit(eoi);
  if (bits > 0) block.push(acc & 255);
  if (block.length) flushBlock();
  out.byte(0);
}

/** An animated GIF of the frames (all the same size), `delayMs` per frame, looping forever. */
export function encodeGif(frames: RgbaFrame[], delayMs: number): Uint8Array {
  if (!frames.length) throw new RangeError('A GIF needs at least one frame.');
  const { width, height } = frames[0]!;
  for (const f of frames) {
    if (f.width !== width || f.height !== height || f.data.length !== width * height * 4) {
      throw new RangeError(`Every frame must be ${width} × ${height} (${width * height * 4} bytes); got ${f.width} × ${f.height} (${f.data.length} bytes).`);
    }
  }
  const { palette, indexOf } = buildPalette(frames);
  const w = new ByteWriter();
  w.bytes([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]); // GIF89a
  w.u16(width);
  w.u16(height);
  w.byte(0xf7); // global colour table, 8 bits, 256 entries
  w.byte(0);
  w.byte(0);
  w.bytes(palette);
  // NETSCAPE2.0: loop forever.
  w.bytes([0x21, 0xff, 0x0b, 0x4e, 0x45, 0x54, 0x53, 0x43, 0x41, 0x50, 0x45, 0x32, 0x2e, 0x30, 0x03, 0x01, 0x00, 0x00, 0x00]);
  const delay = Math.max(2, Math.round(delayMs / 10));
  const idx = new Uint8Array(width * height);
  for (const f of frames) {
    w.bytes([0x21, 0xf9, 0x04, 0x04]);
    w.u16(delay);
    w.bytes([0x00, 0x00]);
    w.byte(0x2c);
    w.u16(0);
    w.u16(0);
    w.u16(width);
    w.u16(height);
    w.byte(0);
    const d = f.data;
    for (let p = 0; p < idx.length; p++) idx[p] = indexOf(d[4 * p]!, d[4 * p + 1]!, d[4 * p + 2]!);
    lzwEncode(idx, w);
  }
  w.byte(0x3b);
  return w.result();
}

/* ----------------------------------------------------------------- WebM */

/**
 * Record frames drawn on a canvas as WebM: `draw(i)` paints frame i onto the
 * canvas; each is held `frameMs`. Resolves with the video (MediaRecorder).
 */
export async function recordWebm(canvas: HTMLCanvasElement, frames: number, draw: (i: number) => void | Promise<void>, frameMs: number): Promise<Blob> {
  if (typeof MediaRecorder === 'undefined') throw new Error('This browser cannot record video (no MediaRecorder); export a GIF instead.');
  const stream = canvas.captureStream(Math.max(1, Math.round(1000 / frameMs)));
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t)) ?? 'video/webm';
  const rec = new MediaRecorder(stream, { mimeType: type });
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => {
    if (e.data.size) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => (rec.onstop = () => resolve()));
  rec.start(100);
  for (let i = 0; i < frames; i++) {
    await draw(i);
    await new Promise((r) => setTimeout(r, frameMs));
  }
  rec.stop();
  await stopped;
  for (const t of stream.getTracks()) t.stop();
  return new Blob(chunks, { type: 'video/webm' });
}
