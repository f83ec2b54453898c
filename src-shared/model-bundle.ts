/**
 * The `.lathe` model file: its manifest (what the model is, what it was
 * trained on, how to rebuild it) and the checks every manifest read from a
 * file must pass before anything is built from it. A model file is data,
 * never code: the manifest is JSON validated field by field here, the
 * weights are raw little-endian typed arrays referenced from it by index.
 *
 * Layout (engine/models/bundle.ts writes and reads it):
 *   "LATHE\0"  u32 format version  u32 manifest length  manifest (UTF-8 JSON)
 *   weights (the blobs, each starting on an 8-byte boundary of the file)
 *   sha256 (32 bytes) of everything before it.
 *
 * Pure TypeScript: the renderer can show a manifest, tests validate one.
 */
import { LatheError } from './errors.ts';

export const BUNDLE_MAGIC = 'LATHE\0';
/** The format this Lathe writes; files with a higher version are refused (MODEL_VERSION). */
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_FORMAT = 'lathe-model';
/** Bytes before the manifest: magic (6) + version (4) + manifest length (4). */
export const BUNDLE_HEADER_BYTES = 14;
export const BUNDLE_CHECKSUM_BYTES = 32;
/** A manifest larger than this is not one Lathe wrote (the weights are outside it). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export type FeatureKind = 'numeric' | 'categorical';

export interface BundleFeature {
  name: string;
  kind: FeatureKind;
}

// ---------------------------------------------------------------- fingerprint

/**
 * A numeric column of the training rows: bins for the population stability
 * index (edges at the training deciles; the outer bins are open-ended) and
 * 21 quantiles (0 %, 5 %, … 100 %) for the Kolmogorov–Smirnov statistic.
 */
export interface NumericFingerprint {
  name: string;
  kind: 'numeric';
  count: number;
  missing: number;
  mean: number | null;
  std: number | null;
  /** Inner bin edges, ascending and distinct: bin b holds edges[b-1] < x <= edges[b]. */
  edges: number[];
  /** edges.length + 1 counts. */
  counts: number[];
  quantiles: number[];
}

/** A categorical column of the training rows: counts per label (the most frequent 200). */
export interface CategoricalFingerprint {
  name: string;
  kind: 'categorical';
  count: number;
  missing: number;
  categories: { value: string; count: number }[];
  /** Rows whose label is not among `categories`. */
  other: number;
}

export type ColumnFingerprint = NumericFingerprint | CategoricalFingerprint;

export interface DataFingerprint {
  /** sha256 of the source file of the training dataset. */
  sha256: string;
  datasetName: string;
  /** Every column of the training dataset with its kind (not only the features). */
  schema: { name: string; kind: string }[];
  /** Training rows the model was fitted on. */
  rows: number;
  /** Per feature, the distribution on the training rows (absent in files of models stored before fingerprints). */
  columns: ColumnFingerprint[];
}

// ---------------------------------------------------------------- drift

export type DriftLevel = 'none' | 'moderate' | 'large';

export interface DriftColumn {
  name: string;
  kind: FeatureKind;
  /** Population stability index against the training bins (categoricals: per label). */
  psi: number | null;
  /** Kolmogorov–Smirnov statistic against the training quantiles (numeric columns). */
  ks: number | null;
  level: DriftLevel;
}

export interface DriftReport {
  /** Features the model needs that the data lacks. */
  missing: string[];
  /** Columns of the data the model does not use. */
  extra: string[];
  /** Features whose kind differs from training. */
  kindChanges: { name: string; trained: FeatureKind; now: string }[];
  columns: DriftColumn[];
  /** The worst column level (large when a feature is missing or changed kind). */
  level: DriftLevel;
  /** One line per problem, for people ("petal_length: large shift (PSI 1.83)"). */
  warnings: string[];
  /** False when the model file has no training distribution to compare with (schema checks only). */
  distributions: boolean;
}

/** PSI above this is a large shift, above MODERATE_PSI a moderate one (the usual rule of thumb). */
export const LARGE_PSI = 0.2;
export const MODERATE_PSI = 0.1;

export function driftLevel(psi: number | null): DriftLevel {
  if (psi === null || !Number.isFinite(psi)) return 'none';
  return psi > LARGE_PSI ? 'large' : psi >= MODERATE_PSI ? 'moderate' : 'none';
}

// ---------------------------------------------------------------- manifest

/** Reference to a typed array stored as a weights blob (as engine/ml/state.ts splitState writes them). */
export interface BlobRef {
  $typed: string;
  ref: number;
  length: number;
}

export interface BlobEntry {
  /** Offset from the start of the weights section (a multiple of 8). */
  offset: number;
  byteLength: number;
}

