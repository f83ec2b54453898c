/**
 * e^x over an array, two lanes at a time (WebAssembly SIMD), giving exactly
 * Math.exp's doubles: V8's Math.exp is fdlibm's __ieee754_exp
 * (v8/src/base/ieee754.cc), and this is the same algorithm step for step,
 * with its branches as lane selects:
 *
 *   |x| < 2^-28            → 1 + x
 *   |x| ≤ ½ln2 (high word) → k = 0,  hi = x, lo = 0
 *   |x| < 1.5 ln2          → k = ±1, hi = x ∓ ln2hi, lo = ±ln2lo
 *   otherwise              → k = (int)(x/ln2 ± ½), hi = x − k·ln2hi, lo = k·ln2lo
 *   r = hi − lo, t = r², c = r − t(P1 + t(P2 + t(P3 + t(P4 + t·P5))))
 *   e^x = 2^k · (1 − ((lo − r·c/(2 − c)) − hi))
 *
 * (fdlibm's k = 0 formula 1 − (r·c/(c − 2) − r) is the same double: lo = 0,
 * hi = r and a/(−b) = −(a/b).) V8 adds one case, e^1 = E (its comment: the
 * steps would get the last bit wrong), and so does this. The thresholds are fdlibm's high-word tests
 * written as the doubles they bound. A pair with a lane where |x| ≥ 707 or
 * NaN (overflow, subnormal results, ±Infinity) is computed by Math.exp
 * itself (imported). No approximation: a unit test compares every result
 * with Math.exp bit for bit over millions of arguments.
 *
 * `vexp(ptr, pairs)` works in place on `pairs` pairs of doubles at byte
 * offset ptr of the memory it is instantiated with (a shared memory of
 * another kernel, so the values need no copy).
 */
import { BLOCK, BR_IF, CALL, END, F64, F64X2_ABS, F64X2_ADD, F64X2_DIV, F64X2_EQ, F64X2_EXTRACT, F64X2_GE, F64X2_LT, F64X2_MUL, F64X2_REPLACE, F64X2_SUB, F64X2_TRUNC, I32, I32X4_TRUNC_SAT_F64X2_S_ZERO, I32_ADD, I32_CONST, I32_EQZ, I32_SUB, I64X2_ADD, I64X2_ALL_TRUE, I64X2_EXTEND_LOW_I32X4_S, I64X2_SHL, IF, LOCAL_GET, LOCAL_SET, LOCAL_TEE, LOOP, V128, V128_AND, V128_ANDNOT, V128_BITSELECT, V128_CONST, V128_LOAD, V128_OR, V128_STORE, VOID, section, str, uleb } from './wasm-asm.ts';



const bits = new DataView(new ArrayBuffer(8));
function f64Bytes(v: number): number[] {
  bits.setFloat64(0, v, true);
  return Array.from({ length: 8 }, (_, i) => bits.getUint8(i));
}
function fromWords(hi: number, lo: number): number {
  bits.setUint32(0, lo, true);
  bits.setUint32(4, hi, true);
  return bits.getFloat64(0, true);
}
/** v128.const with both lanes v */
const splat = (v: number): number[] => [...V128_CONST, ...f64Bytes(v), ...f64Bytes(v)];
/** v128.const with both 64-bit lanes the integer v (small, non-negative) */
const splatI64 = (v: number): number[] => {
  const b = [v & 0xff, (v >>> 8) & 0xff, 0, 0, 0, 0, 0, 0];
  return [...V128_CONST, ...b, ...b];
};

// fdlibm e_exp.c constants
const LN2HI = 6.93147180369123816490e-1;
const LN2LO = 1.90821492927058770002e-10;
const INVLN2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
/** |x| > ½ln2 ⇔ high word of |x| > 0x3fd62e42 ⇔ |x| ≥ this */
const TH_HALF = fromWords(0x3fd62e43, 0);
/** |x| < 1.5 ln2 ⇔ high word < 0x3ff0a2b2 */
const TH_ONE = fromWords(0x3ff0a2b2, 0);
/** |x| < 2^-28 ⇔ high word < 0x3e300000 */
const TH_TINY = 2 ** -28;
/** below this, k stays in [−1020, 1020]: 2^k and the result are normal numbers */
const TH_SAFE = 707;
const SIGN = -0; // only the sign bit set

// params: 0 ptr, 1 pairs (i32); locals: 2 x, 3 ax, 4 kf, 5 hi, 6 lo, 7 r, 8 t, 9 c, 10 y, 11 m (v128)
const [PTR, PAIRS, X, AX, KF, HI, LO, R, T, C, Y, M] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const get = (i: number): number[] => [LOCAL_GET, i];
const set = (i: number): number[] => [LOCAL_SET, i];
const mem = (o: number[]): number[] => [...o, 4, 0];

