/**
 * The review inbox ("Da revisionare") of a mailbox the sync server pulls, on PGlite and
 * on a real PostgreSQL, against a real Dovecot and real synced PCs: new reports are
 * parked on the server (files in the blob store, the message moved after the park
 * committed), follow-ups are not; clerks list, confirm (the report created as them, with
 * the mail's reporter, files and the automation rules) or discard from their PCs; two
 * clerks confirming at once (on two server processes with PostgreSQL) make one report;
 * a supplier is refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import { deriveKey } from '../../src-main/mail/secrets';
import { useDovecotAccounts } from '../../src-main/mail/testing/dovecot-accounts';
import { base64Part, multipartMessage, plainMessage, textPart } from '../../src-main/mail/testing/messages';
import { mintMessageId } from '../../src-main/mail/threading';
import { replicaPool, type Replica } from '../../src-main/sync/testing/replicas';
import type { ReviewItem } from '../../src-shared/api/calls-mail';
import { startSmtpSink, type SmtpSink } from '../../src-main/mail-out/testing/smtp-sink';
import type { IngestResult } from '../../src-main/mail/intake-prepare';
import { sha256Of } from '../blobs';
import { smtpSettings } from '../mail-out/testing/mail-world';
import type { Queryable } from '../storage/storage';
import { people, reportArgs, STORAGES, TestReplica, useWorld } from '../testing/world';
import { createServerMailSink } from './sink';

const SECRET = randomBytes(32).toString('base64');
const THREAD_KEY = deriveKey(Buffer.from(SECRET, 'base64'), 'message-id');

const imap = useDovecotAccounts('rev', 6);
const account = imap.account;

const mailbox = (a: { user: string; pass: string }) => ({
  name: `Protocollo ${a.user}`,
  host: imap.server().host,
  port: imap.server().port,
  security: 'none',
  username: a.user,
  password: a.pass,
  folder: 'INBOX',
  processedFolder: 'Acquisiti',
  pollSeconds: 30,
  useIdle: true,
  reviewInbox: true,
});

const num = async (q: Queryable, sql: string, params: unknown[] = []) =>
  Number((await q.query<{ n: number }>(sql, params))[0]!.n);

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pcRow = (pc: Replica, sql: string, ...params: unknown[]) =>
  pc.core.services.db.prepare(sql).get(...params) as Record<string, unknown> | undefined;

describe.each(STORAGES)('review inbox of a server-pulled mailbox (%s)', (kind) => {
  // Closed after the server (hooks run in reverse): its sender's connection is gone by then.
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(() => smtp.close());
  const world = useWorld(kind, {
    secretKey: SECRET,
    mailIntake: { rescanMs: 200, backoffMs: 50, log: () => {} },
    mail: { pollMs: 100 },
  });
  const pool = replicaPool(() => world().server.port);
  afterAll(() => pool.cleanup());

  /** A category an administrator adds from a synced PC. */
  async function newCategory(adminPc: Replica, name: string): Promise<string> {
    const { id } = await adminPc.ok<{ id: string }>('settings.categories.save', { parentId: null, name });
    await adminPc.sync();
    return id;
  }

  it('parks new reports (not a follow-up); a clerk on a synced PC lists, confirms and discards; another PC sees the report after sync; a supplier is refused', async () => {
    const { storage } = world().server;
    const { names, op: opHttp } = await people(world().server);
    const adminPc = await pool.replica(names.admin);
    const clerkPc = await pool.replica(names.op);
    const otherPc = await pool.replica(names.opNoRep);
    const supplierPc = await pool.replica(names.supplier);
    const categoryId = await newCategory(adminPc, `Illuminazione ${kind}`);
    // A rule on that category: the confirmed report must meet it as any new report does.
    await adminPc.ok('automations.save', {
      name: 'Urgenti dal protocollo',
      conditions: { categoryIds: [categoryId] },
      actions: { priority: 'urgente' },
    });
    // The server acknowledges new reports to their citizens.
    await adminPc.ok('mailout.smtp.save', smtpSettings(smtp.port));
    await adminPc.sync();

    // An existing report, which a citizen's reply threads to.
    const existing = reportArgs('Buca in via Po');
    await opHttp.push({ name: 'report.create', args: existing });
    const reportsBefore = await num(
      storage,
      "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND NOT deleted",
    );

    const box = account();
    const photo = randomBytes(4000);
    await box.append([
      multipartMessage({
        messageId: `<lampione-${kind}@example.it>`,
        subject: 'Lampione spento',
        from: 'Maria Bianchi <maria.bianchi@example.it>',
        parts: [
          textPart('Il lampione di via Verdi è spento da una settimana.'),
          base64Part(
            'Content-Type: image/jpeg; name="lampione.jpg"\r\nContent-Disposition: attachment; filename="lampione.jpg"',
            photo,
          ),
        ],
      }),
      plainMessage({
        messageId: `<pubblicita-${kind}@example.it>`,
        subject: 'Offerta imperdibile',
        from: 'Negozio <offerte@example.com>',
      }),
      plainMessage({
        messageId: `<risposta-${kind}@example.it>`,
        subject: 'Re: la vostra segnalazione',
        headers: { 'In-Reply-To': mintMessageId(THREAD_KEY, existing.id) },
        text: 'Aggiungo che la buca è larga un metro.',
      }),
    ]);
    const { id: mailboxId } = await adminPc.ok<{ id: string }>('mailboxes.save', mailbox(box));

    // Parked (two) and recorded (three) together; the messages moved only after that.
    await until('three messages moved', async () => (await box.count('Acquisiti')) === 3);
    expect(
      await num(storage, 'SELECT count(*) AS n FROM mail_messages WHERE mailbox_id = $1', [mailboxId]),
    ).toBe(3);
    expect(
      await num(
        storage,
        "SELECT count(*) AS n FROM mail_review WHERE mailbox_id = $1 AND status = 'pending'",
        [mailboxId],
      ),
    ).toBe(2);
    // No new report: the reply became a follow-up on the existing one, not a parked message.
    expect(
      await num(storage, "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND NOT deleted"),
    ).toBe(reportsBefore);
    expect(
      await num(
        storage,
        `SELECT count(*) AS n FROM sync_rows WHERE tbl = 'log_entries' AND owner = $1 AND data->>'action' = 'mail_in'`,
        [existing.id],
      ),
    ).toBe(1);
    // The files are in the blob store already, as for a direct intake, but no one may read them yet.
    expect(await num(storage, 'SELECT count(*) AS n FROM blobs WHERE sha256 = $1', [sha256Of(photo)])).toBe(
      1,
    );
    const early = await fetch(`${opHttp.url}/sync/v1/blobs/${sha256Of(photo)}`, {
      headers: { authorization: `Bearer ${opHttp.token}` },
    });
    expect(early.status).not.toBe(200);

    // No acknowledgement for a message still waiting for a clerk.
    expect(
      await num(storage, 'SELECT count(*) AS n FROM mail_outbox WHERE to_address = $1', [
        'maria.bianchi@example.it',
      ]),
    ).toBe(0);

    // The clerk's PC lists them from the server.
    const items = await clerkPc.ok<ReviewItem[]>('mailReview.list', {});
    expect(items.map((i) => i.title).sort()).toEqual(['Lampione spento', 'Offerta imperdibile']);
    const lamp = items.find((i) => i.title === 'Lampione spento')!;
    expect(lamp).toMatchObject({
      mailboxId,
      mailboxName: `Protocollo ${box.user}`,
      channel: 'email',
      from: { name: 'Maria Bianchi', address: 'maria.bianchi@example.it' },
      attachments: [{ fileName: 'lampione.jpg', size: 4000 }],
    });
    expect(lamp.description).toContain('spento da una settimana');
    const spam = items.find((i) => i.title === 'Offerta imperdibile')!;

    // A supplier may neither see nor decide.
    for (const [name, input] of [
      ['mailReview.list', {}],
      ['mailReview.confirm', { reportId: lamp.reportId, categoryId }],
      ['mailReview.discard', { reportId: spam.reportId }],
    ] as const) {
      const r = await supplierPc.call(name, input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('forbidden');
    }

    // Confirmed with category and place: the report, created by the clerk.
    const made = await clerkPc.ok<{ id: string; code: string }>('mailReview.confirm', {
      reportId: lamp.reportId,
      categoryId,
      address: 'Via Verdi 3',
      lat: 45.07,
      lon: 7.68,
    });
    expect(made.id).toBe(lamp.reportId);
    const [logs] = await storage.query<{ created: string; mail: string }>(
      `SELECT max(CASE WHEN data->>'action' = 'created' THEN data->>'actorId' END) AS created,
              max(CASE WHEN data->>'action' = 'mail_received' THEN data->>'actorId' END) AS mail
         FROM sync_rows WHERE tbl = 'log_entries' AND owner = $1`,
      [made.id],
    );
    expect(logs!.created).toBe(opHttp.userId);
    expect(logs!.mail).toBe(opHttp.userId);
    expect(logs!.created).not.toBe(MAIL_INTAKE_ACTOR.id);

    // Another clerk's PC, after a sync: the report with its category, place, rule, reporter and files.
    await otherPc.sync();
    const r = pcRow(otherPc, 'SELECT * FROM reports WHERE id = ?', made.id)!;
    expect(r).toMatchObject({
      code: made.code,
      title: 'Lampione spento',
      category_id: categoryId,
      address: 'Via Verdi 3',
      lat: 45.07,
      lon: 7.68,
      channel: 'email',
      status: 'nuovo',
      priority: 'urgente',
      created_by: opHttp.userId,
    });
    const names2 = (
      otherPc.core.services.db
        .prepare('SELECT file_name FROM attachments WHERE report_seq = ? ORDER BY file_name')
        .all(r.seq) as { file_name: string }[]
    ).map((a) => a.file_name);
    expect(names2).toEqual(['lampione.jpg', 'messaggio-originale.eml']);
    await clerkPc.sync();
    expect(
      pcRow(
        clerkPc,
        'SELECT p.nome, p.cognome FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id JOIN reports r ON r.seq = rr.report_seq WHERE r.id = ? AND p.email = ?',
        made.id,
        'maria.bianchi@example.it',
      ),
    ).toEqual({ nome: 'Maria', cognome: 'Bianchi' });
    const got = await fetch(`${opHttp.url}/sync/v1/blobs/${sha256Of(photo)}`, {
      headers: { authorization: `Bearer ${opHttp.token}` },
    });
    expect(Buffer.from(await got.arrayBuffer()).equals(photo)).toBe(true);

    // Acknowledged to the citizen, as any new report from mail.
    await until('the acknowledgement', async () =>
      smtp.received.some((m) => JSON.stringify(m.to).includes('maria.bianchi@example.it')),
    );
    const [ack] = await storage.query<{ kind: string; report_id: string }>(
      'SELECT kind, report_id FROM mail_outbox WHERE to_address = $1',
      ['maria.bianchi@example.it'],
    );
    expect(ack).toEqual({ kind: 'receipt', report_id: made.id });

    // Discarded with a reason: no report, the decision recorded; then neither decision again.
    expect(await clerkPc.ok('mailReview.discard', { reportId: spam.reportId, reason: 'Pubblicità' })).toEqual(
      {
        ok: true,
      },
    );
    const [d] = await storage.query<{ status: string; decided_by: string; note: string }>(
      'SELECT status, decided_by, note FROM mail_review WHERE report_id = $1',
      [spam.reportId],
    );
    expect(d).toEqual({ status: 'discarded', decided_by: opHttp.userId, note: 'Pubblicità' });
    expect(
      await num(storage, "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND key = $1", [
        spam.reportId,
      ]),
    ).toBe(0);
    const again = await otherPc.call('mailReview.confirm', { reportId: spam.reportId, categoryId });
    expect(again.ok).toBe(false);
    if (!again.ok)
      expect(again.error.message).toBe('Il messaggio è stato scartato: non può diventare una segnalazione.');
    const twice = await otherPc.call('mailReview.discard', { reportId: lamp.reportId });
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.message).toBe('Il messaggio è già diventato una segnalazione.');
    expect(await clerkPc.ok('mailReview.list', {})).toEqual([]);
    expect(
      await num(storage, "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND NOT deleted"),
    ).toBe(reportsBefore + 1);
  });

  it('a message another node already made into a report is not parked again; a new one is, once', async () => {
    const { storage } = world().server;
    const sink = createServerMailSink({ storage, clock: Date.now, threadKey: THREAD_KEY });
    // Two mailbox rows on one account (the ids derive from the account, not the row).
    const identity = `conto-condiviso-${kind}`;
    const raw = plainMessage({ messageId: `<gia-fatta-${kind}@example.it>`, subject: 'Già acquisita' });
    const [made] = await sink.commitAll([
      await sink.prepare(raw, { mailboxId: 'casella-a', identity }, new Set()),
    ]);
    expect(made).toMatchObject({ outcome: 'created' });
    const madeId = (made as IngestResult).reportId;
    const [again] = await sink.commitAll([
      await sink.prepare(raw, { mailboxId: 'casella-b', identity, review: true }, new Set()),
    ]);
    expect(again).toMatchObject({ outcome: 'duplicate', reportId: madeId });
    const fresh = plainMessage({ messageId: `<nuova-${kind}@example.it>`, subject: 'Nuova' });
    for (let i = 0; i < 2; i++) {
      await sink.commitAll([
        await sink.prepare(fresh, { mailboxId: 'casella-b', identity, review: true }, new Set()),
      ]);
    }
    expect(await num(storage, "SELECT count(*) AS n FROM mail_review WHERE mailbox_id = 'casella-b'")).toBe(
      1,
    );
    expect(await num(storage, 'SELECT count(*) AS n FROM mail_review WHERE report_id = $1', [madeId])).toBe(
      0,
    );
  });

  it('two clerks confirming the same message at once (two server processes on PostgreSQL): one report, the other clerk told who made it', async () => {
    const server = world().server;
    const { storage } = server;
    const { names, admin } = await people(server);
    const second = kind === 'postgres' ? await world().secondServer() : server;
    const peer = await people(server);
    const a = await TestReplica.login(server.url, names.op);
    const b = await TestReplica.login(second.url, peer.names.op);
    const categoryId = await newCategory(await pool.replica(names.admin), `Rifiuti ${kind}`);
    const box = account();
    await box.append([
      plainMessage({
        messageId: `<contesa-${kind}-${randomUUID()}@example.it>`,
        subject: 'Rifiuti abbandonati',
        from: 'Luca Verdi <luca.verdi@example.it>',
      }),
    ]);
    const saved = await admin.post('/mail-in/v1/call', { name: 'mailboxes.save', input: mailbox(box) });
    expect(saved.status).toBe(200);
    const mailboxId = (saved.body.value as { id: string }).id;
    await until('the message moved', async () => (await box.count('Acquisiti')) === 1);
    // Parked once, though two processes run the intake.
    const [row] = await storage.query<{ report_id: string }>(
      'SELECT report_id FROM mail_review WHERE mailbox_id = $1',
      [mailboxId],
    );
    expect(
      await num(storage, 'SELECT count(*) AS n FROM mail_review WHERE mailbox_id = $1', [mailboxId]),
    ).toBe(1);
    const reportId = row!.report_id;

    const input = { reportId, categoryId, address: 'Piazza Castello' };
    const answers = await Promise.all([
      a.post('/mail-in/v1/call', { name: 'mailReview.confirm', input }),
      b.post('/mail-in/v1/call', { name: 'mailReview.confirm', input }),
    ]);
    const statuses = answers.map((x) => x.status).sort();
    expect(statuses).toEqual([200, 409]);
    const won = answers.find((x) => x.status === 200)!;
    const lost = answers.find((x) => x.status === 409)!;
    const code = (won.body.value as { code: string }).code;
    expect(lost.body.error!.message).toBe(
      `Il messaggio è già stato confermato da Olga Operatrice: è la segnalazione ${code}.`,
    );
    expect(
      await num(storage, "SELECT count(*) AS n FROM sync_rows WHERE tbl = 'reports' AND key = $1", [
        reportId,
      ]),
    ).toBe(1);
    expect(
      await num(
        storage,
        `SELECT count(*) AS n FROM sync_rows WHERE tbl = 'log_entries' AND owner = $1 AND data->>'action' = 'created'`,
        [reportId],
      ),
    ).toBe(1);
    // The winner asking again (an answer lost on the way) gets the same answer.
    const winner = answers[0]!.status === 200 ? a : b;
    const retry = await winner.post('/mail-in/v1/call', { name: 'mailReview.confirm', input });
    expect(retry.status).toBe(200);
    expect(retry.body.value).toEqual(won.body.value);
  });
});
