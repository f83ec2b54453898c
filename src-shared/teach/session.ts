/**
 * A teaching session as a small JSON file: what data (a dataset's two
 * columns, a generated shape with its seed, or points placed by clicking),
 * k, the initialisation and its seed, the speed, the step reached and which
 * controls presenter mode hides. Reading one checks every field and names
 * the first bad one, so a hand-edited or foreign file gets a clear refusal.
 */
import { LatheError } from '../errors.ts';
import { INIT_METHODS, type InitMethod } from './kmeans.ts';
import { MAX_POINTS, SHAPES, type ShapeKind } from './shapes.ts';

export const SESSION_FORMAT = 'lathe.teach-session';
export const SESSION_VERSION = 1;

/** Controls the teacher can hide in presenter mode. */
export const TEACH_CONTROLS = ['data', 'k', 'init', 'step', 'back', 'play', 'speed', 'reset', 'lines', 'voronoi', 'trails', 'inertia', 'elbow', 'export'] as const;
export type TeachControl = (typeof TEACH_CONTROLS)[number];

export type DataRef =
  | { source: 'dataset'; datasetId: string; datasetName?: string; x: string; y: string }
  | { source: 'shape'; shape: ShapeKind; seed: number; n: number }
  | { source: 'points'; points: [number, number][] };

export interface TeachSession {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_VERSION;
  data: DataRef;
  k: number;
  init: InitMethod;
  seed: number;
  /** Centroids placed by clicking (init 'manual'). */
  centroids?: [number, number][];
  /** Half-steps per second while playing. */
  speed: number;
  /** Half-steps taken when saved (reopens at the same state). */
  step: number;
  hidden: TeachControl[];
  presenter: boolean;
  /** Draw lines from the points to their centroids. */
  lines: boolean;
}

export const MAX_K = 10;
export const SPEED_RANGE = [0.25, 20] as const;

function bad(path: string, message: string, file?: string): LatheError {
  return new LatheError('BAD_SESSION_FILE', `${file ? `${file}: ` : ''}${message} Save the session again from the k-means view, or fix "${path}" in the file.`, {
    param: path,
    ...(file ? { file } : {}),
  });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function int(o: Record<string, unknown>, key: string, min: number, max: number, file?: string, path = key): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(path, `"${path}" must be a whole number from ${min} to ${max}; got ${JSON.stringify(v) ?? 'nothing'}.`, file);
  }
  return v;
}

function pairs(v: unknown, path: string, file?: string, max = MAX_POINTS): [number, number][] {
  if (!Array.isArray(v)) throw bad(path, `"${path}" must be a list of [x, y] pairs.`, file);
  if (v.length > max) throw bad(path, `"${path}" has ${v.length} points; at most ${max} are allowed.`, file);
  return v.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw bad(`${path}[${i}]`, `"${path}[${i}]" must be [x, y] with two finite numbers; got ${JSON.stringify(p)}.`, file);
    }
    return [p[0] as number, p[1] as number];
  });
}

function dataRef(v: unknown, file?: string): DataRef {
  if (!isObj(v)) throw bad('data', '"data" must say where the points come from: {"source": "dataset" | "shape" | "points", …}.', file);
  switch (v.source) {
    case 'dataset': {
      for (const key of ['datasetId', 'x', 'y'] as const) {
        if (typeof v[key] !== 'string' || !(v[key] as string).length) throw bad(`data.${key}`, `"data.${key}" must be a non-empty string.`, file);
      }
      const out: DataRef = { source: 'dataset', datasetId: v.datasetId as string, x: v.x as string, y: v.y as string };
      if (typeof v.datasetName === 'string') out.datasetName = v.datasetName;
      return out;
    }
    case 'shape': {
      if (typeof v.shape !== 'string' || !(SHAPES as readonly string[]).includes(v.shape)) {
        throw bad('data.shape', `"data.shape" must be one of ${SHAPES.join(', ')}; got ${JSON.stringify(v.shape) ?? 'nothing'}.`, file);
      }
      return {
        source: 'shape',
        shape: v.shape as ShapeKind,
        seed: int(v, 'seed', 0, 2 ** 32 - 1, file, 'data.seed'),
        n: int(v, 'n', 1, MAX_POINTS, file, 'data.n'),
      };
    }
    case 'points':
      return { source: 'points', points: pairs(v.points, 'data.points', file) };
    default:
      throw bad('data.source', `"data.source" must be "dataset", "shape" or "points"; got ${JSON.stringify(v.source) ?? 'nothing'}.`, file);
  }
}

