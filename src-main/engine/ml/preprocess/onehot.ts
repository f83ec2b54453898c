/**
 * One-hot encoding of the categorical columns, as scikit-learn's
 * OneHotEncoder(handle_unknown='ignore'): the categories seen on the training
 * rows, sorted, one 0/1 column each named `<column>_<category>`; a category
 * not seen at fit (or a missing value) encodes as all zeros. Matching is by
 * label, so data whose categories are numbered differently encodes the same.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { FeatureColumn, FeatureTable } from './table.ts';

interface Encoding {
  name: string;
  categories: string[];
}

export class OneHotEncoder {
  readonly kind = 'onehot';
  encodings: Encoding[] = [];

  fit(t: FeatureTable): this {
    this.encodings = [];
    for (const c of t.columns) {
      if (c.kind !== 'categorical') continue;
      const seen = new Uint8Array(c.categories.length);
      for (let i = 0; i < c.codes.length; i++) if (c.codes[i]! >= 0) seen[c.codes[i]!] = 1;
      const cats = c.categories.filter((_, k) => seen[k] === 1).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.encodings.push({ name: c.name, categories: cats });
    }
    return this;
  }

  transform(t: FeatureTable): FeatureTable {
    const byName = new Map(this.encodings.map((e) => [e.name, e]));
    const columns: FeatureColumn[] = [];
    for (const c of t.columns) {
      const e = byName.get(c.name);
      if (!e) {
        columns.push(c);
        continue;
      }
      if (c.kind !== 'categorical') {
        throw new LatheError('BAD_DATA', `Column '${c.name}' was categorical when the one-hot step was fitted but is numeric now.`, { column: c.name });
      }
      const index = new Map(e.categories.map((label, k) => [label, k]));
      const map = Int32Array.from(c.categories, (label) => index.get(label) ?? -1);
      const outs = e.categories.map(() => new Float64Array(t.rows));
      for (let i = 0; i < t.rows; i++) {
        const code = c.codes[i]!;
        const k = code >= 0 ? map[code]! : -1;
        if (k >= 0) outs[k]![i] = 1;
      }
      e.categories.forEach((label, k) => columns.push({ name: `${c.name}_${label}`, kind: 'numeric', values: outs[k]! }));
    }
    return { rows: t.rows, columns };
  }

  featureNamesOut(input: readonly string[]): string[] {
    const byName = new Map(this.encodings.map((e) => [e.name, e]));
    return input.flatMap((n) => byName.get(n)?.categories.map((c) => `${n}_${c}`) ?? [n]);
  }

  toJSON(): { kind: 'onehot'; encodings: Encoding[] } {
    return { kind: 'onehot', encodings: this.encodings.map((e) => ({ name: e.name, categories: [...e.categories] })) };
  }

  static fromJSON(s: { encodings: Encoding[] }): OneHotEncoder {
    if (!Array.isArray(s.encodings)) throw new LatheError('BAD_MODEL_FILE', 'The saved one-hot step has no categories.');
    const m = new OneHotEncoder();
    m.encodings = s.encodings.map((e) => ({ name: e.name, categories: [...e.categories] }));
    return m;
  }
}
