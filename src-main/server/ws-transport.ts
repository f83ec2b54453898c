/**
 * The RPC Transport over one `ws` WebSocket (either end: the server's socket
 * or a Node client). Frames are binary, made by wire.ts; whatever arrives is
 * untrusted, so it is decoded and shape-checked before the RPC core sees it.
 */
import type { RawData, WebSocket } from 'ws';
import { isRpcMessage, type RpcMessage, type Transport } from '../../src-shared/rpc/core.ts';
import { decodeMessage, encodeMessage } from '../../src-shared/rpc/wire.ts';

export interface WsTransportOptions {
  /**
   * Answer malformed frames that still carry a call id with a BAD_REQUEST
   * error (the server side does; a client just drops them).
   */
  answerBadFrames?: boolean;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A call id read from a frame that failed validation, so the caller is not left waiting. */
function callIdOf(x: unknown): number | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const id = (x as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

export function wsTransport(socket: WebSocket, opts: WsTransportOptions = {}): Transport {
  const subs = new Set<(m: RpcMessage) => void>();

  const send = (msg: RpcMessage): void => {
    // A socket that is closing or closed drops messages: the peer is gone.
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encodeMessage(msg), { binary: true });
  };

  const refuse = (decoded: unknown, why: string): void => {
    if (!opts.answerBadFrames) return;
    const id = callIdOf(decoded);
    if (id === undefined) return;
    send({ t: 'error', id, error: { code: 'BAD_REQUEST', message: `The message was refused: ${why}.`, details: {} } });
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) {
      refuse(undefined, 'text frames are not part of the protocol; send binary frames made by encodeMessage');
      return;
    }
    let decoded: unknown;
    try {
      decoded = decodeMessage(toBytes(data));
    } catch (e) {
      refuse(undefined, (e as Error).message);
      return;
    }
    if (!isRpcMessage(decoded)) {
      refuse(decoded, 'it is not a call, reply, error, cancel, progress or event message');
      return;
    }
    for (const cb of subs) cb(decoded);
  });

  return {
    send,
    onMessage(cb) {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    onClose(cb) {
      if (socket.readyState === socket.CLOSED) queueMicrotask(cb);
      else socket.once('close', () => cb());
    },
  };
}
