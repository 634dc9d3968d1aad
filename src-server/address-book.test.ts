/**
 * The Rubrica fornitori and report.forward on the sync server (PGlite and PostgreSQL):
 * only administrators write the address book, it reaches the staff and not a fornitore,
 * and the server replays report.forward with the entry loaded from its row store.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { people, reportArgs, STORAGES, useWorld } from './testing/world';

describe.each(STORAGES)('address book on %s', (kind) => {
  const world = useWorld(kind);

  it('administrators only; staff receive it, a fornitore does not; report.forward replays on the server', async () => {
    const { admin, op, supplier } = await people(world().server);
    const entry = {
      id: randomUUID(),
      name: 'Ufficio tecnico',
      organisation: 'Asfalti S.r.l.',
      email: 'Tecnico@Asfalti.example.it',
    };
    const off = { id: randomUUID(), name: 'Dismesso', email: 'dismesso@example.it', active: false };
    const denied = await op.push({ name: 'addressBook.save', args: { ...entry, id: randomUUID() } });
    expect(denied.outcomes[0]).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } });
    const byAdmin = await admin.push(
      { name: 'addressBook.save', args: entry },
      { name: 'addressBook.save', args: off },
    );
    expect(byAdmin.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);

    const report = reportArgs('Buca in via Tasso');
    const emailId = randomUUID();
    const fwd = await admin.push(
      { name: 'report.create', args: report },
      {
        name: 'report.forward',
        args: { reportId: report.id, emailId, recipientId: entry.id, message: 'Urgente' },
      },
      { name: 'report.forward', args: { reportId: report.id, emailId: randomUUID(), recipientId: off.id } },
    );
    expect(fwd.outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(fwd.outcomes[2]!.error!.message).toBe('Destinatario non trovato nella rubrica fornitori.');

    await op.sync();
    expect(op.get('address_book', entry.id)).toMatchObject({
      name: 'Ufficio tecnico',
      email: 'tecnico@asfalti.example.it',
      active: true,
    });
    const logged = op.all('log_entries').filter((l) => l.reportId === report.id && l.action === 'forwarded');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data).toMatchObject({ emailId, recipientEmail: 'tecnico@asfalti.example.it' });

    await admin.push({
      name: 'report.assign',
      args: { reportId: report.id, kind: 'user', assigneeId: supplier.userId },
    });
    await supplier.sync();
    expect(supplier.all('address_book')).toEqual([]);
    // The report arrives with its log, the address book does not.
    expect(supplier.all('log_entries').some((l) => l.action === 'forwarded')).toBe(true);
  });
});
