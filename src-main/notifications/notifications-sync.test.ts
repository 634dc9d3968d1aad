/**
 * With a real sync server (embedded PGlite): the address book replicates to the staff
 * (not to a fornitore), and colleague notifications appear on another PC, derived from
 * the pulled log entries; PCs connected to a server queue no emails (the server is the
 * one node that sends).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressBookView, NotificationView } from '../../src-shared/api/calls-suppliers';
import { createServer, type SyncServer } from '../../src-server/app';
import { replicaPool, TEST_PASSWORD } from '../sync/testing/replicas';

let server: SyncServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await createServer({});
  ids.admin = (
    await server.addUser({
      username: 'admin',
      fullName: 'Amministratore',
      role: 'amministratore',
      password: TEST_PASSWORD,
    })
  ).id;
  ids.supplier = (
    await server.addUser({
      username: 'ditta.asfalti',
      fullName: 'Asfalti Srl',
      role: 'fornitore',
      password: TEST_PASSWORD,
    })
  ).id;
  for (const [username, fullName] of [
    ['lucia.verdi', 'Lucia Verdi'],
    ['mario.rossi', 'Mario Rossi'],
  ] as const) {
    ids[username] = (
      await server.addUser({
        username,
        fullName,
        role: 'operatore',
        password: TEST_PASSWORD,
        permissions: { canReply: true, majorEdits: true, seesReporterData: true },
      })
    ).id;
  }
});
afterAll(async () => {
  await server.close();
});
const pool = replicaPool(() => server.port);
afterEach(() => pool.cleanup());

type List = { unread: number; items: NotificationView[] };

describe('address book and notifications with a sync server', () => {
  it('replicate to the staff’s PCs, a group assignment shows on the members’ PCs, and no PC queues emails', async () => {
    const admin = await pool.replica('admin');
    const lucia = await pool.replica('lucia.verdi');
    const mario = await pool.replica('mario.rossi');
    const supplier = await pool.replica('ditta.asfalti');

    const { id: groupId } = await admin.ok<{ id: string }>('settings.groups.save', {
      name: 'Manutenzione strade',
      memberIds: [ids['lucia.verdi'], ids['mario.rossi']],
    });
    const { id: entryId } = await admin.ok<{ id: string }>('addressBook.save', {
      name: 'Ufficio tecnico',
      organisation: 'Asfalti Bergamaschi S.r.l.',
      email: 'tecnico@asfalti.example.it',
    });
    await admin.sync();
    await mario.ok('notifications.prefs.save', { notifyByEmail: true, email: 'mario@comune.example.it' });
    await mario.sync();

    await lucia.sync();
    expect((await lucia.ok<AddressBookView[]>('addressBook.list', {})).map((e) => e.id)).toEqual([entryId]);
    const { id, code } = await lucia.ok<{ id: string; code: string }>('reports.create', {
      fields: { title: 'Buca in via Tasso', channel: 'telefono', categoryId: null },
    });
    await lucia.ok('reports.assign', { id, kind: 'group', assigneeId: groupId });
    await lucia.ok('reports.addNote', { id, text: 'Ci pensi tu, @mario.rossi?' });
    // A PC connected to a server does not send: the server queues the forward once it
    // applied the pushed mutation (it waits there until an SMTP account is set up).
    const fwd = await lucia.call('forward.send', { reportId: id, recipientId: entryId });
    expect(fwd.ok).toBe(true);
    await lucia.sync();
    const queued = await server.storage.query<{ kind: string; to_address: string; status: string }>(
      'SELECT kind, to_address, status FROM mail_outbox',
    );
    expect(queued).toEqual([{ kind: 'forward', to_address: 'tecnico@asfalti.example.it', status: 'queued' }]);

    await mario.sync();
    const m = await mario.ok<List>('notifications.list', {});
    expect(m.unread).toBe(2);
    expect(m.items.map((n) => [n.kind, n.groupName, n.actorName])).toEqual([
      ['mention', null, 'Lucia Verdi'],
      ['assigned', 'Manutenzione strade', 'Lucia Verdi'],
    ]);
    // The final code the server gave, once pulled.
    const final = (await mario.ok<{ code: string }>('reports.get', { id })).code;
    expect(m.items.every((n) => n.code === final)).toBe(true);
    expect(final).not.toBe(code);
    expect((await lucia.ok<List>('notifications.list', {})).items).toEqual([]);

    // Mario's own choice went through the server to the other PCs.
    await admin.sync();
    expect(
      admin.core.services.db
        .prepare('SELECT notify_by_email, email FROM users WHERE id = ?')
        .get(ids['mario.rossi']),
    ).toEqual({ notify_by_email: 1, email: 'mario@comune.example.it' });

    await supplier.sync();
    expect(supplier.core.services.db.prepare('SELECT count(*) AS n FROM address_book').get()).toEqual({
      n: 0,
    });
    for (const r of [admin, lucia, mario])
      expect(r.core.services.db.prepare('SELECT count(*) AS n FROM mail_outbox').get()).toEqual({ n: 0 });
  });
});
