/**
 * The sender loop: delivers due rows of mail_outbox over one pooled SMTP transport.
 * Plain Node with no core inside: a sync server can run it on its own outbox.
 *
 * Delivery is at-least-once with a window of one: a row is marked `sending` before it
 * is handed to the SMTP server and `sent` after the server accepted it. A process that
 * dies between the two leaves the row `sending`; once it is older than `staleMs` it is
 * sent again, with the same Message-ID. So a crash at that exact moment may deliver
 * that message twice (recipients' clients usually fold identical Message-IDs); nothing
 * is ever lost.
 *
 * Each mark is written as soon as the server answered, with synchronous=NORMAL for that
 * one statement: in WAL mode the commit reaches the operating system at once (a killed
 * process loses nothing) but skips the fsync, which cost more than the sending itself
 * (4 s of fsync for 1,000 messages on these disks). Only a power cut may lose the
 * latest marks, and those emails then go twice; the rows themselves were queued with
 * the mutation's own FULL commit, so no email is ever lost.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Sqlite } from '../db/migrate';
import { italianSmtpError, verdictOf } from './errors';
import {
  dueEmails,
  markFailed,
  markRetry,
  markSending,
  markSent,
  nextDueAt,
  type OutboxRow,
} from './outbox-repo';
import type { SmtpSecurity } from './settings-repo';

export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string;
  password: string;
  fromAddress: string;
  fromName: string;
  replyTo: string | null;
}

export interface SenderOptions {
  db: Sqlite;
  clock: () => number;
  /** The account to send with, decrypted; null: not configured, emails wait. */
  account: () => SmtpConfig | null;
  readAttachment: (sha256: string) => Buffer;
  /** Temporary refusals (4xx) tried this many times before the row fails. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A `sending` row older than this was abandoned by a dead process. */
  staleMs?: number;
  batchSize?: number;
  log?: (msg: string) => void;
  /** Called after rows changed state (the UI refreshes the report). */
  onUpdate?: (reportIds: string[]) => void;
}

/** Pooled: 5 connections, no per-connection message limit (the default of 100 costs a pause each). */
export function smtpTransport(a: SmtpConfig, pool: boolean): Transporter {
  return nodemailer.createTransport({
    host: a.host,
    port: a.port,
    secure: a.security === 'tls',
    requireTLS: a.security === 'starttls',
    ignoreTLS: a.security === 'none',
    auth: a.username ? { user: a.username, pass: a.password } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    ...(pool ? { pool: true, maxConnections: 5, maxMessages: Infinity } : {}),
  });
}

export function messageOf(
  a: SmtpConfig,
  row: Pick<OutboxRow, 'to' | 'subject' | 'text' | 'html' | 'messageId' | 'headers'>,
) {
  return {
    from: { name: a.fromName, address: a.fromAddress },
    ...(a.replyTo ? { replyTo: a.replyTo } : {}),
    to: row.to,
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    messageId: row.messageId,
    headers: row.headers,
  };
}

export function createMailSender(o: SenderOptions) {
  const maxAttempts = o.maxAttempts ?? 8;
  const base = o.baseBackoffMs ?? 30_000;
  const maxBackoff = o.maxBackoffMs ?? 3_600_000;
  const staleMs = o.staleMs ?? 10 * 60_000;
  const batchSize = o.batchSize ?? 500;
  const log = o.log ?? ((m: string) => console.warn(`[mail-out] ${m}`));
  const inFlight = new Set<string>();
  /** One mark, committed without fsync (see the header); the connection's setting is restored. */
  function mark(fn: () => void): void {
    if (!alive()) return;
    const before = o.db.pragma('synchronous', { simple: true }) as number;
    o.db.pragma('synchronous = NORMAL');
    try {
      fn();
    } catch (e) {
      // The row stays `sending` and is taken again once stale: nothing is lost.
      log(`stato dell’email non salvato: ${(e as Error).message}`);
    } finally {
      o.db.pragma(`synchronous = ${before}`);
    }
  }
  let transport: { key: string; t: Transporter } | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const alive = () => !stopped && o.db.open;

  function transportFor(a: SmtpConfig): Transporter {
    const key = JSON.stringify(a);
    if (transport?.key !== key) {
      transport?.t.close();
      transport = { key, t: smtpTransport(a, true) };
    }
    return transport.t;
  }

  const backoff = (attempts: number) => Math.min(maxBackoff, base * 2 ** Math.max(0, attempts - 1));

  async function deliver(a: SmtpConfig, t: Transporter, row: OutboxRow): Promise<void> {
    try {
      await t.sendMail({
        ...messageOf(a, row),
        attachments: row.attachments.map((x) => ({
          filename: x.fileName,
          contentType: x.mime,
          content: o.readAttachment(x.sha256),
        })),
      });
      const at = o.clock();
      mark(() => markSent(o.db, row.id, at));
    } catch (err) {
      if (!alive()) return;
      const attempts = row.attempts + 1;
      const verdict = verdictOf(err);
      const msg = italianSmtpError(err, a.host, a.port);
      if (verdict === 'fail' || (verdict === 'retry' && attempts >= maxAttempts)) {
        mark(() => markFailed(o.db, row.id, msg));
        log(`${row.to}: ${msg}`);
      } else {
        const next = o.clock() + backoff(attempts);
        mark(() => markRetry(o.db, row.id, next, msg));
      }
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (!alive()) return;
      const a = o.account();
      if (!a) return;
      const rows = dueEmails(o.db, o.clock(), staleMs, batchSize + inFlight.size).filter(
        (r) => !inFlight.has(r.id),
      );
      if (rows.length === 0) return;
      const now = o.clock();
      o.db.transaction(() => {
        for (const r of rows) markSending(o.db, r.id, now);
      })();
      const t = transportFor(a);
      for (const r of rows) inFlight.add(r.id);
      try {
        await Promise.all(rows.map((r) => deliver(a, t, r)));
      } finally {
        for (const r of rows) inFlight.delete(r.id);
      }
      o.onUpdate?.([...new Set(rows.map((r) => r.reportId).filter((x): x is string => !!x))]);
      // Rows that failed for now got a later next_attempt_at: the next query skips them.
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!alive()) return;
    const due = nextDueAt(o.db);
    // Abandoned `sending` rows are looked at again after staleMs at the latest.
    const wait = Math.min(due === null ? staleMs : Math.max(0, due - o.clock()), staleMs);
    timer = setTimeout(() => void poke(), Math.max(50, wait));
    timer.unref?.();
  }

  /** Runs the loop now (or once more after the current pass); resolves when it went idle. */
  function poke(): Promise<void> {
    if (stopped) return Promise.resolve();
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
          if (alive()) log(`invio interrotto: ${(e as Error).message}`);
        }
      } while (again && alive());
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  }

  return {
    poke,
    /** The account changed: the next pass opens new connections with it. */
    resetTransport(): void {
      transport?.t.close();
      transport = null;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      transport?.t.close();
      transport = null;
    },
  };
}

export type MailSender = ReturnType<typeof createMailSender>;
