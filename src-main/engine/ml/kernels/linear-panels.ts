/**
 * WebAssembly SIMD kernels for the two data passes of a linear model over
 * rows packed in panels of 4 ([panel][feature][4] doubles, as
 * kernels/dot-tile.ts):
 *
 * - `fwd(xp, w, z, np, d, b)`: z_i = b + Σ_j x_ij w_j for the 4·np rows of
 *   np panels; each lane adds the features in order, so z is bit for bit the
 *   scalar loop `z = b; for j: z += x_ij * w_j`.
 * - `bwd(xp, r, G, np, d)`: G[j][q] += Σ_p r_{4p+q} x_{4p+q, j}, the gradient
 *   Xᵀr kept as four partial sums per feature (rows ≡ q mod 4), added in
 *   row order; the caller adds the four lanes.
 *
 * f64x2 lanes: two rows per vector, two vectors per panel. In scalar
 * JavaScript the gradient pass is bound by its load-add-store of g[j] per row
 * group (bounds checks included); here it is one vector update per 2 rows.
 * Hand-assembled like dot-tile.ts (no WAT toolchain ships with Lathe).
 * `linearPanelsKernel()` answers null where WASM SIMD is missing.
 */
import { BLOCK, BR_IF, END, F64, F64X2_ADD, F64X2_MUL, F64X2_SPLAT, I32, I32_ADD, I32_CONST, I32_SUB, LOCAL_GET, LOCAL_SET, LOCAL_TEE, LOOP, V128, V128_LOAD, V128_LOAD64_SPLAT, V128_STORE, VOID, section, str, uleb, withSize } from './wasm-asm.ts';


const mem = (op: number[], offset: number): number[] => [...op, 3, ...uleb(offset)];
const get = (i: number): number[] => [LOCAL_GET, i];
const set = (i: number): number[] => [LOCAL_SET, i];
const addConst = (i: number, c: number): number[] => [...get(i), I32_CONST, ...uleb(c), I32_ADD, ...set(i)];
/** `i -= 1; continue the enclosing loop while i != 0` */
const countDown = (i: number): number[] => [...get(i), I32_CONST, 1, I32_SUB, LOCAL_TEE, i, BR_IF, 0];

/** fwd(xp, w, z, np, d, b); locals: 6 j, 7 wp (i32); 8 acc0, 9 acc1, 10 s, 11 bb (v128) */
function fwdBody(): number[] {
  const [XP, W, Z, NP, D, B, J, WP, A0, A1, S, BB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const b: number[] = [...get(B), ...F64X2_SPLAT, ...set(BB)];
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(...get(BB), ...set(A0), ...get(BB), ...set(A1), ...get(W), ...set(WP), ...get(D), ...set(J));
  b.push(LOOP, VOID);
  b.push(...get(WP), ...mem(V128_LOAD64_SPLAT, 0), ...set(S));
  b.push(...get(A0), ...get(XP), ...mem(V128_LOAD, 0), ...get(S), ...F64X2_MUL, ...F64X2_ADD, ...set(A0));
  b.push(...get(A1), ...get(XP), ...mem(V128_LOAD, 16), ...get(S), ...F64X2_MUL, ...F64X2_ADD, ...set(A1));
  b.push(...addConst(XP, 32), ...addConst(WP, 8), ...countDown(J), END);
  b.push(...get(Z), ...get(A0), ...mem(V128_STORE, 0), ...get(Z), ...get(A1), ...mem(V128_STORE, 16));
  b.push(...addConst(Z, 32), ...countDown(NP), END, END, END);
  return [2, ...uleb(2), I32, ...uleb(4), V128, ...b];
}

/** bwd(xp, r, G, np, d); locals: 5 j, 6 gp (i32); 7 ra, 8 rb (v128) */
function bwdBody(): number[] {
  const [XP, R, G, NP, D, J, GP, RA, RB] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const b: number[] = [BLOCK, VOID, LOOP, VOID];
  b.push(...get(R), ...mem(V128_LOAD, 0), ...set(RA), ...get(R), ...mem(V128_LOAD, 16), ...set(RB));
  b.push(...get(G), ...set(GP), ...get(D), ...set(J));
  b.push(LOOP, VOID);
  for (const [off, rv] of [
    [0, RA],
    [16, RB],
  ] as const) {
    b.push(...get(GP), ...get(GP), ...mem(V128_LOAD, off), ...get(XP), ...mem(V128_LOAD, off), ...get(rv), ...F64X2_MUL, ...F64X2_ADD, ...mem(V128_STORE, off));
  }
  b.push(...addConst(XP, 32), ...addConst(GP, 32), ...countDown(J), END);
  b.push(...addConst(R, 32), ...countDown(NP), END, END, END);
  return [2, ...uleb(2), I32, ...uleb(2), V128, ...b];
}

/** The module's bytes. */
export function linearPanelsWasm(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 6, I32, I32, I32, I32, I32, F64, 0, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    // a shared memory (flags 3: maximum present, shared), so a helper thread can run the kernels on the same data
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x03, 1, ...uleb(MAX_PAGES)]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...str('fwd'), 0x00, 0, ...str('bwd'), 0x00, 1]),
    ...section(10, [2, ...withSize(fwdBody()), ...withSize(bwdBody())]),
  ]);
}

