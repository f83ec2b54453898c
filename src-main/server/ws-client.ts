/**
 * A Node client of the browser-mode server: opens /ws with the token and
 * gives an RpcClient on it. Used by the tests (the same RPC suite as the
 * in-memory carrier) and by anything that drives a running Lathe remotely.
 */
import { WebSocket } from 'ws';
import { RpcClient } from '../../src-shared/rpc/core.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { wsTransport } from './ws-transport.ts';

export interface WsConnection {
  client: RpcClient;
  socket: WebSocket;
  close(): Promise<void>;
}

/** `base` is the server's http URL (with or without ?token=); `token` defaults to the one in it. */
export async function connectWs(base: string, token?: string): Promise<WsConnection> {
  const u = new URL(base);
  const tok = token ?? u.searchParams.get('token') ?? '';
  const wsUrl = `ws://${u.host}/ws`;
  const socket = new WebSocket(wsUrl, { headers: { 'X-Lathe-Token': tok }, maxPayload: 512 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => {
      reject(new LatheError(res.statusCode === 401 || res.statusCode === 403 ? 'UNAUTHORIZED' : 'DISCONNECTED',
        `The server at ${wsUrl} refused the connection (HTTP ${res.statusCode ?? '?'}).`, { status: res.statusCode }));
      res.resume();
      socket.terminate();
    });
    socket.once('error', (e) => reject(new LatheError('DISCONNECTED', `Could not connect to ${wsUrl}: ${e.message}`)));
  });
  const client = new RpcClient(wsTransport(socket));
  return {
    client,
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === socket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}
