/**
 * Missing-value imputation, as scikit-learn's SimpleImputer, fitted on the
 * training rows only: numeric columns get the column's mean, median or most
 * frequent value (ties → the smallest); categorical columns always get their
 * most frequent label (ties → the first in sort order). A column with no
 * value at all on the training rows is filled with 0 / its first label
 * (scikit-learn would drop it; Lathe keeps the column set stable).
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { FeatureColumn, FeatureTable } from './table.ts';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent';

interface Fill {
  name: string;
  kind: 'numeric' | 'categorical';
  value: number | string | null;
}

function mostFrequentNumber(v: Float64Array): number | null {
  const counts = new Map<number, number>();
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!)) counts.set(v[i]!, (counts.get(v[i]!) ?? 0) + 1);
  let best: number | null = null;
  let bestN = 0;
  for (const [x, c] of counts) if (c > bestN || (c === bestN && best !== null && x < best)) [best, bestN] = [x, c];
  return best;
}

function medianOf(v: Float64Array): number | null {
  const s = v.filter((x) => !Number.isNaN(x)).sort();
  if (s.length === 0) return null;
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function meanOf(v: Float64Array): number | null {
  let s = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isNaN(v[i]!)) {
      s += v[i]!;
      n++;
    }
  }
  return n ? s / n : null;
}

export class Imputer {
  readonly kind = 'impute';
  strategy: ImputeStrategy;
  fills: Fill[] = [];

  constructor(strategy: ImputeStrategy = 'mean') {
    if (!['mean', 'median', 'most_frequent'].includes(strategy)) {
      throw new LatheError('INVALID_PARAM', `The 'strategy' parameter of SimpleImputer must be a str among {'mean', 'median', 'most_frequent'}. Got '${strategy}' instead.`, {
        param: 'strategy',
      });
    }
    this.strategy = strategy;
  }

  fit(t: FeatureTable): this {
    this.fills = t.columns.map((c): Fill => {
      if (c.kind === 'numeric') {
        const v = this.strategy === 'mean' ? meanOf(c.values) : this.strategy === 'median' ? medianOf(c.values) : mostFrequentNumber(c.values);
        return { name: c.name, kind: 'numeric', value: v };
      }
      const counts = new Int32Array(c.categories.length);
      for (let i = 0; i < c.codes.length; i++) if (c.codes[i]! >= 0) counts[c.codes[i]!]!++;
      let best: string | null = null;
      let bestN = 0;
      c.categories.forEach((label, k) => {
        const n = counts[k]!;
        if (n > bestN || (n === bestN && n > 0 && best !== null && label < best)) [best, bestN] = [label, n];
      });
      return { name: c.name, kind: 'categorical', value: best };
    });
    return this;
  }

  transform(t: FeatureTable): FeatureTable {
    const byName = new Map(this.fills.map((f) => [f.name, f]));
    return {
      rows: t.rows,
      columns: t.columns.map((c): FeatureColumn => {
        const f = byName.get(c.name);
        if (!f) return c;
        if (c.kind === 'numeric') {
          const fill = typeof f.value === 'number' ? f.value : 0;
          const values = Float64Array.from(c.values);
          for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) values[i] = fill;
          return { name: c.name, kind: 'numeric', values };
        }
        const label = typeof f.value === 'string' ? f.value : (c.categories[0] ?? '');
        let code = c.categories.indexOf(label);
        const categories = code >= 0 ? c.categories : [...c.categories, label];
        if (code < 0) code = categories.length - 1;
        const codes = Int32Array.from(c.codes);
        for (let i = 0; i < codes.length; i++) if (codes[i]! < 0) codes[i] = code;
        return { name: c.name, kind: 'categorical', codes, categories };
      }),
    };
  }

  featureNamesOut(input: readonly string[]): string[] {
    return [...input];
  }

  toJSON(): { kind: 'impute'; strategy: ImputeStrategy; fills: Fill[] } {
    return { kind: 'impute', strategy: this.strategy, fills: this.fills.map((f) => ({ ...f })) };
  }

  static fromJSON(s: { strategy: ImputeStrategy; fills: Fill[] }): Imputer {
    const m = new Imputer(s.strategy);
    if (!Array.isArray(s.fills)) throw new LatheError('BAD_MODEL_FILE', 'The saved imputation step has no fill values.');
    m.fills = s.fills.map((f) => ({ ...f }));
    return m;
  }
}
