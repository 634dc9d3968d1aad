import type { ApiResult } from '../../../src-shared/api';

/** What the client needs from a transport: one call, one event stream. */
export interface Transport {
  invoke(name: string, input: unknown, session: string | null): Promise<ApiResult<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

export const networkError = (message: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'network', message },
});
