/**
 * Rubrica fornitori and "Inoltra" on a real core: the email reaches a real SMTP server
 * with Italian text, the report's data and an OpenStreetMap link, without the reporters'
 * data unless chosen; user fields are escaped in HTML; the forward is logged; and the
 * supplier's answer, fed to the real mail intake, lands on the report's log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import type { AddressBookView } from '../../src-shared/api/calls-suppliers';
import type { ReportDetail } from '../../src-shared/api/views';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import { createMailIntake } from '../mail/intake';
import { threadingKey } from '../mail/secrets';
import { plainMessage } from '../mail/testing/messages';
import { verifyMessageId } from '../mail/threading';
import type { SmtpSink } from './testing/smtp-sink';
import {
  type MailWorld,
  saveSmtpAccount,
  startMailWorld,
  stopMailWorld,
  turnOffReceipts,
  until,
} from './testing/mail-world';

let m: MailWorld;
let w: TestWorld;
let f: Fixture;
let smtp: SmtpSink;
let asfalti: string;

beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
  await saveSmtpAccount(m);
  await turnOffReceipts(m);
  asfalti = (
    await w.ok<{ id: string }>(
      'addressBook.save',
      {
        name: 'Ufficio tecnico',
        organisation: 'Asfalti Bergamaschi S.r.l.',
        email: 'Tecnico@Asfalti.example.it',
        categoryIds: [f.bucaId],
      },
      f.admin,
    )
  ).id;
});
afterEach(() => stopMailWorld(m));

async function newReport(title = 'Buca profonda in via Porta Dipinta') {
  return w.ok<{ id: string; code: string }>(
    'reports.create',
    {
      fields: {
        title,
        description: 'Buca di circa 30 cm, pericolosa per gli scooter.\nVicino al civico 12.',
        categoryId: f.bucaId,
        address: 'Via Porta Dipinta 12',
        lat: 45.703912,
        lon: 9.662874,
        channel: 'telefono',
        priority: 'alta',
      },
      reporters: [
        {
          reporterId: crypto.randomUUID(),
          newReporter: {
            nome: 'Niccolò',
            cognome: 'Lucà',
            email: 'niccolo.luca@example.it',
            telefono: '3331234567',
          },
        },
      ],
    },
    f.clerk,
  );
}

const sentTo = (reportId: string, n = 1) =>
  until(
    () => w.ok<OutgoingView[]>('mailout.forReport', { reportId }, f.clerk),
    (v) => v.filter((e) => e.kind === 'forward').length === n && v.every((e) => e.status === 'sent'),
  );

describe('Rubrica fornitori', () => {
  it('only administrators manage it; staff read the active entries; suppliers do not', async () => {
    const denied = await w.core.call(
      'addressBook.save',
      { name: 'Illuminazione', email: 'luce@example.it' },
      f.clerk,
    );
    expect(denied.ok ? null : denied.error.code).toBe('forbidden');
    const bad = await w.core.call('addressBook.save', { name: 'X', email: 'non-un-indirizzo' }, f.admin);
    expect(bad.ok ? null : bad.error.message).toMatch(/Indirizzo email non valido/);
    const { id: old } = await w.ok<{ id: string }>(
      'addressBook.save',
      { name: 'Vecchio appaltatore', email: 'vecchio@example.it', active: false },
      f.admin,
    );
    const forAdmin = await w.ok<AddressBookView[]>('addressBook.list', {}, f.admin);
    expect(forAdmin.map((e) => e.id).sort()).toEqual([asfalti, old].sort());
    const forClerk = await w.ok<AddressBookView[]>('addressBook.list', {}, f.clerk);
    expect(forClerk.map((e) => e.id)).toEqual([asfalti]);
    expect(forClerk[0]).toMatchObject({ email: 'tecnico@asfalti.example.it', categoryIds: [f.bucaId] });
    const supplier = await w.core.call('addressBook.list', {}, f.supplier);
    expect(supplier.ok ? null : supplier.error.code).toBe('forbidden');
  });

  it('suggests the recipients of the report’s category (or its parent) first', async () => {
    const { id: strade } = await w.ok<{ id: string }>(
      'addressBook.save',
      { name: 'Zeta Strade', email: 'strade@example.it', categoryIds: [f.stradaId] },
      f.admin,
    );
    const { id: verde } = await w.ok<{ id: string }>(
      'addressBook.save',
      { name: 'Aiuole e verde', email: 'verde@example.it' },
      f.admin,
    );
    const { id } = await newReport();
    const c = await w.ok<{ entry: AddressBookView; suggested: boolean }[]>(
      'forward.candidates',
      { reportId: id },
      f.clerk,
    );
    expect(c.map((x) => [x.entry.id, x.suggested])).toEqual([
      [asfalti, true],
      [strade, true],
      [verde, false],
    ]);
  });
});

describe('Inoltra', () => {
  it('sends the report’s data with a map link and the message, no reporter data, chosen attachments; logged once', async () => {
    const { id, code } = await newReport('Buca <b>profonda</b> & "pericolosa"');
    const att = await w.ok<{ id: string }>(
      'attachments.add',
      {
        reportId: id,
        fileName: 'foto buca.txt',
        mime: 'text/plain',
        dataBase64: Buffer.from('foto della buca').toString('base64'),
      },
      f.clerk,
    );
    const { emailId } = await w.ok<{ emailId: string }>(
      'forward.send',
      {
        reportId: id,
        recipientId: asfalti,
        message: 'Vi chiediamo un intervento entro venerdì. <script>alert(1)</script>',
        attachmentIds: [att.id],
      },
      f.clerk,
    );
    const rows = await sentTo(id);
    expect(rows.map((r) => r.id)).toEqual([emailId]);
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    const to = Array.isArray(m.to) ? m.to[0] : m.to;
    expect(to?.value[0]?.address).toBe('tecnico@asfalti.example.it');
    expect(m.subject).toBe(`[SEG-${code}] Segnalazione ${code}: Buca <b>profonda</b> & "pericolosa"`);
    expect(verifyMessageId(threadingKey(w.dir), m.messageId!)).toBe(id);
    const text = m.text!;
    expect(text).toContain('Gentile Ufficio tecnico (Asfalti Bergamaschi S.r.l.),');
    expect(text).toContain('Vi chiediamo un intervento entro venerdì.');
    expect(text).toContain(`Codice: ${code}`);
    expect(text).toContain('Categoria: Strada › Buca');
    expect(text).toContain('Indirizzo: Via Porta Dipinta 12');
    expect(text).toContain('Coordinate: 45.703912, 9.662874');
    expect(text).toContain(
      'Mappa: https://www.openstreetmap.org/?mlat=45.703912&mlon=9.662874#map=18/45.703912/9.662874',
    );
    expect(text).toContain('Priorità: Alta');
    expect(text).toContain('Scadenza: 30/11/2026');
    expect(text).toContain('Buca di circa 30 cm, pericolosa per gli scooter.');
    // No reporter data unless the clerk chose to include it.
    for (const personal of ['Niccolò', 'Lucà', 'niccolo.luca', '3331234567']) {
      expect(text).not.toContain(personal);
      expect(m.html).not.toContain(personal);
    }
    // HTML: user fields escaped, the map link a real anchor.
    const html = m.html as string;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>profonda</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Buca &lt;b&gt;profonda&lt;/b&gt; &amp; &quot;pericolosa&quot;');
    expect(html).toContain(
      '<a href="https://www.openstreetmap.org/?mlat=45.703912&amp;mlon=9.662874#map=18/45.703912/9.662874">',
    );
    expect(m.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([
      ['foto buca.txt', 'foto della buca'],
    ]);

    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    const logged = d.log.filter((l) => l.action === 'forwarded');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data).toMatchObject({
      emailId,
      recipientId: asfalti,
      recipientName: 'Ufficio tecnico',
      organisation: 'Asfalti Bergamaschi S.r.l.',
      recipientEmail: 'tecnico@asfalti.example.it',
      attachmentIds: [att.id],
      reportersIncluded: 0,
    });
  });

  it('includes the reporters only when chosen, and only by who may see them', async () => {
    const { id } = await newReport();
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    const reporterId = d.reporters[0]!.id;
    const denied = await w.core.call(
      'forward.send',
      { reportId: id, recipientId: asfalti, includeReporterIds: [reporterId] },
      f.noData,
    );
    expect(denied.ok ? null : denied.error.message).toMatch(/dati dei segnalatori/);
    await w.ok(
      'forward.send',
      { reportId: id, recipientId: asfalti, includeReporterIds: [reporterId] },
      f.clerk,
    );
    await sentTo(id);
    const text = smtp.received[0]!.text!;
    expect(text).toContain('Segnalatori:\n- Niccolò Lucà – 3331234567 – niccolo.luca@example.it');
  });

  it('refuses suppliers, unknown or deactivated recipients and foreign attachments, writing nothing', async () => {
    const { id } = await newReport();
    const { id: other } = await newReport('Altra segnalazione');
    const foreign = await w.ok<{ id: string }>(
      'attachments.add',
      { reportId: other, fileName: 'altro.txt', mime: 'text/plain', dataBase64: 'eA==' },
      f.clerk,
    );
    const { id: off } = await w.ok<{ id: string }>(
      'addressBook.save',
      { name: 'Disattivato', email: 'off@example.it', active: false },
      f.admin,
    );
    await w.ok('reports.assign', { id, kind: 'user', assigneeId: f.supplierId }, f.clerk);
    const tries = [
      [{ reportId: id, recipientId: asfalti }, f.supplier, /può rispondere|fornitore/],
      [{ reportId: id, recipientId: off }, f.clerk, /Destinatario non trovato/],
      [{ reportId: id, recipientId: crypto.randomUUID() }, f.clerk, /Destinatario non trovato/],
      [{ reportId: id, recipientId: asfalti, attachmentIds: [foreign.id] }, f.clerk, /Allegato non trovato/],
    ] as const;
    for (const [input, who, msg] of tries) {
      const r = await w.core.call('forward.send', input, who);
      expect(r.ok ? null : r.error.message).toMatch(msg);
    }
    expect(await w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.clerk)).toEqual([]);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.log.filter((l) => l.action === 'forwarded')).toEqual([]);
  });

  it('a 4xx from the server: the forward waits in the outbox and goes out exactly once', async () => {
    const { id } = await newReport();
    smtp.answer = 'temporary';
    await w.ok('forward.send', { reportId: id, recipientId: asfalti }, f.clerk);
    const waiting = await until(
      () => w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.clerk),
      (v) => v[0]?.attempts === 1 && v[0].status === 'queued',
    );
    expect(waiting[0]!.lastError).toMatch(/errore temporaneo/);
    expect(smtp.received).toHaveLength(0);
    smtp.answer = 'accept';
    w.clock.advance(10 * 60_000);
    w.core.services.store.emit(['mail_outbox'], []); // wakes the sender like a commit would
    const rows = await sentTo(id);
    expect(rows[0]!.attempts).toBe(2);
    expect(smtp.received).toHaveLength(1);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.log.filter((l) => l.action === 'forwarded')).toHaveLength(1);
  });

  it('an automation rule «Inoltra via email a» forwards each new report of its category once', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Buche alla ditta',
        conditions: { categoryIds: [f.bucaId] },
        actions: { forwardToRecipientId: asfalti },
      },
      f.admin,
    );
    const { id, code } = await newReport();
    const rows = await sentTo(id);
    expect(rows).toHaveLength(1);
    const m = smtp.received[0]!;
    expect(m.subject).toBe(`[SEG-${code}] Segnalazione ${code}: Buca profonda in via Porta Dipinta`);
    expect(m.text).toContain('Inoltro automatico (regola «Buche alla ditta»).');
    expect(m.text).not.toContain('Niccolò');
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.log.filter((l) => l.action === 'rule_mail_requested')).toHaveLength(1);
  });

  it('the supplier’s answer, through the real mail intake, lands on the report’s log', async () => {
    const { id, code } = await newReport();
    await w.ok(
      'forward.send',
      { reportId: id, recipientId: asfalti, message: 'Intervento urgente.' },
      f.clerk,
    );
    await sentTo(id);
    const fwd = smtp.received[0]!;
    const intake = createMailIntake({ services: w.core.services, threadKey: threadingKey(w.dir) });
    // The supplier answers from its own mail client: Re: subject, In-Reply-To our id.
    const answer = plainMessage({
      from: 'Ufficio tecnico <tecnico@asfalti.example.it>',
      to: 'urp@comune.example.it',
      subject: `Re: ${fwd.subject}`,
      messageId: '<risposta.1@asfalti.example.it>',
      headers: { 'In-Reply-To': fwd.messageId!, References: fwd.messageId! },
      text: 'Buongiorno, interverremo giovedì mattina.\n\n> Intervento urgente.',
    });
    const r = await intake.ingest(answer, { mailboxId: 'urp' });
    expect(r).toMatchObject({ outcome: 'follow-up', reportId: id });
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    const reply = d.log.find((l) => l.action === 'mail_in')!;
    expect(reply.text).toContain('interverremo giovedì mattina');
    expect(reply.data).toMatchObject({
      subject: `Re: [SEG-${code}] Segnalazione ${code}: Buca profonda in via Porta Dipinta`,
    });
  });
});
