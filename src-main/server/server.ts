/**
 * Browser mode: the renderer served over HTTP and the contract carried over
 * one WebSocket per tab, on 127.0.0.1 only, behind a per-launch token and
 * Host/Origin checks. Each socket gets its own RpcServer on the engine's
 * handlers; engine events go to every open socket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcServer, type Handlers } from '../../src-shared/rpc/core.ts';
import { encodeMessage } from '../../src-shared/rpc/wire.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { checkRequest, cookieName, newToken } from './security.ts';
import { serveStatic } from './static.ts';
import { handleUpload } from './upload.ts';
import { wsTransport } from './ws-transport.ts';

/** What the server needs of the engine (createEngine's Engine satisfies it). */
export interface ServedEngine {
  handlers: Partial<Handlers>;
  subscribe(cb: (topic: string, data: unknown) => void): () => void;
  newUpload(): { id: string; path: string };
}

export interface ServerOptions {
  engine: ServedEngine;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer; default <repo>/out/renderer. */
  staticDir?: string;
  /** Default: a fresh random token. */
  token?: string;
}

export interface RunningServer {
  /** The URL to open: http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** The Content-Security-Policy every page carries. */
export function cspFor(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const code = status === 404 ? 'NOT_FOUND' : status === 500 ? 'INTERNAL' : 'UNAUTHORIZED';
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, message: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { engine } = opts;
  const staticDir = resolve(opts.staticDir ?? DEFAULT_STATIC_DIR);
  const token = opts.token ?? newToken();
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  const unsubscribe = engine.subscribe((topic, data) => {
    if (sockets.size === 0) return;
    // Encode once, send the same bytes to every tab.
    const frame = encodeMessage({ t: 'event', topic, data });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(frame, { binary: true });
  });

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, `Internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    res.setHeader('Content-Security-Policy', cspFor(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const verdict = checkRequest(req, url, port, token);
    if (!verdict.ok) {
      refuse(res, verdict.status, verdict.reason);
      return;
    }
    if (url.pathname === '/api/upload') {
      await handleUpload(engine, req, res, url);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      refuse(res, 404, `There is no API endpoint ${url.pathname}.`);
      return;
    }
    // The printed URL carries the token once: swap it for a cookie and drop
    // it from the address bar (and from history and referrers).
    if (verdict.via === 'query' && (req.method === 'GET' || req.method === 'HEAD')) {
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(302, { Location: url.pathname + url.search });
      res.end();
      return;
    }
    await serveStatic(staticDir, req, res, url.pathname);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const verdict = checkRequest(req, url, port, token);
    if (!verdict.ok) {
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    if (url.pathname !== '/ws') {
      refuseUpgrade(socket, 404, `There is no WebSocket endpoint at ${url.pathname}; use /ws.`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', () => ws.terminate());
      ws.once('close', () => sockets.delete(ws));
      new RpcServer(engine.handlers, wsTransport(ws, { answerBadFrames: true }));
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(new LatheError('INVALID_PARAM', `Port ${opts.port ?? 0} on 127.0.0.1 is already in use. Choose another with --port, or leave --port out to take a free one.`, { param: 'port' }));
      } else reject(e);
    });
    server.listen({ port: opts.port ?? 0, host: '127.0.0.1' }, () => {
      server.removeAllListeners('error');
      resolvePromise();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The server did not get a TCP port.');
  port = address.port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((done) => {
        unsubscribe();
        for (const s of sockets) s.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
