/**
 * Sandboxed preload: bundled to CommonJS, may use only contextBridge and ipcRenderer.
 * Exposes window.api = { invoke, on } and nothing else; the renderer never sees
 * ipcRenderer itself, so it cannot reach any other channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResult } from '../../src-shared/api';

const INVOKE_CHANNEL = 'api:invoke';
const EVENT_CHANNEL = 'api:event';

const api = {
  invoke(name: string, input: unknown, session: string | null): Promise<ApiResult<unknown>> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, name, input, session ?? null) as Promise<ApiResult<unknown>>;
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    const listener = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) cb(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
