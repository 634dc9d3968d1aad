/**
 * A Dovecot for a test file with a fresh IMAP account per test: registers its own
 * beforeAll/afterAll, hands out `<prefix>1`, `<prefix>2`, … with helpers to APPEND to the
 * inbox and count a folder's messages.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll } from 'vitest';
import { startDovecot, type Dovecot } from './dovecot';

export interface DovecotAccount {
  user: string;
  pass: string;
  append(msgs: Buffer[]): Promise<void>;
  count(folder: string): Promise<number>;
}

/** A logged-in IMAP client on a test Dovecot for the length of `fn`. */
export async function withImapClient<T>(
  server: Pick<Dovecot, 'host' | 'port'>,
  user: string,
  pass: string,
  fn: (c: ImapFlow) => Promise<T>,
): Promise<T> {
  const c = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
  });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

export function useDovecotAccounts(prefix: string, accounts: number) {
  let dovecot: Dovecot | undefined;
  let n = 0;
  beforeAll(async () => {
    const users: Record<string, string> = {};
    for (let i = 1; i <= accounts; i++) users[`${prefix}${i}`] = `password-${i}`;
    dovecot = await startDovecot(users);
  }, 30_000);
  afterAll(() => dovecot?.stop());
  const server = (): Dovecot => {
    if (!dovecot) throw new Error('Dovecot not started (use it inside a test)');
    return dovecot;
  };
  return {
    server,
    /** The next unused account. */
    account(): DovecotAccount {
      if (n >= accounts) throw new Error(`only ${accounts} Dovecot accounts were created`);
      const user = `${prefix}${++n}`;
      const pass = `password-${n}`;
      const client = <T>(fn: (c: ImapFlow) => Promise<T>) => withImapClient(server(), user, pass, fn);
      return {
        user,
        pass,
        append: (msgs) =>
          client(async (c) => {
            for (const m of msgs) await c.append('INBOX', m);
          }),
        count: (folder) =>
          client(async (c) => {
            const s = await c.status(folder, { messages: true }).catch(() => false as const);
            return s ? (s.messages ?? 0) : 0;
          }),
      };
    },
  };
}
