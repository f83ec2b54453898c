/**
 * The arithmetic of the virtual grid: which rows and columns are visible for a
 * scroll position, where each is drawn, and which pages of rows to fetch.
 * Pure, so it is unit-tested without a browser.
 *
 * Browsers cap an element's height (Chromium near 33.5 million px, Firefox
 * near 17.9 million), so past MAX_SCROLL_PX the scroll range is compressed:
 * the scrollbar position maps linearly onto the row range and rows are drawn
 * relative to the viewport rather than at row × height.
 */
export const MAX_SCROLL_PX = 8_000_000;

/** Height of the scrollable content for `totalRows` rows of `rowHeight` px. */
export function contentHeight(totalRows: number, rowHeight: number, max = MAX_SCROLL_PX): number {
  return Math.min(Math.max(0, totalRows) * rowHeight, max);
}

export interface RowWindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  totalRows: number;
  /** Extra rows drawn above and below the viewport. */
  overscan?: number;
  max?: number;
}

export interface RowWindow {
  /** First row drawn (inclusive). */
  first: number;
  /** One past the last row drawn. */
  end: number;
  /** The (fractional) row at the top edge of the viewport. */
  topRow: number;
  /** Pixel y, in content coordinates, of row `first`; row i is at top + (i - first) × rowHeight. */
  top: number;
}

export function rowWindow(input: RowWindowInput): RowWindow {
  const { viewportHeight, rowHeight, totalRows } = input;
  const overscan = input.overscan ?? 4;
  const max = input.max ?? MAX_SCROLL_PX;
  if (totalRows <= 0 || rowHeight <= 0) return { first: 0, end: 0, topRow: 0, top: 0 };
  const height = contentHeight(totalRows, rowHeight, max);
  const real = totalRows * rowHeight;
  const scrollTop = Math.max(0, Math.min(input.scrollTop, Math.max(0, height - viewportHeight)));
  let topRow: number;
  if (real <= max) {
    topRow = scrollTop / rowHeight;
  } else {
    const scrollRange = Math.max(1, height - viewportHeight);
    const realRange = real - viewportHeight;
    topRow = ((scrollTop / scrollRange) * realRange) / rowHeight;
  }
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const first = Math.max(0, Math.floor(topRow) - overscan);
  const end = Math.min(totalRows, Math.floor(topRow) + visible + overscan);
  const top = scrollTop + (first - topRow) * rowHeight;
  return { first, end, topRow, top };
}

/** The scrollTop that puts `row` at the top of the viewport (inverse of rowWindow). */
export function scrollTopForRow(row: number, viewportHeight: number, rowHeight: number, totalRows: number, max = MAX_SCROLL_PX): number {
  const real = totalRows * rowHeight;
  const height = contentHeight(totalRows, rowHeight, max);
  const clampedRow = Math.max(0, Math.min(row, totalRows));
  if (real <= max) return Math.min(clampedRow * rowHeight, Math.max(0, height - viewportHeight));
  const scrollRange = Math.max(1, height - viewportHeight);
  const realRange = real - viewportHeight;
  return Math.min(scrollRange, ((clampedRow * rowHeight) / realRange) * scrollRange);
}

/** Prefix offsets of columns: offsets[i] is the x of column i, offsets[n] the total width. */
export function columnOffsets(widths: readonly number[]): number[] {
  const out = new Array<number>(widths.length + 1);
  out[0] = 0;
  for (let i = 0; i < widths.length; i++) out[i + 1] = (out[i] ?? 0) + (widths[i] ?? 0);
  return out;
}

/** Index of the column under x (binary search in the offsets). */
export function columnAt(offsets: readonly number[], x: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The columns [first, end) that intersect the viewport, with overscan. */
export function columnWindow(offsets: readonly number[], scrollLeft: number, viewportWidth: number, overscan = 2): { first: number; end: number } {
  const n = offsets.length - 1;
  if (n <= 0) return { first: 0, end: 0 };
  const first = Math.max(0, columnAt(offsets, scrollLeft) - overscan);
  const end = Math.min(n, columnAt(offsets, scrollLeft + viewportWidth) + 1 + overscan);
  return { first, end };
}

/** A column's width from its name: wide enough for the header, within bounds. */
export function columnWidth(name: string, min = 90, max = 260): number {
  // ~8 px a character of the bold header font, plus the kind badge and padding.
  return Math.round(Math.min(max, Math.max(min, name.length * 8 + 62)));
}

/** Pages (of `pageSize` rows) that hold rows [first, end). */
export function pagesFor(first: number, end: number, pageSize: number): number[] {
  if (end <= first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((end - 1) / pageSize); p++) out.push(p);
  return out;
}

/**
 * Pages to hold in order of need: the visible ones first, then `prefetch`
 * pages on each side (nearest first), clipped to the dataset.
 */
export function pagesWanted(first: number, end: number, pageSize: number, totalRows: number, prefetch = 1): number[] {
  const visible = pagesFor(first, end, pageSize);
  if (visible.length === 0) return [];
  const lastPage = Math.max(0, Math.ceil(totalRows / pageSize) - 1);
  const out = [...visible];
  const lo = visible[0] ?? 0;
  const hi = visible[visible.length - 1] ?? 0;
  for (let k = 1; k <= prefetch; k++) {
    if (hi + k <= lastPage) out.push(hi + k);
    if (lo - k >= 0) out.push(lo - k);
  }
  return out;
}

/** Rows per page: about 100k cells a page, a power of two between 64 and 1024. */
export function pageSizeFor(columnCount: number): number {
  const target = 100_000 / Math.max(1, columnCount);
  return Math.min(1024, Math.max(64, 2 ** Math.floor(Math.log2(Math.max(1, target)))));
}

/** The 1-based numbers of the first and last rows at least partly in view, for "rows a–b of n". */
export function visibleRange(topRow: number, viewportHeight: number, rowHeight: number, totalRows: number): { from: number; to: number } {
  if (totalRows <= 0) return { from: 0, to: 0 };
  const from = Math.min(totalRows, Math.floor(topRow) + 1);
  const to = Math.min(totalRows, Math.max(from, Math.ceil(topRow + viewportHeight / rowHeight - 1e-6)));
  return { from, to };
}
