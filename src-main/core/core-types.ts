/**
 * The core's public surface. Every host (Electron shell, browser host, CLI, tests)
 * builds a core with createCore() and talks to it only through `call` and `events`.
 */
import type { ApiEvents, ApiResult, CallName, EventName } from '../../src-shared/api';
import type { HostCallOptions } from './context';

export type { HostCallOptions };

export interface CoreOptions {
  /** Folder holding sportello.db, attachments/ and the secrets. Created if missing. */
  dataDir: string;
  /** Injected for tests; defaults to Date.now. */
  clock?: () => number;
  /** Injected for tests; defaults to a UUIDv7 generator. */
  newId?: () => string;
  /** Load the demo municipality when the database is empty (first run). */
  demo?: boolean;
  /** Check every answer against the contract's output schema (tests). */
  validateOutput?: boolean;
  /** Attachment size limit in bytes (default 25 MB). */
  maxAttachmentBytes?: number;
}

export type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

export interface Core {
  /**
   * One API call as the renderer makes it. `session` is the token auth.login returned
   * (null before login). Never throws: failures come back as { ok: false, error }.
   * `host` carries what only a host may decide (the save dialog's path); the
   * transports never fill it from what the renderer sends.
   */
  call(
    name: string,
    input: unknown,
    session: string | null,
    host?: HostCallOptions,
  ): Promise<ApiResult<unknown>>;
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  /** Every event, for transports that forward them all to the window. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
  close(): void;
  readonly dataDir: string;
}

export type { CallName };
