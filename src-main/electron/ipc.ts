/**
 * The RPC Transport over Electron IPC for one window. Only the window's own
 * top frame, showing our renderer file, may speak on the channel; every
 * message is shape-checked before the RPC core sees it.
 */
import type { BrowserWindow, IpcMain, IpcMainEvent } from 'electron';
import { isRpcMessage, type RpcMessage, type Transport } from '../../src-shared/rpc/core.ts';

export const CHANNEL = 'lathe:rpc';

/** True when `frameUrl` is our renderer page (any #route or ?query). */
export function isRendererUrl(frameUrl: string | undefined, rendererUrl: string): boolean {
  if (!frameUrl) return false;
  const bare = (u: string): string => u.split('#')[0]!.split('?')[0]!;
  return bare(frameUrl) === bare(rendererUrl);
}

export interface WindowTransport extends Transport {
  dispose(): void;
}

export function ipcTransport(ipcMain: IpcMain, win: BrowserWindow, rendererUrl: string): WindowTransport {
  const subs = new Set<(m: RpcMessage) => void>();
  const closeSubs: (() => void)[] = [];
  const contents = win.webContents;

  const send = (msg: RpcMessage): void => {
    if (!win.isDestroyed() && !contents.isDestroyed()) contents.send(CHANNEL, msg);
  };

  const listener = (event: IpcMainEvent, msg: unknown): void => {
    // Messages from other windows belong to their own transports.
    if (contents.isDestroyed() || event.sender.id !== contents.id) return;
    // Only the top frame showing our renderer file: never a subframe, never another page.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isRendererUrl(frame.url, rendererUrl)) return;
    if (!isRpcMessage(msg)) {
      const id = msg && typeof msg === 'object' ? (msg as { id?: unknown }).id : undefined;
      if (typeof id === 'number' && Number.isSafeInteger(id)) {
        send({ t: 'error', id, error: { code: 'BAD_REQUEST', message: 'The message was refused: it is not a call, reply, error, cancel, progress or event message.', details: {} } });
      }
      return;
    }
    for (const cb of subs) cb(msg);
  };
  ipcMain.on(CHANNEL, listener);

  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    ipcMain.removeListener(CHANNEL, listener);
    for (const cb of closeSubs) cb();
  };
  win.once('closed', dispose);
  return {
    send,
    onMessage(cb) {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    onClose(cb) {
      if (disposed) queueMicrotask(cb);
      else closeSubs.push(cb);
    },
    dispose,
  };
}
