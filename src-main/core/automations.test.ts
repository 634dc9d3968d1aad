/** Automations through the API on a real replica: the example and its edges. */
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

const bucaRule = (f: Fixture, extra: object = {}) => ({
  name: 'Buche a Lucia',
  conditions: { categoryIds: [f.bucaId] },
  actions: { assignUserIds: [f.clerkId], takeInCharge: true },
  ...extra,
});

describe('automations', () => {
  it('every report of Strada > Buca is assigned to Lucia Verdi and put in charge, logged as done by the rule', async () => {
    await w.ok('automations.save', bucaRule(f), f.admin);
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Buca in via Pignolo', channel: 'telefono', categoryId: f.bucaId } },
      f.noData,
    );
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.admin);
    expect(d.status).toBe('in_gestione');
    expect(d.assignments.map((a) => a.name)).toEqual(['Lucia Verdi']);
    expect(d.log.map((e) => [e.action, e.data?.byRule ?? null])).toEqual([
      ['created', null],
      ['assigned', 'Buche a Lucia'],
      ['status_changed', 'Buche a Lucia'],
    ]);
    // Another category: nothing happens.
    const other = await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Rifiuti abbandonati', channel: 'telefono', categoryId: null } },
      f.noData,
    );
    const o = await w.ok<ReportDetail>('reports.get', { id: other.id }, f.admin);
    expect(o.status).toBe('nuovo');
    expect(o.assignments).toEqual([]);
  });

  it('a rule on the parent category covers its subcategories; rules run in order; priority, deadline and a note', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Strade urgenti',
        sortOrder: 1,
        conditions: { categoryIds: [f.stradaId] },
        actions: { priority: 'alta', daysToClose: 3, note: 'Controllare entro 3 giorni' },
      },
      f.admin,
    );
    await w.ok(
      'automations.save',
      {
        name: 'Poi ai fornitori',
        sortOrder: 2,
        conditions: { categoryIds: [f.stradaId], channels: ['telefono'] },
        actions: { assignGroupIds: [f.supplierGroupId] },
      },
      f.admin,
    );
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Buca', channel: 'telefono', categoryId: f.bucaId } },
      f.clerk,
    );
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.admin);
    expect(d.priority).toBe('alta');
    expect(d.dueAt).toBe(d.createdAt + 3 * 86_400_000);
    expect(d.assignments.map((a) => a.name)).toEqual(['Fornitori strade']);
    expect(d.log.filter((e) => e.data?.byRule).map((e) => e.data!.byRule)).toEqual([
      'Strade urgenti',
      'Strade urgenti',
      'Poi ai fornitori',
    ]);
    expect(d.log.find((e) => e.kind === 'note')!.text).toBe('Controllare entro 3 giorni');
    // The supplier group now sees it.
    const list = await w.ok<{ rows: { id: string }[] }>('reports.list', {}, f.supplier);
    expect(list.rows.map((r) => r.id)).toEqual([id]);
  });

  it('only administrators manage rules; a rule must do something; an inactive rule does nothing', async () => {
    expect(await w.core.call('automations.save', bucaRule(f), f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await w.core.call('automations.list', {}, f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const empty = await w.core.call(
      'automations.save',
      { name: 'Vuota', conditions: {}, actions: {} },
      f.admin,
    );
    expect(empty).toMatchObject({ ok: false, error: { code: 'validation' } });
    await w.ok('automations.save', bucaRule(f, { active: false }), f.admin);
    expect(await w.ok<unknown[]>('automations.list', {}, f.admin)).toHaveLength(1);
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Buca', channel: 'web', categoryId: f.bucaId } },
      f.clerk,
    );
    expect((await w.ok<ReportDetail>('reports.get', { id }, f.admin)).status).toBe('nuovo');
  });
});
