/**
 * Issue 4, point 9: a real process pulling 500 messages from a real Dovecot is killed
 * with SIGKILL at random moments (seeded), many times over, and restarted until it
 * finishes. Then the SQLite file must hold exactly one effect per message: one report
 * per ordinary message, one log entry per follow-up and per bounce, nothing for
 * auto-replies; and every message must have left the inbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng } from '../core/demo/prng';
import { DB_FILE } from '../core/create-core';
import { buildFixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { attachmentIdOf, mailboxIdentity, mailKeyOf, reportIdOf } from './identity';
import type { ImapMailboxConfig } from './imap-source';
import { threadingKey } from './secrets';
import { startDovecot, type Dovecot } from './testing/dovecot';
import { withImapClient } from './testing/dovecot-accounts';
import { multipartMessage, plainMessage, textPart } from './testing/messages';
import { mintMessageId } from './threading';

const TOTAL = 500;
const MAX_KILLS = 10;
const CHILD = fileURLToPath(new URL('./testing/intake-child.ts', import.meta.url));

type Kind = 'report' | 'follow-up' | 'auto-reply' | 'bounce';
interface Planned {
  kind: Kind;
  raw: Buffer;
  /** The key the intake derives (Message-ID, or the bytes when there is none). */
  mailKey: string;
  messageId: string | null;
  /** follow-up and bounce: the report they concern. */
  target: string | null;
}

let dovecot: Dovecot;
let w: TestWorld;

beforeAll(async () => {
  dovecot = await startDovecot({ urp: 'password-urp' });
  w = await createTestWorld();
  const f = await buildFixture(w);
  await w.ok('settings.categories.save', { parentId: null, name: 'Da classificare' }, f.admin);
}, 60_000);
afterAll(async () => {
  w?.cleanup();
  await dovecot?.stop();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** 500 messages: mostly new reports (some without Message-ID), replies, auto-replies, bounces. */
function plan(key: Buffer): Planned[] {
  const rng = createRng(4_0009);
  const out: Planned[] = [];
  const reportsWithId: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const roll = rng.next();
    const target = reportsWithId.length > 5 ? rng.pick(reportsWithId) : null;
    const date = `Fri, 20 Nov 2026 ${String(8 + (i % 10)).padStart(2, '0')}:00:00 +0100`;
    let kind: Kind = 'report';
    let raw: Buffer;
    let messageId: string | null = `<crash-${i}@cittadini.example.it>`;
    if (target && roll < 0.1) {
      kind = 'follow-up';
      const ref = mintMessageId(
        key,
        target,
        rng
          .int(2 ** 31)
          .toString(16)
          .padStart(8, '0'),
      );
      raw = plainMessage({
        messageId,
        date,
        subject: `Re: segnalazione ${i}`,
        headers: { 'In-Reply-To': ref, References: ref },
        text: `Risposta del cittadino numero ${i}.`,
      });
    } else if (roll < 0.16) {
      kind = 'auto-reply';
      raw = plainMessage({
        messageId,
        date,
        subject: `Risposta automatica: fuori ufficio ${i}`,
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: 'Sono fuori ufficio fino a lunedì.',
      });
    } else if (target && roll < 0.2) {
      kind = 'bounce';
      const ref = mintMessageId(
        key,
        target,
        rng
          .int(2 ** 31)
          .toString(16)
          .padStart(8, '0'),
      );
      raw = multipartMessage({
        from: 'Mail Delivery System <MAILER-DAEMON@mx.example.it>',
        subject: `Undelivered Mail Returned to Sender ${i}`,
        messageId,
        date,
        contentType: 'multipart/report; report-type=delivery-status',
        parts: [
          textPart('Il messaggio non è stato consegnato.'),
          `Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.it\r\n\r\nFinal-Recipient: rfc822; sparito${i}@example.it\r\nAction: failed\r\nStatus: 5.1.1\r\n`,
          `Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ref}\r\nSubject: La sua segnalazione\r\n`,
        ],
      });
    } else {
      if (rng.chance(0.05)) messageId = null;
      raw = plainMessage({
        messageId,
        date,
        subject: `Segnalazione numero ${i}`,
        text: `Testo della segnalazione ${i}: ${'lampione spento '.repeat(1 + rng.int(30))}`,
      });
    }
    // The IMAP source keys messages by the account and folder (mailboxIdentity), as imapCfg().
    const mailKey = mailKeyOf(URP_IDENTITY, messageId, sha256(raw));
    if (kind === 'report' && messageId) reportsWithId.push(reportIdOf(mailKey));
    out.push({
      kind,
      raw,
      mailKey,
      messageId,
      target: kind === 'follow-up' || kind === 'bounce' ? target : null,
    });
  }
  return out;
}

const URP_IDENTITY = mailboxIdentity({ host: '127.0.0.1', username: 'urp', folder: 'INBOX' });

const imapCfg = (): ImapMailboxConfig => ({
  id: 'urp',
  host: dovecot.host,
  port: dovecot.port,
  security: 'none',
  username: 'urp',
  password: 'password-urp',
  folder: 'INBOX',
  processedFolder: 'Acquisiti',
  processedFlag: '$SportelloAcquisito',
});

function withClient<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient(dovecot, 'urp', 'password-urp', fn);
}

