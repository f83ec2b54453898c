/**
 * Serves the built renderer (out/renderer): content types, no directory
 * traversal, and the single-page-app fallback to index.html for paths that
 * name no file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const FALLBACK_ICON = fileURLToPath(new URL('../../resources/icon.png', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that a URL path names, or null when the path leaves
 * the root or is malformed (encoded NULs, bad escapes, backslashes).
 */
export function resolveStatic(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const full = resolve(join(base, decoded));
  const rel = relative(base, full);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return full;
}

async function isFile(p: string): Promise<number | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, `${req.method ?? ''} is not allowed on ${pathname}; use GET.`);
    return;
  }
  const target = resolveStatic(root, pathname);
  if (target === null) {
    sendText(res, 404, `Not found: ${pathname}`);
    return;
  }
  let file = target;
  let size = await isFile(file);
  if (size === null) {
    const dirIndex = join(target, 'index.html');
    size = await isFile(dirIndex);
    if (size !== null) file = dirIndex;
  }
  // A path with no file extension is a route of the single-page app.
  if (size === null && extname(pathname) === '') {
    file = join(resolve(root), 'index.html');
    size = await isFile(file);
    if (size === null) {
      sendText(res, 503, `The renderer is not built: ${file} is missing. Run "npx electron-vite build" (or "npm start", which builds it).`);
      return;
    }
  }
  // Browsers ask for /favicon.ico whatever the page says: answer with the app icon.
  if (size === null && pathname === '/favicon.ico') {
    file = FALLBACK_ICON;
    size = await isFile(file);
  }
  if (size === null) {
    sendText(res, 404, `Not found: ${pathname}`);
    return;
  }
  const headers: Record<string, string | number> = { 'Content-Type': contentType(file), 'Content-Length': size };
  // index.html changes with every build; hashed assets never do.
  headers['Cache-Control'] = file.endsWith('.html') ? 'no-store' : 'no-cache';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
