/**
 * Hyper-parameter search: the grid (parameter names as in the catalogue's
 * schema — scikit-learn's names — plus a few short aliases such as `k` for
 * n_neighbors), values coerced to the schema's types, and the candidates:
 * every combination (grid) or `nIter` of them drawn without replacement
 * with a seed (random). Each candidate is validated with the standard
 * message before any fitting.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import { taskEntry, validateAlgoParams } from '../../../src-shared/ml/catalog.ts';
import type { ParamSpec, ParamValue, Params } from '../../../src-shared/ml/params.ts';
import { Random } from '../ml/random.ts';

/** Short names people type, per algorithm. */
const ALIASES: Record<string, Record<string, string>> = {
  knn: { k: 'n_neighbors', neighbors: 'n_neighbors' },
  forest: { trees: 'n_estimators' },
  gboost: { trees: 'n_estimators', lr: 'learning_rate' },
  kmeans: { k: 'n_clusters' },
  tree: { depth: 'max_depth' },
};

export type Grid = Record<string, ParamValue[]>;

function coerce(owner: string, name: string, spec: ParamSpec, raw: ParamValue): ParamValue {
  if (typeof raw !== 'string') return raw;
  const s = raw.trim();
  if ((s === 'None' || s === 'null') && ('nullable' in spec ? spec.nullable : false)) return null;
  switch (spec.type) {
    case 'int':
    case 'float': {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) {
        throw new LatheError('INVALID_PARAM', `The '${name}' parameter of ${owner} must be ${spec.type === 'int' ? 'an int' : 'a float'}. Got '${s}' instead.`, { param: name });
      }
      return v;
    }
    case 'bool':
      if (/^(true|1|yes)$/i.test(s)) return true;
      if (/^(false|0|no)$/i.test(s)) return false;
      throw new LatheError('INVALID_PARAM', `The '${name}' parameter of ${owner} must be an instance of 'bool'. Got '${s}' instead.`, { param: name });
    case 'number_or_enum':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
    case 'int_list':
    case 'float_list':
      return s.split('/').map(Number);
    default:
      return s;
  }
}

/**
 * The grid with canonical parameter names and typed values. Unknown names are
 * INVALID_PARAM listing the algorithm's parameters.
 */
export function normaliseGrid(algo: string, task: string, grid: Record<string, readonly ParamValue[]>): Grid {
  const t = taskEntry(algo, task);
  const out: Grid = {};
  const names = Object.keys(grid);
  if (names.length === 0) throw new LatheError('BAD_REQUEST', 'The grid is empty: give at least one parameter with its values, e.g. n_neighbors=1,3,5.', { param: 'grid' });
  for (const key of names) {
    const name = t.schema[key] ? key : ALIASES[algo]?.[key];
    const spec = name ? t.schema[name] : undefined;
    if (!name || !spec) {
      throw new LatheError('INVALID_PARAM', `${t.owner} has no parameter '${key}'. Its parameters are: ${Object.keys(t.schema).join(', ')}.`, { param: `grid.${key}` });
    }
    if (out[name]) throw new LatheError('BAD_REQUEST', `The grid names '${name}' twice (as '${key}' too).`, { param: `grid.${key}` });
    const values = grid[key]!;
    if (!Array.isArray(values) || values.length === 0) throw new LatheError('BAD_REQUEST', `The grid gives no values for '${key}'.`, { param: `grid.${key}` });
    out[name] = values.map((v) => coerce(t.owner, name, spec, v));
  }
  return out;
}

/** `k=1,3,5;weights=uniform,distance` → {k: ['1','3','5'], weights: [...]} (values stay text; normaliseGrid types them). */
export function parseGridText(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new LatheError('BAD_REQUEST', `The grid part '${part.trim()}' is not name=value,value,...; e.g. --grid 'k=1,3,5;weights=uniform,distance'.`, { param: 'grid' });
    const name = part.slice(0, eq).trim();
    out[name] = part
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }
  return out;
}

const MAX_CANDIDATES = 10_000;

/** Every combination (grid), or nIter distinct ones drawn with the seed (random); each validated. */
export function candidates(algo: string, task: string, grid: Grid, opts: { mode?: 'grid' | 'random'; nIter?: number; seed?: number; fixed?: Params } = {}): Params[] {
  const names = Object.keys(grid);
  const sizes = names.map((n) => grid[n]!.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const mode = opts.mode ?? 'grid';
  let picks: number[];
  if (mode === 'random') {
    const n = opts.nIter ?? 10;
    if (!Number.isInteger(n) || n < 1) throw new LatheError('INVALID_PARAM', `nIter must be a whole number of at least 1; got ${n}.`, { param: 'nIter' });
    const rng = new Random(opts.seed ?? 0);
    if (total <= MAX_CANDIDATES) {
      const all = Array.from({ length: total }, (_, i) => i);
      rng.shuffle(all);
      picks = all.slice(0, Math.min(n, total));
    } else {
      const seen = new Set<number>();
      while (seen.size < Math.min(n, MAX_CANDIDATES)) seen.add(rng.int(total));
      picks = [...seen];
    }
  } else {
    if (total > MAX_CANDIDATES) {
      throw new LatheError('INVALID_PARAM', `The grid has ${total} combinations (more than ${MAX_CANDIDATES}); use fewer values or mode 'random' with nIter.`, { param: 'grid', combinations: total });
    }
    picks = Array.from({ length: total }, (_, i) => i);
  }
  return picks.map((flat) => {
    const p: Params = { ...(opts.fixed ?? {}) };
    let r = flat;
    for (let j = names.length - 1; j >= 0; j--) {
      const size = sizes[j]!;
      p[names[j]!] = grid[names[j]!]![r % size]!;
      r = Math.floor(r / size);
    }
    validateAlgoParams(algo, task, p);
    return p;
  });
}
