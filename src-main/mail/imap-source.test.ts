/** The IMAP source against a real Dovecot on loopback, messages put in with APPEND. */
import type { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { createImapSource, runImapSource, type ImapMailboxConfig, type PollSummary } from './imap-source';
import { createMailIntake, type MailIntake } from './intake';
import { startDovecot, type Dovecot } from './testing/dovecot';
import { withImapClient } from './testing/dovecot-accounts';
import { plainMessage } from './testing/messages';
import { mailboxIdentity, mailKeyOf, reportIdOf } from './identity';
import { mintMessageId } from './threading';
import { startProxy } from './testing/tcp-proxy';

let dovecot: Dovecot;
let n = 0;
let user: string;
let w: TestWorld;
let intake: MailIntake;

beforeAll(async () => {
  const users: Record<string, string> = {};
  for (let i = 1; i <= 12; i++) users[`urp${i}`] = `password-${i}`;
  dovecot = await startDovecot(users);
}, 30_000);
afterAll(() => dovecot?.stop());

beforeEach(async () => {
  user = `urp${++n}`;
  w = await createTestWorld();
  await buildFixture(w);
  intake = createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 9) });
});
afterEach(() => w.cleanup());

const cfg = (over: Partial<ImapMailboxConfig> = {}): ImapMailboxConfig => ({
  id: 'urp',
  host: dovecot.host,
  port: dovecot.port,
  security: 'none',
  username: user,
  password: `password-${user.slice(3)}`,
  folder: 'INBOX',
  processedFolder: 'Acquisiti',
  processedFlag: '$SportelloAcquisito',
  ...over,
});

function withClient<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient(dovecot, user, `password-${user.slice(3)}`, fn);
}
const append = (msgs: Buffer[]) =>
  withClient(async (c) => {
    for (const m of msgs) await c.append('INBOX', m);
  });
const counts = () =>
  withClient(async (c) => ({
    inbox: messagesIn(await c.status('INBOX', { messages: true })),
    done: messagesIn(await c.status('Acquisiti', { messages: true })),
  }));
