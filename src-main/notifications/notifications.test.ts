/**
 * Colleague notifications on a real core: derived from the log (assignments to a user
 * or to a group's members, @mentions), never for the actor; read markers per user; an
 * email only to those who turned it on, through a real SMTP server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationView } from '../../src-shared/api/calls-suppliers';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import type { SmtpSink } from '../mail-out/testing/smtp-sink';
import {
  type MailWorld,
  saveSmtpAccount,
  startMailWorld,
  stopMailWorld,
  turnOffReceipts,
  until,
} from '../mail-out/testing/mail-world';

let m: MailWorld;
let w: TestWorld;
let f: Fixture;
let smtp: SmtpSink;
let mario: string;
let groupId: string;

type List = { unread: number; items: NotificationView[] };
const list = (who: string) => w.ok<List>('notifications.list', {}, who);

beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
  await saveSmtpAccount(m);
  await turnOffReceipts(m);
  mario = (
    await w.ok<{ token: string }>('auth.login', { username: 'mario.rossi', password: 'password-mario.rossi' })
  ).token;
  groupId = (
    await w.ok<{ id: string }>(
      'settings.groups.save',
      { name: 'Manutenzione strade', memberIds: [f.clerkId, f.colleagueId, f.noDataId] },
      f.admin,
    )
  ).id;
});
afterEach(() => stopMailWorld(m));

async function newReport(title: string) {
  return w.ok<{ id: string; code: string }>(
    'reports.create',
    { fields: { title, categoryId: f.bucaId, channel: 'telefono' } },
    f.clerk,
  );
}

describe('colleague notifications', () => {
  it('an assignment to a group notifies its members but not the one who assigned', async () => {
    const { id, code } = await newReport('Buca in via Tasso');
    w.clock.advance(60_000);
    await w.ok('reports.assign', { id, kind: 'group', assigneeId: groupId }, f.clerk);

    const m = await list(mario);
    expect(m.unread).toBe(1);
    expect(m.items).toEqual([
      expect.objectContaining({
        reportId: id,
        code,
        title: 'Buca in via Tasso',
        kind: 'assigned',
        actorName: 'Lucia Verdi',
        groupName: 'Manutenzione strade',
        read: false,
      }),
    ]);
    expect((await list(f.noData)).unread).toBe(1);
    // The actor is a member too, and is not told of their own action.
    expect(await list(f.clerk)).toEqual({ unread: 0, items: [] });
    // Not a member: nothing.
    expect((await list(f.admin)).items).toEqual([]);
  });

  it('direct assignments and @mentions notify the named user; read markers are per user', async () => {
    const a = await newReport('Lampione spento');
    w.clock.advance(1000);
    await w.ok('reports.assign', { id: a.id, kind: 'user', assigneeId: f.colleagueId }, f.clerk);
    w.clock.advance(1000);
    const b = await newReport('Cassonetto rotto');
    w.clock.advance(1000);
    await w.ok(
      'reports.addNote',
      { id: b.id, text: 'Puoi verificare tu, @mario.rossi? Anche @giulia.bianchi. Io (@lucia.verdi) no.' },
      f.clerk,
    );
    const m = await list(mario);
    expect(m.unread).toBe(2);
    expect(m.items.map((n) => [n.code, n.kind])).toEqual([
      [b.code, 'mention'],
      [a.code, 'assigned'],
    ]);
    expect(m.items[0]!.text).toContain('Puoi verificare tu, @mario.rossi?');
    expect(m.items[1]!.groupName).toBeNull();
    expect((await list(f.clerk)).items).toEqual([]);

    await w.ok('notifications.markRead', { ids: [m.items[0]!.id] }, mario);
    const after = await list(mario);
    expect(after.unread).toBe(1);
    expect(after.items.map((n) => n.read)).toEqual([true, false]);
    // Giulia's own copy of the mention is still unread.
    expect((await list(f.noData)).unread).toBe(1);
    await w.ok('notifications.markRead', { all: true }, mario);
    expect((await list(mario)).unread).toBe(0);
    expect((await list(mario)).items).toHaveLength(2);
  });

  it('an assignment made by an automation rule names the rule', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Buche a Mario',
        conditions: { categoryIds: [f.bucaId] },
        actions: { assignUserIds: [f.colleagueId] },
      },
      f.admin,
    );
    const { code } = await newReport('Buca in via Moroni');
    const m = await list(mario);
    expect(m.items.map((n) => [n.code, n.kind, n.byRule, n.actorName])).toEqual([
      [code, 'assigned', 'Buche a Mario', 'Lucia Verdi'],
    ]);
  });

  it('a supplier hears only of reports it may open', async () => {
    const a = await newReport('Segnalazione interna');
    await w.ok('reports.addNote', { id: a.id, text: 'Da girare a @ditta.asfalti più avanti' }, f.clerk);
    expect((await list(f.supplier)).items).toEqual([]);
    await w.ok('reports.assign', { id: a.id, kind: 'user', assigneeId: f.supplierId }, f.clerk);
    expect((await list(f.supplier)).items.map((n) => n.kind).sort()).toEqual(['assigned', 'mention']);
  });

  it('emails the colleagues who turned it on (each for themselves), never the actor', async () => {
    expect(await w.ok('notifications.prefs.get', {}, mario)).toEqual({ notifyByEmail: false, email: null });
    const noEmail = await w.core.call(
      'notifications.prefs.save',
      { notifyByEmail: true, email: null },
      mario,
    );
    expect(noEmail.ok ? null : noEmail.error.message).toMatch(/indirizzo email/);
    await w.ok(
      'notifications.prefs.save',
      { notifyByEmail: true, email: 'Mario.Rossi@Comune.example.it' },
      mario,
    );
    await w.ok(
      'notifications.prefs.save',
      { notifyByEmail: true, email: 'lucia@comune.example.it' },
      f.clerk,
    );
    expect(await w.ok('notifications.prefs.get', {}, mario)).toEqual({
      notifyByEmail: true,
      email: 'mario.rossi@comune.example.it',
    });

    const { id, code } = await newReport('Perdita d’acqua in via Moroni');
    await w.ok('reports.assign', { id, kind: 'group', assigneeId: groupId }, f.clerk);
    const rows = await until(
      () => w.ok<OutgoingView[]>('mailout.forReport', { reportId: id }, f.clerk),
      (v) => v.length === 1 && v[0]!.status === 'sent',
    );
    expect(rows[0]!.kind).toBe('colleague');
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    const to = Array.isArray(m.to) ? m.to[0] : m.to;
    expect(to?.value[0]?.address).toBe('mario.rossi@comune.example.it');
    expect(m.subject).toBe(`[SEG-${code}] Nuova assegnazione: Perdita d’acqua in via Moroni`);
    expect(m.text).toContain('Ciao Mario Rossi,');
    expect(m.text).toContain(
      `Lucia Verdi ha assegnato al gruppo «Manutenzione strade» la segnalazione n. ${code} «Perdita d’acqua in via Moroni».`,
    );
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');

    // A mention by Mario reaches Lucia by email; Mario (the actor) gets nothing more.
    await w.ok('reports.addNote', { id, text: '@lucia.verdi la squadra arriva alle <b>14</b>' }, mario);
    await until(
      async () => smtp.received.length,
      (n) => n === 2,
    );
    const l = smtp.received[1]!;
    expect((Array.isArray(l.to) ? l.to[0] : l.to)?.value[0]?.address).toBe('lucia@comune.example.it');
    expect(l.text).toContain('Mario Rossi ti ha menzionato in una nota');
    expect(l.text).toContain('la squadra arriva alle <b>14</b>');
    expect(l.html).toContain('la squadra arriva alle &lt;b&gt;14&lt;/b&gt;');
    expect(l.html).not.toContain('<b>14</b>');
  });
});