/** Check a parsed object as a session (throws BAD_SESSION_FILE naming the field). */
export function validateSession(v: unknown, file?: string): TeachSession {
  if (!isObj(v)) throw bad('(top)', 'The file must hold one JSON object.', file);
  if (v.format !== SESSION_FORMAT) {
    throw bad('format', `This is not a Lathe teaching session ("format" is ${JSON.stringify(v.format) ?? 'missing'}; expected "${SESSION_FORMAT}").`, file);
  }
  if (v.version !== SESSION_VERSION) {
    const newer = typeof v.version === 'number' && v.version > SESSION_VERSION;
    throw bad('version', newer ? `The session was written by a newer Lathe (version ${v.version}; this one reads ${SESSION_VERSION}). Update Lathe.` : `"version" must be ${SESSION_VERSION}; got ${JSON.stringify(v.version) ?? 'nothing'}.`, file);
  }
  const data = dataRef(v.data, file);
  const k = int(v, 'k', 1, MAX_K, file);
  if (typeof v.init !== 'string' || !(INIT_METHODS as readonly string[]).includes(v.init)) {
    throw bad('init', `"init" must be one of ${INIT_METHODS.join(', ')}; got ${JSON.stringify(v.init) ?? 'nothing'}.`, file);
  }
  const init = v.init as InitMethod;
  const seed = int(v, 'seed', 0, 2 ** 32 - 1, file);
  let centroids: [number, number][] | undefined;
  if (init === 'manual' || v.centroids !== undefined) {
    centroids = pairs(v.centroids, 'centroids', file, MAX_K);
    if (init === 'manual' && centroids.length !== k) throw bad('centroids', `"centroids" has ${centroids.length} placed centroids; k is ${k}.`, file);
  }
  const speed = v.speed;
  if (typeof speed !== 'number' || !(speed >= SPEED_RANGE[0] && speed <= SPEED_RANGE[1])) {
    throw bad('speed', `"speed" must be a number of steps per second from ${SPEED_RANGE[0]} to ${SPEED_RANGE[1]}; got ${JSON.stringify(speed) ?? 'nothing'}.`, file);
  }
  const step = int(v, 'step', 0, 100_000, file);
  if (!Array.isArray(v.hidden)) throw bad('hidden', `"hidden" must be a list of control names (${TEACH_CONTROLS.join(', ')}).`, file);
  const hidden = v.hidden.map((h, i) => {
    if (typeof h !== 'string' || !(TEACH_CONTROLS as readonly string[]).includes(h)) {
      throw bad(`hidden[${i}]`, `"hidden[${i}]" must be one of ${TEACH_CONTROLS.join(', ')}; got ${JSON.stringify(h)}.`, file);
    }
    return h as TeachControl;
  });
  for (const key of ['presenter', 'lines'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'boolean') throw bad(key, `"${key}" must be true or false; got ${JSON.stringify(v[key])}.`, file);
  }
  const out: TeachSession = { format: SESSION_FORMAT, version: SESSION_VERSION, data, k, init, seed, speed, step, hidden, presenter: v.presenter === true, lines: v.lines === true };
  if (centroids) out.centroids = centroids;
  return out;
}

/** Read a session file's text (throws BAD_SESSION_FILE for bad JSON or a bad field). */
export function parseSession(text: string, file?: string): TeachSession {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad('(top)', `The file is not JSON (${e instanceof Error ? e.message : String(e)}).`, file);
  }
  return validateSession(v, file);
}

/** The file's text (stable key order, small: points only when placed by clicking). */
export function serializeSession(s: TeachSession): string {
  return JSON.stringify(validateSession(s), null, 2) + '\n';
}
