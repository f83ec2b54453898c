import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  centreOfMass,
  digitToDigits8x8,
  digitToMnist,
  inkBoundingBox,
  inkFromRgba,
  rowToRgba,
} from '../../src-shared/ml/digit-image.ts';
import type { RgbaBitmap } from '../../src-shared/ml/digit-image.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { readCsv } from '../helpers/data.ts';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A blank canvas: white opaque, black opaque, or transparent. */
function canvas(w: number, h: number, bg: 'white' | 'black' | 'transparent'): RgbaBitmap {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const v = bg === 'black' ? 0 : 255;
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = bg === 'transparent' ? 0 : 255;
  }
  return { data, width: w, height: h };
}

/** A thick stroke from (x0,y0) to (x1,y1), like a pen of radius r. */
function stroke(b: RgbaBitmap, x0: number, y0: number, x1: number, y1: number, r: number, ink: 'black' | 'white'): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps;
    const cy = y0 + ((y1 - y0) * s) / steps;
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= b.width || y >= b.height || Math.hypot(x - cx, y - cy) > r) continue;
        const o = (y * b.width + x) * 4;
        const v = ink === 'black' ? 0 : 255;
        b.data[o] = v;
        b.data[o + 1] = v;
        b.data[o + 2] = v;
        b.data[o + 3] = 255;
      }
    }
  }
}

/** A "7": top bar and a diagonal, drawn off-centre in a 200 × 160 canvas. */
function seven(bg: 'white' | 'black' | 'transparent'): RgbaBitmap {
  const b = canvas(200, 160, bg);
  const ink = bg === 'black' ? 'white' : 'black';
  stroke(b, 20, 20, 90, 20, 5, ink);
  stroke(b, 90, 20, 45, 140, 5, ink);
  return b;
}

test('MNIST preprocessing: longest side 20 px, centre of mass at the centre of 28×28, values 0–255', () => {
  const r = digitToMnist(seven('white'));
  assert.equal(r.empty, false);
  assert.equal(r.pixels.length, 784);
  assert.ok(r.pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  assert.ok(Math.max(...r.pixels) >= 250, 'strokes are full ink');
  const box = inkBoundingBox(r.pixels, 28, 28, 0)!;
  assert.equal(Math.max(box.x1 - box.x0, box.y1 - box.y0), 20);
  const com = centreOfMass(r.pixels, 28, 28)!;
  // At pixel index 14 (centre coordinate 14.5), as in MNIST.
  assert.ok(Math.abs(com.x - 14.5) <= 0.5 && Math.abs(com.y - 14.5) <= 0.5, `centre of mass ${com.x}, ${com.y}`);
});

test('aspect ratio is kept: a tall thin bar stays tall and thin', () => {
  const b = canvas(300, 300, 'white');
  stroke(b, 150, 40, 150, 240, 8, 'black'); // ~17 × 217
  const r = digitToMnist(b);
  const box = inkBoundingBox(r.pixels, 28, 28, 0)!;
  assert.equal(box.y1 - box.y0, 20);
  assert.ok(box.x1 - box.x0 <= 3, `width ${box.x1 - box.x0}`);
});

test('dark-on-white, light-on-black and dark-on-transparent drawings give the same row', () => {
  const a = digitToMnist(seven('white')).pixels;
  const b = digitToMnist(seven('black')).pixels;
  const c = digitToMnist(seven('transparent')).pixels;
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  // Forcing the wrong ink on a white canvas makes the background the "digit".
  const wrong = inkFromRgba(seven('white'), { ink: 'light' });
  assert.ok(wrong[0]! > 0.99);
});

test('an empty canvas gives an all-zero row marked empty', () => {
  for (const f of [digitToMnist, digitToDigits8x8]) {
    const r = f(canvas(50, 50, 'white'));
    assert.equal(r.empty, true);
    assert.ok(r.pixels.every((v) => v === 0));
  }
});

test('8×8 digits: 4×4 block counts in 0–16; a filled square is all 16', () => {
  const r = digitToDigits8x8(seven('white'));
  assert.equal(r.pixels.length, 64);
  assert.ok(r.pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
  assert.ok(Math.max(...r.pixels) >= 8);
  const sq = canvas(64, 64, 'white');
  for (let y = 10; y < 50; y++) stroke(sq, 10, y, 49, y, 0.5, 'black');
  assert.ok(digitToDigits8x8(sq).pixels.every((v) => v === 16));
});

test('real 8×8 digits survive a round trip through a large canvas', () => {
  const { rows } = readCsv('digits.csv');
  let close = 0;
  const N = 40;
  for (let i = 0; i < N; i++) {
    const px = rows[i]!.slice(0, 64).map(Number);
    const back = digitToDigits8x8(rowToRgba(px, 8, 8, 16, 32)).pixels;
    // The sample's digits fill their 32×32 box, so the round trip is near the original.
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < 64; j++) {
      dot += px[j]! * back[j]!;
      na += px[j]! ** 2;
      nb += back[j]! ** 2;
    }
    if (dot / Math.sqrt(na * nb) > 0.8) close++;
  }
  assert.ok(close >= N * 0.8, `${close} of ${N} round trips have cosine > 0.8`);
});

test('real MNIST digits come back close to themselves from a 10× canvas', () => {
  const lines = gunzipSync(readFileSync(join(repo, 'datasets', 'mnist_10k.csv.gz'))).toString('utf8').split('\n');
  let close = 0;
  const picks = Array.from({ length: 30 }, (_, k) => 1 + k * 331);
  for (const i of picks) {
    const px = lines[i]!.split(',').slice(1).map(Number);
    const back = digitToMnist(rowToRgba(px, 28, 28, 255, 10)).pixels;
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < 784; j++) {
      dot += px[j]! * back[j]!;
      na += px[j]! ** 2;
      nb += back[j]! ** 2;
    }
    if (dot / Math.sqrt(na * nb) > 0.95) close++;
  }
  // A centre of mass near a half pixel can round the other way (a 1 px shift).
  assert.ok(close >= picks.length * 0.8, `${close} of ${picks.length} round trips have cosine > 0.95`);
});

test('a bitmap of the wrong size is INVALID_PARAM', () => {
  assert.throws(
    () => digitToMnist({ data: new Uint8ClampedArray(10), width: 4, height: 4 }),
    (e: unknown) => e instanceof LatheError && e.code === 'INVALID_PARAM' && /64/.test(e.message),
  );
  assert.throws(() => digitToMnist({ data: new Uint8ClampedArray(0), width: 0, height: 4 }), (e: unknown) => e instanceof LatheError && e.code === 'INVALID_PARAM');
});
