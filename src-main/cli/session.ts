/**
 * The CLI drives the engine in-process through the same contract as every
 * other carrier: an in-memory RpcClient/RpcServer pair. The engine is only
 * loaded when a command needs it, so `lathe --help` stays instant.
 */
import { RpcClient, RpcServer } from '../../src-shared/rpc/core.ts';
import { memoryTransportPair } from '../../src-shared/rpc/memory.ts';

export interface EngineSession {
  client: RpcClient;
  close(): Promise<void>;
}

export async function openEngineSession(dataDir: string): Promise<EngineSession> {
  const { createEngine } = await import('../engine/engine.ts');
  const engine = await createEngine({ dataDir, shell: 'cli', seedSamples: false });
  const [clientEnd, serverEnd] = memoryTransportPair();
  new RpcServer(engine.handlers, serverEnd);
  const unsubscribe = engine.subscribe((topic, data) => serverEnd.send({ t: 'event', topic, data }));
  const client = new RpcClient(clientEnd);
  let closing: Promise<void> | undefined;
  return {
    client,
    close() {
      closing ??= (async () => {
        unsubscribe();
        clientEnd.close();
        await engine.close();
      })();
      return closing;
    },
  };
}
