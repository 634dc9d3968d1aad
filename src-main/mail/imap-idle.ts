/**
 * IMAP IDLE (RFC 2177): instead of asking every few minutes, the intake keeps one
 * connection open on the watched folder and the server says when mail arrives. Used
 * only where the server advertises IDLE and the mailbox has it on; the caller polls as
 * before otherwise, and a dropped connection is an ordinary failure (backoff, reconnect).
 */
import type { ImapMailboxConfig } from './imap-source';
import { imapClient } from './imap-source';

export type IdleOutcome = 'mail' | 'timeout' | 'stopped' | 'no-idle';

export interface IdleOptions {
  /** The folder's UIDNEXT seen by the last poll: anything past it arrived since. */
  seenUidNext: number | null;
  /** Give up after this long (the caller polls then anyway: IDLE is an accelerator, never the only way). */
  maxMs: number;
  /** Resolves when the runner stops. */
  stopped: Promise<void>;
  connectTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

export async function waitForMail(cfg: ImapMailboxConfig, o: IdleOptions): Promise<IdleOutcome> {
  const client = imapClient(cfg, o.connectTimeoutMs, { disableAutoIdle: true });
  client.on('error', (e: unknown) => o.onError?.(e));
  await client.connect();
  try {
    if (!client.capabilities.has('IDLE')) return 'no-idle';
    // No lock held: imapflow never IDLEs under a lock, and nothing else uses this connection.
    const box = await client.mailboxOpen(cfg.folder, { readOnly: true });
    // Mail that came between the last poll's SEARCH and now would otherwise wait for maxMs.
    if (o.seenUidNext !== null && box.uidNext > o.seenUidNext) return 'mail';
    return await new Promise<IdleOutcome>((resolve, reject) => {
      const timer = setTimeout(() => resolve('timeout'), o.maxMs);
      const finish = (r: IdleOutcome) => {
        clearTimeout(timer);
        resolve(r);
      };
      client.on('exists', (d: { count: number; prevCount: number }) => {
        if (d.count > d.prevCount) finish('mail');
      });
      client.on('close', () => {
        clearTimeout(timer);
        reject(new Error('Connessione IMAP chiusa durante l’attesa di nuova posta.'));
      });
      void o.stopped.then(() => finish('stopped'));
      client.idle().catch((e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  } finally {
    try {
      await client.logout();
    } catch {
      client.close();
    }
  }
}
