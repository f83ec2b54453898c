/**
 * Byte sources for the importer: a plain file read in fixed-size blocks, or
 * a gzip file decompressed as a stream. Neither holds the whole file.
 * `rawBytes` counts bytes read from disk (compressed ones for gzip), for
 * progress.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { LatheError } from '../../../src-shared/errors.ts';

export interface ByteSource {
  /** Reads up to `max` bytes into buf at `off`; 0 at the end. */
  read(buf: Uint8Array, off: number, max: number): Promise<number>;
  readonly rawBytes: number;
  close(): Promise<void>;
}

const BLOCK = 4 << 20;

class FileSource implements ByteSource {
  rawBytes = 0;
  constructor(private fh: FileHandle) {}
  async read(buf: Uint8Array, off: number, max: number): Promise<number> {
    const { bytesRead } = await this.fh.read(buf, off, Math.min(max, BLOCK), null);
    this.rawBytes += bytesRead;
    return bytesRead;
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}

class GzipSource implements ByteSource {
  rawBytes = 0;
  private left: Uint8Array | null = null;
  private it: AsyncIterator<Buffer>;
  private stream;
  constructor(private path: string) {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    raw.on('data', (c) => {
      this.rawBytes += c.length;
    });
    const gz = createGunzip({ chunkSize: 1 << 20 });
    raw.on('error', (e) => gz.destroy(e));
    this.stream = raw.pipe(gz);
    this.it = this.stream[Symbol.asyncIterator]();
  }
  async read(buf: Uint8Array, off: number, max: number): Promise<number> {
    if (!this.left || this.left.length === 0) {
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (e) {
        throw new LatheError(
          'FILE_UNREADABLE',
          `${this.path} looks gzip-compressed but cannot be decompressed (${(e as Error).message}). The file may be cut short or damaged: download or export it again.`,
          { file: this.path },
        );
      }
      if (r.done) return 0;
      this.left = r.value;
    }
    const n = Math.min(max, this.left.length);
    buf.set(this.left.subarray(0, n), off);
    this.left = n === this.left.length ? null : this.left.subarray(n);
    return n;
  }
  async close(): Promise<void> {
    this.stream.destroy();
  }
}

/**
 * A plain file read with blocking reads: for a thread that only parses (the
 * pipeline's worker), where waiting for libuv's pool gains nothing and each
 * read would cost a round trip through the event loop.
 */
class SyncFileSource implements ByteSource {
  rawBytes = 0;
  constructor(private fd: number) {}
  read(buf: Uint8Array, off: number, max: number): Promise<number> {
    const n = readSync(this.fd, buf, off, Math.min(max, BLOCK), null);
    this.rawBytes += n;
    return Promise.resolve(n);
  }
  close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    return Promise.resolve();
  }
}

/** `blocking`: read a plain file with blocking reads (see SyncFileSource). */
export async function openSource(path: string, gzip: boolean, blocking = false): Promise<ByteSource> {
  if (gzip) return new GzipSource(path);
  if (blocking) return new SyncFileSource(openSync(path, 'r'));
  return new FileSource(await open(path, 'r'));
}
