/**
 * Writing and reading `.lathe` files (layout in src-shared/model-bundle.ts):
 * magic, format version, manifest length, manifest JSON, weights, sha256.
 * Reading checks, in this order, so each failure gets its own code: the magic
 * (a PNG or a JSON file → BAD_MODEL_FILE), the format version (a newer file →
 * MODEL_VERSION, whatever else it holds), the lengths (cut short →
 * BAD_MODEL_FILE), the checksum (changed or cut short → MODEL_CHECKSUM), then
 * the manifest, field by field (BAD_MODEL_FILE). Nothing in the file is ever
 * run: the manifest is parsed with JSON.parse and the weights are copied
 * into typed arrays.
 */
import { createHash } from 'node:crypto';
import { LatheError } from '../../../src-shared/errors.ts';
import {
  BUNDLE_CHECKSUM_BYTES,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_HEADER_BYTES,
  BUNDLE_MAGIC,
  MAX_MANIFEST_BYTES,
  validateManifest,
  type BlobEntry,
  type ModelManifest,
} from '../../../src-shared/model-bundle.ts';

const MAGIC = new TextEncoder().encode(BUNDLE_MAGIC);

export interface Bundle {
  manifest: ModelManifest;
  /** The weights blobs, index = BlobRef.ref (each a copy in its own buffer). */
  blobs: Uint8Array[];
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * The bytes of a `.lathe` file. `manifest.blobs` is filled in here from
 * `blobs`; each blob starts on an 8-byte boundary of the file so a reader can
 * view it as a typed array in place.
 */
export function writeBundle(manifest: Omit<ModelManifest, 'blobs' | 'formatVersion'> & { formatVersion?: number }, blobs: readonly Uint8Array[]): Uint8Array {
  const version = manifest.formatVersion ?? BUNDLE_FORMAT_VERSION;
  const entries: BlobEntry[] = [];
  let off = 0;
  for (const b of blobs) {
    entries.push({ offset: off, byteLength: b.byteLength });
    off = pad8(off + b.byteLength);
  }
  const weightsBytes = off;
  const full = { ...manifest, formatVersion: version, blobs: entries };
  let json = new TextEncoder().encode(JSON.stringify(full));
  // Pad the manifest with spaces so the weights start on an 8-byte boundary.
  const manifestLen = pad8(BUNDLE_HEADER_BYTES + json.byteLength) - BUNDLE_HEADER_BYTES;
  if (manifestLen !== json.byteLength) {
    const padded = new Uint8Array(manifestLen).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const bodyLen = BUNDLE_HEADER_BYTES + manifestLen + weightsBytes;
  const out = new Uint8Array(bodyLen + BUNDLE_CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(6, version, true);
  view.setUint32(10, manifestLen, true);
  out.set(json, BUNDLE_HEADER_BYTES);
  const w0 = BUNDLE_HEADER_BYTES + manifestLen;
  blobs.forEach((b, i) => out.set(b, w0 + entries[i]!.offset));
  out.set(sha256(out.subarray(0, bodyLen)), bodyLen);
  return out;
}

function looksLike(bytes: Uint8Array): string {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return ' It is a PNG image.';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) return ' It is a ZIP archive.';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return ' It is JSON text (a Lathe model is a binary .lathe file; for TF.js model.json files, import the network another way).';
  if (bytes.length >= 4 && bytes[0] === 0x08) return ' It may be an ONNX file (Lathe exports ONNX but loads only .lathe files).';
  return '';
}

/** Parse and check a `.lathe` file; `file` names it in messages. */
export function readBundle(bytes: Uint8Array, file = 'The model file'): Bundle {
  if (bytes.byteLength < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new LatheError('BAD_MODEL_FILE', `${file} is not a Lathe model file (it does not start with the LATHE signature).${looksLike(bytes)} Choose a .lathe file exported by Lathe.`, {
      file,
    });
  }
  if (bytes.byteLength < BUNDLE_HEADER_BYTES) {
    throw new LatheError('BAD_MODEL_FILE', `${file} is cut short: it is ${bytes.byteLength} bytes, less than the ${BUNDLE_HEADER_BYTES}-byte header. Export or copy it again.`, { file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(6, true);
  if (version > BUNDLE_FORMAT_VERSION) {
    throw new LatheError('MODEL_VERSION', `${file} has model format version ${version}, but this Lathe reads up to version ${BUNDLE_FORMAT_VERSION}: it was written by a newer Lathe. Update Lathe to load it.`, {
      file,
      version,
      supported: BUNDLE_FORMAT_VERSION,
    });
  }
  if (version === 0) throw new LatheError('BAD_MODEL_FILE', `${file} has model format version 0, which no Lathe writes; the file is damaged.`, { file });
  const manifestLen = view.getUint32(10, true);
  if (manifestLen > MAX_MANIFEST_BYTES) {
    throw new LatheError('BAD_MODEL_FILE', `${file} claims a ${manifestLen}-byte manifest, more than any Lathe model has; the file is damaged.`, { file });
  }
  const bodyLen = bytes.byteLength - BUNDLE_CHECKSUM_BYTES;
  if (bodyLen < BUNDLE_HEADER_BYTES + manifestLen) {
    throw new LatheError(
      'BAD_MODEL_FILE',
      `${file} is cut short: its header announces a ${manifestLen}-byte manifest and a checksum, but the file is only ${bytes.byteLength} bytes. Export or copy it again.`,
      { file, size: bytes.byteLength },
    );
  }
  const expected = sha256(bytes.subarray(0, bodyLen));
  const stored = bytes.subarray(bodyLen);
  if (expected.some((b, i) => stored[i] !== b)) {
    throw new LatheError(
      'MODEL_CHECKSUM',
      `${file} fails its checksum: it was changed or cut short after Lathe wrote it (sha256 of the content does not match the one stored at its end). Export the model again from the Lathe that made it.`,
      { file },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(BUNDLE_HEADER_BYTES, BUNDLE_HEADER_BYTES + manifestLen)));
  } catch (e) {
    throw new LatheError('BAD_MODEL_FILE', `${file} has a manifest that is not valid UTF-8 JSON (${(e as Error).message}).`, { file });
  }
  const w0 = BUNDLE_HEADER_BYTES + manifestLen;
  const weights = bytes.subarray(w0, bodyLen);
  const manifest = validateManifest(json, weights.byteLength, file);
  if (manifest.formatVersion !== version) {
    throw new LatheError('BAD_MODEL_FILE', `${file} says format version ${version} in its header but ${manifest.formatVersion} in its manifest; the file is damaged.`, { file });
  }
  const blobs = manifest.blobs.map((b) => weights.slice(b.offset, b.offset + b.byteLength));
  return { manifest, blobs };
}
