/**
 * A learner's decision boundary on two features, as scikit-learn's
 * classifier-comparison figure draws it: the predicted class over a grid as
 * an image of class colours (confidence as opacity), the data points on top
 * coloured by their class. Pixels and option are pure functions; the
 * component turns the pixels into a canvas for the option's image.
 */
import type { BoundaryPanel, BoundaryResult } from '../../../src-shared/contract/ml.ts';
import { AXIS, colorAt, rgbOf, strideIndices } from './palette.ts';

/** Opacity of a cell: faint where the learner hesitates (confidence 1/k), strong where it is sure. */
export function cellAlpha(confidence: number | undefined, classes: number): number {
  if (confidence === undefined || !Number.isFinite(confidence)) return 0.45;
  const floor = classes > 1 ? 1 / classes : 0;
  const t = floor < 1 ? (confidence - floor) / (1 - floor) : 1;
  return 0.12 + 0.6 * Math.min(1, Math.max(0, t));
}

/**
 * RGBA pixels (resolution × resolution) of the predicted classes. The grid
 * runs row-major from (xMin, yMin); an image runs from the top, so rows are
 * flipped: pixel row 0 is yMax.
 */
export function boundaryPixels(panel: Pick<BoundaryPanel, 'grid' | 'confidence'>, resolution: number, classes: number): Uint8ClampedArray {
  const n = resolution * resolution;
  if (panel.grid.length !== n) throw new RangeError(`A boundary grid of resolution ${resolution} has ${n} cells; got ${panel.grid.length}.`);
  const rgb = Array.from({ length: Math.max(1, classes) }, (_, c) => rgbOf(colorAt(c)));
  const out = new Uint8ClampedArray(n * 4);
  for (let gy = 0; gy < resolution; gy++) {
    const py = resolution - 1 - gy;
    for (let gx = 0; gx < resolution; gx++) {
      const cell = gy * resolution + gx;
      const c = panel.grid[cell] as number;
      const o = (py * resolution + gx) * 4;
      const col = c >= 0 ? rgb[c % rgb.length] : undefined;
      if (!col) continue; // no prediction: transparent
      out[o] = col[0];
      out[o + 1] = col[1];
      out[o + 2] = col[2];
      out[o + 3] = Math.round(255 * cellAlpha(panel.confidence?.[cell], classes));
    }
  }
  return out;
}

export interface BoundarySpec {
  result: Pick<BoundaryResult, 'x' | 'y' | 'classes' | 'xRange' | 'yRange' | 'px' | 'py' | 'pc'>;
  /** Whatever ECharts can draw as an image (a canvas in the browser). */
  image: unknown;
  /** Points drawn at most (evenly strided beyond). */
  maxPoints?: number;
}

interface ImageElement {
  type: 'image';
  silent: boolean;
  style: { image: unknown; x: number; y: number; width: number; height: number };
}

type Api = { coord: (v: [number, number]) => number[] };

export interface BoundaryOption {
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; outerBoundsMode: 'same'; outerBoundsContain: 'all' };
  tooltip: { trigger: 'item'; confine: boolean };
  xAxis: { type: 'value'; min: number; max: number; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string; showMinLabel: boolean; showMaxLabel: boolean }; splitLine: { show: boolean } };
  yAxis: { type: 'value'; min: number; max: number; name: string; nameLocation: 'middle'; nameGap: number; axisLabel: { fontSize: number; color: string; showMinLabel: boolean; showMaxLabel: boolean }; splitLine: { show: boolean } };
  series: (
    | { type: 'custom'; name: string; silent: boolean; clip: boolean; z: number; data: [number, number][]; renderItem: (params: unknown, api: Api) => ImageElement }
    | { type: 'scatter'; name: string; data: [number, number][]; symbolSize: number; z: number; itemStyle: { color: string; borderColor: string; borderWidth: number } }
  )[];
}

export function boundaryOption(spec: BoundarySpec): BoundaryOption {
  const r = spec.result;
  const [x0, x1] = r.xRange;
  const [y0, y1] = r.yRange;
  const renderItem = (_params: unknown, api: Api): ImageElement => {
    const [ax = 0, ay = 0] = api.coord([x0, y1]);
    const [bx = 0, by = 0] = api.coord([x1, y0]);
    return { type: 'image', silent: true, style: { image: spec.image, x: ax, y: ay, width: bx - ax, height: by - ay } };
  };
  const byClass: [number, number][][] = r.classes.map(() => []);
  for (const i of strideIndices(r.px.length, spec.maxPoints ?? 3000)) {
    byClass[r.pc[i] as number]?.push([r.px[i] as number, r.py[i] as number]);
  }
  const axis = (name: string, min: number, max: number) =>
    ({
      type: 'value',
      min,
      max,
      name,
      nameLocation: 'middle',
      nameGap: 22,
      axisLabel: { fontSize: 9, color: AXIS.label, showMinLabel: false, showMaxLabel: false },
      splitLine: { show: false },
    }) as const;
  return {
    animation: false,
    grid: { left: 2, right: 8, top: 6, bottom: 2, outerBoundsMode: 'same' as const, outerBoundsContain: 'all' as const },
    tooltip: { trigger: 'item', confine: true },
    xAxis: axis(r.x, x0, x1),
    yAxis: { ...axis(r.y, y0, y1), nameGap: 28 },
    series: [
      { type: 'custom', name: 'boundary', silent: true, clip: true, z: 1, data: [[x0, y0]], renderItem },
      ...r.classes.map((label, c) => ({
        type: 'scatter' as const,
        name: label,
        data: byClass[c] ?? [],
        symbolSize: 5,
        z: 2,
        itemStyle: { color: colorAt(c), borderColor: '#1f2329', borderWidth: 0.6 },
      })),
    ],
  };
}
