/**
 * The ML part of the contract, called through the app's Connection. The
 * methods are typed from src-shared/contract/ml.ts directly, so the board
 * does not depend on how the contract index joins the service groups.
 */
import type { MlEvents, MlMethods } from '../../../src-shared/contract/ml.ts';
import type { CallOptions } from '../../../src-shared/rpc/core.ts';

export type MlMethod = keyof MlMethods;

export interface MlApi {
  call<M extends MlMethod>(method: M, params: MlMethods[M]['params'], opts?: CallOptions): Promise<MlMethods[M]['result']>;
  on<E extends keyof MlEvents>(topic: E, cb: (data: MlEvents[E]) => void): void;
}

/** Anything with the Connection's call/on (the method names are checked by the engine at runtime). */
export function mlApi(conn: object): MlApi {
  return conn as MlApi;
}
