/** Rispondi: templates, permission, public log entry, the email with chosen attachments. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingView, TemplateView } from '../../src-shared/api/calls-mailout';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
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

beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
  await saveSmtpAccount(m);
  await turnOffReceipts(m);
});
afterEach(() => stopMailWorld(m));

describe('Rispondi', () => {
  it('administrators manage templates; a clerk answers with one, placeholders per citizen, attachments, a public log entry', async () => {
    const denied = await w.core.call(
      'mailout.templates.save',
      { name: 'x', subject: 'x', body: 'x' },
      f.clerk,
    );
    expect(denied.ok).toBe(false);
    const { id: templateId } = await w.ok<{ id: string }>(
      'mailout.templates.save',
      {
        name: 'Sopralluogo programmato',
        subject: 'Sopralluogo per la segnalazione {codice}',
        body: 'Gentile {nome} {cognome},\n\nil sopralluogo in {indirizzo} è fissato per la prossima settimana.\n\n{ente}',
      },
      f.admin,
    );
    const templates = await w.ok<TemplateView[]>('mailout.templates.list', {}, f.clerk);
    expect(templates.map((t) => t.name)).toEqual(['Sopralluogo programmato']);

    const { id, code } = await w.ok<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title: 'Albero pericolante',
          categoryId: f.bucaId,
          address: 'Viale Libertà 4',
          lat: null,
          lon: null,
          channel: 'sportello',
        },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Nicolò', cognome: 'Gialli', email: 'n.gialli@example.it' },
          },
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Ilaria', cognome: 'Blu', email: 'i.blu@example.it' },
          },
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Senza', cognome: 'Posta', telefono: '0351234567' },
          },
        ],
      },
      f.clerk,
    );
    const photo = await w.ok<{ id: string }>(
      'attachments.add',
      {
        reportId: id,
        fileName: 'verbale sopralluogo.txt',
        mime: 'text/plain',
        dataBase64: Buffer.from('Verbale: ramo già rimosso.').toString('base64'),
      },
      f.clerk,
    );
    await w.ok(
      'attachments.add',
      { reportId: id, fileName: 'altro.txt', mime: 'text/plain', dataBase64: 'eA==' },
      f.clerk,
    );

    const noPerm = await w.core.call('mailout.reply', { reportId: id, subject: 'x', text: 'y' }, f.supplier);
    expect(noPerm.ok).toBe(false);

    const t = templates[0]!;
    const sent = await w.ok<{ emailId: string; recipients: number }>(
      'mailout.reply',
      {
        reportId: id,
        templateId,
        subject: t.subject,
        text: t.body + '\nP.S. grazie!',
        attachmentIds: [photo.id],
      },
      f.clerk,
    );
    expect(sent.recipients).toBe(2);
    const rows = await until(
      () => w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.clerk),
      (v) => v.length === 2 && v.every((e) => e.status === 'sent'),
    );
    expect(rows.map((r) => r.kind)).toEqual(['reply', 'reply']);
    expect(rows.map((r) => r.id)).toContain(sent.emailId);

    const byTo = new Map(
      smtp.received.map((m) => [(Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address, m] as const),
    );
    const nic = byTo.get('n.gialli@example.it')!;
    expect(nic.subject).toBe(`[SEG-${code}] Sopralluogo per la segnalazione ${code}`);
    expect(nic.text).toContain('Gentile Nicolò Gialli,');
    expect(nic.text).toContain('il sopralluogo in Viale Libertà 4 è fissato');
    expect(nic.text).toContain('P.S. grazie!');
    expect(nic.headers.get('auto-submitted')).toBeUndefined();
    expect(nic.attachments.map((a) => a.filename)).toEqual(['verbale sopralluogo.txt']);
    expect(nic.attachments[0]!.content.toString('utf8')).toBe('Verbale: ramo già rimosso.');
    expect(byTo.get('i.blu@example.it')!.text).toContain('Gentile Ilaria Blu,');

    const detail = await w.ok<{
      log: { kind: string; action: string; data: Record<string, unknown> | null }[];
    }>('reports.get', { id }, f.clerk);
    const entry = detail.log.find((l) => l.action === 'reply_sent')!;
    expect(entry.kind).toBe('event');
    expect(entry.data).toMatchObject({
      to: ['n.gialli@example.it', 'i.blu@example.it'],
      subject: t.subject,
      emailId: sent.emailId,
      templateId,
      templateName: 'Sopralluogo programmato',
    });

    // A second answer to one chosen citizen only, written from scratch: no template recorded.
    const ilaria = (
      await w.ok<{ reporters: { id: string; email: string | null }[] }>('reports.get', { id }, f.clerk)
    ).reporters.find((r) => r.email === 'i.blu@example.it')!;
    const one = await w.ok<{ recipients: number }>(
      'mailout.reply',
      { reportId: id, reporterIds: [ilaria.id], subject: 'Aggiornamento', text: 'Gentile {nome}, a presto.' },
      f.clerk,
    );
    expect(one.recipients).toBe(1);
    await until(
      async () => smtp.received.length,
      (n) => n === 3,
    );
    const last = smtp.received[2]!;
    expect(last.text).toContain('Gentile Ilaria, a presto.');
    expect((Array.isArray(last.to) ? last.to[0] : last.to)?.value.map((a) => a.address)).toEqual([
      'i.blu@example.it',
    ]);
    const replies = (
      await w.ok<{ log: { action: string; data: Record<string, unknown> | null }[] }>(
        'reports.get',
        { id },
        f.clerk,
      )
    ).log.filter((l) => l.action === 'reply_sent');
    expect(replies).toHaveLength(2);
    expect(replies.find((l) => l.data?.subject === 'Aggiornamento')!.data).not.toHaveProperty('templateId');

    const stranger = await w.core.call(
      'mailout.reply',
      { reportId: id, reporterIds: [crypto.randomUUID()], subject: 'x', text: 'y' },
      f.clerk,
    );
    expect(stranger.ok ? null : stranger.error.message).toMatch(/non è un segnalatore/);
    const badTemplate = await w.core.call(
      'mailout.reply',
      { reportId: id, templateId: crypto.randomUUID(), subject: 'x', text: 'y' },
      f.clerk,
    );
    expect(badTemplate.ok ? null : badTemplate.error.message).toMatch(/Modello di risposta non trovato/);
  });

  it('refuses a reply when nobody has an email, or without «può rispondere», and writes nothing', async () => {
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      {
        fields: {
          title: 'Rumore notturno',
          categoryId: null,
          address: '',
          lat: null,
          lon: null,
          channel: 'telefono',
        },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Anna', cognome: 'Neri', telefono: '0351234567' },
          },
        ],
      },
      f.clerk,
    );
    const r = await w.core.call('mailout.reply', { reportId: id, subject: 'Re', text: 'Ciao' }, f.clerk);
    expect(r.ok ? null : r.error.message).toMatch(/Nessun segnalatore .* email/);
    const noReply = await w.ok<{ id: string }>(
      'settings.users.save',
      {
        username: 'senza.risposta',
        fullName: 'Senza Risposta',
        role: 'operatore',
        permissions: {
          canReply: false,
          majorEdits: true,
          seesReporterData: true,
          statistics: false,
          export: false,
        },
        password: 'password-senza.risposta',
      },
      f.admin,
    );
    expect(noReply.id).toBeTruthy();
    const tok = (
      await w.ok<{ token: string }>('auth.login', {
        username: 'senza.risposta',
        password: 'password-senza.risposta',
      })
    ).token;
    const r2 = await w.core.call('mailout.reply', { reportId: id, subject: 'Re', text: 'Ciao' }, tok);
    expect(r2.ok ? null : r2.error.message).toMatch(/può rispondere/);
    expect(await w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.clerk)).toEqual([]);
  });
});
