/**
 * "Aggrega ai duplicati": a rule merges a new report into its likely duplicate at
 * creation (same reporter email, same category, within 50 m and 24 hours), logged as
 * done by the rule; anything outside the rule's bounds stays on its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { createAt, newReporter, offset, PIAZZA_VECCHIA } from './testing';

const HOUR = 3_600_000;
let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const get = (id: string) => w.ok<ReportDetail>('reports.get', { id }, f.clerk);
const by = (email: string) => ({ reporters: [newReporter('Carla', 'Locatelli', email)] });

describe('automatic aggregation', () => {
  it('same reporter email, same category, within 50 m and 24 hours: merged into the first report by the rule', async () => {
    await w.ok(
      'automations.save',
      {
        name: 'Doppioni dello stesso cittadino',
        conditions: { categoryIds: [f.stradaId] },
        actions: { aggregate: { radiusM: 50, hours: 24, sameReporterEmail: true } },
      },
      f.admin,
    );
    const first = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca', by('carla@example.it'));
    w.clock.advance(2 * HOUR);
    // Same person (email case aside), 30 m away: merged.
    const again = await createAt(w, f.clerk, f.bucaId, offset(30, 0), 'Buca ancora', by('Carla@Example.it'));
    const merged = await get(again.id);
    expect(merged.status).toBe('aggregata');
    expect(merged.mergedInto).toBe(first.id);
    expect(merged.log.find((e) => e.action === 'merged_into')?.data).toMatchObject({
      byRule: 'Doppioni dello stesso cittadino',
      mainCode: first.code,
    });
    const main = await get(first.id);
    expect(main.merged.map((m) => m.code)).toEqual([again.code]);
    // Both reports' reporters (two rubrica entries for the same person here).
    expect(main.reporters.map((r) => r.email)).toEqual(['carla@example.it', 'carla@example.it']);
    expect(main.log.find((e) => e.action === 'merged')?.data?.byRule).toBe('Doppioni dello stesso cittadino');

    // Someone else, too far, no coordinates, another category: each stays on its own.
    const other = await createAt(w, f.clerk, f.bucaId, offset(30, 0), 'Buca', by('piero@example.it'));
    const far = await createAt(w, f.clerk, f.bucaId, offset(80, 0), 'Buca', by('carla@example.it'));
    const nowhere = await createAt(w, f.clerk, f.bucaId, null, 'Buca', by('carla@example.it'));
    const elsewhere = await createAt(w, f.clerk, null, PIAZZA_VECCHIA, 'Altro', by('carla@example.it'));
    for (const r of [other, far, nowhere, elsewhere]) expect((await get(r.id)).status).toBe('nuovo');
    // After 24 hours: a new report, not a duplicate.
    w.clock.advance(23 * HOUR);
    f.clerk = (
      await w.ok<{ token: string }>('auth.login', {
        username: 'lucia.verdi',
        password: 'password-lucia.verdi',
      })
    ).token;
    const late = await createAt(w, f.clerk, f.bucaId, offset(10, 0), 'Buca', by('carla@example.it'));
    expect((await get(late.id)).status).toBe('nuovo');
    // Un-merging an automatic aggregation works as for a manual one.
    await w.ok('duplicates.unmerge', { reportId: again.id }, f.clerk);
    expect((await get(again.id)).status).toBe('nuovo');
  });

  it('without a rule nothing is merged automatically', async () => {
    const a = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca', by('carla@example.it'));
    const b = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca', by('carla@example.it'));
    expect((await get(b.id)).status).toBe('nuovo');
    expect((await get(a.id)).merged).toEqual([]);
  });
});
