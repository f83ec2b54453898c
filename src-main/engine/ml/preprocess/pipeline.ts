/**
 * A preprocessing pipeline: steps fitted on the training rows only, then
 * applied unchanged to any rows (test rows, new data at predict), ending in
 * the all-numeric Matrix an estimator takes. It is saved with the model
 * (toJSON / fromJSON) together with the input columns it expects, so a
 * loaded model refuses data that lacks one (FEATURES_MISSING) and accepts
 * the columns in any order.
 *
 * The usual order, which defaultPipeline builds: impute → scale (numeric
 * columns) → one-hot (categorical columns), so dummy columns stay 0/1.
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { Matrix } from '../estimator.ts';
import { Imputer, type ImputeStrategy } from './impute.ts';
import { OneHotEncoder } from './onehot.ts';
import { MinMaxScaler, StandardScaler } from './scale.ts';
import { tableToMatrix, type FeatureTable } from './table.ts';

export type PreprocessStep = Imputer | StandardScaler | MinMaxScaler | OneHotEncoder;
export type StepKind = PreprocessStep['kind'];

export interface InputColumn {
  name: string;
  kind: 'numeric' | 'categorical';
}

export interface PipelineState {
  version: 1;
  inputs: InputColumn[];
  featureNamesOut: string[];
  steps: ({ kind: StepKind } & Record<string, unknown>)[];
}

export interface DefaultPipelineOptions {
  /** Fill missing values (default 'mean' for numeric columns; categorical ones always get their most frequent label); null = no imputation. */
  impute?: ImputeStrategy | null;
  /** Scale numeric columns (default 'standard'); null = leave them as they are. */
  scale?: 'standard' | 'minmax' | null;
}

export class Pipeline {
  readonly steps: PreprocessStep[];
  inputs: InputColumn[] = [];
  featureNamesOut: string[] = [];
  fitted = false;

  constructor(steps: PreprocessStep[] = []) {
    this.steps = steps;
  }

  /** Fit every step on these (training) rows, in order; returns the transformed matrix. */
  fitTransform(t: FeatureTable): Matrix {
    this.inputs = t.columns.map((c) => ({ name: c.name, kind: c.kind }));
    let cur = t;
    for (const s of this.steps) cur = s.fit(cur).transform(cur);
    this.featureNamesOut = cur.columns.map((c) => c.name);
    this.fitted = true;
    return tableToMatrix(cur);
  }

  fit(t: FeatureTable): this {
    this.fitTransform(t);
    return this;
  }

  /** Apply the fitted steps to other rows; columns are matched by name. */
  transform(t: FeatureTable): Matrix {
    if (!this.fitted) throw new LatheError('NOT_FITTED', 'This preprocessing Pipeline is not fitted yet. Call fit with the training rows first.');
    const byName = new Map(t.columns.map((c) => [c.name, c]));
    const missing = this.inputs.filter((c) => !byName.has(c.name)).map((c) => c.name);
    if (missing.length) {
      throw new LatheError('FEATURES_MISSING', `The data lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} the model was trained with.`, {
        missing,
      });
    }
    const columns = this.inputs.map((c) => {
      const col = byName.get(c.name)!;
      if (col.kind !== c.kind) {
        throw new LatheError('BAD_KIND', `Column '${c.name}' is ${col.kind} here but was ${c.kind} when the model was trained.`, { column: c.name });
      }
      return col;
    });
    let cur: FeatureTable = { rows: t.rows, columns };
    for (const s of this.steps) cur = s.transform(cur);
    return tableToMatrix(cur);
  }

  toJSON(): PipelineState {
    return {
      version: 1,
      inputs: this.inputs.map((c) => ({ ...c })),
      featureNamesOut: [...this.featureNamesOut],
      steps: this.steps.map((s) => s.toJSON() as { kind: StepKind } & Record<string, unknown>),
    };
  }

  static fromJSON(s: PipelineState): Pipeline {
    if (!s || s.version !== 1 || !Array.isArray(s.steps) || !Array.isArray(s.inputs)) {
      throw new LatheError('BAD_MODEL_FILE', 'The saved preprocessing pipeline is not a version-1 pipeline with inputs and steps.');
    }
    const steps = s.steps.map((st): PreprocessStep => {
      switch (st.kind) {
        case 'impute':
          return Imputer.fromJSON(st as unknown as Parameters<typeof Imputer.fromJSON>[0]);
        case 'standard':
          return StandardScaler.fromJSON(st as unknown as Parameters<typeof StandardScaler.fromJSON>[0]);
        case 'minmax':
          return MinMaxScaler.fromJSON(st as unknown as Parameters<typeof MinMaxScaler.fromJSON>[0]);
        case 'onehot':
          return OneHotEncoder.fromJSON(st as unknown as Parameters<typeof OneHotEncoder.fromJSON>[0]);
        default:
          throw new LatheError('BAD_MODEL_FILE', `The saved pipeline has an unknown step '${String((st as { kind: unknown }).kind)}'.`);
      }
    });
    const p = new Pipeline(steps);
    p.inputs = s.inputs.map((c) => ({ ...c }));
    p.featureNamesOut = [...s.featureNamesOut];
    p.fitted = true;
    return p;
  }
}

/** impute → scale → one-hot, each only where the table needs it. */
export function defaultPipeline(t: FeatureTable, opts: DefaultPipelineOptions = {}): Pipeline {
  const steps: PreprocessStep[] = [];
  const impute = opts.impute === undefined ? 'mean' : opts.impute;
  const scale = opts.scale === undefined ? 'standard' : opts.scale;
  const hasCategorical = t.columns.some((c) => c.kind === 'categorical');
  // Always impute when asked: the rows to predict may have gaps the training rows had not.
  if (impute) steps.push(new Imputer(impute));
  if (scale === 'standard') steps.push(new StandardScaler());
  else if (scale === 'minmax') steps.push(new MinMaxScaler());
  if (hasCategorical) steps.push(new OneHotEncoder());
  return new Pipeline(steps);
}
