/**
 * Rules "anche quando la segnalazione cambia" through the API on a real replica: they
 * fire when a change makes them apply, once, never on their own effects; rules run in
 * their order; only administrators write them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import { DomainError, emptySnapshot, MUTATIONS } from '../../src-shared/domain';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const get = (id: string) => w.ok<ReportDetail>('reports.get', { id }, f.admin);
const byRule = (d: ReportDetail) =>
  d.log.filter((e) => e.data?.byRule).map((e) => [e.action, e.data!.byRule as string]);
const create = (fields: object) =>
  w.ok<{ id: string }>(
    'reports.create',
    { fields: { title: 'Segnalazione', channel: 'telefono', categoryId: null, ...fields } },
    f.clerk,
  );

describe('rules on a change (onUpdate)', () => {
  it('a change that makes the rule apply fires it once; later edits and its own effects never fire it again', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Buche a Lucia',
        onUpdate: true,
        conditions: { categoryIds: [f.bucaId] },
        actions: { assignUserIds: [f.clerkId], takeInCharge: true, note: 'Assegnata dalla regola' },
      },
      f.admin,
    );
    const { id } = await create({ title: 'Buco in via Tasso' });
    expect(byRule(await get(id))).toEqual([]);

    await w.ok('reports.update', { id, patch: { categoryId: f.bucaId } }, f.clerk);
    let d = await get(id);
    expect(d.status).toBe('in_gestione');
    expect(d.assignments.map((a) => a.name)).toEqual(['Lucia Verdi']);
    expect(byRule(d)).toEqual([
      ['assigned', 'Buche a Lucia'],
      ['status_changed', 'Buche a Lucia'],
      ['note', 'Buche a Lucia'],
    ]);
    // The clerk's edit comes first, the rule's work after it, in the same instant.
    expect(d.log.map((e) => e.action).slice(-4)).toEqual(['updated', 'assigned', 'status_changed', 'note']);
    const logged = d.log.length;

    // Still a Buca after other edits: the rule does not fire again, even after someone
    // took Lucia off on purpose.
    await w.ok('reports.unassign', { id, kind: 'user', assigneeId: f.clerkId }, f.admin);
    await w.ok('reports.update', { id, patch: { title: 'Buca profonda in via Tasso' } }, f.clerk);
    await w.ok('reports.update', { id, patch: { address: 'Via Tasso 8', lat: 45.69, lon: 9.67 } }, f.clerk);
    d = await get(id);
    expect(d.assignments).toEqual([]);
    expect(byRule(d)).toHaveLength(3);
    expect(d.log.length).toBe(logged + 3);
  });

  it('a rule without the flag, or one that already applied at creation, does not fire on a change', async () => {
    await w.ok(
      'automations.save',
      { name: 'Solo alla creazione', conditions: { categoryIds: [f.bucaId] }, actions: { priority: 'alta' } },
      f.admin,
    );
    await w.ok(
      'automations.save',
      {
        name: 'Strade ai fornitori',
        onUpdate: true,
        conditions: { categoryIds: [f.stradaId] },
        actions: { assignGroupIds: [f.supplierGroupId] },
      },
      f.admin,
    );
    const a = await create({});
    await w.ok('reports.update', { id: a.id, patch: { categoryId: f.bucaId } }, f.clerk);
    const da = await get(a.id);
    expect(da.priority).toBe('normale');
    expect(byRule(da)).toEqual([['assigned', 'Strade ai fornitori']]);

    // Created under Strada: the parent rule fired then; moving to its child Buca keeps
    // it applying, so it does not fire a second time.
    const b = await create({ categoryId: f.stradaId });
    await w.ok('reports.unassign', { id: b.id, kind: 'group', assigneeId: f.supplierGroupId }, f.admin);
    await w.ok('reports.update', { id: b.id, patch: { categoryId: f.bucaId } }, f.clerk);
    const db = await get(b.id);
    expect(db.assignments).toEqual([]);
    expect(byRule(db)).toEqual([['assigned', 'Strade ai fornitori']]);
  });

  it('area, words and the reporter email domain: each change that makes a rule apply fires it', async () => {
    // Piazza Vecchia, Bergamo Alta.
    const area: [number, number][] = [
      [45.7036, 9.6615],
      [45.7036, 9.6635],
      [45.7026, 9.6635],
      [45.7026, 9.6615],
    ];
    await w.ok(
      'automations.save',
      { name: 'Città Alta', onUpdate: true, conditions: { area }, actions: { priority: 'alta' } },
      f.admin,
    );
    await w.ok(
      'automations.save',
      {
        name: 'Dal Comune',
        onUpdate: true,
        conditions: { emailDomains: ['comune.bergamo.it'] },
        actions: { note: 'Segnalazione interna' },
      },
      f.admin,
    );
    const { id } = await create({ lat: 45.695, lon: 9.67 });
    await w.ok('reports.update', { id, patch: { lat: 45.7031, lon: 9.6625 } }, f.clerk);
    expect((await get(id)).priority).toBe('alta');
    await w.ok(
      'reports.addReporter',
      {
        id,
        reporter: {
          reporterId: '0190a0a0-0000-7000-8000-0000000000a1',
          newReporter: { nome: 'Anna', cognome: 'Neri', email: 'anna.neri@comune.bergamo.it' },
        },
      },
      f.clerk,
    );
    const d = await get(id);
    expect(byRule(d)).toEqual([
      ['updated', 'Città Alta'],
      ['note', 'Dal Comune'],
    ]);
  });

  it('a closed report is left alone', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Buche a Lucia',
        onUpdate: true,
        conditions: { categoryIds: [f.bucaId] },
        actions: { assignUserIds: [f.clerkId] },
      },
      f.admin,
    );
    const { id } = await create({});
    await w.ok('reports.takeInCharge', { id }, f.clerk);
    await w.ok('reports.close', { id, outcomeId: f.positivoId }, f.clerk);
    await w.ok('reports.update', { id, patch: { categoryId: f.bucaId } }, f.clerk);
    const d = await get(id);
    expect(d.assignments).toEqual([]);
    expect(byRule(d)).toEqual([]);
  });
});

describe('rule order and permission', () => {
  it('rules run by their order: the later one has the last word, and reordering flips it', async () => {
    const first = await w.ok<{ id: string }>(
      'automations.save',
      {
        name: 'Alta',
        sortOrder: 1,
        conditions: { categoryIds: [f.stradaId] },
        actions: { priority: 'alta' },
      },
      f.admin,
    );
    const second = await w.ok<{ id: string }>(
      'automations.save',
      {
        name: 'Bassa',
        sortOrder: 2,
        conditions: { categoryIds: [f.bucaId] },
        actions: { priority: 'bassa' },
      },
      f.admin,
    );
    const a = await create({ categoryId: f.bucaId });
    const da = await get(a.id);
    expect(da.priority).toBe('bassa');
    expect(byRule(da)).toEqual([
      ['updated', 'Alta'],
      ['updated', 'Bassa'],
    ]);
    // Swap them, as the screen does with "Sposta su".
    const rules = await w.ok<{ id: string; sortOrder: number }[]>('automations.list', {}, f.admin);
    for (const r of rules) {
      const sortOrder = r.id === first.id ? 2 : r.id === second.id ? 1 : r.sortOrder;
      await w.ok('automations.save', { ...r, sortOrder }, f.admin);
    }
    expect((await w.ok<{ name: string }[]>('automations.list', {}, f.admin)).map((r) => r.name)).toEqual([
      'Bassa',
      'Alta',
    ]);
    const b = await create({ categoryId: f.bucaId });
    expect((await get(b.id)).priority).toBe('alta');
  });

  it('the mutation itself refuses a rule from anyone but an administrator (as the server does)', () => {
    const automationSave = MUTATIONS['automation.save'];
    const args = automationSave.args.parse({
      id: '0190a0a0-0000-7000-8000-0000000000b1',
      name: 'Di nascosto',
      conditions: {},
      actions: { takeInCharge: true },
    });
    const env = { now: 0, newId: () => 'x', allocateCode: () => 'x' };
    const clerk = {
      id: f.clerkId,
      role: 'operatore' as const,
      permissions: {
        canReply: true,
        majorEdits: true,
        seesReporterData: true,
        statistics: true,
        export: true,
      },
      groupIds: [],
    };
    expect(() => automationSave.apply(emptySnapshot(), args, clerk as never, env)).toThrow(DomainError);
    try {
      automationSave.apply(emptySnapshot(), args, clerk as never, env);
    } catch (e) {
      expect((e as DomainError).code).toBe('forbidden');
    }
    // And an administrator's identical rule passes.
    const admin = { ...clerk, role: 'amministratore' as const };
    expect(automationSave.apply(emptySnapshot(), args, admin as never, env).changes).toHaveLength(1);
  });
});
