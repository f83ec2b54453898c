/**
 * Scaling of the numeric columns, fitted on the training rows only (missing
 * values are ignored at fit and stay missing): StandardScaler (mean 0,
 * population standard deviation 1; a constant column gets scale 1) and
 * MinMaxScaler (to [0, 1]; a constant column gets scale 1), computed as
 * scikit-learn computes them. Categorical columns pass through.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { FeatureColumn, FeatureTable } from './table.ts';

interface ColumnScale {
  name: string;
  /** StandardScaler: mean; MinMaxScaler: min_ (sklearn's additive term). */
  offset: number;
  scale: number;
}

abstract class NumericScaler {
  columns: ColumnScale[] = [];

  protected abstract fitColumn(v: Float64Array): { offset: number; scale: number };
  protected abstract apply(x: number, s: ColumnScale): number;

  fit(t: FeatureTable): this {
    this.columns = [];
    for (const c of t.columns) if (c.kind === 'numeric') this.columns.push({ name: c.name, ...this.fitColumn(c.values) });
    return this;
  }

  transform(t: FeatureTable): FeatureTable {
    const byName = new Map(this.columns.map((s) => [s.name, s]));
    return {
      rows: t.rows,
      columns: t.columns.map((c): FeatureColumn => {
        const s = byName.get(c.name);
        if (!s || c.kind !== 'numeric') return c;
        const values = new Float64Array(c.values.length);
        for (let i = 0; i < values.length; i++) values[i] = this.apply(c.values[i]!, s);
        return { name: c.name, kind: 'numeric', values };
      }),
    };
  }

  featureNamesOut(input: readonly string[]): string[] {
    return [...input];
  }

  protected static restore(s: { columns: ColumnScale[] }, m: NumericScaler, what: string): void {
    if (!Array.isArray(s.columns)) throw new LatheError('BAD_MODEL_FILE', `The saved ${what} step has no column scales.`);
    m.columns = s.columns.map((c) => ({ ...c }));
  }
}

export class StandardScaler extends NumericScaler {
  readonly kind = 'standard';

  protected fitColumn(v: Float64Array): { offset: number; scale: number } {
    let n = 0;
    let mean = 0;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isNaN(v[i]!)) {
        mean += v[i]!;
        n++;
      }
    }
    if (n === 0) return { offset: 0, scale: 1 };
    mean /= n;
    let ss = 0;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isNaN(v[i]!)) {
        const d = v[i]! - mean;
        ss += d * d;
      }
    }
    const variance = ss / n;
    // sklearn's _is_constant_feature: a variance within rounding error of zero means a constant column.
    const eps = 2.220446049250313e-16;
    const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
    return { offset: mean, scale: constant ? 1 : Math.sqrt(variance) };
  }

  protected apply(x: number, s: ColumnScale): number {
    return (x - s.offset) / s.scale;
  }

  toJSON(): { kind: 'standard'; columns: ColumnScale[] } {
    return { kind: 'standard', columns: this.columns.map((c) => ({ ...c })) };
  }

  static fromJSON(s: { columns: ColumnScale[] }): StandardScaler {
    const m = new StandardScaler();
    NumericScaler.restore(s, m, 'standard-scaling');
    return m;
  }
}

export class MinMaxScaler extends NumericScaler {
  readonly kind = 'minmax';

  protected fitColumn(v: Float64Array): { offset: number; scale: number } {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (lo > hi) return { offset: 0, scale: 1 };
    const range = hi - lo;
    const scale = 1 / (range < 10 * 2.220446049250313e-16 ? 1 : range);
    // sklearn: X * scale_ + min_, with min_ = 0 − data_min × scale_.
    return { offset: 0 - lo * scale, scale };
  }

  protected apply(x: number, s: ColumnScale): number {
    return x * s.scale + s.offset;
  }

  toJSON(): { kind: 'minmax'; columns: ColumnScale[] } {
    return { kind: 'minmax', columns: this.columns.map((c) => ({ ...c })) };
  }

  static fromJSON(s: { columns: ColumnScale[] }): MinMaxScaler {
    const m = new MinMaxScaler();
    NumericScaler.restore(s, m, 'min-max scaling');
    return m;
  }
}