/** A classical estimator: its toJSON() state with every typed array replaced by a BlobRef. */
export interface EstimatorPayload {
  kind: 'estimator';
  state: { algo: string; params: Record<string, unknown>; state: Record<string, unknown> };
}

/** A neural network: its resolved spec and its weights (float32 blobs), in model order. */
export interface NetworkPayload {
  kind: 'network';
  spec: Record<string, unknown>;
  weights: { name: string; shape: number[]; ref: number }[];
}

export type ModelPayload = EstimatorPayload | NetworkPayload;

export interface ModelManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  latheVersion: string;
  createdAt: string;
  name: string;
  description?: string;
  algorithm: string;
  task: string;
  params: Record<string, unknown>;
  backend: string;
  target: string | null;
  features: BundleFeature[];
  /** Class labels, index = class code (classification), else empty. */
  classes: string[];
  metrics: Record<string, number>;
  /** The preprocessing pipeline (engine/ml/preprocess PipelineState): inputs, steps, feature names out. */
  preprocessing: { version: number; inputs: BundleFeature[]; featureNamesOut: string[]; steps: ({ kind: string } & Record<string, unknown>)[] };
  fingerprint: DataFingerprint;
  model: ModelPayload;
  blobs: BlobEntry[];
}

// ---------------------------------------------------------------- validation

type Json = unknown;