/** z = b + X·w over np panels (byte offsets into memory). */
export type FwdFn = (xp: number, w: number, z: number, np: number, d: number, b: number) => void;
/** G[j][q] += Σ r·x over np panels (byte offsets into memory). */
export type BwdFn = (xp: number, r: number, G: number, np: number, d: number) => void;

export interface LinearPanelsKernel {
  memory: WebAssembly.Memory;
  fwd: FwdFn;
  bwd: BwdFn;
  /** grow the memory to at least `bytes` (within its maximum; views taken before do not see the new part) */
  reserve(bytes: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** Most pages a kernel memory may have (4 GiB: the module's declared maximum). */
const MAX_PAGES = 65536;

/**
 * An instance over `memory` (a shared WebAssembly.Memory from another
 * instance, e.g. posted to a helper thread), or over a fresh shared memory
 * that may grow to `maxBytes`; null where WebAssembly SIMD (or shared
 * WebAssembly memory) is not available.
 */
export function linearPanelsKernel(opts: { memory?: WebAssembly.Memory; maxBytes?: number } = {}): LinearPanelsKernel | null {
  if (compiled === undefined) {
    try {
      const bytes = linearPanelsWasm();
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  let memory = opts.memory;
  if (!memory) {
    const maximum = Math.min(MAX_PAGES, Math.max(1, Math.ceil((opts.maxBytes ?? 2 ** 26) / 65536)));
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch {
      return null;
    }
  }
  const mem = memory;
  const inst = new WebAssembly.Instance(compiled, { env: { mem } });
  return {
    memory: mem,
    fwd: inst.exports.fwd as FwdFn,
    bwd: inst.exports.bwd as BwdFn,
    reserve(bytes: number): void {
      const have = mem.buffer.byteLength;
      if (bytes > have) mem.grow(Math.ceil((bytes - have) / 65536));
    },
  };
}

/**
 * Copy row-major X (n × d) into 4-row panels at double index `at` of `f`;
 * rows past n in the last panel are zeros.
 */
export function packPanels(x: Float64Array, n: number, d: number, f: Float64Array, at: number): void {
  const n4 = (n + 3) & ~3;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = at + i * d;
    const s = i * d;
    for (let j = 0; j < d; j++) {
      const q = o + 4 * j;
      f[q] = x[s + j]!;
      f[q + 1] = x[s + d + j]!;
      f[q + 2] = x[s + 2 * d + j]!;
      f[q + 3] = x[s + 3 * d + j]!;
    }
  }
  if (i < n4) {
    const o = at + i * d;
    for (let j = 0; j < d; j++) for (let q = 0; q < 4; q++) f[o + 4 * j + q] = i + q < n ? x[(i + q) * d + j]! : 0;
  }
}
