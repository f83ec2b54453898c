/** The GIF encoder of chart export: Pillow decodes what it writes, pixel for pixel where the palette holds the colours. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPalette, encodeGif, fileSafe, type RgbaFrame } from '../../src-renderer/lib/export-chart.ts';
import { sklearn } from '../helpers/sklearn.ts';

const COLORS = [
  [255, 255, 255],
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
] as const;

function frame(w: number, h: number, shift: number): RgbaFrame {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Stripes plus noise-like detail so LZW grows its code size past 9 bits.
      const c = COLORS[(Math.floor((x + shift) / 7) + ((x * y) % 3)) % COLORS.length]!;
      const p = 4 * (y * w + x);
      data[p] = c[0];
      data[p + 1] = c[1];
      data[p + 2] = c[2];
      data[p + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

test('an animated GIF decodes in Pillow with the frames, size, delay and colours', () => {
  const frames = [frame(120, 90, 0), frame(120, 90, 5), frame(120, 90, 11)];
  const gif = encodeGif(frames, 400);
  assert.equal(String.fromCharCode(...gif.subarray(0, 6)), 'GIF89a');
  assert.equal(gif[gif.length - 1], 0x3b);
  const r = sklearn<{ n: number; size: number[]; duration: number; loop: number; mismatch: number[] }>(
    `
import io
from PIL import Image, ImageSequence
im = Image.open(io.BytesIO(bytes(inp['gif'])))
frames = [f.convert('RGB') for f in ImageSequence.Iterator(im)]
mismatch = []
for k, f in enumerate(frames):
    px = np.asarray(f).astype(int)
    want = np.array(inp['frames'][k], dtype=int).reshape(90, 120, 4)[:, :, :3]
    mismatch.append(int(np.abs(px - want).max()))
out = {'n': len(frames), 'size': list(im.size), 'duration': im.info.get('duration'), 'loop': im.info.get('loop'), 'mismatch': mismatch}
`,
    { gif: gif, frames: frames.map((f) => f.data) },
  );
  assert.equal(r.n, 3);
  assert.deepEqual(r.size, [120, 90]);
  assert.equal(r.duration, 400);
  assert.equal(r.loop, 0);
  // Colours come back within the palette's 5-bit rounding.
  for (const m of r.mismatch) assert.ok(m <= 4, `max channel error ${m}`);
});

test('palette by popularity maps unseen colours to the nearest; bad frames are refused', () => {
  const { indexOf, palette } = buildPalette([frame(20, 20, 0)]);
  const i = indexOf(80, 120, 165);
  assert.ok(Math.abs(palette[3 * i]! - 78) <= 4 && Math.abs(palette[3 * i + 2]! - 167) <= 4);
  assert.throws(() => encodeGif([], 100), /at least one frame/);
  assert.throws(() => encodeGif([frame(10, 10, 0), frame(11, 10, 0)], 100), /10 × 10/);
  assert.equal(fileSafe('petal length (cm) vs width'), 'petal_length_cm_vs_width');
});

test('a long noisy frame fills the LZW table (clear codes) and still decodes exactly', () => {
  const w = 300;
  const h = 200;
  const data = new Uint8ClampedArray(w * h * 4);
  let s = 12345;
  for (let p = 0; p < w * h; p++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const c = COLORS[(s >>> 16) % COLORS.length]!;
    data.set([c[0], c[1], c[2], 255], 4 * p);
  }
  const gif = encodeGif([{ width: w, height: h, data }], 100);
  const r = sklearn<number>(
    `
import io
from PIL import Image
px = np.asarray(Image.open(io.BytesIO(bytes(inp['gif']))).convert('RGB')).astype(int)
want = np.array(inp['data'], dtype=int).reshape(${h}, ${w}, 4)[:, :, :3]
out = int(np.abs(px - want).max())
`,
    { gif, data },
  );
  assert.ok(r <= 4, `max channel error ${r}`);
});
