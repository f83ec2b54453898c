/**
 * The learner parameter forms of the comparison board, generated from the
 * catalogue's schemas: which parameters a learner shows, what input each one
 * is, and the text of a form turned back into params with the catalogue's own
 * coercion and the standard validation message. Pure: unit-tested under Node.
 */
import { CATALOG, type AlgoName, type Task } from '../../../src-shared/ml/catalog.ts';
import { coerceParam, describeSpec, validateParams, type ParamSpec, type ParamValue, type Params } from '../../../src-shared/ml/params.ts';
import { LatheError } from '../../../src-shared/errors.ts';

export type SupervisedTask = Extract<Task, 'classification' | 'regression'>;

/** The parameters a person most often turns, per algorithm (the rest keep their defaults). */
export const KEY_PARAMS: Readonly<Partial<Record<AlgoName, readonly string[]>>> = {
  knn: ['n_neighbors', 'weights'],
  gnb: ['var_smoothing'],
  logreg: ['C', 'max_iter'],
  tree: ['max_depth', 'min_samples_leaf', 'criterion'],
  forest: ['n_estimators', 'max_depth'],
  svm: ['C', 'kernel', 'gamma'],
  gboost: ['n_estimators', 'learning_rate', 'max_depth'],
  linreg: ['fit_intercept'],
  ridge: ['alpha'],
};

export const DEFAULT_LEARNERS: Readonly<Record<SupervisedTask, readonly AlgoName[]>> = {
  classification: ['knn', 'gnb', 'logreg', 'tree', 'forest'],
  regression: ['linreg', 'ridge', 'knn', 'tree', 'forest'],
};

export interface ParamField {
  name: string;
  /** number: <input type=number>; select: enums and bools; text: number-or-word and lists. */
  input: 'number' | 'select' | 'text';
  min?: number;
  max?: number;
  /** "1" for ints, "any" for floats. */
  step?: string;
  options?: string[];
  /** The schema's doc plus what values it takes (the tooltip). */
  doc: string;
  /** The default as form text ('' = None). */
  defaultText: string;
  spec: ParamSpec;
}

/** A value as form text: None is the empty field, lists are comma-separated. */
export function paramText(v: ParamValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** The form fields of a learner for a task, in KEY_PARAMS order (unknown names skipped). */
export function paramFields(algo: AlgoName, task: SupervisedTask): ParamField[] {
  const entry = CATALOG[algo].byTask[task];
  if (!entry) return [];
  const out: ParamField[] = [];
  for (const name of KEY_PARAMS[algo] ?? []) {
    const spec = entry.schema[name];
    if (!spec) continue;
    const doc = `${spec.doc}\n${name}: ${describeSpec(spec)}; default ${paramText(spec.default) || 'None'}.`;
    const base = { name, doc, defaultText: paramText(spec.default), spec };
    switch (spec.type) {
      case 'int':
      case 'float': {
        const open = spec.type === 'float' && spec.exclusiveMin;
        out.push({ ...base, input: 'number', min: open ? undefined : spec.min, max: spec.max, step: spec.type === 'int' ? '1' : 'any' });
        break;
      }
      case 'enum':
        out.push({ ...base, input: 'select', options: [...spec.values] });
        break;
      case 'bool':
        out.push({ ...base, input: 'select', options: ['true', 'false'] });
        break;
      default:
        out.push({ ...base, input: 'text' });
    }
  }
  return out;
}

/** The default form text of every field of a learner. */
export function defaultForm(algo: AlgoName, task: SupervisedTask): Record<string, string> {
  return Object.fromEntries(paramFields(algo, task).map((f) => [f.name, f.defaultText]));
}

export interface FormCheck {
  /** The coerced params of the fields shown (send these; the engine fills the rest). */
  params: Params;
  /** The first invalid field and the standard message, or null. */
  error: { param: string; message: string } | null;
}

/**
 * Turn a learner's form text into params and validate them against the
 * schema: an invalid value gets scikit-learn's message ("The 'n_neighbors'
 * parameter of KNeighborsClassifier must be an int in the range [1, inf). Got 0 instead.").
 */
export function checkForm(algo: AlgoName, task: SupervisedTask, form: Record<string, string>): FormCheck {
  const entry = CATALOG[algo].byTask[task];
  if (!entry) {
    return { params: {}, error: { param: 'algo', message: `${CATALOG[algo].display} does not do ${task}. It does: ${CATALOG[algo].tasks.join(', ')}.` } };
  }
  const params: Params = {};
  for (const f of paramFields(algo, task)) {
    const raw = form[f.name] ?? f.defaultText;
    params[f.name] = coerceParam(f.spec, raw);
  }
  try {
    validateParams(entry.owner, entry.schema, params);
    return { params, error: null };
  } catch (e) {
    if (!(e instanceof LatheError)) throw e;
    const param = typeof e.details.param === 'string' ? e.details.param : '';
    return { params, error: { param, message: e.message } };
  }
}