interface Round {
  child: ChildProcess;
  commits: number;
  ready: boolean;
  /** The folder is drained (the process then waits to be killed, see `hold`). */
  done: boolean;
  exit: Promise<number | null>;
  stderr: string[];
}

function startChild(hold: boolean): Round {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      SPORTELLO_CHILD: JSON.stringify({ dataDir: w.dir, mailbox: imapCfg(), hold }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const round: Round = {
    child,
    commits: 0,
    ready: false,
    done: false,
    stderr: [],
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      if (l === 'ready') round.ready = true;
      else if (l === 'done') round.done = true;
      else if (l.startsWith('commit ')) {
        round.commits++;
        // Progress across rounds: messages whose effect was committed for the first time.
        if (!l.endsWith(' duplicate')) progress.add(Number(l.split(' ')[1]));
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => round.stderr.push(d.toString()));
  return round;
}

const count = (s: false | { messages?: number }) => (s ? s.messages : undefined);
/** UIDs whose message got its effect (created, follow-up, notice, skipped) in some round. */
const progress = new Set<number>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('SIGKILLed at random moments during an intake of 500 messages: every message is exactly one effect', async () => {
  // The core that built the fixture lets go of the file: from now on only children write it.
  w.core.close();
  const key = threadingKey(w.dir);
  const messages = plan(key);
  await withClient(async (c) => {
    for (const m of messages) await c.append('INBOX', m.raw);
  });

  const t0 = Date.now();
  const rng = createRng(9_000_4);
  let kills = 0;
  let killsMidIntake = 0;
  let finished = false;
  let rounds = 0;
  while (!finished) {
    rounds++;
    expect(rounds, 'the intake never finished').toBeLessThan(MAX_KILLS + 6);
    // A round meant for a kill holds its process open after the folder is drained, so the
    // kill lands even when this machine is fast enough to finish before it.
    const r = startChild(kills < MAX_KILLS);
    if (kills < MAX_KILLS) {
      // Mostly while messages flow (after a random number of committed messages, plus a
      // jitter that lands in parsing, committing or moving); now and then while starting.
      const early = rng.chance(0.2);
      // A third of what is left at most: the intake must not finish before the kills are
      // done, whatever the machine's speed (commits arrive a chunk at a time, so the wait
      // is cut short as soon as the cap is passed).
      const left = TOTAL - progress.size;
      const cap = Math.max(1, Math.floor(left / 3));
      const afterCommits = early ? 0 : rng.int(Math.min(150, cap));
      const started = Date.now();
      while (
        r.commits < afterCommits &&
        !r.done &&
        r.child.exitCode === null &&
        Date.now() - started < 30_000
      )
        await sleep(2);
      const jitterEnd = Date.now() + (early ? rng.int(1500) : rng.int(100));
      while (Date.now() < jitterEnd && r.commits < cap && !r.done && r.child.exitCode === null)
        await sleep(2);
      expect(r.child.exitCode, r.stderr.join('')).toBeNull();
      const before = r.commits;
      r.child.kill('SIGKILL');
      await r.exit;
      kills++;
      if (before > 0) killsMidIntake++;
      continue;
    }
    const code = await r.exit;
    expect(code, r.stderr.join('')).toBe(0);
    finished = true;
  }
  console.info(
    `[crash] ${kills} kills (${killsMidIntake} mid-intake), ${rounds} rounds, ${Date.now() - t0} ms`,
  );
  expect(kills).toBeGreaterThanOrEqual(MAX_KILLS);
  expect(killsMidIntake).toBeGreaterThanOrEqual(6);

  const db = new Database(`${w.dir}/${DB_FILE}`, { readonly: true });
  try {
    const byKind = (k: Kind) => messages.filter((m) => m.kind === k);
    for (const k of ['report', 'follow-up', 'auto-reply', 'bounce'] as const)
      expect(byKind(k).length, k).toBeGreaterThan(k === 'report' ? 300 : 10);

    // Every message recorded once, with the kind the intake gave it.
    const handled = new Map(
      (
        db.prepare('SELECT mail_key, kind, report_id FROM mail_messages').all() as {
          mail_key: string;
          kind: string;
          report_id: string | null;
        }[]
      ).map((r) => [r.mail_key, r]),
    );
    expect(handled.size).toBe(TOTAL);
    for (const m of messages) expect(handled.get(m.mailKey)?.kind, m.mailKey).toBe(m.kind);

    // One report per ordinary message, at its deterministic id, with its .eml; no other report.
    const reportIds = (db.prepare('SELECT id FROM reports').all() as { id: string }[]).map((r) => r.id);
    expect(new Set(reportIds).size).toBe(reportIds.length);
    expect(reportIds.sort()).toEqual(
      byKind('report')
        .map((m) => reportIdOf(m.mailKey))
        .sort(),
    );
    // Each message's original .eml once, at its deterministic id, on the right report.
    const emls = new Map(
      (
        db
          .prepare(
            `SELECT a.id, a.sha256, r.id AS report_id FROM attachments a JOIN reports r ON r.seq = a.report_seq
             WHERE a.file_name = 'messaggio-originale.eml'`,
          )
          .all() as { id: string; sha256: string; report_id: string }[]
      ).map((a) => [a.id, a]),
    );
    const withEml = messages.filter((m) => m.kind !== 'auto-reply');
    expect(emls.size).toBe(withEml.length);
    for (const m of withEml) {
      const a = emls.get(attachmentIdOf(m.mailKey, 0));
      expect(a?.sha256).toBe(sha256(m.raw));
      expect(a?.report_id).toBe(m.kind === 'report' ? reportIdOf(m.mailKey) : m.target);
    }

    // One log entry per follow-up and per bounce, on the report it concerns.
    const entries = db
      .prepare(
        `SELECT r.id AS report_id, l.action, l.data FROM log_entries l JOIN reports r ON r.seq = l.report_seq
         WHERE l.action IN ('mail_in', 'mail_bounce', 'mail_feedback')`,
      )
      .all() as { report_id: string; action: string; data: string }[];
    const replies = entries.filter((e) => e.action === 'mail_in');
    expect(replies.length).toBe(byKind('follow-up').length);
    const replyByMid = new Map(
      replies.map((e) => [(JSON.parse(e.data) as { messageId: string }).messageId, e]),
    );
    for (const m of byKind('follow-up')) expect(replyByMid.get(m.messageId!)?.report_id).toBe(m.target);
    const bounces = entries.filter((e) => e.action !== 'mail_in');
    expect(bounces.length).toBe(byKind('bounce').length);
    const bounceBySubject = new Map(
      bounces.map((e) => [(JSON.parse(e.data) as { subject: string }).subject, e]),
    );
    for (const m of byKind('bounce')) {
      const i = /crash-(\d+)@/.exec(m.messageId!)![1];
      expect(bounceBySubject.get(`Undelivered Mail Returned to Sender ${i}`)?.report_id).toBe(m.target);
    }
  } finally {
    db.close();
  }

  // Processed mail left the inbox, every message exactly once in the processed folder.
  const folders = await withClient(async (c) => ({
    inbox: count(await c.status('INBOX', { messages: true })),
    done: count(await c.status('Acquisiti', { messages: true })),
  }));
  expect(folders).toEqual({ inbox: 0, done: TOTAL });
}, 240_000);
