/**
 * The pieces every hand-assembled WebAssembly kernel here shares (no WAT
 * toolchain ships with Lathe): opcodes, LEB128 integers, sections and
 * names. A SIMD opcode is the 0xfd prefix and its number as unsigned LEB128.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A module section: its id, its size, its content. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A name (ASCII). */
export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** A function body with its size in front (the code section's entries). */
export function withSize(body: number[]): number[] {
  return [...uleb(body.length), ...body];
}

/** "\0asm", version 1. */
export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

// value types, block type
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const VOID = 0x40;

// control, locals, integers
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const IF = 0x04;
export const END = 0x0b;
export const BR_IF = 0x0d;
export const CALL = 0x10;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const I32_CONST = 0x41;
export const I32_EQZ = 0x45;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_OR = 0x72;
export const I32_SHL = 0x74;

// SIMD
export const SIMD = 0xfd;
const op = (code: number): number[] => [SIMD, ...uleb(code)];
export const V128_LOAD = op(0x00);
export const V128_LOAD64_SPLAT = op(0x0a);
export const V128_STORE = op(0x0b);
export const V128_CONST = op(0x0c);
export const F64X2_SPLAT = op(0x14);
export const F64X2_EXTRACT = op(0x21);
export const F64X2_REPLACE = op(0x22);
export const F64X2_EQ = op(0x47);
export const F64X2_LT = op(0x49);
export const F64X2_GE = op(0x4c);
export const V128_AND = op(0x4e);
export const V128_ANDNOT = op(0x4f);
export const V128_OR = op(0x50);
export const V128_BITSELECT = op(0x52);
export const V128_ANY_TRUE = op(0x53);
export const F64X2_TRUNC = op(0x7a);
export const I64X2_ALL_TRUE = op(0xc3);
export const I64X2_EXTEND_LOW_I32X4_S = op(0xc7);
export const I64X2_SHL = op(0xcb);
export const I64X2_ADD = op(0xce);
export const F64X2_ABS = op(0xec);
export const F64X2_ADD = op(0xf0);
export const F64X2_SUB = op(0xf1);
export const F64X2_MUL = op(0xf2);
export const F64X2_DIV = op(0xf3);
export const I32X4_TRUNC_SAT_F64X2_S_ZERO = op(0xfc);