function vexpBody(): number[] {
  const b: number[] = [BLOCK, VOID, LOOP, VOID];
  b.push(...get(PTR), ...mem(V128_LOAD), ...set(X));
  b.push(...get(X), ...F64X2_ABS, ...set(AX));
  // k = trunc(x/ln2 ± ½) (the ½ takes x's sign)
  b.push(...get(X), ...splat(INVLN2), ...F64X2_MUL);
  b.push(...get(X), ...splat(SIGN), ...V128_AND, ...splat(0.5), ...V128_OR, ...F64X2_ADD, ...F64X2_TRUNC, ...set(KF));
  // ½ln2 < |x| < 1.5 ln2: k = ±1
  b.push(...get(AX), ...splat(TH_HALF), ...F64X2_GE, ...get(AX), ...splat(TH_ONE), ...F64X2_LT, ...V128_AND, ...set(M));
  b.push(...get(X), ...splat(SIGN), ...V128_AND, ...splat(1), ...V128_OR, ...get(KF), ...get(M), ...V128_BITSELECT, ...set(KF));
  // |x| ≤ ½ln2: k = 0
  b.push(...get(KF), ...get(AX), ...splat(TH_HALF), ...F64X2_LT, ...V128_ANDNOT, ...set(KF));
  // hi = x − k·ln2hi, lo = k·ln2lo, r = hi − lo
  b.push(...get(X), ...get(KF), ...splat(LN2HI), ...F64X2_MUL, ...F64X2_SUB, ...set(HI));
  b.push(...get(KF), ...splat(LN2LO), ...F64X2_MUL, ...set(LO));
  b.push(...get(HI), ...get(LO), ...F64X2_SUB, ...set(R));
  // t = r², c = r − t(P1 + t(P2 + t(P3 + t(P4 + t·P5))))
  b.push(...get(R), ...get(R), ...F64X2_MUL, ...set(T));
  b.push(...get(R), ...get(T));
  b.push(...splat(P1), ...get(T), ...splat(P2), ...get(T), ...splat(P3), ...get(T), ...splat(P4), ...get(T), ...splat(P5));
  b.push(...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_ADD);
  b.push(...F64X2_MUL, ...F64X2_SUB, ...set(C));
  // y = 1 − ((lo − r·c/(2 − c)) − hi)
  b.push(...splat(1), ...get(LO), ...get(R), ...get(C), ...F64X2_MUL, ...splat(2), ...get(C), ...F64X2_SUB, ...F64X2_DIV);
  b.push(...F64X2_SUB, ...get(HI), ...F64X2_SUB, ...F64X2_SUB, ...set(Y));
  // · 2^k: the double with exponent field k + 1023
  b.push(...get(Y), ...get(KF), ...I32X4_TRUNC_SAT_F64X2_S_ZERO, ...I64X2_EXTEND_LOW_I32X4_S, ...splatI64(1023), ...I64X2_ADD);
  b.push(I32_CONST, 52, ...I64X2_SHL, ...F64X2_MUL, ...set(Y));
  // |x| < 2^-28: 1 + x
  b.push(...splat(1), ...get(X), ...F64X2_ADD, ...get(Y), ...get(AX), ...splat(TH_TINY), ...F64X2_LT, ...V128_BITSELECT, ...set(Y));
  // V8 answers e^1 with the constant E (the steps above would give the next double up)
  b.push(...splat(Math.E), ...get(Y), ...get(X), ...splat(1), ...F64X2_EQ, ...V128_BITSELECT, ...set(Y));
  // a lane with |x| ≥ 707 or NaN: both lanes by Math.exp
  b.push(...get(AX), ...splat(TH_SAFE), ...F64X2_LT, ...I64X2_ALL_TRUE, I32_EQZ, IF, VOID);
  for (const lane of [0, 1]) {
    b.push(...get(Y), ...get(X), ...F64X2_EXTRACT, lane, CALL, 0, ...F64X2_REPLACE, lane, ...set(Y));
  }
  b.push(END);
  b.push(...get(PTR), ...get(Y), ...mem(V128_STORE));
  b.push(...get(PTR), I32_CONST, 16, I32_ADD, ...set(PTR));
  b.push(...get(PAIRS), I32_CONST, 1, I32_SUB, LOCAL_TEE, PAIRS, BR_IF, 0, END, END, END);
  return [1, ...uleb(10), V128, ...b];
}

/** The module's bytes (imports env.mem, a shared memory, and env.exp = Math.exp). */
export function expSimdWasm(): Uint8Array<ArrayBuffer> {
  const body = vexpBody();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 (f64) → f64, 1 (i32, i32) → ()
    ...section(1, [2, 0x60, 1, F64, 1, F64, 0x60, 2, I32, I32, 0]),
    ...section(2, [2, ...str('env'), ...str('exp'), 0x00, 0, ...str('env'), ...str('mem'), 0x02, 0x03, 1, ...uleb(65536)]),
    ...section(3, [1, 1]),
    ...section(7, [1, ...str('vexp'), 0x00, 1]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** In place: e^x of `pairs` pairs of doubles at byte offset `ptr` (16-byte steps). */
export type VexpFn = (ptr: number, pairs: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** vexp over `memory` (a shared WebAssembly memory), or null where WebAssembly SIMD is missing. */
export function expSimd(memory: WebAssembly.Memory): VexpFn | null {
  if (compiled === undefined) {
    try {
      const bytes = expSimdWasm();
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const inst = new WebAssembly.Instance(compiled, { env: { mem: memory, exp: Math.exp } });
  return inst.exports.vexp as VexpFn;
}
