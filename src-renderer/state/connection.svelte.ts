/**
 * The connection to the engine: one RpcClient over the picked carrier, with
 * event subscriptions that survive a reconnect and a visible status.
 */
import { RpcClient, type CallOptions } from '../../src-shared/rpc/core.ts';
import type { EventName, Events, MethodName, ParamsOf, ResultOf } from '../../src-shared/contract/index.ts';
import { openCarrier, type Carrier, type CarrierKind } from '../lib/transport.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'lost';

type Listener = { topic: EventName; cb: (data: never) => void };

export class Connection {
  status = $state<ConnectionStatus>('connecting');
  kind = $state<CarrierKind>('websocket');
  /** Seconds until the next reconnect attempt while lost. */
  retryIn = $state(0);

  private client: RpcClient | null = null;
  private carrier: Carrier | null = null;
  private readonly listeners: Listener[] = [];
  private readonly openHooks: (() => void)[] = [];
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly makeCarrier: () => Carrier = openCarrier) {}

  connect(): void {
    const carrier = this.makeCarrier();
    const client = new RpcClient(carrier);
    this.carrier = carrier;
    this.client = client;
    this.kind = carrier.kind;
    this.status = 'connecting';
    for (const l of this.listeners) client.on(l.topic, l.cb as (d: unknown) => void);
    carrier.onClose?.(() => {
      if (this.carrier !== carrier) return;
      this.status = 'lost';
      this.scheduleReconnect();
    });
    carrier.ready.then(
      () => {
        if (this.carrier !== carrier) return;
        this.attempts = 0;
        this.status = 'open';
        for (const h of this.openHooks) h();
      },
      () => undefined,
    );
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>, opts?: CallOptions): Promise<ResultOf<M>> {
    if (!this.client) this.connect();
    return (this.client as RpcClient).call(method, params, opts);
  }

  /** Subscribe to an engine event, now and after every reconnect. */
  on<E extends EventName>(topic: E, cb: (data: Events[E]) => void): void {
    this.listeners.push({ topic, cb: cb as (d: never) => void });
    this.client?.on(topic, cb);
  }

  /** Run `cb` each time the connection opens (first time and after reconnects). */
  onOpen(cb: () => void): void {
    this.openHooks.push(cb);
  }

  private scheduleReconnect(): void {
    clearTimeout(this.timer);
    this.attempts++;
    const delay = Math.min(10, 2 ** Math.min(this.attempts - 1, 4));
    this.retryIn = delay;
    const tick = (): void => {
      this.retryIn--;
      if (this.retryIn <= 0) this.connect();
      else this.timer = setTimeout(tick, 1000);
    };
    this.timer = setTimeout(tick, 1000);
  }
}
