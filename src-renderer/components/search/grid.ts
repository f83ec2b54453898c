/**
 * The search panel's grid editor as pure functions: one text field per
 * catalogue parameter ("1, 3, 5"), each value coerced and validated against
 * the parameter's schema with the standard message, the grid built from the
 * filled fields, and its size (grid mode tries every combination).
 */
import { LatheError } from '../../../src-shared/errors.ts';
import { coerceParam, validateParams, type ParamSchema, type ParamSpec, type ParamValue, type Params } from '../../../src-shared/ml/params.ts';

/** List-valued parameters hold commas themselves, so their values are separated by ';'. */
export function separatorOf(spec: ParamSpec): ';' | ',' {
  return spec.type === 'int_list' || spec.type === 'float_list' ? ';' : ',';
}

/**
 * The values typed for one parameter. Empty text: the parameter is not
 * searched ([]). A bad value throws INVALID_PARAM naming the parameter, the
 * value's position and what the schema accepts.
 */
export function parseValues(owner: string, name: string, spec: ParamSpec, text: string): ParamValue[] {
  const sep = separatorOf(spec);
  const parts = text.split(sep).map((s) => s.trim());
  if (parts.every((p) => p === '')) return [];
  const out: ParamValue[] = [];
  const seen = new Set<string>();
  parts.forEach((raw, i) => {
    if (raw === '') {
      throw new LatheError('INVALID_PARAM', `Value ${i + 1} of '${name}' is empty: separate the values with '${sep}' and leave no gap (e.g. "${sep === ',' ? '1, 3, 5' : '10; 20,20'}").`, { param: name, position: i + 1 });
    }
    const v = coerceParam(spec, raw);
    try {
      validateParams(owner, { [name]: spec } as ParamSchema, { [name]: v });
    } catch (e) {
      if (e instanceof LatheError) throw new LatheError('INVALID_PARAM', `${e.message} (value ${i + 1} of the '${name}' grid)`, { ...e.details, position: i + 1 });
      throw e;
    }
    const key = JSON.stringify(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  });
  return out;
}

export interface GridParse {
  grid: Record<string, ParamValue[]>;
  /** Per parameter, the message of its bad value. */
  errors: Record<string, { code: string; message: string }>;
  /** Number of combinations (1 when nothing is searched). */
  size: number;
}

/** Build the grid from every field's text; errors are collected per parameter, not thrown. */
export function parseGrid(owner: string, schema: ParamSchema, texts: Record<string, string>): GridParse {
  const grid: Record<string, ParamValue[]> = {};
  const errors: GridParse['errors'] = {};
  for (const [name, spec] of Object.entries(schema)) {
    const text = texts[name] ?? '';
    try {
      const values = parseValues(owner, name, spec, text);
      if (values.length) grid[name] = values;
    } catch (e) {
      if (e instanceof LatheError) errors[name] = { code: e.code, message: e.message };
      else throw e;
    }
  }
  return { grid, errors, size: gridSize(grid) };
}

export function gridSize(grid: Record<string, ParamValue[]>): number {
  return Object.values(grid).reduce((n, v) => n * Math.max(1, v.length), 1);
}

/** A value as the fields show it (the inverse of coerceParam for one value). */
export function formatValue(v: ParamValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** Starting texts: a few sensible values for the common knobs, empty (not searched) elsewhere. */
export function starterTexts(schema: ParamSchema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(schema)) out[name] = '';
  if ('n_neighbors' in schema) out.n_neighbors = '1, 3, 5, 7';
  return out;
}

/** The searched parameters of one candidate, for the table ("n_neighbors=3 weights=distance"). */
export function candidateLabel(params: Params, keys: string[]): string {
  return keys.map((k) => `${k}=${formatValue(params[k] ?? null)}`).join('  ');
}

/** "0.9533 ± 0.0340" */
export function meanStd(mean: number, std: number): string {
  return Number.isFinite(mean) ? `${mean.toFixed(4)} ± ${(Number.isFinite(std) ? std : 0).toFixed(4)}` : '–';
}