const messagesIn = (s: false | { messages?: number }) => (s ? s.messages : undefined);
const reports = () =>
  (w.core.services.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
const msgs = (k: number, from = 0) =>
  Array.from({ length: k }, (_, i) =>
    plainMessage({ messageId: `<m${from + i}@example.it>`, subject: `Segnalazione numero ${from + i}` }),
  );

describe('IMAP source (Dovecot)', () => {
  it('turns every appended message into one report and moves it only after the commit', async () => {
    await append(msgs(5));
    const src = createImapSource(cfg(), { db: w.core.services.db, intake, clock: Date.now });
    const s = await src.pollOnce();
    expect(s.results.map((r) => r.outcome)).toEqual(Array(5).fill('created'));
    expect(reports()).toBe(5);
    expect(await counts()).toEqual({ inbox: 0, done: 5 });
    // A second run finds nothing new.
    expect((await src.pollOnce()).fetched).toBe(0);
    expect(reports()).toBe(5);
  });

  it('flags instead of moving when no processed folder is set, and never reads a flagged message twice', async () => {
    await append(msgs(3));
    const src = createImapSource(cfg({ processedFolder: null }), {
      db: w.core.services.db,
      intake,
      clock: Date.now,
    });
    await src.pollOnce();
    const flagged = await withClient(async (c) => {
      await c.mailboxOpen('INBOX');
      return (await c.search({ keyword: '$SportelloAcquisito' }, { uid: true })) || [];
    });
    expect(flagged).toHaveLength(3);
    w.core.services.db.prepare('DELETE FROM mail_folder_state').run();
    expect((await src.pollOnce()).fetched).toBe(0);
    expect(reports()).toBe(3);
  });

  it('a crash between commit and move: after restart still exactly one report per message', async () => {
    await append(msgs(4));
    let crash = true;
    const crashing = createImapSource(cfg(), {
      db: w.core.services.db,
      intake,
      clock: Date.now,
      commitGroup: 1,
      afterCommit: (uid) => {
        if (crash && uid === 2) throw new Error('simulated crash after commit');
      },
    });
    await expect(crashing.pollOnce()).rejects.toThrow('simulated crash');
    expect(reports()).toBe(2);
    // Messages 1 and 2 were committed, but moves come after the chunk: none was moved.
    expect((await counts()).inbox).toBe(4);
    crash = false;
    // Restart: a new intake over the same database (its in-memory state is gone).
    const restarted = createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 9) });
    const s = await createImapSource(cfg(), {
      db: w.core.services.db,
      intake: restarted,
      clock: Date.now,
    }).pollOnce();
    expect(s.results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'created', 'created']);
    expect(reports()).toBe(4);
    expect(await counts()).toEqual({ inbox: 0, done: 4 });
  });

  it('moves committed mail a few chunks at a time, the position saved after each move; a crash in between loses nothing', async () => {
    await append(msgs(7));
    const lastUid = () =>
      (
        w.core.services.db.prepare('SELECT last_uid FROM mail_folder_state').get() as
          { last_uid: number } | undefined
      )?.last_uid;
    let crash = true;
    const seen: { uid: number; inbox: number | undefined }[] = [];
    const crashing = createImapSource(cfg(), {
      db: w.core.services.db,
      intake,
      clock: Date.now,
      chunkSize: 2,
      commitGroup: 2,
      markGroup: 4,
      afterCommit: async (uid) => {
        // Another connection looks at the inbox while this one is still fetching.
        seen.push({ uid, inbox: (await counts()).inbox });
        if (crash && uid === 5) throw new Error('simulated crash after commit');
      },
    });
    await expect(crashing.pollOnce()).rejects.toThrow('simulated crash');
    // Chunks [1,2] and [3,4] were committed before one MOVE took both; [5,6] was committed, not moved.
    expect(seen).toEqual([
      { uid: 1, inbox: 7 },
      { uid: 2, inbox: 7 },
      { uid: 3, inbox: 7 },
      { uid: 4, inbox: 7 },
      { uid: 5, inbox: 3 },
    ]);
    expect(reports()).toBe(6);
    expect(await counts()).toEqual({ inbox: 3, done: 4 });
    expect(lastUid()).toBe(4);
    crash = false;
    const s = await createImapSource(cfg(), {
      db: w.core.services.db,
      intake: createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 9) }),
      clock: Date.now,
    }).pollOnce();
    expect(s.results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'created']);
    expect(reports()).toBe(7);
    expect(await counts()).toEqual({ inbox: 0, done: 7 });
    expect(lastUid()).toBe(7);
  });

  it('a UIDVALIDITY change resyncs the folder, deduplicated by Message-ID', async () => {
    await append(msgs(3));
    const src = createImapSource(cfg({ processedFolder: null }), {
      db: w.core.services.db,
      intake,
      clock: Date.now,
    });
    await src.pollOnce();
    // The server renumbered the folder (as after a restore): same messages, new UIDs.
    w.core.services.db.prepare("UPDATE mail_folder_state SET uid_validity = '1'").run();
    await withClient(async (c) => {
      await c.mailboxOpen('INBOX');
      await c.messageFlagsRemove('1:*', ['$SportelloAcquisito']);
    });
    const s = await src.pollOnce();
    expect(s.resynced).toBe(true);
    expect(s.results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(reports()).toBe(3);
  });

  it('a connection drop mid-intake reconnects with backoff and loses nothing', async () => {
    await append(msgs(6));
    const proxy = await startProxy(dovecot.port);
    try {
      let dropped = false;
      const src = createImapSource(cfg({ port: proxy.port }), {
        db: w.core.services.db,
        intake,
        clock: Date.now,
        afterCommit: (uid) => {
          if (uid === 3 && !dropped) {
            dropped = true;
            proxy.dropAll();
          }
        },
      });
      const errors: number[] = [];
      const polls: PollSummary[] = [];
      const runner = runImapSource(src, {
        pollMs: 50,
        backoffMs: 20,
        onError: (_e, attempt) => errors.push(attempt),
        onPoll: (p) => polls.push(p),
      });
      const until = Date.now() + 20_000;
      while (reports() < 6 || ((await counts()).inbox ?? 0) > 0) {
        if (Date.now() > until)
          throw new Error(
            `intake did not finish ${reports()} ${JSON.stringify(await counts())} ${JSON.stringify(w.core.services.db.prepare('SELECT * FROM mail_folder_state').all())}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      await runner.stop();
      expect(dropped).toBe(true);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      // The message committed just before the drop came back once more, as a duplicate.
      expect(polls.flatMap((p) => p.results.map((r) => r.outcome))).toContain('duplicate');
      expect(reports()).toBe(6);
      expect(await counts()).toEqual({ inbox: 0, done: 6 });
    } finally {
      await proxy.close();
    }
  });

  it('a reply to a report created earlier in the same commit group is its follow-up, not a new report', async () => {
    const original = plainMessage({ messageId: '<orig@example.it>', subject: 'Lampione spento' });
    const reportId = reportIdOf(mailKeyOf(mailboxIdentity(cfg()), '<orig@example.it>', ''));
    const ref = mintMessageId(Buffer.alloc(32, 9), reportId);
    const reply = plainMessage({
      messageId: '<reply@example.it>',
      subject: 'Re: Lampione spento',
      headers: { 'In-Reply-To': ref },
    });
    await append([original, reply]);
    const s = await createImapSource(cfg(), { db: w.core.services.db, intake, clock: Date.now }).pollOnce();
    expect(s.results.map((r) => [r.outcome, r.reportId])).toEqual([
      ['created', reportId],
      ['follow-up', reportId],
    ]);
    expect(reports()).toBe(1);
  });

  it('a malformed message becomes a "da verificare" report and the others still go through', async () => {
    await append([
      msgs(1)[0]!,
      Buffer.from('\u0000\u0001garbage without headers\r\n\r\n\u00ff'),
      msgs(1, 1)[0]!,
    ]);
    const s = await createImapSource(cfg(), { db: w.core.services.db, intake, clock: Date.now }).pollOnce();
    expect(s.results.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    const titles = (
      w.core.services.db.prepare('SELECT title FROM reports ORDER BY seq').all() as { title: string }[]
    ).map((r) => r.title);
    expect(titles[1]).toMatch(/^\[Da verificare\]/);
    expect(await counts()).toEqual({ inbox: 0, done: 3 });
  });
});

describe('IDLE (Dovecot)', () => {
  it('waits in IDLE: a message appended while idling becomes a report without waiting for the poll interval', async () => {
    const src = createImapSource(cfg(), { db: w.core.services.db, intake, clock: Date.now });
    const polls: PollSummary[] = [];
    const runner = runImapSource(src, { pollMs: 120_000, idle: true, onPoll: (p) => polls.push(p) });
    try {
      const until = Date.now() + 20_000;
      while (polls.length < 1) {
        if (Date.now() > until) throw new Error('first poll never ran');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Let the runner reach IDLE, then deliver.
      await new Promise((r) => setTimeout(r, 500));
      const t = Date.now();
      await append(msgs(1, 100));
      while (reports() < 1) {
        // The poll interval is two minutes: only IDLE can bring it in this fast.
        if (Date.now() - t > 30_000) throw new Error('the message did not arrive through IDLE');
        await new Promise((r) => setTimeout(r, 20));
      }
      while (polls.length < 2) await new Promise((r) => setTimeout(r, 20));
      // The second poll, woken by IDLE, is the one that brought it.
      expect(polls[1]!.fetched).toBe(1);
      console.info(`[idle] report ${Date.now() - t} ms after APPEND`);
    } finally {
      await runner.stop();
    }
  });

  it('mail that arrived between the poll and IDLE is not left waiting; a dropped IDLE reconnects with backoff', async () => {
    const proxy = await startProxy(dovecot.port);
    try {
      const src = createImapSource(cfg({ port: proxy.port }), {
        db: w.core.services.db,
        intake,
        clock: Date.now,
      });
      await src.pollOnce();
      await append(msgs(1, 200));
      const stopped = new Promise<void>(() => undefined);
      expect(await src.waitForMail(120_000, stopped)).toBe('mail');

      const errors: number[] = [];
      const runner = runImapSource(src, {
        pollMs: 120_000,
        idle: true,
        backoffMs: 20,
        onError: (_e, attempt) => errors.push(attempt),
      });
      try {
        const until = Date.now() + 30_000;
        while (reports() < 1) {
          if (Date.now() > until) throw new Error('first message never arrived');
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 500));
        proxy.dropAll(); // the IDLE connection dies
        await new Promise((r) => setTimeout(r, 300));
        await append(msgs(1, 201));
        while (reports() < 2) {
          if (Date.now() > until) throw new Error('no reconnect after the drop');
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(errors.length).toBeGreaterThanOrEqual(1);
      } finally {
        await runner.stop();
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('runImapSource', () => {
  it('polls without any callback and stops at once even when stopped during a poll', async () => {
    let polls = 0;
    let release: () => void = () => undefined;
    const source = {
      pollOnce: () =>
        new Promise<PollSummary>((resolve) => {
          polls++;
          release = () => resolve({ fetched: 0, results: [], failed: 0, resynced: false });
        }),
    };
    const runner = runImapSource(source, { pollMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(polls).toBe(1);
    const t = Date.now();
    const stopped = runner.stop();
    release();
    await stopped;
    expect(Date.now() - t).toBeLessThan(1_000);
  });
});
