/** Rubrica fornitori, report.forward and user.setNotifications as pure functions. */
import { describe, expect, it } from 'vitest';
import type { AddressBookEntry } from '../address-book';
import { mapLink, suggestRecipients } from '../address-book';
import { DomainError } from '../errors';
import type { Actor, Category, Report, Reporter, User } from '../types';
import { emptySnapshot, type MutationEnv, type Snapshot } from './framework';
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
const clerk: Actor = { id: id(), role: 'operatore', permissions: perms(true), groupIds: [] };
const noReply: Actor = {
  id: id(),
  role: 'operatore',
  permissions: { ...perms(true), canReply: false },
  groupIds: [],
};
const noData: Actor = {
  id: id(),
  role: 'operatore',
  permissions: { ...perms(true), seesReporterData: false },
  groupIds: [],
};
const supplier: Actor = { id: id(), role: 'fornitore', permissions: perms(true), groupIds: [] };

const strada: Category = {
  id: id(),
  parentId: null,
  name: 'Strada',
  active: true,
  daysToClose: null,
  sortOrder: 0,
  updatedAt: 0,
} as Category;
const buca = { ...strada, id: id(), parentId: strada.id, name: 'Buca' } as Category;

const entry = (over: Partial<AddressBookEntry> = {}): AddressBookEntry => ({
  id: id(),
  name: 'Ufficio tecnico',
  organisation: 'Asfalti S.r.l.',
  email: 'tecnico@asfalti.example.it',
  categoryIds: [],
  notes: '',
  active: true,
  updatedAt: 0,
  ...over,
});

function run(name: keyof typeof MUTATIONS, state: Snapshot, args: unknown, actor: Actor) {
  const def = MUTATIONS[name];
  return def.apply(state, def.args.parse(args) as never, actor, env());
}
const code = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
};

describe('addressBook.save', () => {
  it('is for administrators, with categories that exist', () => {
    const s = emptySnapshot();
    s.categories.set(buca.id, buca);
    const args = { id: id(), name: ' Luce ', email: 'Luce@Example.it', categoryIds: [buca.id, buca.id] };
    expect(code(() => run('addressBook.save', s, args, clerk))).toBe('forbidden');
    const r = run('addressBook.save', s, args, admin);
    expect(r.changes).toEqual([
      {
        op: 'put',
        table: 'address_book',
        row: {
          id: args.id,
          name: 'Luce',
          organisation: '',
          email: 'luce@example.it',
          categoryIds: [buca.id],
          notes: '',
          active: true,
          updatedAt: NOW,
        },
      },
    ]);
    expect(code(() => run('addressBook.save', s, { ...args, categoryIds: [id()] }, admin))).toBe(
      'validation',
    );
  });
});

describe('report.forward', () => {
  const report = { id: id(), code: '2026-000001', title: 'Buca', categoryId: buca.id } as Report;
  const reporter = { id: id(), nome: 'Anna', cognome: 'Neri', email: 'anna@example.it' } as Reporter;
  const recipient = entry();
  const state = () => {
    const s = emptySnapshot();
    s.reports.set(report.id, {
      report,
      assignments: [],
      reporters: [{ reportId: report.id, reporterId: reporter.id, position: 0 }],
    });
    s.reporters.set(reporter.id, reporter);
    s.addressBook.set(recipient.id, recipient);
    return s;
  };
  const args = (over: object = {}) => ({
    reportId: report.id,
    emailId: id(),
    recipientId: recipient.id,
    ...over,
  });

  it('logs the forward and hands back the email without reporters by default', () => {
    const a = args({ message: 'Urgente' });
    const r = run('report.forward', state(), a, clerk);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({
      table: 'log_entries',
      row: {
        action: 'forwarded',
        actorId: clerk.id,
        data: {
          emailId: a.emailId,
          recipientEmail: recipient.email,
          message: 'Urgente',
          reportersIncluded: 0,
        },
      },
    });
    expect(r.value).toMatchObject({
      emailId: a.emailId,
      reporters: [],
      recipient: { email: recipient.email },
    });
  });

  it('includes reporters only when chosen, and only for who may see them', () => {
    const r = run('report.forward', state(), args({ includeReporterIds: [reporter.id] }), clerk);
    expect((r.value as { reporters: unknown[] }).reporters).toEqual([
      { nome: 'Anna', cognome: 'Neri', email: 'anna@example.it', telefono: undefined, indirizzo: undefined },
    ]);
    expect(
      code(() => run('report.forward', state(), args({ includeReporterIds: [reporter.id] }), noData)),
    ).toBe('forbidden');
    expect(code(() => run('report.forward', state(), args({ includeReporterIds: [id()] }), clerk))).toBe(
      'validation',
    );
  });

  it('refuses suppliers, users without «può rispondere» and inactive recipients', () => {
    expect(code(() => run('report.forward', state(), args(), supplier))).toBe('forbidden');
    expect(code(() => run('report.forward', state(), args(), noReply))).toBe('forbidden');
    const s = state();
    s.addressBook.set(recipient.id, { ...recipient, active: false });
    expect(code(() => run('report.forward', s, args(), clerk))).toBe('validation');
  });
});

describe('user.setNotifications', () => {
  const me = {
    id: clerk.id,
    username: 'lucia',
    fullName: 'Lucia',
    email: null,
    notifyByEmail: false,
  } as User;
  const s = () => {
    const x = emptySnapshot();
    x.users.set(me.id, me);
    return x;
  };
  it('a user changes their own choice, not someone else’s (administrators may)', () => {
    const a = { userId: me.id, notifyByEmail: true, email: 'Lucia@Comune.it' };
    const r = run('user.setNotifications', s(), a, clerk);
    expect(r.changes[0]).toMatchObject({
      table: 'users',
      row: { id: me.id, notifyByEmail: true, email: 'lucia@comune.it', updatedAt: NOW },
    });
    expect(code(() => run('user.setNotifications', s(), a, noData))).toBe('forbidden');
    expect(code(() => run('user.setNotifications', s(), a, admin))).toBeNull();
    expect(code(() => run('user.setNotifications', s(), { ...a, email: null }, clerk))).toBe('validation');
  });
});

describe('suggestRecipients and mapLink', () => {
  it('puts the category’s recipients first, then the parent’s, then the rest by name; hides inactive ones', () => {
    const exact = entry({ name: 'Zeta', categoryIds: [buca.id] });
    const parent = entry({ name: 'Beta', categoryIds: [strada.id] });
    const other = entry({ name: 'Alfa' });
    const off = entry({ name: 'Spento', categoryIds: [buca.id], active: false });
    expect(
      suggestRecipients([other, off, parent, exact], buca.id, [strada, buca]).map((x) => [
        x.entry.name,
        x.suggested,
      ]),
    ).toEqual([
      ['Zeta', true],
      ['Beta', true],
      ['Alfa', false],
    ]);
    expect(suggestRecipients([exact], null, []).map((x) => x.suggested)).toEqual([false]);
  });
  it('links OpenStreetMap at the point', () => {
    expect(mapLink(45.7, 9.67)).toBe(
      'https://www.openstreetmap.org/?mlat=45.700000&mlon=9.670000#map=18/45.700000/9.670000',
    );
  });
});
