/**
 * Replicas and a real sync server (embedded PGlite) on loopback: the whole path the
 * desk uses — core API → outbox → push → server mutation → pull → rebase → SQLite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDetail, SyncStatusView } from '../../src-shared/api';
import { createServer, type SyncServer } from '../../src-server/app';
import { createCore } from '../core/create-core';
import { dumpReplica, ftsIds } from './testing/dump';
import { replicaPool, TEST_PASSWORD, type Replica } from './testing/replicas';

const PASSWORD = TEST_PASSWORD;
let server: SyncServer;
let positivoId = '';

beforeAll(async () => {
  server = await createServer({});
  await server.addUser({
    username: 'admin',
    fullName: 'Amministratore',
    role: 'amministratore',
    password: PASSWORD,
  });
  await server.addUser({
    username: 'ditta.asfalti',
    fullName: 'Asfalti Srl',
    role: 'fornitore',
    password: PASSWORD,
  });
  for (const [username, fullName] of [
    ['lucia.verdi', 'Lucia Verdi'],
    ['mario.rossi', 'Mario Rossi'],
    ['anna.neri', 'Anna Neri'],
  ] as const) {
    await server.addUser({
      username,
      fullName,
      role: 'operatore',
      password: PASSWORD,
      permissions: { canReply: true, majorEdits: true, seesReporterData: true },
    });
  }
});
afterAll(async () => {
  await server.close();
});
const pool = replicaPool(() => server.port);
const replica = pool.replica;
afterEach(() => pool.cleanup());

async function outcomeId(r: Replica): Promise<string> {
  if (positivoId) return positivoId;
  const d = await r.ok<{ outcomes: { id: string; label: string }[] }>('directory.get', {});
  positivoId = d.outcomes.find((o) => o.label === 'Positivo')!.id;
  return positivoId;
}

const newReport = (r: Replica, title: string) =>
  r.ok<{ id: string; code: string }>('reports.create', {
    fields: {
      title,
      description: 'Segnalata al telefono',
      channel: 'telefono',
      categoryId: null,
      address: 'Via Tasso 8',
    },
  });

describe('sync with a real server', () => {
  it('a report created on one PC appears on another with its final code; the provisional one stays an alias', async () => {
    const a = await replica('lucia.verdi');
    const b = await replica('mario.rossi');
    const { id, code } = await newReport(a, 'Lampione spento in via Tasso');
    expect(code).toMatch(/^\d{4}-[B-DF-HJ-NP-TV-Z]{4}-\d{4}$/);
    await a.sync();
    await b.sync();
    const onB = await b.ok<ReportDetail>('reports.get', { id });
    expect(onB.code).toMatch(/^\d{4}-\d{6}$/);
    expect(onB.aliases).toEqual([code]);
    const onA = await a.ok<ReportDetail>('reports.get', { id });
    expect(onA.code).toBe(onB.code);
    for (const r of [a, b]) {
      expect((await r.ok<{ id: string }>('reports.openByCode', { code })).id).toBe(id);
      expect((await r.ok<{ id: string }>('reports.openByCode', { code: onB.code })).id).toBe(id);
    }
    expect((await a.ok<SyncStatusView>('sync.status', {})).pending).toBe(0);
    expect(onB.log[0]).toMatchObject({ action: 'created', actorName: 'Lucia Verdi' });
  });

  it('a change on one PC is pushed and poked to the other without asking', async () => {
    const a = await replica('lucia.verdi');
    const b = await replica('mario.rossi');
    const { id } = await newReport(a, 'Cassonetto pieno in piazza Pontida');
    await a.sync();
    await b.sync();
    await b.ok('reports.addNote', { id, text: 'Passa il camion domattina' });
    // No explicit sync: B pushes on its own, the server pokes A, A pulls.
    await expect
      .poll(async () => (await a.ok<ReportDetail>('reports.get', { id })).log.map((e) => e.text), {
        timeout: 10_000,
      })
      .toContain('Passa il camion domattina');
  });

  it('closing a report someone else already closed is undone locally and leaves a notice naming it', async () => {
    const a = await replica('lucia.verdi');
    const b = await replica('mario.rossi');
    const positivo = await outcomeId(a);
    const { id } = await newReport(a, 'Buca in via Borfuro');
    await a.ok('reports.takeInCharge', { id });
    await a.sync();
    await b.sync();
    b.proxy.down();
    await a.ok('reports.close', { id, outcomeId: positivo, closingNote: 'Chiusa da Lucia' });
    await a.sync();
    await b.ok('reports.close', { id, outcomeId: positivo, closingNote: 'Chiusa da Mario' });
    expect((await b.ok<ReportDetail>('reports.get', { id })).closingNote).toBe('Chiusa da Mario');
    b.proxy.up();
    await b.sync();
    await b.sync();
    const d = await b.ok<ReportDetail>('reports.get', { id });
    expect(d.closingNote).toBe('Chiusa da Lucia');
    const notices = await b.ok<{ id: string; reportCode: string | null; what: string; message: string }[]>(
      'sync.notices',
      {},
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ reportCode: d.code, what: 'Chiusura della segnalazione' });
    expect(notices[0]!.message).toMatch(/Chiuso/);
    expect((await b.ok<SyncStatusView>('sync.status', {})).pending).toBe(0);
    await b.ok('sync.acknowledge', { id: notices[0]!.id });
    expect(await b.ok('sync.notices', {})).toEqual([]);
  });

  it('a supplier’s replica file holds only the reports given to it, and loses one when it is taken away', async () => {
    const a = await replica('lucia.verdi');
    const s = await replica('ditta.asfalti');
    const dir = await a.ok<{ users: { id: string; username: string }[] }>('directory.get', {});
    const supplierId = dir.users.find((u) => u.username === 'ditta.asfalti')!.id;
    const given = await a.ok<{ id: string }>('reports.create', {
      fields: { title: 'Asfalto da rifare in via Moroni', channel: 'telefono', categoryId: null },
      reporters: [
        {
          reporterId: crypto.randomUUID(),
          newReporter: { nome: 'Rosa', cognome: 'Ghisleri', email: 'rosa@example.it' },
        },
      ],
    });
    const kept = await newReport(a, 'Segnalazione riservata al Comune');
    await a.ok('reports.addNote', { id: kept.id, text: 'Nota interna che il fornitore non deve vedere' });
    await a.ok('reports.assign', { id: given.id, kind: 'user', assigneeId: supplierId });
    await a.ok('reports.addNote', { id: given.id, text: 'Intervento urgente' });
    // The log names an added reporter: the supplier's copy of the log must not.
    await a.ok('reports.addReporter', {
      id: given.id,
      reporter: { reporterId: crypto.randomUUID(), newReporter: { nome: 'Carla', cognome: 'Fracci' } },
    });
    await a.sync();
    await s.sync();

    // Read the supplier's SQLite file itself, not the API.
    const db = s.core.services.db;
    const ids = (db.prepare('SELECT id FROM reports').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual([given.id]);
    const notes = (
      db.prepare("SELECT text FROM log_entries WHERE kind = 'note'").all() as { text: string }[]
    ).map((n) => n.text);
    expect(notes).toEqual(['Intervento urgente']);
    // No reporters' data without the permission, and no colleagues' emails.
    expect(db.prepare('SELECT count(*) AS n FROM reporters').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM users WHERE email IS NOT NULL').get()).toEqual({ n: 0 });
    const raw = JSON.stringify(dumpReplica(db));
    expect(raw).not.toMatch(/Ghisleri|Fracci|riservata al Comune|non deve vedere/);
    expect(raw).toMatch(/reporter_added/);

    await a.ok('reports.unassign', { id: given.id, kind: 'user', assigneeId: supplierId });
    await a.sync();
    await s.sync();
    expect(db.prepare('SELECT count(*) AS n FROM reports').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM log_entries').get()).toEqual({ n: 0 });
    expect(ftsIds(db, 'asfalto')).toEqual([]);
  });

  it('a user who logged in on this PC before can log in offline; a wrong password cannot', async () => {
    const a = await replica('anna.neri');
    const { id } = await newReport(a, 'Perdita d’acqua in via Zambonate');
    await a.sync();
    a.core.close();
    a.proxy.down();
    const again = await replica('anna.neri', { dir: a.dir, proxy: a.proxy });
    const d = await again.ok<ReportDetail>('reports.get', { id });
    expect(d.title).toBe('Perdita d’acqua in via Zambonate');
    expect((await again.ok<SyncStatusView>('sync.status', {})).phase).toBe('offline');
    const wrong = await again.core.call('auth.login', { username: 'anna.neri', password: 'sbagliata' }, null);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const stranger = await again.core.call(
      'auth.login',
      { username: 'mario.rossi', password: PASSWORD },
      null,
    );
    expect(stranger).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    if (!stranger.ok) expect(stranger.error.message).toMatch(/primo accesso/);
    // Offline work queues up and goes out when the network is back.
    await again.ok('reports.addNote', { id, text: 'Scritta senza rete' });
    again.proxy.up();
    await again.sync();
    expect((await again.ok<SyncStatusView>('sync.status', {})).pending).toBe(0);
  });

  it('an administrator creates an account in the app: the password reaches the server, never the outbox', async () => {
    const admin = await replica('admin');
    const { id } = await admin.ok<{ id: string }>('settings.users.save', {
      username: 'paolo.neri',
      fullName: 'Paolo Neri',
      role: 'operatore',
      permissions: {
        canReply: true,
        majorEdits: false,
        seesReporterData: true,
        statistics: false,
        export: false,
      },
      password: 'prima-password-di-paolo',
    });
    const outbox = admin.core.services.db.prepare('SELECT args FROM outbox').all() as { args: string }[];
    expect(JSON.stringify(outbox)).not.toMatch(/prima-password/);
    // Paolo connects a new PC with it.
    const dir = mkdtempSync(join(tmpdir(), 'sportello-replica-'));
    const core = await createCore({ dataDir: dir });
    pool.track(dir, core);
    const r = await core.call(
      'sync.connect',
      { serverUrl: server.url, username: 'paolo.neri', password: 'prima-password-di-paolo' },
      null,
    );
    expect(r).toMatchObject({ ok: true, value: { user: { id, fullName: 'Paolo Neri' } } });
    // A clerk cannot set passwords on the server, whatever the PC says.
    const clerk = await replica('mario.rossi');
    const token = (clerk.core.services.db.prepare('SELECT token FROM sync_state').get() as { token: string })
      .token;
    const res = await fetch(new URL('/sync/v1/users/password', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ userId: id, newPassword: 'rubata-da-mario' }),
    });
    expect(res.status).toBe(403);
  });

  it('a rule fires exactly once per report, whichever PC entered it and even offline', async () => {
    const admin = await replica('admin');
    const strada = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Strada',
    });
    const buca = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: strada.id,
      name: 'Buca',
      daysToClose: 10,
    });
    const dir = await admin.ok<{ users: { id: string; username: string }[] }>('directory.get', {});
    const lucia = dir.users.find((u) => u.username === 'lucia.verdi')!.id;
    await admin.ok('automations.save', {
      name: 'Buche a Lucia',
      conditions: { categoryIds: [strada.id] },
      actions: { assignUserIds: [lucia], takeInCharge: true },
    });
    await admin.sync();
    const b = await replica('mario.rossi');
    b.proxy.down();
    const { id } = await b.ok<{ id: string }>('reports.create', {
      fields: { title: 'Buca in via Broseta', channel: 'telefono', categoryId: buca.id },
    });
    // Offline, the rule already shows its effect on this PC.
    expect((await b.ok<ReportDetail>('reports.get', { id })).status).toBe('in_gestione');
    b.proxy.up();
    await b.sync();
    await admin.sync();
    expect(await b.ok('sync.notices', {})).toEqual([]);
    for (const r of [b, admin]) {
      const d = await r.ok<ReportDetail>('reports.get', { id });
      expect(d.status).toBe('in_gestione');
      expect(d.assignments.map((a) => a.assigneeId)).toEqual([lucia]);
      expect(d.log.filter((e) => e.data?.byRule === 'Buche a Lucia').map((e) => e.action)).toEqual([
        'assigned',
        'status_changed',
      ]);
    }
  });

  it('a rule "anche quando la segnalazione cambia" fires once for a change made offline, and not again', async () => {
    const admin = await replica('admin');
    const verde = await admin.ok<{ id: string }>('settings.categories.save', {
      parentId: null,
      name: 'Verde pubblico',
    });
    const dir = await admin.ok<{ users: { id: string; username: string }[] }>('directory.get', {});
    const anna = dir.users.find((u) => u.username === 'anna.neri')!.id;
    await admin.ok('automations.save', {
      name: 'Verde ad Anna',
      onUpdate: true,
      conditions: { categoryIds: [verde.id] },
      actions: { assignUserIds: [anna], priority: 'alta' },
    });
    await admin.sync();
    const b = await replica('mario.rossi');
    const { id } = await newReport(b, 'Albero caduto in via Tasso');
    await b.sync();
    b.proxy.down();
    await b.ok('reports.update', { id, patch: { categoryId: verde.id } });
    // Offline, the rule already shows its effect on this PC.
    expect((await b.ok<ReportDetail>('reports.get', { id })).priority).toBe('alta');
    // A second edit while still offline keeps the rule applying: it does not fire again.
    await b.ok('reports.update', { id, patch: { title: 'Albero caduto in via Tasso 8' } });
    b.proxy.up();
    await b.sync();
    await admin.sync();
    expect(await b.ok('sync.notices', {})).toEqual([]);
    for (const r of [b, admin]) {
      const d = await r.ok<ReportDetail>('reports.get', { id });
      expect(d.priority).toBe('alta');
      expect(d.assignments.map((a) => a.assigneeId)).toEqual([anna]);
      expect(d.log.filter((e) => e.data?.byRule === 'Verde ad Anna').map((e) => e.action)).toEqual([
        'assigned',
        'updated',
      ]);
    }

    // The server reads the reporters' email domains too: a rule on category and domain
    // fires on the PC and again on the server, so its note survives the sync, once.
    await admin.ok('automations.save', {
      name: 'Verde dal Comune',
      onUpdate: true,
      conditions: { categoryIds: [verde.id], emailDomains: ['comune.bergamo.it'] },
      actions: { note: 'Segnalazione di un ufficio comunale' },
    });
    await admin.sync();
    await b.sync();
    const other = await b.ok<{ id: string }>('reports.create', {
      fields: { title: 'Siepe da potare', channel: 'email', categoryId: null },
      reporters: [
        {
          reporterId: '0190a0a0-0000-7000-8000-00000000c0de',
          newReporter: { nome: 'Ufficio', cognome: 'Tecnico', email: 'tecnico@comune.bergamo.it' },
        },
      ],
    });
    await b.sync();
    await b.ok('reports.update', { id: other.id, patch: { categoryId: verde.id } });
    await b.sync();
    await admin.sync();
    for (const r of [b, admin]) {
      const d = await r.ok<ReportDetail>('reports.get', { id: other.id });
      expect(d.log.filter((e) => e.data?.byRule === 'Verde dal Comune').map((e) => e.text)).toEqual([
        'Segnalazione di un ufficio comunale',
      ]);
    }
  });
});
