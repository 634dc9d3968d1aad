import type {
  ApiEvents,
  ApiResult,
  CallInput,
  CallName,
  CallOutput,
  EventName,
} from '../../../src-shared/api';
import type { Transport } from './transport';
import { electronTransport } from './transport-electron';
import { httpTransport, takeHostSecret } from './transport-http';

const SESSION_KEY = 'sportello.session';

type UnauthHandler = () => void;

/** Calls that check a password: their 'unauthenticated' answer means a wrong password. */
const CREDENTIAL_CALLS: ReadonlySet<CallName> = new Set<CallName>(['auth.login', 'sync.connect']);

/**
 * The typed client over whichever transport this window has. Holds the session token
 * (per tab, in sessionStorage) and reports 'unauthenticated' answers so the app can go
 * back to the login screen.
 */
export class ApiClient {
  private session: string | null = sessionStorage.getItem(SESSION_KEY);
  private onUnauth: UnauthHandler | null = null;

  constructor(private readonly transport: Transport) {}

  get hasSession(): boolean {
    return this.session !== null;
  }

  setSession(token: string | null): void {
    this.session = token;
    if (token) sessionStorage.setItem(SESSION_KEY, token);
    else sessionStorage.removeItem(SESSION_KEY);
  }

  onUnauthenticated(handler: UnauthHandler): void {
    this.onUnauth = handler;
  }

  async invoke<N extends CallName>(name: N, input: CallInput<N>): Promise<ApiResult<CallOutput<N>>> {
    const res = (await this.transport.invoke(name, input, this.session)) as ApiResult<CallOutput<N>>;
    // Wrong credentials on a login-like call are an answer, not the end of this session.
    if (!res.ok && res.error.code === 'unauthenticated' && !CREDENTIAL_CALLS.has(name)) {
      this.setSession(null);
      this.onUnauth?.();
    }
    return res;
  }

  /** See Transport.exportUrl; null when this host has no download route. */
  async exportUrl(exportId: string): Promise<ApiResult<{ url: string }> | null> {
    return this.transport.exportUrl ? this.transport.exportUrl(exportId, this.session) : null;
  }

  on<E extends EventName>(event: E, cb: (payload: ApiEvents[E]) => void): () => void {
    return this.transport.on(event, (p) => cb(p as ApiEvents[E]));
  }
}

function pickTransport(): Transport {
  if (typeof window !== 'undefined' && window.api) return electronTransport(window.api);
  return httpTransport(takeHostSecret());
}

export const api = new ApiClient(pickTransport());
