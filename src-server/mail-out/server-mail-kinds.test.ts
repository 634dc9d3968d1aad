/**
 * The other emails the server composes from pushed mutations: «Inoltra» from a synced
 * PC, a colleague's email for a user who asked for them, an automation rule's reply
 * template and forward, and the per-category switch. Each arrives once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../src-main/mail-out/testing/smtp-sink';
import { replicaPool } from '../../src-main/sync/testing/replicas';
import { STORAGES, useWorld } from '../testing/world';
import { addStaff, copies, reporter, SECRET_KEY, smtpSettings, toOf, until } from './testing/mail-world';

describe.each(STORAGES)('server mail-out, every kind, on %s', { timeout: 90_000 }, (kind) => {
  const world = useWorld(kind, { secretKey: SECRET_KEY, mail: { pollMs: 100 } });
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

  it('forward, colleague email, rule reply and rule forward, category switch: once each', async () => {
    const admin = await pool.replica('admin');
    const lucia = await pool.replica('lucia.verdi');
    const mario = await pool.replica('mario.rossi');
    await admin.ok('mailout.smtp.save', smtpSettings(smtp.port));
    const { id: verde } = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Verde pubblico',
    });
    const { id: strade } = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Strade',
    });
    // No receipts for «Strade»: the switch is read on the server.
    await admin.ok('mailout.rules.save', {
      rules: [{ kind: 'receipt', categoryId: strade, enabled: false }],
    });
    const { id: entryId } = await admin.ok<{ id: string }>('addressBook.save', {
      name: 'Ufficio tecnico',
      organisation: 'Giardini Srl',
      email: 'tecnico@giardini.example.it',
    });
    const tpl = await admin.ok<{ id: string }>('mailout.templates.save', {
      name: 'Verde',
      subject: 'Segnalazione {codice} sul verde',
      body: 'Gentile {nome}, l’Ufficio Verde è stato avvisato.',
    });
    await admin.ok('automations.save', {
      name: 'Alberi',
      conditions: { categoryIds: [verde] },
      actions: { replyTemplateId: tpl.id, forwardToRecipientId: entryId },
    });
    await admin.sync();
    await mario.ok('notifications.prefs.save', { notifyByEmail: true, email: 'mario@comune.example.it' });
    await mario.sync();
    await lucia.sync();

    await lucia.ok('reports.create', {
      fields: {
        title: 'Ramo pericolante',
        description: 'Sopra il marciapiede',
        channel: 'telefono',
        categoryId: verde,
        address: 'Viale dei Tigli',
      },
      reporters: [reporter('Gianni', 'Bellò', 'gianni.bello@example.it')],
    });
    const road = await lucia.ok<{ id: string }>('reports.create', {
      fields: {
        title: 'Buca',
        description: 'Profonda',
        channel: 'telefono',
        categoryId: strade,
        address: 'Via Roma 3',
      },
      reporters: [reporter('Rita', 'Levi', 'rita.levi@example.it')],
    });
    const { id: mid } = (
      await lucia.ok<{ users: { id: string; username: string }[] }>('directory.get', {})
    ).users.find((u) => u.username === 'mario.rossi')!;
    await lucia.ok('reports.assign', { id: road.id, kind: 'user', assigneeId: mid });
    await lucia.ok('forward.send', {
      reportId: road.id,
      recipientId: entryId,
      message: 'Potete intervenire?',
    });
    await lucia.sync();
    await lucia.sync();

    const want = [
      'gianni.bello@example.it Abbiamo ricevuto', // receipt (Verde on)
      'gianni.bello@example.it sul verde', // the rule's reply template
      'tecnico@giardini.example.it Ramo pericolante', // the rule's forward
      'mario@comune.example.it Nuova assegnazione', // colleague email
      'tecnico@giardini.example.it Buca', // Inoltra from the PC
    ];
    await until(
      () => smtp.received.length,
      (n) => n >= want.length,
    );
    await new Promise((r) => setTimeout(r, 400));
    await world().server.mail.poke();
    expect(smtp.received).toHaveLength(want.length);
    expect([...copies(smtp.received).values()].every((n) => n === 1)).toBe(true);
    for (const w of want) {
      const [to, words] = [w.slice(0, w.indexOf(' ')), w.slice(w.indexOf(' ') + 1)];
      expect(
        smtp.received.filter((m) => toOf(m) === to && (m.subject ?? '').includes(words)),
        w,
      ).toHaveLength(1);
    }
    expect(smtp.received.some((m) => toOf(m) === 'rita.levi@example.it')).toBe(false);
    const fwd = smtp.received.find(
      (m) => toOf(m) === 'tecnico@giardini.example.it' && m.subject?.includes('Buca'),
    )!;
    expect(fwd.text).toContain('Potete intervenire?');
    expect(fwd.text).not.toContain('rita.levi@example.it');
    const reply = smtp.received.find((m) => m.subject?.includes('sul verde'))!;
    expect(reply.text).toContain('Gentile Gianni, l’Ufficio Verde è stato avvisato.');
  });
});
