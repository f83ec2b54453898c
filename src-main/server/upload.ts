/**
 * POST /api/upload?name=<fileName>: the raw request body is streamed to a
 * fresh file the engine chose (never held in memory whole); the answer is the
 * upload id that `datasets.importUpload` takes.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface UploadTarget {
  newUpload(): { id: string; path: string };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function handleUpload(engine: UploadTarget, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendJson(res, 405, { error: { code: 'BAD_REQUEST', message: `${req.method ?? ''} is not allowed on /api/upload; POST the file's bytes.` } });
    return;
  }
  const name = url.searchParams.get('name');
  if (!name) {
    sendJson(res, 400, {
      error: { code: 'BAD_REQUEST', message: 'The upload has no file name: POST /api/upload?name=<fileName> with the file as the body.', details: { param: 'name' } },
    });
    return;
  }
  const upload = engine.newUpload();
  try {
    await mkdir(dirname(upload.path), { recursive: true });
    await pipeline(req, createWriteStream(upload.path, { flags: 'wx' }));
  } catch (e) {
    await rm(upload.path, { force: true }).catch(() => undefined);
    // The client gave up half-way: there is nobody to answer.
    if (req.destroyed && !res.headersSent && res.writable) res.destroy();
    else if (!res.headersSent) {
      sendJson(res, 500, { error: { code: 'INTERNAL', message: `The upload of "${name}" could not be stored: ${(e as Error).message}` } });
    }
    return;
  }
  sendJson(res, 200, { uploadId: upload.id });
}
