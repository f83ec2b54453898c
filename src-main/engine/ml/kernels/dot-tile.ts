/**
 * A WebAssembly SIMD kernel for brute-force euclidean neighbours: squared
 * distances between one panel of 4 query rows and `np` panels of 4 training
 * rows, through ‖q‖² + ‖t‖² − 2 q·t with f64x2 lanes (8 vector accumulators,
 * a 4×4 register tile). Scalar JavaScript reaches about a third of this.
 *
 * Layout (byte offsets into the instance's memory): rows are packed in
 * panels of 4, feature by feature ([panel][feature][4] doubles); `tn`/`qn`
 * hold the squared norms in the same order; the result for panel p is 16
 * doubles at out + 128·p, query-major (out[p·16 + 4·qi + ti]); `wp` holds
 * 4 thresholds and the answer flags the queries with a distance below theirs.
 * The dot
 * products add the features in order, lane by lane, so results do not depend
 * on how work is split.
 *
 * The module is hand-assembled (no WAT toolchain ships with Lathe); it is
 * about 300 bytes. `dotTileKernel()` answers null where WASM SIMD is missing.
 */
import { BLOCK, BR_IF, END, F64X2_ADD, F64X2_LT, F64X2_MUL, F64X2_SUB, I32_ADD, I32_CONST, I32_OR, I32_SHL, I32_SUB, LOCAL_GET, LOCAL_SET, LOCAL_TEE, LOOP, V128_ANY_TRUE, V128_CONST, V128_LOAD, V128_LOAD64_SPLAT, V128_OR, V128_STORE, VOID, section, sleb, str, uleb } from './wasm-asm.ts';


const mem = (op: number[], offset: number): number[] => [...op, 3, ...uleb(offset)];
const get = (i: number): number[] => [LOCAL_GET, i];
const set = (i: number): number[] => [LOCAL_SET, i];
const addConst = (i: number, c: number): number[] => [...get(i), I32_CONST, ...sleb(c), I32_ADD, ...set(i)];

// params: 0 qp, 1 tp, 2 tn, 3 qn, 4 out, 5 np, 6 d, 7 wp;
// locals: 8 q, 9 j (i32); 10..17 acc, 18 u01, 19 u23, 20 s, 21..24 w, 25..28 hit, 29 r (v128)
const Q = 8;
const J = 9;
const ACC = 10;
const U01 = 18;
const U23 = 19;
const S = 20;
const W = 21;
const HIT = 25;
const R = 29;

function body(): number[] {
  const b: number[] = [];
  for (let qi = 0; qi < 4; qi++) b.push(...get(7), ...mem(V128_LOAD64_SPLAT, 8 * qi), ...set(W + qi));
  b.push(BLOCK, VOID, LOOP, VOID);
  for (let a = 0; a < 8; a++) b.push(...V128_CONST, ...new Array<number>(16).fill(0), ...set(ACC + a));
  b.push(...get(0), ...set(Q), ...get(6), ...set(J));
  b.push(LOOP, VOID);
  b.push(...get(1), ...mem(V128_LOAD, 0), ...set(U01), ...get(1), ...mem(V128_LOAD, 16), ...set(U23));
  for (let qi = 0; qi < 4; qi++) {
    b.push(...get(Q), ...mem(V128_LOAD64_SPLAT, 8 * qi), ...set(S));
    b.push(...get(ACC + 2 * qi), ...get(S), ...get(U01), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC + 2 * qi));
    b.push(...get(ACC + 2 * qi + 1), ...get(S), ...get(U23), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC + 2 * qi + 1));
  }
  b.push(...addConst(1, 32), ...addConst(Q, 32));
  b.push(...get(J), I32_CONST, 1, I32_SUB, LOCAL_TEE, J, BR_IF, 0, END);
  b.push(...get(2), ...mem(V128_LOAD, 0), ...set(U01), ...get(2), ...mem(V128_LOAD, 16), ...set(U23));
  for (let qi = 0; qi < 4; qi++) {
    b.push(...get(3), ...mem(V128_LOAD64_SPLAT, 8 * qi), ...set(S));
    for (let h = 0; h < 2; h++) {
      const acc = ACC + 2 * qi + h;
      b.push(...get(4), ...get(S), ...get(h === 0 ? U01 : U23), ...F64X2_ADD, ...get(acc), ...get(acc), ...F64X2_ADD, ...F64X2_SUB);
      b.push(LOCAL_TEE, R, ...mem(V128_STORE, 32 * qi + 16 * h));
      b.push(...get(HIT + qi), ...get(R), ...get(W + qi), ...F64X2_LT, ...V128_OR, ...set(HIT + qi));
    }
  }
  b.push(...addConst(2, 32), ...addConst(4, 128));
  b.push(...get(5), I32_CONST, 1, I32_SUB, LOCAL_TEE, 5, BR_IF, 0, END, END);
  // bit qi set: some distance of query qi is below its threshold
  b.push(...get(HIT), ...V128_ANY_TRUE);
  for (let qi = 1; qi < 4; qi++) b.push(...get(HIT + qi), ...V128_ANY_TRUE, I32_CONST, qi, I32_SHL, I32_OR);
  b.push(END);
  const locals = [2, ...uleb(2), 0x7f, ...uleb(20), 0x7b];
  const code = [...locals, ...b];
  return [...uleb(code.length), ...code];
}

/** Most pages of a shared kernel memory (4 GiB: the shared module's declared maximum). */
const SHARED_MAX_PAGES = 65536;

/** The module's bytes; `shared`: it imports a shared memory (so helper threads can run it on the same data). */
export function dotTileWasm(shared = false): Uint8Array<ArrayBuffer> {
  const fn = body();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 8, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, ...(shared ? [0x03, 1, ...uleb(SHARED_MAX_PAGES)] : [0x00, 1])]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('tile'), 0x00, 0]),
    ...section(10, [1, ...fn]),
  ]);
}

/**
 * Distances of 4 query rows to np panels of training rows; answers a bit mask
 * with bit qi set when some distance of query qi is below wp[qi] (its current
 * k-th best), so the caller scans only those rows of the output.
 */
export type TileFn = (qp: number, tp: number, tn: number, qn: number, out: number, np: number, d: number, wp: number) => number;

export interface DotTileKernel {
  memory: WebAssembly.Memory;
  tile: TileFn;
  /** grow the memory to at least `bytes` (views taken before are invalid after) */
  reserve(bytes: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compiledShared: WebAssembly.Module | null | undefined;

function compile(shared: boolean): WebAssembly.Module | null {
  try {
    const bytes = dotTileWasm(shared);
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * A fresh instance with its own memory, or, given `memory` (a shared
 * WebAssembly memory, e.g. of a fit that a helper thread shares), an
 * instance over it; null where WebAssembly SIMD is not available.
 */
export function dotTileKernel(opts: { memory?: WebAssembly.Memory } = {}): DotTileKernel | null {
  const shared = opts.memory !== undefined;
  if (shared ? compiledShared === undefined : compiled === undefined) {
    if (shared) compiledShared = compile(true);
    else compiled = compile(false);
  }
  const mod = shared ? compiledShared : compiled;
  if (!mod) return null;
  const memory = opts.memory ?? new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
  const tile = inst.exports.tile as TileFn;
  return {
    memory,
    tile,
    reserve(bytes: number): void {
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    },
  };
}
