/**
 * Hyper-parameter schemas are data. Every estimator declares its parameters
 * here (in src-shared, so the renderer can build forms from them), and every
 * violation reads the same way, as scikit-learn's:
 *   The 'n_neighbors' parameter of KNeighborsClassifier must be an int in the
 *   range [1, inf). Got 0 instead.
 */
import { LatheError } from '../errors.ts';

export type ParamSpec =
  | { type: 'int'; default: number | null; min?: number; max?: number; nullable?: boolean; doc: string }
  | { type: 'float'; default: number | null; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; nullable?: boolean; doc: string }
  | { type: 'enum'; default: string; values: readonly string[]; doc: string }
  | { type: 'bool'; default: boolean; doc: string }
  /** An int or float, or one of a few strings (e.g. gamma: 'scale' | 'auto' | 0.1). */
  | { type: 'number_or_enum'; default: number | string | null; values: readonly string[]; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; nullable?: boolean; doc: string }
  | { type: 'int_list'; default: number[]; min?: number; doc: string }
  /** A list of floats or None (e.g. GaussianNB's class priors). */
  | { type: 'float_list'; default: number[] | null; min?: number; max?: number; nullable?: boolean; doc: string };

export type ParamSchema = Record<string, ParamSpec>;
export type ParamValue = number | string | boolean | null | number[];
export type Params = Record<string, ParamValue>;

function fmt(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

function rangeText(spec: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }): string {
  const lo = spec.min ?? '-inf';
  const hi = spec.max ?? 'inf';
  const l = spec.min === undefined || spec.exclusiveMin ? '(' : '[';
  const r = spec.max === undefined || spec.exclusiveMax ? ')' : ']';
  return `${l}${lo}, ${hi}${r}`;
}

function inRange(v: number, spec: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }): boolean {
  if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min)) return false;
  if (spec.max !== undefined && (spec.exclusiveMax ? v >= spec.max : v > spec.max)) return false;
  return true;
}

export function describeSpec(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int':
      return `an int in the range ${rangeText(spec)}${spec.nullable ? ' or None' : ''}`;
    case 'float':
      return `a float in the range ${rangeText(spec)}${spec.nullable ? ' or None' : ''}`;
    case 'enum':
      return `a str among {${spec.values.map(fmt).join(', ')}}`;
    case 'bool':
      return 'a bool';
    case 'number_or_enum':
      return `a str among {${spec.values.map(fmt).join(', ')}}${spec.nullable ? ',' : ' or'} a float in the range ${rangeText(spec)}${spec.nullable ? ' or None' : ''}`;
    case 'int_list':
      return `a list of ints in the range ${rangeText(spec)}`;
    case 'float_list':
      return `a list of floats in the range ${rangeText(spec)}${spec.nullable ? ' or None' : ''}`;
  }
}

/** Coerce a string (from a CLI `--param k=v` or a form field) to the spec's type. */
export function coerceParam(spec: ParamSpec, raw: string): ParamValue {
  const s = raw.trim();
  if ((s === 'None' || s === 'null' || s === '') && (spec.type === 'int' || spec.type === 'float' || spec.type === 'number_or_enum') && spec.nullable) return null;
  switch (spec.type) {
    case 'int':
    case 'float':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
    case 'bool':
      return s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : s;
    case 'number_or_enum':
      return spec.values.includes(s) ? s : s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
    case 'int_list':
      return s === '' ? [] : s.split(/[,\s]+/).map((x) => (Number.isFinite(Number(x)) ? Number(x) : NaN));
    case 'float_list':
      if ((s === 'None' || s === 'null' || s === '') && spec.nullable) return null;
      return s.split(/[,\s]+/).map((x) => (Number.isFinite(Number(x)) ? Number(x) : NaN));
    case 'enum':
      return s;
  }
}

/**
 * Validate params against a schema, filling defaults. Unknown names and bad
 * values throw INVALID_PARAM with the standard message.
 */
export function validateParams(owner: string, schema: ParamSchema, given: Params = {}): Params {
  for (const name of Object.keys(given)) {
    if (!(name in schema)) {
      const known = Object.keys(schema).join(', ');
      throw new LatheError('INVALID_PARAM', `${owner} has no parameter '${name}'. Its parameters are: ${known}.`, { param: name });
    }
  }
  const out: Params = {};
  for (const [name, spec] of Object.entries(schema)) {
    const v = name in given ? given[name] : spec.default;
    const bad = (): never => {
      throw new LatheError(
        'INVALID_PARAM',
        `The '${name}' parameter of ${owner} must be ${describeSpec(spec)}. Got ${fmt(v)} instead.`,
        { param: name, value: v as unknown, expected: describeSpec(spec) },
      );
    };
    switch (spec.type) {
      case 'int':
        if (v === null && spec.nullable) break;
        if (typeof v !== 'number' || !Number.isInteger(v) || !inRange(v, spec)) bad();
        break;
      case 'float':
        if (v === null && spec.nullable) break;
        if (typeof v !== 'number' || !Number.isFinite(v) || !inRange(v, spec)) bad();
        break;
      case 'enum':
        if (typeof v !== 'string' || !spec.values.includes(v)) bad();
        break;
      case 'bool':
        if (typeof v !== 'boolean') bad();
        break;
      case 'number_or_enum':
        if (v === null && spec.nullable) break;
        if (typeof v === 'string') {
          if (!spec.values.includes(v)) bad();
        } else if (typeof v !== 'number' || !Number.isFinite(v) || !inRange(v, spec)) bad();
        break;
      case 'int_list':
        if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x) || !inRange(x, spec))) bad();
        break;
      case 'float_list':
        if (v === null && spec.nullable) break;
        if (!Array.isArray(v) || v.some((x) => !Number.isFinite(x) || !inRange(x, spec))) bad();
        break;
    }
    out[name] = Array.isArray(v) ? [...v] : (v as ParamValue);
  }
  return out;
}

export function defaultParams(schema: ParamSchema): Params {
  const out: Params = {};
  for (const [k, s] of Object.entries(schema)) out[k] = Array.isArray(s.default) ? [...s.default] : s.default;
  return out;
}
