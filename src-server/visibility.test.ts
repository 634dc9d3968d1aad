import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PASSWORD, people, reportArgs, STORAGES, TestReplica, uniqueName, useWorld } from './testing/world';

const newReporter = (cognome: string) => ({
  reporterId: randomUUID(),
  newReporter: { nome: 'Maria', cognome, email: `${cognome.toLowerCase()}@example.it` },
});

/** Keys of every row a replica holds for one report. */
const rowsOfReport = (r: TestReplica, reportId: string) =>
  [...r.rows.entries()]
    .filter(([k, v]) => k === `reports:${reportId}` || v.reportId === reportId)
    .map(([k]) => k);

describe.each(STORAGES)('what each user may pull and push on %s', (kind) => {
  const world = useWorld(kind);

  it('keeps a fornitore to its assigned reports: pull, push, and removal when unassigned', async () => {
    const { admin, supplier } = await people(world().server);
    const a = reportArgs('Albero pericolante', {
      clientCode: '2026-KLMN-0001',
      reporters: [newReporter('Rossi')],
    });
    const b = reportArgs('Semaforo guasto');
    await admin.push({ name: 'report.create', args: a }, { name: 'report.create', args: b });
    await admin.push({ name: 'report.addNote', args: { reportId: a.id, text: 'Chiamato il vivaio' } });

    await supplier.sync();
    expect(rowsOfReport(supplier, a.id)).toEqual([]);
    expect(rowsOfReport(supplier, b.id)).toEqual([]);
    expect(supplier.all('reporters')).toEqual([]);
    expect(supplier.all('outcomes').length).toBeGreaterThanOrEqual(5);
    // Users reach a supplier without their e-mail or permissions.
    for (const u of supplier.all('users'))
      expect(Object.keys(u).sort()).toEqual(['fullName', 'id', 'role', 'username']);

    const blind = await supplier.push(
      { name: 'report.addNote', args: { reportId: a.id, text: 'Curioso' } },
      { name: 'report.setStatus', args: { reportId: b.id, status: 'in_gestione' } },
    );
    expect(blind.outcomes.map((o) => o.error?.code)).toEqual(['not_found', 'not_found']);
    expect(blind.outcomes[0]!.error!.message).toBe('Segnalazione non trovata o non accessibile.');

    await admin.push({
      name: 'report.assign',
      args: { reportId: a.id, kind: 'user', assigneeId: supplier.userId },
    });
    await supplier.sync();
    // The whole report arrives, its old rows too (created before the assignment).
    expect(supplier.get('reports', a.id)).toMatchObject({ title: 'Albero pericolante' });
    expect(
      supplier
        .all('log_entries')
        .filter((l) => l.reportId === a.id)
        .map((l) => l.action)
        .sort(),
    ).toEqual(['assigned', 'created', 'note']);
    expect(supplier.get('report_codes', '2026-KLMN-0001')).toBeDefined();
    expect(supplier.all('report_reporters').filter((l) => l.reportId === a.id)).toHaveLength(1);
    expect(supplier.all('reporters')).toEqual([]);
    expect(rowsOfReport(supplier, b.id)).toEqual([]);

    const allowed = await supplier.push({
      name: 'report.addNote',
      args: { reportId: a.id, text: 'Intervento domani' },
    });
    expect(allowed.outcomes[0]!.status).toBe('applied');
    const staffOnly = await supplier.push({
      name: 'report.assign',
      args: { reportId: a.id, kind: 'user', assigneeId: admin.userId },
    });
    expect(staffOnly.outcomes[0]!.error?.code).toBe('forbidden');

    await admin.push({
      name: 'report.unassign',
      args: { reportId: a.id, kind: 'user', assigneeId: supplier.userId },
    });
    const pages = await supplier.sync();
    const dels = pages.flatMap((p) => p.changes).filter((c) => c.op === 'del');
    expect(dels.map((c) => c.table)).toEqual(
      expect.arrayContaining(['reports', 'log_entries', 'report_assignments']),
    );
    expect(rowsOfReport(supplier, a.id)).toEqual([]);
    expect(supplier.get('report_codes', '2026-KLMN-0001')).toBeUndefined();
    const after = await supplier.push({
      name: 'report.addNote',
      args: { reportId: a.id, text: 'Ancora io' },
    });
    expect(after.outcomes[0]!.error?.code).toBe('not_found');
  });

  it('follows group assignments and restarts a replica whose groups changed', async () => {
    const { admin, supplier } = await people(world().server);
    const r = reportArgs('Fontana che perde');
    await admin.push({ name: 'report.create', args: r });
    await supplier.sync();
    const groupId = randomUUID();
    await admin.push({
      name: 'group.save',
      args: { id: groupId, name: 'Ditta Verde', description: '', active: true, memberIds: [supplier.userId] },
    });
    await admin.push({ name: 'report.assign', args: { reportId: r.id, kind: 'group', assigneeId: groupId } });
    const resets = supplier.resets;
    await supplier.sync();
    expect(supplier.resets).toBe(resets + 1);
    expect(supplier.get('groups', groupId)).toMatchObject({ name: 'Ditta Verde' });
    expect(supplier.get('reports', r.id)).toMatchObject({ title: 'Fontana che perde' });
    const note = await supplier.push({
      name: 'report.addNote',
      args: { reportId: r.id, text: 'Preso in carico' },
    });
    expect(note.outcomes[0]!.status).toBe('applied');
  });

  it('sends reporters only to users allowed to see them', async () => {
    const { admin, op, opNoRep } = await people(world().server);
    const name = `Bianchi${randomUUID().slice(0, 4)}`;
    const args = reportArgs('Rumori molesti', { reporters: [newReporter(name)] });
    await admin.push({ name: 'report.create', args });
    const reporterId = args.reporters[0]!.reporterId;
    for (const r of [admin, op, opNoRep]) await r.sync();
    expect(admin.get('reporters', reporterId)).toMatchObject({ cognome: name });
    expect(op.get('reporters', reporterId)).toMatchObject({ cognome: name });
    expect(opNoRep.all('reporters')).toEqual([]);
    expect(opNoRep.get('reports', args.id)).toBeDefined();

    // A fornitore with the permission gets only the reporters of its visible reports.
    const username = uniqueName('fornrep');
    const { id } = await world().server.addUser({
      username,
      fullName: 'Franca Fornitrice',
      role: 'fornitore',
      password: PASSWORD,
      permissions: { seesReporterData: true },
    });
    const sup = await TestReplica.login(world().server.url, username);
    await sup.sync();
    expect(sup.all('reporters')).toEqual([]);
    await admin.push({ name: 'report.assign', args: { reportId: args.id, kind: 'user', assigneeId: id } });
    await sup.sync();
    expect(sup.all('reporters').map((r) => r.id)).toEqual([reporterId]);
    await admin.push({ name: 'report.unassign', args: { reportId: args.id, kind: 'user', assigneeId: id } });
    await sup.sync();
    expect(sup.all('reporters')).toEqual([]);
    expect(sup.get('reports', args.id)).toBeUndefined();
  });

  it('restarts a replica whose user lost the reporter permission', async () => {
    const { admin, op } = await people(world().server);
    await admin.push({
      name: 'report.create',
      args: reportArgs('Cane smarrito', { reporters: [newReporter('Verdi')] }),
    });
    await op.sync();
    expect(op.all('reporters').length).toBeGreaterThan(0);
    const user = (await admin.sync(), admin.get('users', op.userId)!);
    const permissions = { ...(user.permissions as object), seesReporterData: false };
    await admin.push({ name: 'user.save', args: { ...user, permissions } });
    const resets = op.resets;
    await op.sync();
    expect(op.resets).toBe(resets + 1);
    expect(op.all('reporters')).toEqual([]);
  });
});
