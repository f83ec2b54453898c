/** Formatting of numbers, sizes and cell values for display. Pure: unit-tested under Node. */
import type { ColumnKind } from '../../src-shared/dataset.ts';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? intFmt.format(n) : String(n);
}

/** Bytes in the binary units people see in file managers, one decimal above 1 KB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/**
 * A float with up to `digits` significant digits, trailing zeros dropped,
 * exponent only for very large or very small magnitudes.
 */
export function formatNumber(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e15 || abs < 1e-5) return x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(digits);
  return s.includes('e') ? String(Number(s)) : s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Epoch milliseconds → "YYYY-MM-DD" (UTC: dates are stored without a zone). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Epoch milliseconds → "YYYY-MM-DD HH:MM:SS" (UTC), seconds dropped when zero-padded noise. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A statistic (min, mean, quartile...) of a column of this kind. */
export function formatStat(x: number, kind: ColumnKind): string {
  if (kind === 'date') return formatDate(x);
  if (kind === 'datetime') return formatDateTime(x);
  return formatNumber(x, kind === 'integer' ? 8 : 5);
}

/**
 * A cell as text, or null when the value is missing (the grid draws missing
 * values distinctly, so it must know).
 */
export function formatCell(value: unknown, kind: ColumnKind): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return null;
    if (kind === 'date') return formatDate(value);
    if (kind === 'datetime') return formatDateTime(value);
    return formatNumber(value, 7);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return kind === 'date' ? formatDate(value.getTime()) : formatDateTime(value.getTime());
  return String(value);
}

/** 0.4567 → "45.7%"; null (unknown) → "". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '';
  const p = Math.min(1, Math.max(0, fraction)) * 100;
  return `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Seconds → "0.42 s", "12 s", "3 min 05 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${pad(Math.round(seconds - m * 60))} s`;
}
