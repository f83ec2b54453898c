/**
 * Generated 2-D point sets for the k-means teaching view, each from a seed so
 * a session file can name "moons, seed 7, 300 points" instead of carrying the
 * points: Gaussian blobs, uniform, two moons, rings and a smiley.
 */
import { LatheError } from '../errors.ts';
import { SeededRandom } from './random.ts';

export const SHAPES = ['blobs', 'uniform', 'moons', 'rings', 'smiley'] as const;
export type ShapeKind = (typeof SHAPES)[number];

export const SHAPE_LABELS: Record<ShapeKind, string> = {
  blobs: 'Gaussian blobs',
  uniform: 'Uniform',
  moons: 'Two moons',
  rings: 'Rings',
  smiley: 'Smiley',
};

export const MAX_POINTS = 20_000;

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_POINTS) {
    throw new LatheError('INVALID_PARAM', `The number of points must be a whole number from 1 to ${MAX_POINTS}; got ${n}.`, { param: 'n' });
  }
}

/** n points (x0, y0, x1, y1, …) of the shape, the same for the same seed. */
export function generateShape(kind: ShapeKind, seed: number, n: number): Float64Array {
  checkN(n);
  if (!Number.isInteger(seed) || seed < 0) throw new LatheError('INVALID_PARAM', `The seed must be a whole number ≥ 0; got ${seed}.`, { param: 'seed' });
  const rng = new SeededRandom(seed);
  const out = new Float64Array(2 * n);
  const put = (i: number, x: number, y: number): void => {
    out[2 * i] = Math.round(x * 1e6) / 1e6;
    out[2 * i + 1] = Math.round(y * 1e6) / 1e6;
  };
  switch (kind) {
    case 'blobs': {
      // 3 to 5 blobs with centres in [-8, 8]², spread 0.6 to 1.4.
      const m = 3 + rng.int(3);
      const centres = Array.from({ length: m }, () => [rng.next() * 16 - 8, rng.next() * 16 - 8, 0.6 + rng.next() * 0.8] as const);
      for (let i = 0; i < n; i++) {
        const [cx, cy, s] = centres[i % m]!;
        put(i, cx + s * rng.normal(), cy + s * rng.normal());
      }
      return out;
    }
    case 'uniform':
      for (let i = 0; i < n; i++) put(i, rng.next() * 10, rng.next() * 10);
      return out;
    case 'moons':
      // As scikit-learn's make_moons with noise 0.08.
      for (let i = 0; i < n; i++) {
        const upper = i % 2 === 0;
        const t = rng.next() * Math.PI;
        const x = upper ? Math.cos(t) : 1 - Math.cos(t);
        const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
        put(i, x + 0.08 * rng.normal(), y + 0.08 * rng.normal());
      }
      return out;
    case 'rings':
      // Two concentric rings, radii 1 and 3.
      for (let i = 0; i < n; i++) {
        const r = (i % 2 === 0 ? 1 : 3) + 0.12 * rng.normal();
        const t = rng.next() * 2 * Math.PI;
        put(i, r * Math.cos(t), r * Math.sin(t));
      }
      return out;
    case 'smiley':
      // Face outline 40 %, two eyes 15 % each, the mouth 30 %.
      for (let i = 0; i < n; i++) {
        const u = (i * 0.6180339887) % 1;
        let x: number;
        let y: number;
        if (u < 0.4) {
          const t = rng.next() * 2 * Math.PI;
          const r = 5 + 0.15 * rng.normal();
          x = r * Math.cos(t);
          y = r * Math.sin(t);
        } else if (u < 0.7) {
          const ex = u < 0.55 ? -1.8 : 1.8;
          x = ex + 0.35 * rng.normal();
          y = 1.6 + 0.35 * rng.normal();
        } else {
          const t = Math.PI * (1.15 + 0.7 * rng.next());
          const r = 3 + 0.15 * rng.normal();
          x = r * Math.cos(t);
          y = r * Math.sin(t) + 0.3;
        }
        put(i, x, y);
      }
      return out;
    default:
      throw new LatheError('INVALID_PARAM', `The shape must be one of ${SHAPES.join(', ')}; got ${JSON.stringify(kind)}.`, { param: 'shape' });
  }
}

/** [[x, y], …] → x0, y0, x1, y1, … (points placed by clicking). */
export function flattenPoints(points: readonly (readonly [number, number])[]): Float64Array {
  const out = new Float64Array(points.length * 2);
  points.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}
