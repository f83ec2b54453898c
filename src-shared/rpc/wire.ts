/**
 * Binary framing for carriers that move bytes (WebSocket). Binary values
 * (any typed array or ArrayBuffer) travel as raw bytes after a JSON header,
 * never as base64:
 *
 *   u32 headerLength | header (UTF-8 JSON) | { u32 length | bytes }*
 *
 * In the header a binary value is replaced by {"$bin": index, "$type": name}.
 */
import type { RpcMessage } from './core.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type BinCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

const TYPED: Record<string, { ctor: BinCtor; bytes: number }> = {
  Uint8Array: { ctor: Uint8Array as unknown as BinCtor, bytes: 1 },
  Int8Array: { ctor: Int8Array as unknown as BinCtor, bytes: 1 },
  Uint8ClampedArray: { ctor: Uint8ClampedArray as unknown as BinCtor, bytes: 1 },
  Int16Array: { ctor: Int16Array as unknown as BinCtor, bytes: 2 },
  Uint16Array: { ctor: Uint16Array as unknown as BinCtor, bytes: 2 },
  Int32Array: { ctor: Int32Array as unknown as BinCtor, bytes: 4 },
  Uint32Array: { ctor: Uint32Array as unknown as BinCtor, bytes: 4 },
  Float32Array: { ctor: Float32Array as unknown as BinCtor, bytes: 4 },
  Float64Array: { ctor: Float64Array as unknown as BinCtor, bytes: 8 },
};

function typeName(v: ArrayBufferView): string {
  const n = v.constructor.name;
  return n === 'Buffer' ? 'Uint8Array' : n;
}

export function encodeMessage(msg: RpcMessage): Uint8Array {
  const bins: Uint8Array[] = [];
  const header = JSON.stringify(msg, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) {
      bins.push(new Uint8Array(value));
      return { $bin: bins.length - 1, $type: 'ArrayBuffer' };
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      bins.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return { $bin: bins.length - 1, $type: typeName(value) };
    }
    return value;
  });
  const head = encoder.encode(header);
  let total = 4 + head.length;
  for (const b of bins) total += 4 + b.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, head.length, true);
  out.set(head, 4);
  let off = 4 + head.length;
  for (const b of bins) {
    dv.setUint32(off, b.length, true);
    out.set(b, off + 4);
    off += 4 + b.length;
  }
  return out;
}

export function decodeMessage(data: Uint8Array): unknown {
  if (data.length < 4) throw new Error('RPC frame too short.');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headLen = dv.getUint32(0, true);
  if (4 + headLen > data.length) throw new Error('RPC frame header runs past the frame.');
  const header = decoder.decode(data.subarray(4, 4 + headLen));
  const bins: Uint8Array[] = [];
  let off = 4 + headLen;
  while (off < data.length) {
    if (off + 4 > data.length) throw new Error('RPC frame has a cut-off binary length.');
    const len = dv.getUint32(off, true);
    if (off + 4 + len > data.length) throw new Error('RPC frame binary runs past the frame.');
    bins.push(data.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return JSON.parse(header, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$bin' in value) {
      const { $bin, $type } = value as { $bin: unknown; $type: unknown };
      const src = typeof $bin === 'number' ? bins[$bin] : undefined;
      if (!src) throw new Error('RPC frame refers to a missing binary.');
      // Copy so the value owns an aligned buffer of its own.
      const copy = src.slice();
      if ($type === 'ArrayBuffer') return copy.buffer;
      const t = typeof $type === 'string' ? TYPED[$type] : undefined;
      if (!t) return copy;
      if (copy.byteLength % t.bytes !== 0) throw new Error(`RPC frame binary is not a whole ${String($type)}.`);
      return new t.ctor(copy.buffer, 0, copy.byteLength / t.bytes);
    }
    return value;
  });
}
