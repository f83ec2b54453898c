/**
 * Estimator state to and from plain JSON. `toJSON()` of an estimator may hold
 * typed arrays (weights, centroids, tree nodes); JSON.stringify would turn
 * them into `{"0":..}` objects and lose NaN/Infinity. These helpers tag each
 * typed array with its type and store its bytes (base64, little-endian as the
 * machine: every platform Lathe runs on is little-endian), so a state read
 * back gives bit-identical predictions.
 *
 * For model bundles that keep weights as binary, `splitState` replaces every
 * typed array by a reference into a list of buffers and `joinState` undoes it.
 */
import { LatheError } from '../../../src-shared/errors.ts';
import type { EstimatorState } from './estimator.ts';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
export type TypedArrayName = keyof typeof TYPED;
export type TypedArray = InstanceType<(typeof TYPED)[TypedArrayName]>;

/** JSON form of a typed array in a serialised state. */
export interface TypedTag {
  $typed: TypedArrayName;
  /** base64 of the bytes (serializeState) */
  b64?: string;
  /** index into the buffers list (splitState) */
  ref?: number;
  length: number;
}

export function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && typedName(v) !== null;
}

function typedName(v: ArrayBufferView): TypedArrayName | null {
  for (const [name, C] of Object.entries(TYPED)) if (v.constructor === C) return name as TypedArrayName;
  return null;
}

function isTag(v: unknown): v is TypedTag {
  return !!v && typeof v === 'object' && typeof (v as { $typed?: unknown }).$typed === 'string';
}

function walk(v: unknown, onTyped: (a: TypedArray) => unknown): unknown {
  if (isTypedArray(v)) return onTyped(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, onTyped));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = walk(x, onTyped);
    return o;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  return v;
}

function unwalk(v: unknown, onTag: (t: TypedTag) => TypedArray, path: string): unknown {
  if (isTag(v)) return onTag(v);
  if (Array.isArray(v)) return v.map((x, i) => unwalk(x, onTag, `${path}[${i}]`));
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$number') {
      const s = (v as { $number: unknown }).$number;
      if (s === 'NaN') return NaN;
      if (s === 'Infinity') return Infinity;
      if (s === '-Infinity') return -Infinity;
      throw new LatheError('BAD_MODEL_FILE', `The model state has an unreadable number at ${path}: ${String(s)}.`, { path });
    }
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = unwalk(x, onTag, `${path}.${k}`);
    return o;
  }
  return v;
}

function makeTyped(tag: TypedTag, bytes: Uint8Array, path: string): TypedArray {
  const C = TYPED[tag.$typed];
  if (!C) throw new LatheError('BAD_MODEL_FILE', `The model state has an unknown array type '${String(tag.$typed)}' at ${path}.`, { path });
  const size = C.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== tag.length * size) {
    throw new LatheError(
      'BAD_MODEL_FILE',
      `The model state's ${tag.$typed} at ${path} should hold ${tag.length} values (${tag.length * size} bytes) but has ${bytes.byteLength} bytes; the file is damaged.`,
      { path },
    );
  }
  // Copy into a fresh, aligned buffer.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new C(copy.buffer, 0, tag.length);
}

function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A JSON-safe copy of an estimator state (typed arrays as tagged base64). */
export function serializeState(s: EstimatorState): unknown {
  return walk(s, (a) => ({ $typed: typedName(a)!, length: a.length, b64: Buffer.from(bytesOf(a)).toString('base64') }) satisfies TypedTag);
}

/** Inverse of serializeState (also accepts the result of JSON.parse of it). */
export function deserializeState(json: unknown): EstimatorState {
  const s = unwalk(
    json,
    (t) => {
      if (typeof t.b64 !== 'string') throw new LatheError('BAD_MODEL_FILE', 'The model state has an array without its data.', {});
      return makeTyped(t, new Uint8Array(Buffer.from(t.b64, 'base64')), t.$typed);
    },
    'state',
  );
  return checkState(s);
}

/** JSON text of a state, and back. */
export function stateToString(s: EstimatorState): string {
  return JSON.stringify(serializeState(s));
}

export function stateFromString(text: string): EstimatorState {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new LatheError('BAD_MODEL_FILE', `The model state is not valid JSON: ${(e as Error).message}.`, {});
  }
  return deserializeState(j);
}

/** Typed arrays moved out as binary buffers (for bundles), the rest plain JSON. */
export function splitState(s: EstimatorState): { json: unknown; buffers: Uint8Array[] } {
  const buffers: Uint8Array[] = [];
  const json = walk(s, (a) => {
    buffers.push(new Uint8Array(bytesOf(a)));
    return { $typed: typedName(a)!, length: a.length, ref: buffers.length - 1 } satisfies TypedTag;
  });
  return { json, buffers };
}

export function joinState(json: unknown, buffers: readonly Uint8Array[]): EstimatorState {
  const s = unwalk(
    json,
    (t) => {
      const b = typeof t.ref === 'number' ? buffers[t.ref] : undefined;
      if (!b) throw new LatheError('BAD_MODEL_FILE', `The model state refers to weights buffer ${String(t.ref)}, which the file lacks.`, {});
      return makeTyped(t, b, t.$typed);
    },
    'state',
  );
  return checkState(s);
}

function checkState(s: unknown): EstimatorState {
  const o = s as Partial<EstimatorState> | null;
  if (!o || typeof o !== 'object' || typeof o.algo !== 'string' || !o.params || typeof o.params !== 'object' || !o.state || typeof o.state !== 'object') {
    throw new LatheError('BAD_MODEL_FILE', 'The model state must be an object with algo (string), params (object) and state (object).', {});
  }
  return o as EstimatorState;
}

/** Read a typed field of a fitted state, with a clear error if it is missing or of the wrong type. */
export function stateArray<K extends TypedArrayName>(state: Record<string, unknown>, key: string, type: K, owner: string): InstanceType<(typeof TYPED)[K]> {
  const v = state[key];
  if (!(v instanceof TYPED[type])) {
    throw new LatheError('BAD_MODEL_FILE', `The saved ${owner} lacks '${key}' (a ${type}); the model file is damaged or from another algorithm.`, { key });
  }
  return v as InstanceType<(typeof TYPED)[K]>;
}

export function stateNumber(state: Record<string, unknown>, key: string, owner: string): number {
  const v = state[key];
  if (typeof v !== 'number') {
    throw new LatheError('BAD_MODEL_FILE', `The saved ${owner} lacks the number '${key}'; the model file is damaged or from another algorithm.`, { key });
  }
  return v;
}
