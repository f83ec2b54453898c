/**
 * Picks the carrier under the RPC client: the Electron preload bridge when
 * `window.lathe` exists, otherwise a WebSocket to the browser-mode server
 * with binary frames (src-shared/rpc/wire.ts).
 */
import { isRpcMessage, type RpcMessage, type Transport } from '../../src-shared/rpc/core.ts';
import { decodeMessage, encodeMessage } from '../../src-shared/rpc/wire.ts';

/** What the Electron preload exposes on window.lathe. */
export interface LatheBridge {
  send(msg: RpcMessage): void;
  onMessage(cb: (msg: RpcMessage) => void): () => void;
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    lathe?: LatheBridge;
  }
}

export type CarrierKind = 'electron' | 'websocket';

export interface Carrier extends Transport {
  kind: CarrierKind;
  /** Resolves when messages can flow (at once for Electron). */
  ready: Promise<void>;
  close(): void;
}

export function bridge(): LatheBridge | undefined {
  return typeof window !== 'undefined' ? window.lathe : undefined;
}

export function websocketUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

function electronCarrier(b: LatheBridge): Carrier {
  return {
    kind: 'electron',
    ready: Promise.resolve(),
    send: (m) => b.send(m),
    onMessage: (cb) => b.onMessage((m) => {
      if (isRpcMessage(m)) cb(m);
    }),
    close: () => undefined,
  };
}

function websocketCarrier(url: string): Carrier {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const subs = new Set<(m: RpcMessage) => void>();
  const closeSubs: (() => void)[] = [];
  // Calls made before the socket opens wait here.
  const queue: Uint8Array[] = [];
  let closed = false;
  const ready = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => {
      for (const f of queue.splice(0)) ws.send(f);
      resolve();
    });
    ws.addEventListener('close', () => reject(new Error('closed before open')));
  });
  ready.catch(() => undefined);
  ws.addEventListener('message', (ev: MessageEvent) => {
    if (!(ev.data instanceof ArrayBuffer)) return;
    let msg: unknown;
    try {
      msg = decodeMessage(new Uint8Array(ev.data));
    } catch (e) {
      console.warn('Dropped a malformed frame from the engine:', e);
      return;
    }
    if (isRpcMessage(msg)) for (const cb of subs) cb(msg);
  });
  ws.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    for (const cb of closeSubs) cb();
  });
  return {
    kind: 'websocket',
    ready,
    send(m) {
      if (closed) return;
      const frame = encodeMessage(m);
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      else queue.push(frame);
    },
    onMessage(cb) {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    onClose(cb) {
      closeSubs.push(cb);
    },
    close() {
      ws.close();
    },
  };
}

/** The carrier for this window. */
export function openCarrier(): Carrier {
  const b = bridge();
  return b ? electronCarrier(b) : websocketCarrier(websocketUrl(location));
}