class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, what: string): never {
    throw new LatheError('BAD_MODEL_FILE', `${this.file} is not a valid Lathe model: ${path} ${what}. The file may be damaged or written by another program.`, {
      file: this.file,
      path,
    });
  }

  obj(v: Json, path: string): Record<string, Json> {
    if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail(path, `must be an object, not ${describe(v)}`);
    return v as Record<string, Json>;
  }

  arr(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, `must be a list, not ${describe(v)}`);
    return v as Json[];
  }

  str(v: Json, path: string, opts: { nonEmpty?: boolean; max?: number } = {}): string {
    if (typeof v !== 'string') this.fail(path, `must be a string, not ${describe(v)}`);
    const s = v as string;
    if (opts.nonEmpty && !s) this.fail(path, 'must not be empty');
    if (s.length > (opts.max ?? 100_000)) this.fail(path, `is ${s.length} characters long (at most ${opts.max ?? 100_000})`);
    return s;
  }

  num(v: Json, path: string, opts: { int?: boolean; min?: number; nullable?: boolean } = {}): number {
    if (v === null && opts.nullable) return NaN;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a finite number, not ${describe(v)}`);
    const n = v as number;
    if (opts.int && !Number.isInteger(n)) this.fail(path, `must be a whole number, not ${n}`);
    if (opts.min !== undefined && n < opts.min) this.fail(path, `must be at least ${opts.min}, not ${n}`);
    return n;
  }

  strList(v: Json, path: string): string[] {
    return this.arr(v, path).map((x, i) => this.str(x, `${path}[${i}]`));
  }

  numList(v: Json, path: string, nullable = false): number[] {
    return this.arr(v, path).map((x, i) => this.num(x, `${path}[${i}]`, { nullable }));
  }

  oneOf<T extends string>(v: Json, path: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.fail(path, `must be one of ${values.map((x) => `"${x}"`).join(', ')}, not ${describe(v)}`);
    return v as T;
  }
}

function describe(v: Json): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function checkFeature(c: Checker, v: Json, path: string): BundleFeature {
  const o = c.obj(v, path);
  return { name: c.str(o.name, `${path}.name`, { nonEmpty: true, max: 1000 }), kind: c.oneOf(o.kind, `${path}.kind`, ['numeric', 'categorical'] as const) };
}

function checkColumnFingerprint(c: Checker, v: Json, path: string): ColumnFingerprint {
  const o = c.obj(v, path);
  const name = c.str(o.name, `${path}.name`, { nonEmpty: true });
  const kind = c.oneOf(o.kind, `${path}.kind`, ['numeric', 'categorical'] as const);
  const count = c.num(o.count, `${path}.count`, { int: true, min: 0 });
  const missing = c.num(o.missing, `${path}.missing`, { int: true, min: 0 });
  if (kind === 'numeric') {
    const edges = c.numList(o.edges, `${path}.edges`);
    for (let i = 1; i < edges.length; i++) if (!(edges[i]! > edges[i - 1]!)) c.fail(`${path}.edges`, 'must be strictly ascending');
    const counts = c.numList(o.counts, `${path}.counts`);
    if (counts.length !== edges.length + 1) c.fail(`${path}.counts`, `must hold ${edges.length + 1} counts (one more than the edges), not ${counts.length}`);
    counts.forEach((n, i) => c.num(n, `${path}.counts[${i}]`, { int: true, min: 0 }));
    const quantiles = c.numList(o.quantiles, `${path}.quantiles`);
    for (let i = 1; i < quantiles.length; i++) if (quantiles[i]! < quantiles[i - 1]!) c.fail(`${path}.quantiles`, 'must be ascending');
    const mean = o.mean === null ? null : c.num(o.mean, `${path}.mean`);
    const std = o.std === null ? null : c.num(o.std, `${path}.std`);
    return { name, kind, count, missing, mean, std, edges, counts, quantiles };
  }
  const categories = c.arr(o.categories, `${path}.categories`).map((x, i) => {
    const e = c.obj(x, `${path}.categories[${i}]`);
    return { value: c.str(e.value, `${path}.categories[${i}].value`), count: c.num(e.count, `${path}.categories[${i}].count`, { int: true, min: 0 }) };
  });
  return { name, kind, count, missing, categories, other: c.num(o.other, `${path}.other`, { int: true, min: 0 }) };
}

function checkFingerprint(c: Checker, v: Json): DataFingerprint {
  const o = c.obj(v, 'fingerprint');
  return {
    sha256: c.str(o.sha256, 'fingerprint.sha256'),
    datasetName: c.str(o.datasetName, 'fingerprint.datasetName'),
    schema: c.arr(o.schema, 'fingerprint.schema').map((x, i) => {
      const e = c.obj(x, `fingerprint.schema[${i}]`);
      return { name: c.str(e.name, `fingerprint.schema[${i}].name`), kind: c.str(e.kind, `fingerprint.schema[${i}].kind`) };
    }),
    rows: c.num(o.rows, 'fingerprint.rows', { int: true, min: 0 }),
    columns: c.arr(o.columns, 'fingerprint.columns').map((x, i) => checkColumnFingerprint(c, x, `fingerprint.columns[${i}]`)),
  };
}

/** Every BlobRef in a JSON tree must point at an existing blob of the right size. */
function checkRefs(c: Checker, v: Json, path: string, blobs: BlobEntry[], depth = 0): void {
  if (depth > 64) c.fail(path, 'nests too deeply');
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkRefs(c, x, `${path}[${i}]`, blobs, depth + 1));
    return;
  }
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, Json>;
  if ('$typed' in o) {
    const type = c.oneOf(o.$typed, `${path}.$typed`, TYPED_NAMES);
    const ref = c.num(o.ref, `${path}.ref`, { int: true, min: 0 });
    const length = c.num(o.length, `${path}.length`, { int: true, min: 0 });
    const blob = blobs[ref];
    if (!blob) c.fail(`${path}.ref`, `points at weights blob ${ref}, but the file has ${blobs.length}`);
    if (blob.byteLength !== length * TYPED_SIZES[type]) c.fail(path, `is ${length} × ${type} (${length * TYPED_SIZES[type]} bytes) but blob ${ref} holds ${blob.byteLength} bytes`);
    return;
  }
  for (const [k, x] of Object.entries(o)) checkRefs(c, x, `${path}.${k}`, blobs, depth + 1);
}

const TYPED_NAMES = ['Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Int16Array', 'Uint16Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray'] as const;
const TYPED_SIZES: Record<(typeof TYPED_NAMES)[number], number> = {
  Float64Array: 8,
  Float32Array: 4,
  Int32Array: 4,
  Uint32Array: 4,
  Int16Array: 2,
  Uint16Array: 2,
  Int8Array: 1,
  Uint8Array: 1,
  Uint8ClampedArray: 1,
};

function checkPayload(c: Checker, v: Json, blobs: BlobEntry[]): ModelPayload {
  const o = c.obj(v, 'model');
  const kind = c.oneOf(o.kind, 'model.kind', ['estimator', 'network'] as const);
  if (kind === 'estimator') {
    const s = c.obj(o.state, 'model.state');
    c.str(s.algo, 'model.state.algo', { nonEmpty: true });
    c.obj(s.params, 'model.state.params');
    c.obj(s.state, 'model.state.state');
    checkRefs(c, s, 'model.state', blobs);
    return { kind, state: s as EstimatorPayload['state'] };
  }
  const spec = c.obj(o.spec, 'model.spec');
  c.oneOf(spec.task, 'model.spec.task', ['classification', 'regression'] as const);
  c.arr(spec.layers, 'model.spec.layers');
  const weights = c.arr(o.weights, 'model.weights').map((x, i) => {
    const p = `model.weights[${i}]`;
    const w = c.obj(x, p);
    const shape = c.numList(w.shape, `${p}.shape`).map((d, j) => c.num(d, `${p}.shape[${j}]`, { int: true, min: 1 }));
    const ref = c.num(w.ref, `${p}.ref`, { int: true, min: 0 });
    const blob = blobs[ref];
    if (!blob) c.fail(`${p}.ref`, `points at weights blob ${ref}, but the file has ${blobs.length}`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (blob.byteLength !== n * 4) c.fail(p, `has shape [${shape.join(', ')}] (${n * 4} bytes of float32) but blob ${ref} holds ${blob.byteLength} bytes`);
    return { name: c.str(w.name, `${p}.name`), shape, ref };
  });
  return { kind, spec, weights };
}

/**
 * Check a parsed manifest against the format, field by field; BAD_MODEL_FILE
 * naming the first field that is wrong. `weightsBytes` is the size of the
 * weights section the file holds (every blob must lie inside it).
 */
export function validateManifest(v: Json, weightsBytes: number, file = 'The model file'): ModelManifest {
  const c = new Checker(file);
  const o = c.obj(v, 'the manifest');
  if (o.format !== BUNDLE_FORMAT) c.fail('format', `must be "${BUNDLE_FORMAT}", not ${describe(o.format)}`);
  const formatVersion = c.num(o.formatVersion, 'formatVersion', { int: true, min: 1 });
  if (formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new LatheError('MODEL_VERSION', `${file} has model format version ${formatVersion}, but this Lathe reads up to version ${BUNDLE_FORMAT_VERSION}. Update Lathe to load it.`, {
      file,
      version: formatVersion,
      supported: BUNDLE_FORMAT_VERSION,
    });
  }
  const blobs = c.arr(o.blobs, 'blobs').map((x, i): BlobEntry => {
    const b = c.obj(x, `blobs[${i}]`);
    const offset = c.num(b.offset, `blobs[${i}].offset`, { int: true, min: 0 });
    const byteLength = c.num(b.byteLength, `blobs[${i}].byteLength`, { int: true, min: 0 });
    if (offset % 8 !== 0) c.fail(`blobs[${i}].offset`, `must be a multiple of 8, not ${offset}`);
    if (offset + byteLength > weightsBytes) c.fail(`blobs[${i}]`, `ends at byte ${offset + byteLength} of the weights, which hold only ${weightsBytes} bytes`);
    return { offset, byteLength };
  });
  const features = c.arr(o.features, 'features').map((x, i) => checkFeature(c, x, `features[${i}]`));
  if (features.length === 0) c.fail('features', 'must name at least one feature');
  const names = new Set<string>();
  for (const f of features) {
    if (names.has(f.name)) c.fail('features', `name "${f.name}" twice`);
    names.add(f.name);
  }
  const pre = c.obj(o.preprocessing, 'preprocessing');
  const preprocessing = {
    version: c.num(pre.version, 'preprocessing.version', { int: true, min: 1 }),
    inputs: c.arr(pre.inputs, 'preprocessing.inputs').map((x, i) => checkFeature(c, x, `preprocessing.inputs[${i}]`)),
    featureNamesOut: c.strList(pre.featureNamesOut, 'preprocessing.featureNamesOut'),
    steps: c.arr(pre.steps, 'preprocessing.steps').map((x, i) => {
      const s = c.obj(x, `preprocessing.steps[${i}]`);
      c.oneOf(s.kind, `preprocessing.steps[${i}].kind`, ['impute', 'standard', 'minmax', 'onehot'] as const);
      return s as { kind: string } & Record<string, unknown>;
    }),
  };
  const metrics: Record<string, number> = {};
  for (const [k, x] of Object.entries(c.obj(o.metrics, 'metrics'))) metrics[k] = x === null ? NaN : c.num(x, `metrics.${k}`);
  const m: ModelManifest = {
    format: BUNDLE_FORMAT,
    formatVersion,
    latheVersion: c.str(o.latheVersion, 'latheVersion', { max: 100 }),
    createdAt: c.str(o.createdAt, 'createdAt', { max: 100 }),
    name: c.str(o.name, 'name', { nonEmpty: true, max: 1000 }),
    algorithm: c.str(o.algorithm, 'algorithm', { nonEmpty: true, max: 100 }),
    task: c.oneOf(o.task, 'task', ['classification', 'regression', 'clustering', 'anomaly', 'decomposition'] as const),
    params: c.obj(o.params, 'params'),
    backend: c.str(o.backend, 'backend', { max: 100 }),
    target: o.target === null ? null : c.str(o.target, 'target'),
    features,
    classes: c.strList(o.classes, 'classes'),
    metrics,
    preprocessing,
    fingerprint: checkFingerprint(c, o.fingerprint),
    model: checkPayload(c, o.model, blobs),
    blobs,
  };
  if (o.description !== undefined && o.description !== null) m.description = c.str(o.description, 'description');
  if (m.task === 'classification' && m.classes.length < 1) c.fail('classes', 'must list the class labels of a classifier');
  return m;
}
