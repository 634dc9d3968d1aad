/**
 * Two `sportello server` processes on one PostgreSQL and one mailbox (real Dovecot):
 * one of them pulls it (a session advisory lock per mailbox), the other takes over when
 * it goes; and even two intakes racing over the same messages without the lock create
 * each report once (deterministic ids, the writer lock, mail_messages).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapSource } from '../../src-main/mail/imap-source';
import { startDovecot, type Dovecot } from '../../src-main/mail/testing/dovecot';
import { withImapClient } from '../../src-main/mail/testing/dovecot-accounts';
import { plainMessage } from '../../src-main/mail/testing/messages';
import { createServer, type ServerOptions, type SyncServer } from '../app';
import type { Queryable } from '../storage/storage';
import { people, postgresCluster } from '../testing/world';
import { createServerMailSink, serverFolders } from './sink';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot({ urp1: 'password-1', urp2: 'password-2' });
}, 30_000);
afterAll(() => dovecot?.stop());

const SECRET = randomBytes(32).toString('base64');

function append(user: string, pass: string, msgs: Buffer[]) {
  return withImapClient(dovecot, user, pass, async (c) => {
    for (const m of msgs) await c.append('INBOX', m);
  });
}
const msgs = (k: number, from: number) =>
  Array.from({ length: k }, (_, i) =>
    plainMessage({ messageId: `<due-${from + i}@example.it>`, subject: `Segnalazione ${from + i}` }),
  );
const reports = async (q: Queryable) =>
  Number(
    (
      await q.query<{ n: number }>(
        "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND NOT deleted",
      )
    )[0]!.n,
  );
async function until(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two server processes on one PostgreSQL', () => {
  postgresCluster();
  const servers: SyncServer[] = [];
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  it('one process pulls a mailbox, the other takes over when it stops; each message is one report', async () => {
    const databaseUrl = await (await postgresCluster()).createDatabase();
    const opts: ServerOptions = {
      databaseUrl,
      secretKey: SECRET,
      mailIntake: { rescanMs: 150, backoffMs: 50, log: () => {} },
    };
    const a = await createServer(opts);
    const b = await createServer(opts);
    servers.push(a, b);
    const { admin } = await people(a);
    await append('urp1', 'password-1', msgs(40, 1));
    const saved = await admin.post('/mail-in/v1/call', {
      name: 'mailboxes.save',
      input: {
        name: 'URP',
        host: dovecot.host,
        port: dovecot.port,
        security: 'none',
        username: 'urp1',
        password: 'password-1',
        processedFolder: 'Acquisiti',
        pollSeconds: 30,
      },
    });
    const id = (saved.body.value as { id: string }).id;
    await until('forty reports', async () => (await reports(a.storage)) === 40);
    // Several rescans of both processes later, still one puller.
    await new Promise((r) => setTimeout(r, 600));
    const holders = [a, b].filter((s) => s.mailIn.running().includes(id));
    expect(holders).toHaveLength(1);
    const other = holders[0] === a ? b : a;
    expect(
      Number((await a.storage.query<{ n: number }>('SELECT count(*) AS n FROM mail_messages'))[0]!.n),
    ).toBe(40);

    // The puller goes away (its lock dies with it): the other process takes the mailbox.
    await holders[0]!.close();
    servers.splice(servers.indexOf(holders[0]!), 1);
    await until('the other process took over', async () => other.mailIn.running().includes(id));
    await append('urp1', 'password-1', msgs(5, 41));
    await until('forty-five reports', async () => (await reports(other.storage)) === 45);
    await new Promise((r) => setTimeout(r, 300));
    expect(await reports(other.storage)).toBe(45);
  });

  it('two intakes racing over the same thirty messages, without the lock, create thirty reports', async () => {
    const databaseUrl = await (await postgresCluster()).createDatabase();
    const opts: ServerOptions = { databaseUrl, secretKey: SECRET, mailIntake: { disabled: true } };
    const a = await createServer(opts);
    const b = await createServer(opts);
    servers.push(a, b);
    await append('urp2', 'password-2', msgs(30, 100));
    const source = (s: SyncServer) =>
      createImapSource(
        {
          id: 'urp',
          host: dovecot.host,
          port: dovecot.port,
          security: 'none',
          username: 'urp2',
          password: 'password-2',
          folder: 'INBOX',
          // Flags, so that neither hides the messages from the other before it read them.
          processedFolder: null,
          processedFlag: `$Server${servers.indexOf(s)}`,
        },
        {
          intake: createServerMailSink({
            storage: s.storage,
            clock: Date.now,
            threadKey: Buffer.alloc(32, 1),
          }),
          folders: serverFolders(s.storage),
          clock: Date.now,
          chunkSize: 7,
          commitGroup: 3,
        },
      );
    const [ra, rb] = await Promise.all([source(a).pollOnce(), source(b).pollOnce()]);
    const outcomes = [...ra.results, ...rb.results].map((r) => r.outcome);
    expect(ra.failed + rb.failed).toBe(0);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(30);
    // Each message met by both: once created, once found already in.
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(ra.fetched + rb.fetched - 30);
    expect(await reports(a.storage)).toBe(30);
    const keys = await a.storage.query<{ n: number; d: number }>(
      'SELECT count(*) AS n, count(DISTINCT report_id) AS d FROM mail_messages',
    );
    expect(keys.map((k) => [Number(k.n), Number(k.d)])).toEqual([[30, 30]]);
  });
});
