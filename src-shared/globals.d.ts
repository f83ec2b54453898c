// The few host APIs that every runtime Lathe runs in (Node, Chromium, Electron)
// provides. Declared here so src-shared type-checks with no Node or DOM types.
// Only src-shared/tsconfig.json includes this file.
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare function setTimeout(cb: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function structuredClone<T>(value: T): T;
declare function queueMicrotask(cb: () => void): void;
