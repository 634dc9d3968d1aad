/**
 * A rule's «Invia il modello di risposta» on a real replica and a real SMTP server: the
 * citizens get the template once, as the very rows «Rispondi» writes with that template.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import type { SmtpSink } from './testing/smtp-sink';
import { type MailWorld, saveSmtpAccount, startMailWorld, stopMailWorld, until } from './testing/mail-world';

let m: MailWorld;
let w: TestWorld;
let f: Fixture;
let smtp: SmtpSink;
let templateId = '';

beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
  await saveSmtpAccount(m);
  // Only the rule's emails, not the automatic notifications.
  await w.ok(
    'mailout.rules.save',
    {
      rules: ['receipt', 'in_charge', 'closure'].map((kind) => ({ kind, categoryId: null, enabled: false })),
    },
    f.admin,
  );
  templateId = (
    await w.ok<{ id: string }>(
      'mailout.templates.save',
      {
        name: 'Buca presa in carico',
        subject: 'La sua segnalazione {codice}',
        body: 'Gentile {nome} {cognome},\n\nla buca in {indirizzo} è stata affidata all’Ufficio Strade.\n\n{ente}',
      },
      f.admin,
    )
  ).id;
  await w.ok(
    'automations.save',
    {
      name: 'Risposta buche',
      conditions: { categoryIds: [f.bucaId] },
      actions: { replyTemplateId: templateId, takeInCharge: true },
    },
    f.admin,
  );
});
afterEach(() => stopMailWorld(m));

type Row = {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text: string;
  html: string | null;
  headers: string;
  attachments: string;
  status: string;
};
const outbox = (reportId: string) =>
  w.core.services.db
    .prepare('SELECT * FROM mail_outbox WHERE report_id = ? ORDER BY created_at, to_address')
    .all(reportId) as Row[];

const newReport = (categoryId: string | null) =>
  w.ok<{ id: string; code: string }>(
    'reports.create',
    {
      fields: { title: 'Buca in via Tasso', address: 'Via Tasso 8', categoryId, channel: 'telefono' },
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

describe('rule «Invia il modello di risposta»', () => {
  it('each citizen with an email gets the template once, as the rows «Rispondi» writes', async () => {
    const { id, code } = await newReport(f.bucaId);
    const rows = outbox(id);
    // Written with the report, in its transaction: already there when reports.create returned.
    expect(rows.map((r) => [r.kind, r.to_address])).toEqual([
      ['reply', 'i.blu@example.it'],
      ['reply', 'n.gialli@example.it'],
    ]);
    await until(
      () => smtp.received.length,
      (n) => n === 2,
    );
    const nic = smtp.received.find(
      (m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text === 'n.gialli@example.it',
    )!;
    expect(nic.subject).toBe(`[SEG-${code}] La sua segnalazione ${code}`);
    expect(nic.text).toContain('Gentile Nicolò Gialli,');
    expect(nic.text).toContain('la buca in Via Tasso 8 è stata affidata');

    // The same template sent by hand through «Rispondi», unchanged: identical rows.
    const t = (
      await w.ok<{ id: string; subject: string; body: string }[]>('mailout.templates.list', {}, f.clerk)
    )[0]!;
    await w.ok('mailout.reply', { reportId: id, templateId, subject: t.subject, text: t.body }, f.clerk);
    const all = outbox(id);
    expect(all).toHaveLength(4);
    // What the citizen gets; ids, Message-IDs and sending state are per email.
    const strip = (r: Row) => ({
      kind: r.kind,
      to: r.to_address,
      subject: r.subject,
      text: r.text,
      html: r.html,
      headers: r.headers,
      attachments: r.attachments,
    });
    const byRule = all.filter((r) => rows.some((x) => x.id === r.id)).map(strip);
    const byHand = all.filter((r) => !rows.some((x) => x.id === r.id)).map(strip);
    expect(byRule).toEqual(byHand);

    // Later edits do not send again (the rule is not "anche quando cambia"), and the log
    // names the rule.
    await w.ok('reports.update', { id, patch: { title: 'Buca profonda in via Tasso' } }, f.clerk);
    expect(outbox(id)).toHaveLength(4);
    const d = await w.ok<{ log: { action: string; data: Record<string, unknown> | null }[] }>(
      'reports.get',
      { id },
      f.clerk,
    );
    expect(d.log.filter((l) => l.action === 'rule_mail_requested').map((l) => l.data)).toEqual([
      {
        forwardToRecipientId: null,
        replyTemplateId: templateId,
        byRule: 'Risposta buche',
        ruleId: expect.any(String),
      },
    ]);
  });

  it('another category or a deactivated template: nothing is queued', async () => {
    const other = await newReport(null);
    expect(outbox(other.id)).toEqual([]);

    const t = (
      await w.ok<{ id: string; subject: string; body: string; name: string }[]>(
        'mailout.templates.list',
        {},
        f.admin,
      )
    )[0]!;
    await w.ok(
      'mailout.templates.save',
      { id: templateId, name: t.name, subject: t.subject, body: t.body, active: false },
      f.admin,
    );
    const off = await newReport(f.bucaId);
    expect(outbox(off.id)).toEqual([]);
    // The rule still did its other action.
    expect((await w.ok<{ status: string }>('reports.get', { id: off.id }, f.clerk)).status).toBe(
      'in_gestione',
    );
  });
});
