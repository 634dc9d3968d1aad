/**
 * What the server needs from a database: parameterised SQL, transactions, LISTEN.
 * Two implementations (PostgreSQL through `pg`, embedded PGlite) run the very same SQL.
 */
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * A statement run many times (the writer's read and write): PostgreSQL keeps it parsed
   * and planned per connection instead of doing it again while the writers' lock is held.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<R = Row>(text: string, params?: unknown[], opts?: QueryOptions): Promise<R[]>;
}

export interface TransactionOptions {
  /** A consistent snapshot for several reads (pull pages). */
  readOnlySnapshot?: boolean;
  /**
   * An advisory lock taken first (pg_advisory_xact_lock), sent with BEGIN in one round
   * trip: the writers' lock (apply.ts) is taken by every push.
   */
  lock?: number;
}

export interface Storage extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * Subscribes to NOTIFY on a channel over a dedicated connection (PostgreSQL only: other
   * server processes on the same database). PGlite is one process: returns null.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
  /**
   * A session advisory lock (pg_try_advisory_lock) held on a dedicated connection until
   * released: one holder among every server process on the database. null: another
   * process holds it. PostgreSQL only; PGlite (one process) has no such method.
   */
  tryHoldLock?(space: number, key: number): Promise<(() => Promise<void>) | null>;
}

/** Serialises every writer of versioned rows (see apply.ts). */
export const WRITE_LOCK = 0x53_50_4b_01;
/** Serialises migrations when several server processes start at once. */
export const MIGRATE_LOCK = 0x53_50_4b_02;
/** Lock space of the mail intake: one puller per mailbox (src-server/mail-intake). */
export const MAIL_INTAKE_LOCK_SPACE = 0x53_50_4b_03;
export const POKE_CHANNEL = 'sportello_poke';
