/**
 * The mail intake on the sync server, against a real Dovecot, on PGlite and on a real
 * PostgreSQL: mailboxes configured by an administrator through the server, pulled by
 * `sportello server` into reports written by the intake's system actor, attachments in
 * the blob store; a PC that pulled the same mailbox itself and the server never create a
 * report twice, whichever comes first; a reply to a Message-ID the server signed threads.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import { createImapSource, type ImapMailboxConfig } from '../../src-main/mail/imap-source';
import { createMailIntake } from '../../src-main/mail/intake';
import { deriveKey } from '../../src-main/mail/secrets';
import { useDovecotAccounts } from '../../src-main/mail/testing/dovecot-accounts';
import { multipartMessage, base64Part, plainMessage, textPart } from '../../src-main/mail/testing/messages';
import { mintMessageId } from '../../src-main/mail/threading';
import { createTestWorld } from '../../src-main/testing/test-core';
import { sha256Of } from '../blobs';
import { people, STORAGES, useWorld, type TestReplica } from '../testing/world';
import type { Queryable } from '../storage/storage';

const SECRET = randomBytes(32).toString('base64');
const SERVER_THREAD_KEY = deriveKey(Buffer.from(SECRET, 'base64'), 'message-id');

const imap = useDovecotAccounts('urp', 10);
const account = imap.account;

const msgs = (k: number, from: number, tag = 'm') =>
  Array.from({ length: k }, (_, i) =>
    plainMessage({
      messageId: `<${tag}${from + i}@example.it>`,
      subject: `Segnalazione numero ${from + i}`,
      from: `Cittadino ${from + i} <cittadino${from + i}@example.it>`,
    }),
  );

const count = async (q: Queryable, sql: string, params: unknown[] = []) =>
  Number((await q.query<{ n: number }>(sql, params))[0]!.n);
const serverReports = (q: Queryable) =>
  count(q, "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND NOT deleted");

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mailboxInput = (a: { user: string; pass?: string }, over: Record<string, unknown> = {}) => ({
  name: `URP ${a.user}`,
  host: imap.server().host,
  port: imap.server().port,
  security: 'none',
  username: a.user,
  ...(a.pass ? { password: a.pass } : {}),
  folder: 'INBOX',
  processedFolder: 'Acquisiti',
  pollSeconds: 30,
  useIdle: true,
  ...over,
});

const call = (r: TestReplica, name: string, input: unknown) => r.post('/mail-in/v1/call', { name, input });

describe.each(STORAGES)('mail intake on the sync server (%s)', (kind) => {
  const serverResults: { mailboxId: string; outcome: string }[] = [];
  const world = useWorld(kind, {
    secretKey: SECRET,
    mailIntake: {
      rescanMs: 200,
      backoffMs: 50,
      log: () => {},
      onPoll: (mailboxId, s) =>
        serverResults.push(...s.results.map((r) => ({ mailboxId, outcome: r.outcome }))),
    },
  });

  it('an administrator configures the mailbox through the server (password sealed, never returned); the server pulls it into reports by the intake with their files', async () => {
    const { storage } = world().server;
    const { admin, op } = await people(world().server);
    const box = account();
    const photo = randomBytes(3000);
    const withPhoto = multipartMessage({
      messageId: '<foto@example.it>',
      subject: 'Lampione spento',
      parts: [
        textPart('Il lampione di via Verdi è spento da una settimana.'),
        base64Part(
          'Content-Type: image/jpeg; name="lampione.jpg"\r\nContent-Disposition: attachment; filename="lampione.jpg"',
          photo,
        ),
      ],
    });
    const plain = msgs(2, 1, `a-${kind}-`);
    await box.append([withPhoto, ...plain]);

    expect((await call(op, 'mailboxes.save', mailboxInput(box))).status).toBe(403);
    expect((await call(op, 'mailboxes.list', {})).status).toBe(403);
    const saved = await call(admin, 'mailboxes.save', mailboxInput(box));
    expect(saved.status).toBe(200);
    const id = (saved.body.value as { id: string }).id;

    const listed = await call(admin, 'mailboxes.list', {});
    expect(listed.body.value).toEqual([
      expect.objectContaining({ id, username: box.user, hasPassword: true }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(box.pass);
    const [row] = await storage.query<{ password_sealed: string }>(
      'SELECT password_sealed FROM mail_mailboxes WHERE id = $1',
      [id],
    );
    expect(row!.password_sealed).not.toContain(box.pass);
    expect(row!.password_sealed.startsWith('v1.')).toBe(true);

    await until('three reports', async () => (await serverReports(storage)) === 3);
    expect(world().server.mailIn.running()).toEqual([id]);
    await until('messages moved', async () => (await box.count('Acquisiti')) === 3);
    expect(await box.count('INBOX')).toBe(0);

    // Written by the intake, as arrived by email; not by the administrator.
    const created = await storage.query<{ actor: string; report: string }>(
      `SELECT data->>'actorId' AS actor, data->>'reportId' AS report FROM sync_rows
        WHERE tbl = 'log_entries' AND data->>'action' = 'mail_received'`,
    );
    expect(created).toHaveLength(3);
    expect(new Set(created.map((c) => c.actor))).toEqual(new Set([MAIL_INTAKE_ACTOR.id]));
    const [channel] = await storage.query<{ c: string }>(
      `SELECT data->>'channel' AS c FROM sync_rows WHERE tbl = 'reports' AND data->>'title' = 'Lampione spento'`,
    );
    expect(channel!.c).toBe('email');

    // The photo and the original .eml in the blob store, named by the attachments rows.
    const atts = await storage.query<{ sha: string; name: string }>(
      `SELECT data->>'sha256' AS sha, data->>'fileName' AS name FROM sync_rows WHERE tbl = 'attachments'`,
    );
    expect(atts.map((a) => a.name).sort()).toEqual(
      [
        'lampione.jpg',
        'messaggio-originale.eml',
        'messaggio-originale.eml',
        'messaggio-originale.eml',
      ].sort(),
    );
    const photoSha = sha256Of(photo);
    expect(atts.map((a) => a.sha)).toContain(photoSha);
    expect(atts.map((a) => a.sha)).toContain(sha256Of(withPhoto));
    for (const a of atts) {
      expect(await count(storage, 'SELECT count(*) AS n FROM blobs WHERE sha256 = $1', [a.sha])).toBe(1);
    }
    // An operator's replica downloads the photo like any attachment.
    const got = await fetch(`${op.url}/sync/v1/blobs/${photoSha}`, {
      headers: { authorization: `Bearer ${op.token}` },
    });
    expect(Buffer.from(await got.arrayBuffer()).equals(photo)).toBe(true);

    expect(await count(storage, 'SELECT count(*) AS n FROM mail_messages WHERE mailbox_id = $1', [id])).toBe(
      3,
    );
    const [state] = await storage.query<{ last_uid: number }>(
      'SELECT last_uid FROM mail_folder_state WHERE mailbox_id = $1',
      [id],
    );
    expect(Number(state!.last_uid)).toBe(3);

    // A reply to an email the server sent (its Message-ID signed with the server's key),
    // arriving while the runner waits in IDLE: a follow-up on that report, not a new one.
    const target = created.find((c) => c)!.report;
    await box.append([
      plainMessage({
        messageId: `<risposta-${kind}@example.it>`,
        subject: 'Re: la vostra segnalazione',
        headers: { 'In-Reply-To': mintMessageId(SERVER_THREAD_KEY, target) },
        text: 'Grazie, aggiungo che è pericoloso di notte.',
      }),
    ]);
    await until(
      'the follow-up',
      async () =>
        (await count(
          storage,
          `SELECT count(*) AS n FROM sync_rows WHERE tbl = 'log_entries' AND owner = $1 AND data->>'action' = 'mail_in'`,
          [target],
        )) === 1,
    );
    expect(await serverReports(storage)).toBe(3);
  });

  it('a PC that pulled the mailbox itself and the server pulling it too: every message is one report, whichever came first; the PC pushing mail the server already has sees no error', async () => {
    const { storage } = world().server;
    const { admin, op } = await people(world().server);
    // A PC with its own intake (standalone), whose outbox an operator's session pushes:
    // what a PC that pulled mail before the server took the mailbox over sends.
    const pc = await createTestWorld();
    const box = account();
    const tag = `b-${kind}-`;
    const pcSource = createImapSource(
      {
        id: 'casella-del-pc',
        host: imap.server().host,
        port: imap.server().port,
        security: 'none',
        username: box.user,
        password: box.pass,
        folder: 'INBOX',
        // The PC marks with its own flag: the server still sees the messages.
        processedFolder: null,
        processedFlag: '$AcquisitoPC',
      } satisfies ImapMailboxConfig,
      {
        db: pc.core.services.db,
        intake: createMailIntake({ services: pc.core.services, threadKey: SERVER_THREAD_KEY }),
        clock: Date.now,
      },
    );
    let pushedSeq = 0;
    const pushOutbox = async () => {
      const rows = pc.core.services.db
        .prepare("SELECT seq, name, args FROM outbox WHERE seq > ? AND name LIKE 'report.%' ORDER BY seq")
        .all(pushedSeq) as { seq: number; name: string; args: string }[];
      pushedSeq = rows.at(-1)?.seq ?? pushedSeq;
      // The bytes first, as the sync client does.
      for (const r of rows) {
        for (const a of (JSON.parse(r.args) as { attachments: { sha256: string; mime: string }[] })
          .attachments) {
          const data = await pc.core.services.files.read(a.sha256);
          await fetch(`${op.url}/sync/v1/blobs/${a.sha256}`, {
            method: 'PUT',
            headers: {
              'content-type': 'application/octet-stream',
              'x-sportello-mime': a.mime,
              authorization: `Bearer ${op.token}`,
            },
            body: new Uint8Array(data),
          });
        }
      }
      return op.push(...rows.map((r) => ({ name: r.name, args: JSON.parse(r.args) as unknown })));
    };
    const before = await serverReports(storage);
    try {
      // 1. The PC first: five messages in, pushed; then the server pulls the same five and three more.
      await box.append(msgs(5, 1, tag));
      const first = await pcSource.pollOnce();
      expect(first.results.map((r) => r.outcome)).toEqual(Array(5).fill('created'));
      expect((await pushOutbox()).outcomes.map((o) => o.status)).toEqual(Array(5).fill('applied'));
      expect(await serverReports(storage)).toBe(before + 5);
      await box.append(msgs(3, 6, tag));
      // Configured on the server under its own row id: the ids still agree, derived from
      // the account and folder (mailboxIdentity) and the Message-ID.
      const saved = await call(
        admin,
        'mailboxes.save',
        mailboxInput(box, { processedFolder: null, processedFlag: '$AcquisitoServer' }),
      );
      const serverId = (saved.body.value as { id: string }).id;
      await until(
        'the server read all eight',
        async () =>
          (await count(storage, 'SELECT count(*) AS n FROM mail_messages WHERE mailbox_id = $1', [
            serverId,
          ])) === 8,
      );
      expect(await serverReports(storage)).toBe(before + 8);
      // The five the PC had pushed met their ids: duplicates, not errors, not new reports.
      const seenBy = () => serverResults.filter((r) => r.mailboxId === serverId).map((r) => r.outcome);
      // The poll reports after its flags are set, a moment after the commit.
      await until('the poll summary', async () => seenBy().length === 8);
      const seen = seenBy();
      expect(seen.sort()).toEqual([...Array(3).fill('created'), ...Array(5).fill('duplicate')]);

      // 2. The server first: four more arrive, the server (in IDLE) takes them; then the PC
      // pulls them too and pushes: answered as already applied ('duplicate'), not refused.
      await box.append(msgs(4, 9, tag));
      await until('the server took the four', async () => (await serverReports(storage)) === before + 12);
      const late = await pcSource.pollOnce();
      expect(late.results.map((r) => r.outcome)).toEqual(Array(7).fill('created')); // 3 + 4 it had not seen
      const pushed = await pushOutbox();
      expect(pushed.outcomes.map((o) => [o.status, o.error])).toEqual(Array(7).fill(['duplicate', null]));
      expect(await serverReports(storage)).toBe(before + 12);

      // Every report from mail has one 'created' entry, by the intake (the PC's pushed ones too,
      // though an operator's session pushed them).
      const authors = await storage.query<{ actor: string; n: number }>(
        `SELECT data->>'actorId' AS actor, count(*) AS n FROM sync_rows
          WHERE tbl = 'log_entries' AND data->>'action' = 'mail_received'
            AND data->'data'->>'mailboxId' = ANY($1::text[]) GROUP BY 1`,
        [['casella-del-pc', serverId]],
      );
      expect(authors.map((a) => ({ ...a, n: Number(a.n) }))).toEqual([
        { actor: MAIL_INTAKE_ACTOR.id, n: 12 },
      ]);
    } finally {
      pc.cleanup();
    }
  });
});
