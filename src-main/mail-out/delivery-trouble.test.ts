/**
 * A reporter's failing address, from real events: a bounce through the real mail
 * intake, the citizen writing again, a send the real SMTP server refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api/views';
import { createMailIntake, type MailIntake } from '../mail/intake';
import { multipartMessage, plainMessage, textPart } from '../mail/testing/messages';
import { mintMessageId } from '../mail/threading';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import { TROUBLE_SQL } from './delivery-repo';
import type { SmtpSink } from './testing/smtp-sink';
import { type MailWorld, startMailWorld, stopMailWorld, until } from './testing/mail-world';

const key = Buffer.alloc(32, 7);
let m: MailWorld;
let w: TestWorld;
let f: Fixture;
let intake: MailIntake;
let smtp: SmtpSink;

beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
  await w.ok('settings.categories.save', { parentId: null, name: 'Da classificare' }, f.admin);
  intake = createMailIntake({ services: w.core.services, threadKey: key });
});
afterEach(() => stopMailWorld(m));

type Trouble = { reporterId: string; email: string; source: string; reason: string };
const trouble = (reporterIds: string[], who = f.clerk) =>
  w.ok<Trouble[]>('mailout.deliveryTrouble', { reporterIds }, who);

describe('delivery trouble on the reporter', () => {
  it('a bounce marks the address failing, the citizen writing again clears it; only for who sees reporters', async () => {
    const r = await intake.ingest(
      plainMessage({ from: 'Anna Neri <anna.neri@example.it>', subject: 'Buca in via Roma' }),
      { mailboxId: 'urp' },
    );
    const d = await w.ok<ReportDetail>('reports.get', { id: r.reportId! }, f.clerk);
    const anna = d.reporters[0]!.id;
    expect(await trouble([anna])).toEqual([]);

    const bounce = multipartMessage({
      from: 'MAILER-DAEMON@mx.example.it',
      subject: 'Undelivered Mail Returned to Sender',
      messageId: '<bounce-anna@mx.example.it>',
      contentType: 'multipart/report; report-type=delivery-status',
      parts: [
        textPart('Delivery failed.'),
        'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; anna.neri@example.it\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 casella inesistente\r\n',
        `Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${mintMessageId(key, r.reportId!)}\r\n`,
      ],
    });
    w.clock.advance(60_000);
    expect((await intake.ingest(bounce, { mailboxId: 'urp' })).outcome).toBe('notice');
    const t = await trouble([anna]);
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ reporterId: anna, email: 'anna.neri@example.it', source: 'bounce' });
    expect(t[0]!.reason).toBe('Email non recapitata: smtp; 550 5.1.1 casella inesistente');

    expect((await w.core.call('mailout.deliveryTrouble', { reporterIds: [anna] }, f.noData)).ok).toBe(false);
    expect((await w.core.call('mailout.deliveryTrouble', { reporterIds: [anna] }, f.supplier)).ok).toBe(
      false,
    );

    w.clock.advance(3_600_000);
    const again = await intake.ingest(
      plainMessage({
        from: 'anna.neri@example.it',
        subject: `Re: [SEG-${d.code}] Buca in via Roma`,
        messageId: '<anna-again@example.it>',
      }),
      { mailboxId: 'urp' },
    );
    expect(again.outcome).toBe('follow-up');
    expect(await trouble([anna])).toEqual([]);
  });

  it('a send the SMTP server refuses (5xx) marks the address; others on the report stay fine', async () => {
    await w.ok(
      'mailout.smtp.save',
      {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        fromAddress: 'protocollo@comune.example.it',
        fromName: 'Comune',
      },
      f.admin,
    );
    smtp.answer = 'permanent';
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      {
        fields: {
          title: 'Lampione',
          categoryId: null,
          address: '',
          lat: null,
          lon: null,
          channel: 'sportello',
        },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Bruno', cognome: 'Bè', email: 'bruno@example.it' },
          },
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Carla', cognome: 'Cò', telefono: '0351234567' },
          },
        ],
      },
      f.clerk,
    );
    const ids = (await w.ok<ReportDetail>('reports.get', { id }, f.clerk)).reporters.map((r) => r.id);
    const t = await until(
      () => trouble(ids),
      (v) => v.length > 0,
    );
    expect(t).toEqual([
      expect.objectContaining({ reporterId: ids[0], email: 'bruno@example.it', source: 'smtp' }),
    ]);
    expect(t[0]!.reason).toContain('Il server SMTP ha rifiutato il messaggio');
  });

  it('reads only by index: the reporter’s reports, their log by report, failed outbox rows by status', () => {
    const db = w.core.services.db;
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    const log = plan(TROUBLE_SQL.log);
    expect(log).toMatch(/SEARCH rr USING COVERING INDEX report_reporters_reporter/);
    expect(log).toMatch(/SEARCH l USING PRIMARY KEY \(report_seq=\?\)/);
    expect(plan(TROUBLE_SQL.refused)).toMatch(/SEARCH mail_outbox USING INDEX mail_outbox_due \(status=\?\)/);
  });
});
