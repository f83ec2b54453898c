/**
 * Who may talk to the browser-mode server: requests must name our own host
 * (DNS rebinding), come from our own origin when they say where they come
 * from (other websites), and carry the per-launch token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are not scoped by port, so the name carries it: two Lathes on one machine keep their own. */
export function cookieName(port: number): string {
  return `lathe_token_${port}`;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      out.set(k, v);
    }
  }
  return out;
}

export type TokenSource = 'query' | 'header' | 'cookie';

export type Verdict =
  | { ok: true; via: TokenSource }
  | { ok: false; status: 401 | 403; reason: string };

/** Check Host, Origin and token of a request (HTTP or WebSocket upgrade). */
export function checkRequest(req: IncomingMessage, url: URL, port: number, token: string): Verdict {
  const host = req.headers.host;
  if (!host || !allowedHosts(port).has(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host "${host ?? ''}" is not this server (expected 127.0.0.1:${port} or localhost:${port}).` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `Origin "${origin}" may not use this server; only pages that Lathe serves may.` };
  }
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && sameToken(fromQuery, token)) return { ok: true, via: 'query' };
  const fromHeader = req.headers['x-lathe-token'];
  if (typeof fromHeader === 'string' && sameToken(fromHeader, token)) return { ok: true, via: 'header' };
  const fromCookie = parseCookies(req.headers.cookie).get(cookieName(port));
  if (fromCookie !== undefined && sameToken(fromCookie, token)) return { ok: true, via: 'cookie' };
  return {
    ok: false,
    status: 401,
    reason: 'The session token is missing or wrong. Open the URL that Lathe printed when it started (it ends in ?token=...).',
  };
}
