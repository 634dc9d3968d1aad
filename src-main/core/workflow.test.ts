/** The desk's daily work through the API, on a real SQLite file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const phoneReport = (f: Fixture, extra: object = {}) => ({
  fields: {
    title: 'Buca pericolosa in via Città di Mantova',
    description: 'Una buca profonda davanti al civico 12, perché nessuno la ripara?',
    categoryId: f.bucaId,
    address: 'Via Città di Mantova 12',
    lat: 45.6983,
    lon: 9.6773,
    channel: 'telefono',
  },
  reporters: [
    {
      reporterId: crypto.randomUUID(),
      newReporter: {
        nome: 'Giuseppe',
        cognome: 'Esposito',
        email: 'g.esposito@example.it',
        telefono: '035 123 4567',
        codiceFiscale: 'RSSMRA85T10A562S',
      },
    },
  ],
  ...extra,
});

describe('report workflow', () => {
  it('create → search (with and without accents) → open by code → take in charge → assign → note → close → reopen', async () => {
    const { id, code } = await w.ok<{ id: string; code: string }>('reports.create', phoneReport(f), f.clerk);
    expect(code).toMatch(/^2026-\d{6}$/);

    // Whole words, accents folded, reporters, the code, and a word still being typed ("manto").
    for (const q of [
      'citta mantova',
      'città',
      'perche',
      'esposito',
      'g.esposito',
      code,
      'città manto',
      'espos',
    ]) {
      const list = await w.ok<{ rows: { id: string }[] }>('reports.list', { filters: { q } }, f.clerk);
      expect(
        list.rows.map((r) => r.id),
        q,
      ).toEqual([id]);
    }
    expect(
      (await w.ok<{ id: string }>('reports.openByCode', { code: code.replace(/-0+/, '-') }, f.clerk)).id,
    ).toBe(id);

    await w.ok('reports.takeInCharge', { id }, f.clerk);
    await w.ok('reports.assign', { id, kind: 'user', assigneeId: f.colleagueId }, f.clerk);
    await w.ok('reports.addNote', { id, text: '@mario.rossi puoi fare un sopralluogo?' }, f.clerk);
    await w.ok(
      'reports.close',
      { id, outcomeId: f.positivoId, closingNote: 'Buca chiusa con asfalto a freddo' },
      f.clerk,
    );
    let d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d).toMatchObject({
      status: 'chiuso',
      outcomeLabel: 'Positivo',
      closingNote: 'Buca chiusa con asfalto a freddo',
    });
    expect(d.categoryPath).toBe('Strada > Buca');
    expect(d.dueAt).toBe(d.createdAt + 10 * 86_400_000);
    expect(d.assignments.map((a) => a.name)).toEqual(['Mario Rossi']);

    await w.ok('reports.reopen', { id, reason: 'La buca si è riaperta' }, f.clerk);
    d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.status).toBe('in_gestione');
    expect(d.log.map((e) => e.action)).toEqual([
      'created',
      'status_changed',
      'assigned',
      'note',
      'closed',
      'reopened',
    ]);
    const note = d.log.find((e) => e.kind === 'note')!;
    expect(note.mentions).toEqual([f.colleagueId]);
    expect(note.actorName).toBe('Lucia Verdi');

    // A note's words are searchable.
    const byNote = await w.ok<{ rows: { id: string }[] }>(
      'reports.list',
      { filters: { q: 'sopralluogo' } },
      f.clerk,
    );
    expect(byNote.rows.map((r) => r.id)).toEqual([id]);
  });

  it('every mutation writes an outbox row; a refused one writes nothing at all', async () => {
    const db = w.core.services.db;
    const outbox = () =>
      db.prepare('SELECT name, actor_id FROM outbox ORDER BY seq').all() as {
        name: string;
        actor_id: string;
      }[];
    const before = outbox().length;
    const { id } = await w.ok<{ id: string }>('reports.create', phoneReport(f), f.clerk);
    await w.ok('reports.takeInCharge', { id }, f.clerk);
    expect(outbox().slice(before)).toEqual([
      { name: 'report.create', actor_id: f.clerkId },
      { name: 'report.setStatus', actor_id: f.clerkId },
    ]);
    const counts = () =>
      db
        .prepare(
          'SELECT (SELECT count(*) FROM outbox) o, (SELECT count(*) FROM log_entries) l, (SELECT count(*) FROM reports) r',
        )
        .get();
    const snapshot = counts();
    const r = await w.core.call('reports.takeInCharge', { id }, f.clerk);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    expect(counts()).toEqual(snapshot);
  });

  it('a failure in the middle of a mutation rolls everything back', async () => {
    const db = w.core.services.db;
    const count = () => (db.prepare('SELECT count(*) n FROM reports').get() as { n: number }).n;
    const before = count();
    // The reporter id collides with an existing reporter: refused after the report row was prepared.
    const first = phoneReport(f);
    await w.ok('reports.create', first, f.clerk);
    const again = { ...phoneReport(f), reporters: first.reporters };
    const r = await w.core.call('reports.create', again, f.clerk);
    expect(r.ok).toBe(false);
    expect(count()).toBe(before + 1);
  });

  it('refuses invalid forms with Italian field messages and saves nothing', async () => {
    const r = await w.core.call(
      'reports.create',
      { fields: { title: 'x', channel: 'piccione', categoryId: null } },
      f.clerk,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation');
      expect(r.error.fields?.['fields.title']).toMatch(/almeno 3 caratteri/);
    }
    const bad = await w.core.call(
      'reports.create',
      phoneReport(f, {
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'A', cognome: 'B', codiceFiscale: 'RSSMRA85T10A562X' },
          },
        ],
      }),
      f.clerk,
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/codice fiscale/);
  });

  it('codes are sequential per year and unique', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++)
      codes.add((await w.ok<{ code: string }>('reports.create', phoneReport(f), f.clerk)).code);
    expect([...codes]).toEqual(['2026-000001', '2026-000002', '2026-000003', '2026-000004', '2026-000005']);
    w.clock.advance(60 * 86_400_000); // into 2027
    const token = (
      await w.ok<{ token: string }>('auth.login', {
        username: 'lucia.verdi',
        password: 'password-lucia.verdi',
      })
    ).token;
    expect((await w.ok<{ code: string }>('reports.create', phoneReport(f), token)).code).toBe('2027-000001');
  });
});

describe('roles enforced in the core', () => {
  it('a fornitore sees and changes only reports assigned to it or its groups', async () => {
    const mine = (await w.ok<{ id: string }>('reports.create', phoneReport(f), f.clerk)).id;
    const group = (await w.ok<{ id: string }>('reports.create', phoneReport(f), f.clerk)).id;
    const other = await w.ok<{ id: string; code: string }>('reports.create', phoneReport(f), f.clerk);
    await w.ok('reports.assign', { id: mine, kind: 'user', assigneeId: f.supplierId }, f.clerk);
    await w.ok('reports.assign', { id: group, kind: 'group', assigneeId: f.supplierGroupId }, f.clerk);

    const list = await w.ok<{ rows: { id: string }[]; total: number }>('reports.list', {}, f.supplier);
    expect(list.rows.map((r) => r.id).sort()).toEqual([mine, group].sort());
    expect(list.total).toBe(2);
    const search = await w.ok<{ rows: { id: string }[] }>(
      'reports.list',
      { filters: { q: 'buca' } },
      f.supplier,
    );
    expect(search.rows.map((r) => r.id).sort()).toEqual([mine, group].sort());

    expect(await w.core.call('reports.get', { id: other.id }, f.supplier)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await w.core.call('reports.openByCode', { code: other.code }, f.supplier)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await w.core.call('reports.addNote', { id: other.id, text: 'ciao' }, f.supplier)).toMatchObject({
      ok: false,
    });
    expect(await w.core.call('reports.create', phoneReport(f), f.supplier)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await w.core.call('reports.assign', { id: mine, kind: 'user', assigneeId: f.clerkId }, f.supplier),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const dash = await w.ok<{ byStatus: { nuovo: number } }>('dashboard.get', {}, f.supplier);
    expect(dash.byStatus.nuovo).toBe(2);

    // What it may do: work on its own reports.
    await w.ok('reports.takeInCharge', { id: mine }, f.supplier);
    await w.ok('reports.addNote', { id: mine, text: 'Intervento programmato per lunedì' }, f.supplier);
  });

  it('reporters are redacted by the core for users without "vede i dati dei segnalatori"', async () => {
    const { id } = await w.ok<{ id: string }>('reports.create', phoneReport(f), f.clerk);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.noData);
    expect(d.reporters).toHaveLength(1);
    expect(d.reporters[0]).toMatchObject({
      redacted: true,
      email: null,
      telefono: null,
      codiceFiscale: null,
    });
    expect(JSON.stringify(d)).not.toMatch(/Esposito|esposito|RSSMRA/);
    const list = await w.ok<{ rows: { reporterName: string | null }[] }>('reports.list', {}, f.noData);
    expect(list.rows[0]!.reporterName).toBeNull();
    expect(await w.core.call('reporters.search', { q: 'Esp' }, f.noData)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const full = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(full.reporters[0]).toMatchObject({ cognome: 'Esposito', codiceFiscale: 'RSSMRA85T10A562S' });

    // The log names an added reporter, except to those who may not see reporters.
    await w.ok(
      'reports.addReporter',
      {
        id,
        reporter: { reporterId: crypto.randomUUID(), newReporter: { nome: 'Carla', cognome: 'Fracci' } },
      },
      f.clerk,
    );
    const logFor = async (token: string) =>
      (await w.ok<ReportDetail>('reports.get', { id }, token)).log.find(
        (e) => e.action === 'reporter_added',
      )!;
    expect((await logFor(f.clerk)).data).toMatchObject({ name: 'Carla Fracci' });
    expect((await logFor(f.noData)).data).toMatchObject({ name: null });
    expect(JSON.stringify(await w.ok('reports.get', { id }, f.noData))).not.toMatch(/Fracci/);
  });

  it('settings calls are refused to non-administrators', async () => {
    expect(
      await w.core.call('settings.categories.save', { parentId: null, name: 'X' }, f.clerk),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await w.core.call('settings.users.list', {}, f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('a disabled user is logged out at once; a password change ends sessions', async () => {
    const users = await w.ok<
      { id: string; username: string; role: string; fullName: string; permissions: object }[]
    >('settings.users.list', {}, f.admin);
    const lucia = users.find((u) => u.username === 'lucia.verdi')!;
    await w.ok('settings.users.save', { ...lucia, active: false }, f.admin);
    expect(await w.core.call('reports.list', {}, f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(
      await w.core.call('auth.login', { username: 'lucia.verdi', password: 'password-lucia.verdi' }, null),
    ).toMatchObject({ ok: false });
    await w.ok(
      'auth.changePassword',
      { current: 'password-mario.rossi', next: 'nuova-password' },
      (
        await w.ok<{ token: string }>('auth.login', {
          username: 'mario.rossi',
          password: 'password-mario.rossi',
        })
      ).token,
    );
    expect(
      await w.core.call('auth.login', { username: 'mario.rossi', password: 'nuova-password' }, null),
    ).toMatchObject({ ok: true });
  });

  it('locks a username out after repeated wrong passwords', async () => {
    for (let i = 0; i < 5; i++)
      await w.core.call('auth.login', { username: 'mario.rossi', password: 'sbagliata' }, null);
    const r = await w.core.call(
      'auth.login',
      { username: 'mario.rossi', password: 'password-mario.rossi' },
      null,
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!r.ok) expect(r.error.message).toMatch(/Troppi tentativi/);
    w.clock.advance(6 * 60_000);
    expect(
      await w.core.call('auth.login', { username: 'mario.rossi', password: 'password-mario.rossi' }, null),
    ).toMatchObject({ ok: true });
  });

  it('sessions expire', async () => {
    w.clock.advance(13 * 60 * 60 * 1000);
    expect(await w.core.call('reports.list', {}, f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });
});
