import type { ApiResult } from '../../../src-shared/api';

/** What the client needs from a transport: one call, one event stream. */
export interface Transport {
  invoke(name: string, input: unknown, session: string | null): Promise<ApiResult<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /**
   * A one-time URL the browser downloads a finished export from, streamed (browser host
   * only; any size). Absent where the host saves exports itself (desktop).
   */
  exportUrl?(exportId: string, session: string | null): Promise<ApiResult<{ url: string }>>;
}

export const networkError = (message: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'network', message },
});
