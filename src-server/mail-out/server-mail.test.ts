/**
 * With a sync server, the server is the municipality's one sending node: two PCs (one
 * of them offline for a while) create, take in charge, close and answer reports, and
 * every email reaches the loopback SMTP server exactly once, composed on the server from
 * the mutations it applied. Run on embedded PGlite and on a real PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import { verifyMessageId } from '../../src-main/mail/threading';
import { startSmtpSink, type SmtpSink } from '../../src-main/mail-out/testing/smtp-sink';
import { replicaPool, type Replica } from '../../src-main/sync/testing/replicas';
import { STORAGES, useWorld } from '../testing/world';
import { serverSecrets } from './secrets';
import {
  addStaff,
  copies,
  newReport,
  reporter,
  SECRET_KEY,
  smtpSettings,
  toOf,
  until,
} from './testing/mail-world';

const finalCode = async (r: Replica, id: string) => {
  await r.sync();
  return (await r.ok<{ code: string }>('reports.get', { id })).code;
};

describe.each(STORAGES)('server mail-out on %s', { timeout: 60_000 }, (kind) => {
  const world = useWorld(kind, { secretKey: SECRET_KEY, mail: { pollMs: 100, baseBackoffMs: 60_000 } });
  const pool = replicaPool(() => world().server.port);
  let smtp: SmtpSink;
  beforeAll(async () => {
    await addStaff(world().server);
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
  });
  afterEach(() => pool.cleanup());

  it('two PCs, one offline for a while: every email arrives exactly once, sent by the server', async () => {
    const admin = await pool.replica('admin');
    const a = await pool.replica('lucia.verdi');
    const b = await pool.replica('mario.rossi');

    // The administrator sets SMTP up from a synced PC: stored on the server only.
    await admin.ok('mailout.smtp.save', {
      ...smtpSettings(smtp.port),
      username: 'urp',
      password: 'Segreto-SMTP-42',
    });
    const view = await admin.ok<{ hasPassword: boolean; username: string }>('mailout.smtp.get', {});
    expect(view).toMatchObject({ hasPassword: true, username: 'urp' });
    expect(JSON.stringify(view)).not.toContain('Segreto-SMTP-42');
    for (const f of readdirSync(admin.dir)) {
      if (/\.(db|sqlite)(-wal)?$/.test(f))
        expect(readFileSync(join(admin.dir, f)).includes('Segreto-SMTP-42')).toBe(false);
    }
    const [stored] = await world().server.storage.query<{ value: { passwordSealed: string } }>(
      `SELECT value FROM mail_settings WHERE key = 'smtp'`,
    );
    expect(JSON.stringify(stored)).not.toContain('Segreto-SMTP-42');
    const secrets = serverSecrets({ secretKey: SECRET_KEY, secretsDir: '/nonexistent' });
    expect(secrets.cipher.decrypt(stored!.value.passwordSealed)).toBe('Segreto-SMTP-42');
    // The loopback server takes mail without authentication.
    await admin.ok('mailout.smtp.save', { ...smtpSettings(smtp.port), clearPassword: true });
    // A clerk may not read or change it on the server either.
    const refused = await a.call('mailout.smtp.get', {});
    expect(refused.ok).toBe(false);

    const tpl = await admin.ok<{ id: string }>('mailout.templates.save', {
      kind: 'reply',
      name: 'Sopralluogo',
      subject: 'Sopralluogo per {codice}',
      body: 'Gentile {nome} {cognome}, faremo un sopralluogo entro venerdì.',
    });
    await Promise.all([admin.sync(), a.sync(), b.sync()]);

    const r1 = await newReport(a, 'Buca in via Roma', [
      reporter('Niccolò', 'Lucà', 'niccolo.luca@example.it'),
      reporter('Zoë', 'D’Àngelo', 'zoe.dangelo@example.it'),
      reporter('Anna', 'Senza Email', null),
    ]);
    await a.sync();
    await b.sync();

    // B works offline: a new report, taken in charge and closed; R1 taken in charge.
    b.proxy.down();
    const r2 = await newReport(b, 'Lampione spento', [
      reporter('Pietro', 'Bianchi', 'pietro.bianchi@example.it'),
    ]);
    await b.ok('reports.takeInCharge', { id: r2.id });
    const { outcomes } = await b.ok<{ outcomes: { id: string; label: string }[] }>('directory.get', {});
    const positivo = outcomes.find((o) => o.label === 'Positivo')!.id;
    await b.ok('reports.close', { id: r2.id, outcomeId: positivo, closingNote: 'Lampada sostituita.' });
    await b.ok('reports.takeInCharge', { id: r1.id });
    expect((await b.sync()).phase).toBe('offline');

    // Meanwhile A answers R1's citizens with the server's template (Rispondi on a synced PC).
    const reply = await a.ok<{ emailId: string; recipients: number }>('mailout.reply', {
      reportId: r1.id,
      templateId: tpl.id,
      subject: 'Sopralluogo per {codice}',
      text: 'Gentile {nome} {cognome}, faremo un sopralluogo entro venerdì.',
    });
    expect(reply.recipients).toBe(2);
    await a.sync();

    b.proxy.up();
    await b.sync();
    // Syncing again (and from every PC) queues nothing more.
    await Promise.all([a.sync(), b.sync(), admin.sync(), b.sync()]);

    const expected = 2 /* receipts R1 */ + 2 /* in charge R1 */ + 2 /* reply R1 */ + 3; /* R2 */
    await until(
      () => smtp.received.length,
      (n) => n >= expected,
    );
    await new Promise((r) => setTimeout(r, 500)); // the sender polls every 100 ms
    await Promise.all([world().server.mail.poke(), a.sync(), b.sync()]);
    expect(smtp.received).toHaveLength(expected);
    expect([...copies(smtp.received).values()].every((n) => n === 1)).toBe(true);

    // Citizens are given the final code the server handed out, not the PC's provisional one.
    const c1 = await finalCode(a, r1.id);
    expect(c1).toMatch(/^2026-\d{6}$/);
    const key = serverSecrets({ secretKey: SECRET_KEY, secretsDir: '/nonexistent' }).threadKey;
    const of = (id: string) => smtp.received.filter((m) => verifyMessageId(key, m.messageId ?? '') === id);
    expect(
      of(r1.id)
        .map((m) => `${toOf(m)} ${m.subject}`)
        .sort(),
    ).toEqual(
      [
        `niccolo.luca@example.it [SEG-${c1}] Abbiamo ricevuto la sua segnalazione n. ${c1}`,
        `zoe.dangelo@example.it [SEG-${c1}] Abbiamo ricevuto la sua segnalazione n. ${c1}`,
        `niccolo.luca@example.it [SEG-${c1}] La sua segnalazione n. ${c1} è stata presa in carico`,
        `zoe.dangelo@example.it [SEG-${c1}] La sua segnalazione n. ${c1} è stata presa in carico`,
        `niccolo.luca@example.it [SEG-${c1}] Sopralluogo per ${c1}`,
        `zoe.dangelo@example.it [SEG-${c1}] Sopralluogo per ${c1}`,
      ].sort(),
    );
    const finalR2 = await finalCode(b, r2.id);
    const mailsR2 = of(r2.id);
    expect(mailsR2.map((m) => m.subject).sort()).toEqual(
      [
        `[SEG-${finalR2}] Abbiamo ricevuto la sua segnalazione n. ${finalR2}`,
        `[SEG-${finalR2}] La sua segnalazione n. ${finalR2} è stata presa in carico`,
        `[SEG-${finalR2}] La sua segnalazione n. ${finalR2} è stata chiusa`,
      ].sort(),
    );
    const closure = mailsR2.find((m) => m.subject?.includes('chiusa'))!;
    expect(closure.text).toContain('Gentile Pietro Bianchi,');
    expect(closure.text).toContain('Esito: Positivo');
    expect(closure.text).toContain('Lampada sostituita.');
    expect(closure.headers.get('auto-submitted')).toBe('auto-generated');
    const replyMail = of(r1.id).find(
      (m) => m.subject?.startsWith(`[SEG-${c1}] Sopralluogo`) && toOf(m).startsWith('zoe'),
    )!;
    expect(replyMail.text).toContain('Gentile Zoë D’Àngelo, faremo un sopralluogo entro venerdì.');
    expect(replyMail.from?.value[0]).toEqual({
      name: 'Comune di Sant’Agata',
      address: 'protocollo@comune.santagata.it',
    });
    expect(replyMail.replyTo?.value[0]?.address).toBe('urp@comune.santagata.it');

    // Any PC shows the report's emails and their state, read from the server.
    const seen = await b.ok<OutgoingView[]>('mailout.forReport', { reportId: r1.id });
    expect(seen).toHaveLength(6);
    expect(seen.every((e) => e.status === 'sent' && e.sentAt !== null)).toBe(true);
    expect(seen.find((e) => e.id === reply.emailId)?.kind).toBe('reply');
  });

  it('SMTP down, then up: the email waits on the server and goes out once; a 5xx fails and Riprova from a PC sends it', async () => {
    const admin = await pool.replica('admin');
    const a = await pool.replica('lucia.verdi');
    const port = smtp.port;
    world().server.mail.resetTransport(); // its idle pooled connections would hold close() up
    await smtp.close();
    const carla = reporter('Carla', 'Giusti', 'carla.giusti@example.it');
    const r = await newReport(a, 'Semaforo guasto', [carla]);
    await a.sync();
    const waiting = await until(
      () => a.ok<OutgoingView[]>('mailout.forReport', { reportId: r.id }),
      (v) => v.length === 1 && v[0]!.status === 'queued' && v[0]!.attempts >= 1,
    );
    expect(waiting[0]!.lastError).toMatch(/non raggiungibile/);

    smtp = await startSmtpSink(port);
    world().clock.now += 3_600_000; // past the backoff
    await until(
      () => a.ok<OutgoingView[]>('mailout.forReport', { reportId: r.id }),
      (v) => v[0]!.status === 'sent',
    );
    expect(smtp.received.map(toOf)).toEqual(['carla.giusti@example.it']);

    smtp.answer = 'permanent';
    await a.ok('reports.takeInCharge', { id: r.id });
    await a.sync();
    const failed = await until(
      () => a.ok<OutgoingView[]>('mailout.forReport', { reportId: r.id }),
      (v) => v.length === 2 && v.some((e) => e.status === 'failed'),
    );
    const bad = failed.find((e) => e.status === 'failed')!;
    expect(bad.lastError).toMatch(/^Il server SMTP ha rifiutato il messaggio/);
    // The reporter is flagged on a synced PC too, from the server's refusal.
    const trouble = await a.ok<{ reporterId: string; source: string }[]>('mailout.deliveryTrouble', {
      reporterIds: [carla.reporterId],
    });
    expect(trouble).toMatchObject([{ reporterId: carla.reporterId, source: 'smtp' }]);
    smtp.answer = 'accept';
    await admin.ok('mailout.retry', { id: bad.id });
    await until(
      () => a.ok<OutgoingView[]>('mailout.forReport', { reportId: r.id }),
      (v) => v.every((e) => e.status === 'sent'),
    );
    const code = await finalCode(a, r.id);
    expect(smtp.received.map((m) => m.subject)).toEqual([
      `[SEG-${code}] Abbiamo ricevuto la sua segnalazione n. ${code}`,
      `[SEG-${code}] La sua segnalazione n. ${code} è stata presa in carico`,
    ]);
    const again = await a.call('mailout.retry', { id: bad.id });
    expect(again.ok ? null : again.error.message).toBe(
      'Questa email non è in errore: non c’è nulla da ritentare.',
    );
  });
});
