/**
 * Flags shared by `lathe train` and `lathe compare`: the protocol
 * (--cv K | --test-size F, --seed S), --features a,b,c, --param k=v (coerced
 * with the algorithm's schema so the engine checks real types), and the task
 * a target column implies (the schema differs per task).
 */
import type { Protocol } from '../../../src-shared/contract/ml.ts';
import type { ColumnInfo } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { ALGO_NAMES, CATALOG, isAlgoName, type AlgoName } from '../../../src-shared/ml/catalog.ts';
import { coerceParam, type Params } from '../../../src-shared/ml/params.ts';
import type { CommandArgs } from '../command.ts';

export type SupervisedTask = 'classification' | 'regression';

/** As the engine decides: class-like kinds, or integers with at most 20 distinct values, are classes. */
export function impliedTask(col: ColumnInfo): SupervisedTask {
  if (col.kind === 'categorical' || col.kind === 'boolean' || col.kind === 'text') return 'classification';
  return col.kind === 'integer' && col.distinct <= 20 ? 'classification' : 'regression';
}

function str(flags: CommandArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.at(-1) : undefined;
}

function num(flags: CommandArgs['flags'], name: string, check: (x: number) => boolean, what: string): number | undefined {
  const s = str(flags, name);
  if (s === undefined) return undefined;
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x) || !check(x)) {
    throw new LatheError('INVALID_PARAM', `--${name} must be ${what}; got "${s}".`, { param: `--${name}` });
  }
  return x;
}

/** --cv K or --test-size F (not both), with --seed S; `fallback` when neither is given. */
export function protocolOf(flags: CommandArgs['flags'], fallback: Protocol): Protocol {
  const seed = num(flags, 'seed', (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, 'a whole number ≥ 0') ?? fallback.seed;
  const cv = num(flags, 'cv', (x) => Number.isInteger(x) && x >= 2, 'a whole number of folds ≥ 2');
  const test = num(flags, 'test-size', (x) => (x > 0 && x < 1) || (Number.isInteger(x) && x >= 1), 'a fraction between 0 and 1 (e.g. 0.2) or a number of rows');
  if (cv !== undefined && test !== undefined) {
    throw new LatheError('BAD_REQUEST', 'Give either --cv K (cross-validation) or --test-size F (one hold-out split), not both.', { param: '--cv' });
  }
  if (cv !== undefined) return { kind: 'cv', folds: cv, seed };
  if (test !== undefined) return { kind: 'holdout', testSize: test, seed };
  return { ...fallback, seed };
}

/** The protocol as the CLI's JSON writes it. */
export function protocolJson(p: Protocol): Record<string, unknown> {
  return p.kind === 'cv'
    ? { kind: 'cv', folds: p.folds, ...(p.repeats ? { repeats: p.repeats } : {}), seed: p.seed }
    : { kind: 'holdout', test_size: p.testSize, seed: p.seed };
}

export function listFlag(flags: CommandArgs['flags'], name: string): string[] | undefined {
  const s = str(flags, name);
  if (s === undefined) return undefined;
  const items = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!items.length) throw new LatheError('BAD_REQUEST', `--${name} needs a comma-separated list; got "${s}".`, { param: `--${name}` });
  return items;
}

export function algoOf(name: string, param = '--algo'): AlgoName {
  if (!isAlgoName(name)) throw new LatheError('INVALID_PARAM', `Unknown algorithm '${name}'. Choose one of: ${ALGO_NAMES.join(', ')}.`, { param });
  return name;
}

/** --param k=v (repeatable, or k=v,k2=v2 is NOT split: values such as lists may hold commas). */
export function paramsOf(raw: CommandArgs['flags'][string], algo: AlgoName, task: SupervisedTask): Params {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const schema = CATALOG[algo].byTask[task]?.schema ?? {};
  const out: Params = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new LatheError('BAD_REQUEST', `--param takes name=value (e.g. --param n_neighbors=7); got "${item}".`, { param: '--param' });
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1);
    const spec = schema[name];
    // An unknown name goes through as text; the engine answers with the list of known parameters.
    out[name] = spec ? coerceParam(spec, value) : value;
  }
  return out;
}

/** A number for a table cell: 3 decimals, '—' when missing. */
export function cell(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}
