/**
 * One small RPC core: call / reply / error / cancel / progress / event
 * messages over any Transport. The client and server know nothing of the
 * carrier (Electron IPC, WebSocket, in-memory).
 */
import { LatheError, toWireError, type WireError } from '../errors.ts';
import type { Progress } from '../jobs.ts';
import type { EventName, Events, MethodName, ParamsOf, ResultOf } from '../contract/index.ts';

export type RpcMessage =
  | { t: 'call'; id: number; method: string; params: unknown }
  | { t: 'reply'; id: number; result: unknown }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'cancel'; id: number }
  | { t: 'progress'; id: number; data: Progress }
  | { t: 'event'; topic: string; data: unknown };

export interface Transport {
  send(msg: RpcMessage): void;
  /** Subscribe to incoming messages; returns an unsubscribe function. */
  onMessage(cb: (msg: RpcMessage) => void): () => void;
  /** Called once when the carrier closes (socket closed, window gone). */
  onClose?(cb: () => void): void;
}

const MESSAGE_TYPES = new Set(['call', 'reply', 'error', 'cancel', 'progress', 'event']);

/** Runtime check of an incoming message's shape (carriers deliver untrusted data). */
export function isRpcMessage(x: unknown): x is RpcMessage {
  if (!x || typeof x !== 'object') return false;
  const m = x as Record<string, unknown>;
  if (typeof m.t !== 'string' || !MESSAGE_TYPES.has(m.t)) return false;
  if (m.t === 'event') return typeof m.topic === 'string';
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return false;
  if (m.t === 'call') return typeof m.method === 'string';
  if (m.t === 'error') return !!m.error && typeof m.error === 'object';
  return true;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: Progress) => void;
  cleanup: () => void;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private closed = false;

  constructor(private readonly transport: Transport) {
    transport.onMessage((m) => this.receive(m));
    transport.onClose?.(() => this.close());
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>, opts: CallOptions = {}): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(new LatheError('DISCONNECTED', 'The connection to the engine is closed.'));
    if (opts.signal?.aborted) return Promise.reject(new LatheError('CANCELLED', `${method} was cancelled.`));
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = (): void => this.transport.send({ t: 'cancel', id });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      this.transport.send({ t: 'call', id, method, params: params ?? null });
    });
  }

  on<E extends EventName>(topic: E, cb: (data: Events[E]) => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    const fn = cb as (data: unknown) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Fail every pending call (the carrier is gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.cleanup();
      p.reject(new LatheError('DISCONNECTED', 'The connection to the engine was lost.'));
    }
  }

  private receive(m: RpcMessage): void {
    if (m.t === 'event') {
      for (const cb of this.listeners.get(m.topic) ?? []) cb(m.data);
      return;
    }
    if (m.t === 'call' || m.t === 'cancel') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === 'progress') {
      p.onProgress?.(m.data);
      return;
    }
    this.pending.delete(m.id);
    p.cleanup();
    if (m.t === 'reply') p.resolve(m.result);
    else p.reject(LatheError.fromWire(m.error));
  }
}

/** What a handler gets besides its params. */
export interface CallContext {
  signal: AbortSignal;
  progress(p: Progress): void;
}

export type Handler<M extends MethodName> = (params: ParamsOf<M>, ctx: CallContext) => Promise<ResultOf<M>> | ResultOf<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/**
 * Serves one transport (one window, one socket). Events are pushed with
 * `emit`; the engine usually broadcasts to every connected server.
 */
export class RpcServer {
  private readonly running = new Map<number, AbortController>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly handlers: Partial<Handlers>,
    private readonly transport: Transport,
  ) {
    this.unsubscribe = transport.onMessage((m) => void this.receive(m));
    transport.onClose?.(() => this.dispose());
  }

  emit<E extends EventName>(topic: E, data: Events[E]): void {
    this.transport.send({ t: 'event', topic, data });
  }

  dispose(): void {
    this.unsubscribe();
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }

  private async receive(m: RpcMessage): Promise<void> {
    if (m.t === 'cancel') {
      this.running.get(m.id)?.abort();
      return;
    }
    if (m.t !== 'call') return;
    const handler = (this.handlers as Record<string, Handler<MethodName> | undefined>)[m.method];
    if (!handler || !Object.prototype.hasOwnProperty.call(this.handlers, m.method)) {
      this.transport.send({
        t: 'error',
        id: m.id,
        error: { code: 'NOT_IMPLEMENTED', message: `There is no method "${m.method}".`, details: {} },
      });
      return;
    }
    const controller = new AbortController();
    this.running.set(m.id, controller);
    // Progress never floods the carrier (at most ~20 a second), but the latest
    // report is never lost: one that comes too soon waits for the next slot,
    // and whatever still waits is sent before the reply.
    let lastProgress = 0;
    let waiting: Progress | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const sendProgress = (data: Progress): void => {
      lastProgress = Date.now();
      this.transport.send({ t: 'progress', id: m.id, data });
    };
    const flush = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const data = waiting;
      waiting = null;
      if (data) sendProgress(data);
    };
    const ctx: CallContext = {
      signal: controller.signal,
      progress: (data) => {
        const since = Date.now() - lastProgress;
        if (since >= 50 || data.fraction === 1) {
          waiting = null;
          if (timer !== null) clearTimeout(timer);
          timer = null;
          sendProgress(data);
          return;
        }
        waiting = data;
        if (timer === null) timer = setTimeout(flush, 50 - since);
      },
    };
    try {
      const result = await handler(m.params as never, ctx);
      flush();
      this.transport.send({ t: 'reply', id: m.id, result });
    } catch (e) {
      flush();
      this.transport.send({ t: 'error', id: m.id, error: toWireError(e) });
    } finally {
      this.running.delete(m.id);
    }
  }
}
