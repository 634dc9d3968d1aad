/// <reference types="svelte" />
/// <reference types="vite/client" />

import type { ApiResult } from '../src-shared/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in the browser host. */
    api?: {
      invoke(name: string, input: unknown, session: string | null): Promise<ApiResult<unknown>>;
      on(event: string, cb: (payload: unknown) => void): () => void;
    };
  }
}

export {};
