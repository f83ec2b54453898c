/**
 * The one bridge between the sandboxed renderer and the main process:
 * `window.lathe = { send, onMessage, pathForFile }` on ONE IPC channel.
 * ipcRenderer itself is never exposed (a page holding it could send on any
 * channel); messages carry typed arrays as binary through structured clone.
 * Built as CommonJS: sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { RpcMessage } from '../../src-shared/rpc/core.ts';

const CHANNEL = 'lathe:rpc';

contextBridge.exposeInMainWorld('lathe', {
  send(msg: RpcMessage): void {
    ipcRenderer.send(CHANNEL, msg);
  },
  onMessage(cb: (msg: RpcMessage) => void): () => void {
    const listener = (_event: IpcRendererEvent, msg: RpcMessage): void => cb(msg);
    ipcRenderer.on(CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(CHANNEL, listener);
    };
  },
  /** The local path of a file dropped on the window (Electron ≥ 32 hides File.path). */
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
});
