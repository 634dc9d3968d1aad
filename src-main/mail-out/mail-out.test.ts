/**
 * Mail-out end to end: a real core on a real SQLite file, a real SMTP server on
 * loopback, messages decoded with mailparser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUuidV7 } from '../../src-shared/domain';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import { createCore } from '../core/create-core';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import { verifyMessageId, subjectTag } from '../mail/threading';
import { threadingKey } from '../mail/secrets';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink';
import { startMailWorld, until } from './testing/mail-world';

let w: TestWorld;
let f: Fixture;
let smtp: SmtpSink;

const smtpSettings = (port: number) => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  fromAddress: 'protocollo@comune.santagata.it',
  fromName: 'Comune di Sant’Agata',
  replyTo: 'urp@comune.santagata.it',
});

const newReporter = (nome: string, cognome: string, email: string | null) => ({
  reporterId: crypto.randomUUID(),
  newReporter: { nome, cognome, email },
});

const report = (extra: object = {}) => ({
  fields: {
    title: 'Lampione spento in piazza Garibaldi',
    description: 'Il lampione è spento da una settimana.',
    categoryId: f.bucaId,
    address: 'Piazza Garibaldi 1',
    lat: null,
    lon: null,
    channel: 'telefono',
  },
  reporters: [newReporter('Niccolò', 'Lucà', 'niccolo.luca@example.it')],
  ...extra,
});

const emails = (reportId: string) => w.ok<OutgoingView[]>('mailout.forReport', { reportId }, f.clerk);

const allSent = (n: number) => (v: OutgoingView[]) => v.length === n && v.every((e) => e.status === 'sent');

beforeEach(async () => {
  ({ w, f, smtp } = await startMailWorld());
});
afterEach(async () => {
  w.cleanup();
  await smtp.close(); // the one running now: a test may replace it
});

describe('citizen notifications', () => {
  it('receipt, taken in charge, closure: Italian text with accents, threading headers, one per reporter with an email', async () => {
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    const { id, code } = await w.ok<{ id: string; code: string }>(
      'reports.create',
      report({
        reporters: [
          newReporter('Niccolò', 'Lucà', 'niccolo.luca@example.it'),
          newReporter('Anna', 'Senza Email', null),
          newReporter('Zoë', 'D’Àngelo', 'zoe.dangelo@example.it'),
        ],
      }),
      f.clerk,
    );
    await until(() => emails(id), allSent(2));
    await w.ok('reports.takeInCharge', { id }, f.clerk);
    await until(() => emails(id), allSent(4));
    await w.ok(
      'reports.close',
      { id, outcomeId: f.positivoId, closingNote: 'Lampada sostituita: la piazza è di nuovo illuminata.' },
      f.clerk,
    );
    await until(() => emails(id), allSent(6));
    expect(smtp.received).toHaveLength(6);

    const key = threadingKey(w.dir);
    for (const m of smtp.received) {
      expect(subjectTag(m.subject ?? '')).toBe(code);
      expect(verifyMessageId(key, m.messageId ?? '')).toBe(id);
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.headers.get('x-auto-response-suppress')).toBe('All');
      expect(m.from?.value[0]).toEqual({
        name: 'Comune di Sant’Agata',
        address: 'protocollo@comune.santagata.it',
      });
      expect(m.replyTo?.value[0]?.address).toBe('urp@comune.santagata.it');
    }
    const to = (m: (typeof smtp.received)[number]) =>
      (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;
    const [r1, r2, c1, , x1] = smtp.received;
    expect(smtp.received.map(to).sort()).toEqual([
      'niccolo.luca@example.it',
      'niccolo.luca@example.it',
      'niccolo.luca@example.it',
      'zoe.dangelo@example.it',
      'zoe.dangelo@example.it',
      'zoe.dangelo@example.it',
    ]);
    const mine = (m: typeof r1) => (to(m!) === 'niccolo.luca@example.it' ? 'n' : 'z');
    const receiptN = [r1, r2].find((m) => mine(m) === 'n')!;
    expect(receiptN.subject).toBe(`[SEG-${code}] Abbiamo ricevuto la sua segnalazione n. ${code}`);
    expect(receiptN.text).toContain('Gentile Niccolò Lucà,');
    expect(receiptN.text).toContain(
      `«Lampione spento in piazza Garibaldi» è stata registrata il 20/11/2026 con il numero ${code}`,
    );
    expect(receiptN.text).toContain('Categoria: Buca');
    expect(receiptN.html).toContain('Gentile Niccolò Lucà,');
    const receiptZ = [r1, r2].find((m) => mine(m) === 'z')!;
    expect(receiptZ.text).toContain('Gentile Zoë D’Àngelo,');
    expect(c1!.subject).toContain('è stata presa in carico');
    expect(c1!.text).toContain('gli uffici competenti se ne stanno occupando');
    expect(x1!.subject).toBe(`[SEG-${code}] La sua segnalazione n. ${code} è stata chiusa`);
    expect(x1!.text).toContain('Esito: Positivo');
    expect(x1!.text).toContain('Lampada sostituita: la piazza è di nuovo illuminata.');
  });

  it('escapes HTML injected in user fields', async () => {
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      report({
        fields: {
          ...report().fields,
          title: '<script>alert("x")</script> buca',
          address: '<img src=x onerror=1>',
        },
        reporters: [newReporter('<b>Mario</b>', 'Rossi', 'mario@example.it')],
      }),
      f.clerk,
    );
    await until(() => emails(id), allSent(1));
    const html = smtp.received[0]!.html as string;
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; buca');
    expect(html).toContain('&lt;img src=x onerror=1&gt;');
    expect(smtp.received[0]!.text).toContain('<script>alert("x")</script> buca');
  });

  it('switches: off globally, on again for one category; nothing is queued without an SMTP account', async () => {
    const none = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    expect(await emails(none.id)).toEqual([]);
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    await w.ok(
      'mailout.rules.save',
      {
        rules: [
          { kind: 'receipt', categoryId: null, enabled: false },
          { kind: 'in_charge', categoryId: f.stradaId, enabled: false },
        ],
      },
      f.admin,
    );
    const off = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    await w.ok('reports.takeInCharge', { id: off.id }, f.clerk);
    expect(await emails(off.id)).toEqual([]);
    await w.ok(
      'mailout.rules.save',
      { rules: [{ kind: 'receipt', categoryId: f.bucaId, enabled: true }] },
      f.admin,
    );
    const on = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    await until(() => emails(on.id), allSent(1));
  });

  it('a PC connected to a sync server queues no emails itself: the reply is logged and left for the server', async () => {
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    w.core.services.db
      .prepare(
        `INSERT INTO sync_state (id, server_url, client_id, replica_tag, cursor, acked_seq, bootstrapping) VALUES (1, 'http://127.0.0.1:9', 'c', 'BKTZ', 0, 0, 0)`,
      )
      .run();
    const { id, code } = await w.ok<{ id: string; code: string }>('reports.create', report(), f.clerk);
    expect(code).toMatch(/BKTZ/); // really written as a synced replica
    const reply = await w.ok<{ recipients: number }>(
      'mailout.reply',
      { reportId: id, subject: 'Re', text: 'Ciao' },
      f.clerk,
    );
    expect(reply.recipients).toBe(1);
    const local = w.core.services.db.prepare(`SELECT count(*) AS n FROM mail_outbox`).get() as { n: number };
    expect(local.n).toBe(0);
    const pushed = w.core.services.db
      .prepare(
        `SELECT name FROM outbox WHERE seq >= (SELECT max(seq) FROM outbox WHERE name = 'report.create') ORDER BY seq`,
      )
      .all() as { name: string }[];
    expect(pushed.map((r) => r.name)).toEqual(['report.create', 'report.logReply']);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('server down, then a 4xx, then accepted: sent exactly once', async () => {
    const port = smtp.port;
    await smtp.close();
    await w.ok('mailout.smtp.save', smtpSettings(port), f.admin);
    const { id } = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    const down = await until(
      () => emails(id),
      (v) => v[0]?.attempts === 1 && v[0].status === 'queued',
    );
    expect(down[0]!.lastError).toMatch(/non raggiungibile/);

    smtp = await startSmtpSink(port);
    smtp.answer = 'temporary';
    w.clock.advance(60_000);
    await w.ok('mailout.rules.get', {}, f.admin);
    w.core.services.store.emit(['mail_outbox'], []); // wakes the sender like a commit would
    const tmp = await until(
      () => emails(id),
      (v) => v[0]?.attempts === 2 && v[0].status === 'queued',
    );
    expect(tmp[0]!.lastError).toMatch(/errore temporaneo/);
    expect(smtp.received).toHaveLength(0);

    smtp.answer = 'accept';
    w.clock.advance(10 * 60_000);
    w.core.services.store.emit(['mail_outbox'], []);
    const sent = await until(() => emails(id), allSent(1));
    expect(sent[0]!.attempts).toBe(3);
    expect(smtp.received).toHaveLength(1);
  });

  it('a 5xx fails the email visibly on the report; Riprova sends it', async () => {
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    smtp.answer = 'permanent';
    const { id } = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    const failed = await until(
      () => emails(id),
      (v) => v[0]?.status === 'failed',
    );
    expect(failed[0]!.lastError).toMatch(/rifiutato il messaggio: .*Utente sconosciuto/);
    expect(failed[0]!.to).toBe('niccolo.luca@example.it');
    expect(failed[0]!.lastError).toContain('<niccolo.luca@example.it>');
    const hidden = await w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.noData);
    expect(hidden[0]!.to).toBeNull();
    // The server quoted the address: masked for who may not see reporters' data.
    expect(hidden[0]!.lastError).toMatch(
      /rifiutato il messaggio: .*<\(indirizzo riservato\)>: Utente sconosciuto/,
    );
    expect(hidden[0]!.lastError).not.toContain('@');

    smtp.answer = 'accept';
    await w.ok('mailout.retry', { id: failed[0]!.id }, f.clerk);
    await until(() => emails(id), allSent(1));
    expect(smtp.received).toHaveLength(1);
    const again = await w.core.call('mailout.retry', { id: failed[0]!.id }, f.clerk);
    expect(again.ok).toBe(false);
  });

  it('killed between the SMTP accept and the mark: resent after restart with the same Message-ID, at most one duplicate', async () => {
    await w.ok('mailout.smtp.save', smtpSettings(smtp.port), f.admin);
    // The core dies while the server holds the message and has not answered yet.
    smtp.beforeAnswer = (n) => {
      if (n === 1) w.core.close();
    };
    const { id } = await w.ok<{ id: string }>('reports.create', report(), f.clerk);
    await until(
      async () => smtp.received.length,
      (n) => n === 1,
    );
    await new Promise((r) => setTimeout(r, 100));
    smtp.beforeAnswer = null;

    w.clock.advance(11 * 60_000); // past the staleness of `sending` rows
    const core = await createCore({
      dataDir: w.dir,
      clock: () => w.clock.now,
      newId: createUuidV7(() => w.clock.now),
    });
    try {
      const login = await core.call(
        'auth.login',
        {
          username: 'lucia.verdi',
          password: 'password-lucia.verdi',
        },
        null,
      );
      const token = login.ok ? (login.value as { token: string }).token : '';
      const list = async () => {
        const r = await core.call('mailout.forReport', { reportId: id }, token);
        return r.ok ? (r.value as OutgoingView[]) : [];
      };
      const sent = await until(list, allSent(1));
      expect(sent[0]!.attempts).toBe(2);
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received[1]!.messageId).toBe(smtp.received[0]!.messageId);
    } finally {
      core.close();
    }
  });
});
