/**
 * Colours of the ML charts: one per class (boundaries, points) and one per
 * learner (strip plot, ROC curves), the same learner the same colour on
 * every chart of the board.
 */

/** Tableau 10: distinct for the common colour-vision deficiencies, readable on white. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export const AXIS = { label: '#5b6270', line: '#c9ced6', split: '#eceef2' } as const;

export function colorAt(i: number): string {
  const n = PALETTE.length;
  return PALETTE[((i % n) + n) % n] as string;
}

/** "#4e79a7" → [78, 121, 167]. */
export function rgbOf(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`"${hex}" is not a #rrggbb colour.`);
  return [parseInt(m[1] as string, 16), parseInt(m[2] as string, 16), parseInt(m[3] as string, 16)];
}

/** The colour as rgba() with an alpha in [0, 1] (rounded to 3 decimals). */
export function rgba(hex: string, alpha: number): string {
  const [r, g, b] = rgbOf(hex);
  return `rgba(${r},${g},${b},${Math.round(Math.min(1, Math.max(0, alpha)) * 1000) / 1000})`;
}

/** At most `max` indices of 0..n-1, evenly strided (charts of many points stay light). */
export function strideIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = n / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * step));
}
