/** The intake on a real core (SQLite file, real store and attachment files). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api/views';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { createMailIntake, type MailIntake } from './intake';
import { reportsWithNewReply } from './mail-repo';
import { base64Part, multipartMessage, plainMessage, textPart } from './testing/messages';
import { mintMessageId } from './threading';

const key = Buffer.alloc(32, 3);
let w: TestWorld;
let f: Fixture;
let intake: MailIntake;
let inboxCat: string;

beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  inboxCat = (
    await w.ok<{ id: string }>(
      'settings.categories.save',
      { parentId: null, name: 'Da classificare' },
      f.admin,
    )
  ).id;
  intake = createMailIntake({ services: w.core.services, threadKey: key });
});
afterEach(() => w.cleanup());

const detail = (id: string) => w.ok<ReportDetail>('reports.get', { id }, f.admin);
const count = () =>
  (w.core.services.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;

describe('mail intake', () => {
  it('an ordinary email becomes a Nuovo report, channel email, in "Da classificare", with the .eml kept', async () => {
    const raw = multipartMessage({
      from: 'Anna Neri <Anna.Neri@example.it>',
      subject: 'Buca in via Roma',
      parts: [
        textPart('C’è una buca.'),
        base64Part(
          'Content-Type: image/png\r\nContent-Disposition: attachment; filename="buca.png"',
          Buffer.from('png!'),
        ),
      ],
    });
    const r = await intake.ingest(raw, { mailboxId: 'urp' });
    expect(r).toMatchObject({ outcome: 'created', kind: 'report', code: '2026-000001' });
    const d = await detail(r.reportId!);
    expect(d).toMatchObject({
      title: 'Buca in via Roma',
      status: 'nuovo',
      channel: 'email',
      categoryId: inboxCat,
    });
    expect(d.description).toBe('C’è una buca.');
    expect(d.attachments.map((a) => a.fileName).sort()).toEqual(['buca.png', 'messaggio-originale.eml']);
    const eml = d.attachments.find((a) => a.fileName === 'messaggio-originale.eml')!;
    expect(w.core.services.files.read(eml.sha256).equals(raw)).toBe(true);
    const received = d.log.find((l) => l.action === 'mail_received')!;
    expect(received.data).toMatchObject({
      from: { address: 'anna.neri@example.it' },
      subject: 'Buca in via Roma',
      messageId: '<m2@example.it>',
    });
    expect(received.actorId).toBe(MAIL_INTAKE_ACTOR.id);
    expect(d.reporters[0]).toMatchObject({ nome: 'Anna', cognome: 'Neri', email: 'anna.neri@example.it' });
  });

  it('the same message twice, or after the local index is lost, or on another PC, is one report', async () => {
    const raw = plainMessage({ messageId: '<once@example.it>' });
    const first = await intake.ingest(raw, { mailboxId: 'urp' });
    expect((await intake.ingest(raw, { mailboxId: 'urp' })).outcome).toBe('duplicate');
    // A crash after the commit but before the bookkeeping: the deterministic ids still catch it.
    w.core.services.db.prepare('DELETE FROM mail_messages').run();
    const again = await intake.ingest(raw, { mailboxId: 'urp' });
    expect(again).toMatchObject({ outcome: 'duplicate', reportId: first.reportId });
    expect(count()).toBe(1);
    // Another PC derives the very same report id from the mailbox and the message.
    const other = await createTestWorld();
    try {
      await buildFixture(other);
      const r2 = await createMailIntake({ services: other.core.services, threadKey: key }).ingest(raw, {
        mailboxId: 'urp',
      });
      expect(r2.reportId).toBe(first.reportId);
    } finally {
      other.cleanup();
    }
  });

  it('messages without a Message-ID are told apart by their bytes', async () => {
    await intake.ingest(plainMessage({ messageId: null, text: 'uno' }), { mailboxId: 'urp' });
    await intake.ingest(plainMessage({ messageId: null, text: 'due' }), { mailboxId: 'urp' });
    expect(
      (await intake.ingest(plainMessage({ messageId: null, text: 'uno' }), { mailboxId: 'urp' })).outcome,
    ).toBe('duplicate');
    expect(count()).toBe(2);
  });

  it('the sender found in the rubrica by email is linked, not duplicated', async () => {
    const { id } = await w.ok<{ id: string }>(
      'reporters.save',
      { reporter: { nome: 'Carla', cognome: 'Blu', email: 'carla@example.org' } },
      f.admin,
    );
    const r = await intake.ingest(plainMessage({ from: 'CARLA@example.org' }), { mailboxId: 'urp' });
    const d = await detail(r.reportId!);
    expect(d.reporters.map((x) => x.id)).toEqual([id]);
    expect((w.core.services.db.prepare('SELECT count(*) AS n FROM reporters').get() as { n: number }).n).toBe(
      1,
    );
  });

  it('a reply to a Sportello email is a follow-up with its attachments, flagged as new reply until seen', async () => {
    const r = await intake.ingest(plainMessage({ messageId: '<a@example.it>' }), { mailboxId: 'urp' });
    const reply = multipartMessage({
      subject: 'Re: [SEG-2026-000001] Buca in via Roma',
      messageId: '<b@example.it>',
      headers: { 'In-Reply-To': mintMessageId(key, r.reportId!) },
      parts: [
        textPart('Ecco la foto.'),
        base64Part(
          'Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename="foto.jpg"',
          Buffer.from('jpg'),
        ),
      ],
    });
    const fu = await intake.ingest(reply, { mailboxId: 'urp' });
    expect(fu).toMatchObject({ outcome: 'follow-up', reportId: r.reportId });
    expect(count()).toBe(1);
    const d = await detail(r.reportId!);
    const entry = d.log.find((l) => l.action === 'mail_in')!;
    expect(entry.text).toBe('Ecco la foto.');
    expect(entry.data).toMatchObject({ newReply: true, subject: 'Re: [SEG-2026-000001] Buca in via Roma' });
    expect(d.attachments.map((a) => a.fileName)).toContain('foto.jpg');
    expect(reportsWithNewReply(w.core.services.db, [r.reportId!]).has(r.reportId!)).toBe(true);
    w.core.services.store.mutate('report.markReplySeen', { reportId: r.reportId }, MAIL_INTAKE_ACTOR);
    expect(reportsWithNewReply(w.core.services.db, [r.reportId!]).size).toBe(0);
    expect((await intake.ingest(reply, { mailboxId: 'urp' })).outcome).toBe('duplicate');
  });

  it('a code in the subject threads only for the report’s own citizen; a forged Message-ID attaches to nothing', async () => {
    await intake.ingest(plainMessage({ from: 'anna@example.it', messageId: '<x1@example.it>' }), {
      mailboxId: 'urp',
    });
    const mine = await intake.ingest(
      plainMessage({
        from: 'anna@example.it',
        subject: 'R: [SEG-2026-000001] Buca',
        messageId: '<x2@example.it>',
      }),
      { mailboxId: 'urp' },
    );
    expect(mine.outcome).toBe('follow-up');
    const stranger = await intake.ingest(
      plainMessage({
        from: 'troll@example.net',
        subject: '[SEG-2026-000001] spam',
        messageId: '<x3@example.it>',
      }),
      { mailboxId: 'urp' },
    );
    expect(stranger.outcome).toBe('created');
    const forged = `<seg.${mine.reportId}.0000000011112222333344445555@sportello>`;
    const f2 = await intake.ingest(
      plainMessage({
        from: 'troll@example.net',
        headers: { 'In-Reply-To': forged },
        messageId: '<x4@example.it>',
      }),
      { mailboxId: 'urp' },
    );
    expect(f2.outcome).toBe('created');
    expect(f2.reportId).not.toBe(mine.reportId);
  });

  it('a bounce of a Sportello email is logged on its report with the failing address; auto-replies make nothing', async () => {
    const r = await intake.ingest(plainMessage({ from: 'anna@example.it' }), { mailboxId: 'urp' });
    const ours = mintMessageId(key, r.reportId!);
    const bounce = multipartMessage({
      from: 'MAILER-DAEMON@mx.example.it',
      subject: 'Undelivered Mail Returned to Sender',
      messageId: '<bounce1@mx.example.it>',
      contentType: 'multipart/report; report-type=delivery-status',
      parts: [
        textPart('Delivery failed.'),
        'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; anna@example.it\r\nAction: failed\r\nStatus: 5.2.2\r\n',
        `Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ours}\r\n`,
      ],
    });
    expect((await intake.ingest(bounce, { mailboxId: 'urp' })).outcome).toBe('notice');
    const d = await detail(r.reportId!);
    expect(d.log.find((l) => l.action === 'mail_bounce')?.data).toMatchObject({
      failedAddresses: ['anna@example.it'],
      status: '5.2.2',
    });
    const auto = await intake.ingest(
      plainMessage({
        subject: 'Risposta automatica',
        headers: { 'Auto-Submitted': 'auto-replied' },
        messageId: '<oof@example.it>',
      }),
      { mailboxId: 'urp' },
    );
    expect(auto.outcome).toBe('skipped');
    expect(count()).toBe(1);
  });

  it('a PEC transport envelope becomes a PEC report from postacert.eml with the certified data in the log', async () => {
    const inner = plainMessage({
      from: 'Mario Verdi <mario.verdi@pec.example.it>',
      subject: 'Istanza',
      messageId: '<in@pec.example.it>',
      text: 'Chiedo la rimozione dei rifiuti.',
    });
    const xml =
      '<postacert tipo="posta-certificata" errore="nessuno"><intestazione><mittente>mario.verdi@pec.example.it</mittente></intestazione><dati><identificativo>opec.42@pec.example.it</identificativo><msgid>&lt;in@pec.example.it&gt;</msgid></dati></postacert>';
    const raw = multipartMessage({
      from: '"Per conto di: mario.verdi@pec.example.it" <posta-certificata@pec.example.it>',
      subject: 'POSTA CERTIFICATA: Istanza',
      messageId: '<opec.42@pec.example.it>',
      headers: { 'X-Trasporto': 'posta-certificata' },
      parts: [
        textPart('Messaggio di posta certificata'),
        base64Part(
          'Content-Type: application/xml\r\nContent-Disposition: inline; filename="daticert.xml"',
          Buffer.from(xml),
        ),
        `Content-Type: message/rfc822; name="postacert.eml"\r\nContent-Disposition: inline; filename="postacert.eml"\r\n\r\n${inner.toString('utf8')}`,
      ],
    });
    const r = await intake.ingest(raw, { mailboxId: 'pec' });
    const d = await detail(r.reportId!);
    expect(d).toMatchObject({
      channel: 'pec',
      title: 'Istanza',
      description: 'Chiedo la rimozione dei rifiuti.',
    });
    expect(d.reporters[0]).toMatchObject({ email: 'mario.verdi@pec.example.it', cognome: 'Verdi' });
    expect(d.log.find((l) => l.action === 'mail_received')?.data).toMatchObject({
      pec: {
        type: 'trasporto',
        certifiedSender: 'mario.verdi@pec.example.it',
        identificativo: 'opec.42@pec.example.it',
      },
    });
  });

  it('an unreadable message becomes a report "da verificare" with the raw message attached', async () => {
    const raw = Buffer.from([0, 159, 146, 150, 0, 10, 10, 255]);
    const r = await intake.ingest(raw, { mailboxId: 'urp' });
    const d = await detail(r.reportId!);
    expect(d.title).toMatch(/^\[Da verificare\]/);
    expect(d.log.find((l) => l.action === 'mail_received')?.data).toMatchObject({ needsReview: true });
    expect(w.core.services.files.read(d.attachments[0]!.sha256).equals(raw)).toBe(true);
  });
});
