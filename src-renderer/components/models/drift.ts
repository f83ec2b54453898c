/**
 * The drift report as people read it: a headline with the worst level, the
 * schema problems first (missing features, kind changes), then the columns
 * worst first with PSI and KS to three decimals.
 */
import type { DriftColumn, DriftLevel, DriftReport } from '../../../src-shared/model-bundle.ts';

export interface DriftHeadline {
  level: DriftLevel;
  title: string;
  detail: string;
}

const RANK: Record<DriftLevel, number> = { none: 0, moderate: 1, large: 2 };

export function driftHeadline(r: DriftReport): DriftHeadline {
  const shifted = r.columns.filter((c) => c.level !== 'none');
  const large = shifted.filter((c) => c.level === 'large').length;
  const parts: string[] = [];
  if (r.missing.length) parts.push(`${r.missing.length} feature${r.missing.length === 1 ? '' : 's'} missing (${r.missing.join(', ')})`);
  if (r.kindChanges.length) parts.push(`${r.kindChanges.length} changed kind (${r.kindChanges.map((k) => `${k.name}: ${k.trained} → ${k.now}`).join(', ')})`);
  if (shifted.length) parts.push(`${shifted.length} of ${r.columns.length} features shifted${large ? ` (${large} large)` : ''}`);
  if (!r.distributions) parts.push('the model file has no training distribution, so only the schema was checked');
  const title =
    r.level === 'large'
      ? 'Large drift: this data does not look like the training data'
      : r.level === 'moderate'
        ? 'Moderate drift: some features moved away from training'
        : 'No drift: this data looks like the training data';
  return { level: r.level, title, detail: parts.length ? `${parts.join('; ')}.` : `All ${r.columns.length} features are within the training distribution (PSI < 0.1).` };
}

/** Columns worst first (level, then PSI), ties in the model's feature order. */
export function driftColumns(r: DriftReport): DriftColumn[] {
  return r.columns
    .map((c, i) => ({ c, i }))
    .sort((a, b) => RANK[b.c.level] - RANK[a.c.level] || (b.c.psi ?? -1) - (a.c.psi ?? -1) || a.i - b.i)
    .map((x) => x.c);
}

export function statText(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : v.toFixed(3);
}
