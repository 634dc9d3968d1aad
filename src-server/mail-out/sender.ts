/**
 * The server's sender loop: the one node of a municipality that talks to SMTP. Every
 * server process runs one; they share the outbox through claims (outbox.ts), so an
 * email is handed to the SMTP server by one process only, whichever PCs are online.
 *
 * Delivery is at-least-once with a window of one message per connection: a row is
 * claimed (`sending`, committed) before it is handed to the SMTP server and marked
 * `sent` in its own statement right after the server accepted it. A process killed
 * between the two leaves the row `sending`; once older than staleMs any process claims
 * it again and sends it with the same Message-ID. So after such a crash the message
 * that was being accepted may arrive twice (at most one per pooled connection, the
 * messages in flight at that instant); nothing is ever lost. Retry semantics are those
 * of a standalone PC (src-main/mail-out/sender.ts): connection trouble waits, a 4xx is
 * tried maxAttempts times with exponential backoff, a 5xx fails at once (Riprova
 * requeues it).
 */
import type { Transporter } from 'nodemailer';
import { italianSmtpError, verdictOf } from '../../src-main/mail-out/errors';
import { messageOf, smtpTransport, type SmtpConfig } from '../../src-main/mail-out/sender';
import type { PasswordCipher } from '../../src-main/mail/secrets';
import type { Storage } from '../storage/storage';
import { claimDue, markFailed, markRetry, markSent, nextDueAt, type OutboxRow } from './outbox';
import { readMailSettings, type SmtpAccount } from './settings';

export interface ServerSenderOptions {
  storage: Storage;
  clock: () => number;
  cipher: () => PasswordCipher;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A `sending` row older than this was abandoned by a dead process. */
  staleMs?: number;
  /** Other processes' rows (and retries) are looked for at least this often. */
  pollMs?: number;
  batchSize?: number;
  /** This process sends nothing (tests: another process is the one that sends). */
  paused?: boolean;
  log?: (msg: string) => void;
}

export function configOf(a: SmtpAccount, cipher: PasswordCipher): SmtpConfig {
  return {
    host: a.host,
    port: a.port,
    security: a.security,
    username: a.username,
    password: a.passwordSealed ? cipher.decrypt(a.passwordSealed) : '',
    fromAddress: a.fromAddress,
    fromName: a.fromName,
    replyTo: a.replyTo,
  };
}

export function createServerSender(o: ServerSenderOptions) {
  const maxAttempts = o.maxAttempts ?? 8;
  const base = o.baseBackoffMs ?? 30_000;
  const maxBackoff = o.maxBackoffMs ?? 3_600_000;
  const staleMs = o.staleMs ?? 10 * 60_000;
  const pollMs = o.pollMs ?? 5_000;
  const batchSize = o.batchSize ?? 100;
  const log = o.log ?? ((m: string) => console.warn(`[mail-out server] ${m}`));
  let transport: { key: string; t: Transporter } | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function transportFor(a: SmtpConfig): Transporter {
    const key = JSON.stringify(a);
    if (transport?.key !== key) {
      transport?.t.close();
      transport = { key, t: smtpTransport(a, true) };
    }
    return transport.t;
  }
  const backoff = (attempts: number) => Math.min(maxBackoff, base * 2 ** Math.max(0, attempts - 1));

  async function blob(sha256: string): Promise<Buffer> {
    const [r] = await o.storage.query<{ data: Buffer | Uint8Array }>(
      'SELECT data FROM blobs WHERE sha256 = $1',
      [sha256],
    );
    // Uploads precede the rows that name them; should one be missing, the email waits.
    if (!r)
      throw Object.assign(new Error(`allegato ${sha256.slice(0, 12)} non ancora sul server`), {
        code: 'EBLOB',
      });
    return Buffer.from(r.data);
  }

  async function deliver(a: SmtpConfig, t: Transporter, row: OutboxRow): Promise<void> {
    try {
      const attachments = [];
      for (const x of row.attachments)
        attachments.push({ filename: x.fileName, contentType: x.mime, content: await blob(x.sha256) });
      await t.sendMail({ ...messageOf(a, row), attachments });
      // Accepted: marked at once, in its own statement (the window of a crash is this line).
      await markSent(o.storage, row.id, o.clock());
    } catch (err) {
      if (stopped) return;
      const verdict = verdictOf(err);
      const msg =
        (err as { code?: string }).code === 'EBLOB'
          ? `Invio rinviato: ${(err as Error).message}.`
          : italianSmtpError(err, a.host, a.port);
      if (verdict === 'fail' || (verdict === 'retry' && row.attempts >= maxAttempts)) {
        await markFailed(o.storage, row.id, msg);
        log(`${row.to}: ${msg}`);
      } else {
        await markRetry(o.storage, row.id, o.clock() + backoff(row.attempts), msg);
      }
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const s = (await readMailSettings(o.storage)).smtp;
      if (!s?.enabled) return;
      const a = configOf(s, o.cipher());
      const rows = await claimDue(o.storage, o.clock(), staleMs, batchSize);
      if (rows.length === 0) return;
      const t = transportFor(a);
      await Promise.all(rows.map((r) => deliver(a, t, r)));
    }
  }

  async function schedule(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    let wait = pollMs;
    try {
      const due = await nextDueAt(o.storage);
      if (due !== null) wait = Math.min(pollMs, Math.max(0, due - o.clock()));
    } catch {
      /* the database is away for a moment: look again after pollMs */
    }
    if (stopped) return;
    timer = setTimeout(() => void poke(), Math.max(20, wait));
    timer.unref?.();
  }

  /** Runs the loop now (or once more after the current pass); resolves when it went idle. */
  function poke(): Promise<void> {
    if (stopped || o.paused) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (e) {
          if (!stopped) log(`invio interrotto: ${(e as Error).message}`);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      void schedule();
    });
    return running;
  }

  return {
    poke,
    resetTransport(): void {
      transport?.t.close();
      transport = null;
    },
    /** Stops claiming; waits for the messages in flight to be answered and marked. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      // A few seconds for the answers in flight to be marked; then the connections go
      // (a message cut off stays `sending` and is sent again once stale).
      if (running)
        await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref?.())]);
      transport?.t.close();
      await running?.catch(() => {});
      transport = null;
    },
  };
}

export type ServerSender = ReturnType<typeof createServerSender>;
