/** An in-memory transport pair, for tests and for running the engine in-process (CLI). */
import type { RpcMessage, Transport } from './core.ts';

class MemoryEnd implements Transport {
  peer!: MemoryEnd;
  private readonly subs = new Set<(m: RpcMessage) => void>();
  private readonly closeSubs: (() => void)[] = [];
  closed = false;

  send(msg: RpcMessage): void {
    if (this.closed) return;
    // Deliver asynchronously, as every real carrier does, and copy so that
    // neither side can mutate what the other holds.
    const copy = structuredClone(msg);
    queueMicrotask(() => {
      if (!this.peer.closed) for (const cb of this.peer.subs) cb(copy);
    });
  }

  onMessage(cb: (m: RpcMessage) => void): () => void {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  }

  onClose(cb: () => void): void {
    this.closeSubs.push(cb);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.closeSubs) cb();
    this.peer.close();
  }
}

export function memoryTransportPair(): [Transport & { close(): void }, Transport & { close(): void }] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
