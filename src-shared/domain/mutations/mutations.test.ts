/** The pure mutations, tested without any database: a snapshot in, changes out. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import type { Actor, Category, Outcome, Report, User } from '../types';
import { emptySnapshot, type MutationEnv, type ReportState, type Snapshot } from './framework';
import { MUTATIONS } from './index';

const NOW = Date.UTC(2026, 10, 20, 10, 0, 0);
let n = 0;
const id = () => `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
const env = (): MutationEnv => ({ now: NOW, newId: id, allocateCode: (y) => `${y}-000777` });

const perms = (on: boolean) => ({
  canReply: on,
  majorEdits: on,
  seesReporterData: on,
  statistics: on,
  export: on,
});
const admin: Actor = { id: id(), role: 'amministratore', permissions: perms(false), groupIds: [] };
const clerk: Actor = {
  id: id(),
  role: 'operatore',
  permissions: { ...perms(false), seesReporterData: true },
  groupIds: [],
};
const editor: Actor = { id: id(), role: 'operatore', permissions: perms(true), groupIds: [] };
const supplierGroup = id();
const supplier: Actor = { id: id(), role: 'fornitore', permissions: perms(false), groupIds: [supplierGroup] };

const buca: Category = {
  id: id(),
  parentId: id(),
  name: 'Buca',
  active: true,
  daysToClose: 10,
  duplicateRadiusM: null,
  duplicateDays: null,
  sortOrder: 0,
  updatedAt: 0,
};
const positivo: Outcome = {
  id: id(),
  label: 'Positivo',
  kind: 'resolved',
  active: true,
  sortOrder: 0,
  updatedAt: 0,
};

function report(over: Partial<Report> = {}): Report {
  return {
    id: id(),
    code: '2026-000001',
    title: 'Buca',
    description: '',
    categoryId: buca.id,
    address: 'Via Roma 1',
    lat: null,
    lon: null,
    channel: 'telefono',
    status: 'nuovo',
    outcomeId: null,
    closingNote: null,
    priority: 'normale',
    dueAt: null,
    mergedInto: null,
    mergedFromStatus: null,
    createdBy: clerk.id,
    createdAt: NOW - 1000,
    updatedBy: clerk.id,
    updatedAt: NOW - 1000,
    closedAt: null,
    ...over,
  };
}

function world(r: Report, assignments: ReportState['assignments'] = []) {
  const s = emptySnapshot();
  s.reports.set(r.id, { report: r, assignments, reporters: [] });
  s.categories.set(buca.id, buca);
  s.outcomes.set(positivo.id, positivo);
  return s;
}

function run(name: keyof typeof MUTATIONS, s: Snapshot, args: unknown, actor: Actor) {
  const def = MUTATIONS[name];
  return def.apply(s, def.args.parse(args) as never, actor, env());
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('report.create', () => {
  it('creates a Nuovo report with the category deadline, the code, a log entry and new reporters', () => {
    const rid = id();
    const s = emptySnapshot();
    s.categories.set(buca.id, buca);
    const reporterId = id();
    const out = run(
      'report.create',
      s,
      {
        id: rid,
        fields: { title: 'Buca profonda', categoryId: buca.id, channel: 'telefono' },
        reporters: [
          { reporterId, newReporter: { nome: 'Maria', cognome: 'Bianchi', email: 'Maria@Example.it' } },
        ],
      },
      clerk,
    );
    const rep = out.changes.find((c) => c.table === 'reports')!.row as Report;
    expect(rep.status).toBe('nuovo');
    expect(rep.code).toBe('2026-000777');
    expect(rep.dueAt).toBe(NOW + 10 * 86_400_000);
    expect(out.changes.find((c) => c.table === 'reporters')!.row).toMatchObject({
      email: 'maria@example.it',
    });
    expect(out.changes.find((c) => c.table === 'log_entries')!.row).toMatchObject({
      action: 'created',
      actorId: clerk.id,
    });
    expect(out.touchedReports).toEqual([rid]);
  });

  it('keeps the provisional code an offline replica showed as an alias of the final one', () => {
    const rid = id();
    const out = run(
      'report.create',
      emptySnapshot(),
      {
        id: rid,
        fields: { title: 'Buca', categoryId: null, channel: 'web' },
        clientCode: '2026-BKTZ-0007',
      },
      clerk,
    );
    expect(out.changes.find((c) => c.table === 'reports')!.row).toMatchObject({ code: '2026-000777' });
    expect(out.changes.find((c) => c.table === 'report_codes')!.row).toEqual({
      code: '2026-BKTZ-0007',
      reportId: rid,
    });
  });

  it('refuses suppliers, and an invalid codice fiscale with its Italian message', () => {
    const s = emptySnapshot();
    expect(
      refusal(() =>
        run(
          'report.create',
          s,
          { id: id(), fields: { title: 'Buca', categoryId: null, channel: 'web' } },
          supplier,
        ),
      ).code,
    ).toBe('forbidden');
    expect(() =>
      run(
        'report.create',
        s,
        {
          id: id(),
          fields: { title: 'Buca', categoryId: null, channel: 'web' },
          reporters: [
            { reporterId: id(), newReporter: { nome: 'A', cognome: 'B', codiceFiscale: 'RSSMRA85T10A562T' } },
          ],
        },
        clerk,
      ),
    ).toThrow(/carattere di controllo/);
  });
});

describe('status moves', () => {
  it('takes in charge, closes with an outcome, reopens — each logged with before/after', () => {
    let r = report();
    let out = run('report.setStatus', world(r), { reportId: r.id, status: 'in_gestione' }, clerk);
    r = out.changes[0]!.row as Report;
    expect(r.status).toBe('in_gestione');
    expect(out.changes[1]!.row).toMatchObject({
      action: 'status_changed',
      data: { before: 'nuovo', after: 'in_gestione' },
    });

    out = run(
      'report.close',
      world(r),
      { reportId: r.id, outcomeId: positivo.id, closingNote: 'Riparata' },
      clerk,
    );
    r = out.changes[0]!.row as Report;
    expect(r).toMatchObject({
      status: 'chiuso',
      outcomeId: positivo.id,
      closingNote: 'Riparata',
      closedAt: NOW,
    });
    expect(out.changes[1]!.row).toMatchObject({ action: 'closed', data: { outcomeLabel: 'Positivo' } });

    out = run('report.reopen', world(r), { reportId: r.id, reason: 'Di nuovo rotta' }, clerk);
    expect(out.changes[0]!.row).toMatchObject({ status: 'in_gestione', outcomeId: null, closedAt: null });
    expect(out.changes[1]!.row).toMatchObject({
      action: 'reopened',
      data: { previousOutcomeId: positivo.id },
    });
  });

  it('refuses to close without a valid outcome and refuses Nuovo → Chiuso', () => {
    const r = report({ status: 'in_gestione' });
    expect(
      refusal(() => run('report.close', world(r), { reportId: r.id, outcomeId: id() }, clerk)).message,
    ).toMatch(/esito/);
    const n0 = report();
    const e = refusal(() =>
      run('report.close', world(n0), { reportId: n0.id, outcomeId: positivo.id }, clerk),
    );
    expect(e.code).toBe('invalid_transition');
    expect(e.message).toMatch(/presa in gestione/);
  });

  it('taking in charge never reopens a closed report', () => {
    const r = report({ status: 'chiuso', outcomeId: positivo.id });
    const e = refusal(() =>
      run('report.setStatus', world(r), { reportId: r.id, status: 'in_gestione' }, clerk),
    );
    expect(e.code).toBe('invalid_transition');
    expect(e.message).toMatch(/riaperta/);
  });

  it('refuses to close a report someone already closed', () => {
    const r = report({ status: 'chiuso', outcomeId: positivo.id });
    expect(
      refusal(() => run('report.close', world(r), { reportId: r.id, outcomeId: positivo.id }, clerk)).code,
    ).toBe('invalid_transition');
  });
});

describe('permissions', () => {
  it('a supplier acts only on reports assigned to it or its groups', () => {
    const mine = report();
    const viaGroup = report();
    const other = report();
    const a = (r: Report, kind: 'user' | 'group', assigneeId: string) => [
      { reportId: r.id, kind, assigneeId, assignedAt: 0, assignedBy: admin.id },
    ];
    expect(() =>
      run(
        'report.addNote',
        world(mine, a(mine, 'user', supplier.id)),
        { reportId: mine.id, text: 'fatto' },
        supplier,
      ),
    ).not.toThrow();
    expect(() =>
      run(
        'report.setStatus',
        world(viaGroup, a(viaGroup, 'group', supplierGroup)),
        { reportId: viaGroup.id, status: 'in_gestione' },
        supplier,
      ),
    ).not.toThrow();
    expect(
      refusal(() =>
        run(
          'report.addNote',
          world(other, a(other, 'user', clerk.id)),
          { reportId: other.id, text: 'x' },
          supplier,
        ),
      ).code,
    ).toBe('not_found');
  });

  it('editing substance needs "modifiche principali"; priority does not', () => {
    const r = report();
    expect(
      refusal(() =>
        run('report.update', world(r), { reportId: r.id, patch: { title: 'Altro titolo' } }, clerk),
      ).code,
    ).toBe('forbidden');
    const ok = run('report.update', world(r), { reportId: r.id, patch: { title: 'Altro titolo' } }, editor);
    expect(ok.changes[1]!.row).toMatchObject({
      action: 'updated',
      data: { changes: [{ field: 'title', before: 'Buca', after: 'Altro titolo' }] },
    });
    expect(() =>
      run('report.update', world(r), { reportId: r.id, patch: { priority: 'alta' } }, clerk),
    ).not.toThrow();

    // A category change logs names as well as ids, and brings the new deadline.
    const altro: Category = { ...buca, id: id(), name: 'Marciapiede', daysToClose: 30 };
    const s = world(r);
    s.categories.set(altro.id, altro);
    const moved = run('report.update', s, { reportId: r.id, patch: { categoryId: altro.id } }, editor);
    expect(moved.changes[0]!.row).toMatchObject({
      categoryId: altro.id,
      dueAt: r.createdAt + 30 * 86_400_000,
    });
    expect(moved.changes[1]!.row).toMatchObject({
      data: { changes: [{ field: 'categoryId', beforeText: 'Buca', afterText: 'Marciapiede' }] },
    });
  });

  it('settings are for administrators only; an admin cannot lock themselves out', () => {
    const s = emptySnapshot();
    const cat = { id: id(), parentId: null, name: 'Strada' };
    expect(refusal(() => run('category.save', s, cat, editor)).code).toBe('forbidden');
    expect(() => run('category.save', s, cat, admin)).not.toThrow();
    const self = {
      id: admin.id,
      username: 'admin',
      fullName: 'Admin',
      role: 'operatore',
      permissions: perms(true),
    };
    expect(refusal(() => run('user.save', s, self, admin)).message).toMatch(/amministratore/);
  });

  it('categories have two levels only', () => {
    const s = emptySnapshot();
    s.categories.set(buca.id, buca);
    expect(
      refusal(() => run('category.save', s, { id: id(), parentId: buca.id, name: 'Sotto-sotto' }, admin))
        .message,
    ).toMatch(/due livelli/);
  });
});

describe('notes and assignments', () => {
  it('records @mentions of existing active users only', () => {
    const r = report();
    const s = world(r);
    const lucia: User = {
      id: id(),
      username: 'lucia.verdi',
      fullName: 'Lucia Verdi',
      email: null,
      role: 'operatore',
      permissions: perms(true),
      active: true,
      notifyByEmail: false,
      createdAt: 0,
      updatedAt: 0,
    };
    s.usernames.set('lucia.verdi', lucia);
    const out = run(
      'report.addNote',
      s,
      { reportId: r.id, text: '@lucia.verdi e @nessuno: sopralluogo?' },
      clerk,
    );
    expect(out.changes[0]!.row).toMatchObject({
      kind: 'note',
      mentions: [lucia.id],
      text: '@lucia.verdi e @nessuno: sopralluogo?',
    });
  });

  it('refuses to assign twice or to a missing user', () => {
    const r = report();
    const s = world(r, [
      { reportId: r.id, kind: 'user', assigneeId: clerk.id, assignedAt: 0, assignedBy: admin.id },
    ]);
    s.users.set(clerk.id, {
      id: clerk.id,
      username: 'c',
      fullName: 'Carla Clerk',
      email: null,
      role: 'operatore',
      permissions: perms(false),
      active: true,
      notifyByEmail: false,
      createdAt: 0,
      updatedAt: 0,
    });
    expect(
      refusal(() => run('report.assign', s, { reportId: r.id, kind: 'user', assigneeId: clerk.id }, admin))
        .code,
    ).toBe('conflict');
    expect(
      refusal(() => run('report.assign', s, { reportId: r.id, kind: 'user', assigneeId: id() }, admin)).code,
    ).toBe('validation');
  });
});
