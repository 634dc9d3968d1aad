/**
 * Likely duplicates through the API on a real replica, with real coordinates in
 * Bergamo: distance, days, same category or same parent, per-category settings, the
 * text bonus, and a saved report's own suggestions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DuplicateView } from '../../src-shared/api';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { createAt, offset, PIAZZA_VECCHIA } from './testing';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

type Suggest = { rows: DuplicateView[]; window: { radiusM: number; days: number } | null };
const suggest = (input: object) => w.ok<Suggest>('duplicates.suggest', input, f.clerk);
const probe = (extra: object = {}) => ({
  categoryId: f.bucaId,
  ...PIAZZA_VECCHIA,
  // No words: the order is place and time alone (words are tested on their own).
  title: '',
  ...extra,
});

/** Sessions expire: after moving the clock weeks ahead, log in again. */
async function relogin() {
  const login = async (username: string, password: string) =>
    (await w.ok<{ token: string }>('auth.login', { username, password })).token;
  f = {
    ...f,
    admin: await login('admin', 'admin-password'),
    clerk: await login('lucia.verdi', 'password-lucia.verdi'),
  };
}

async function category(name: string, parentId: string | null) {
  return (await w.ok<{ id: string }>('settings.categories.save', { parentId, name }, f.admin)).id;
}
const saveBuca = (extra: object) =>
  w.ok(
    'settings.categories.save',
    { id: f.bucaId, parentId: f.stradaId, name: 'Buca', daysToClose: 10, ...extra },
    f.admin,
  );

describe('duplicate suggestions', () => {
  it('same category or same parent, within 250 m and 30 days, nearest and newest first', async () => {
    const marciapiede = await category('Marciapiede', f.stradaId);
    const verde = await category('Verde', null);
    const albero = await category('Albero caduto', verde);

    const old = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca vecchia');
    w.clock.advance(40 * DAY);
    await relogin();
    const far = await createAt(w, f.clerk, f.bucaId, offset(300, 0), 'Buca a 300 m');
    w.clock.advance(HOUR);
    await createAt(w, f.clerk, albero, PIAZZA_VECCHIA, 'Albero caduto in piazza');
    w.clock.advance(HOUR);
    const east100 = await createAt(w, f.clerk, f.bucaId, offset(0, 100), 'Buca a 100 m');
    w.clock.advance(HOUR);
    const sibling = await createAt(w, f.clerk, marciapiede, offset(50, 0), 'Marciapiede rotto');
    w.clock.advance(HOUR);
    const here = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca qui');
    await createAt(w, f.clerk, f.bucaId, null, 'Buca senza luogo');
    w.clock.advance(HOUR);

    const s = await suggest(probe());
    expect(s.window).toEqual({ radiusM: 250, days: 30 });
    expect(s.rows.map((r) => r.id)).toEqual([here.id, sibling.id, east100.id]);
    expect(s.rows.map((r) => r.distanceM)).toEqual([0, 50, 100]);

    // Per category: a wider radius brings the one 300 m away, more days the old one.
    await saveBuca({ duplicateRadiusM: 400 });
    expect((await suggest(probe())).rows.map((r) => r.id)).toEqual([here.id, sibling.id, east100.id, far.id]);
    await saveBuca({ duplicateRadiusM: 400, duplicateDays: 60 });
    const wide = await suggest(probe());
    expect(wide.window).toEqual({ radiusM: 400, days: 60 });
    expect(wide.rows.map((r) => r.id)).toContain(old.id);
    // 0 turns suggestions off for the category.
    await saveBuca({ duplicateRadiusM: 0 });
    expect(await suggest(probe())).toEqual({ rows: [], window: null });

    // A saved report: its own neighbours, never itself; a category with the default.
    const fromSibling = await suggest({ reportId: sibling.id });
    expect(fromSibling.window).toEqual({ radiusM: 250, days: 30 });
    expect(fromSibling.rows.map((r) => r.id)).toEqual([here.id, east100.id]);
  });

  it('similar words break a tie of place and time', async () => {
    const a = await createAt(w, f.clerk, f.bucaId, offset(120, 0), 'Buca profonda in carreggiata');
    w.clock.advance(60_000);
    const b = await createAt(w, f.clerk, f.bucaId, offset(-120, 0), 'Tombino rumoroso');
    w.clock.advance(HOUR);
    const s = await suggest(probe({ title: 'Buca profonda', description: 'Carreggiata dissestata' }));
    expect(s.rows.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(s.rows[0]!.similarity).toBeGreaterThan(0);
    expect(s.rows[1]!.similarity).toBe(0);
    // Without the words, the newer one (b) comes first.
    const plain = await suggest(probe());
    expect(plain.rows.map((r) => r.id)).toEqual([b.id, a.id]);
  });

  it('suppliers get no suggestions (they see only their own reports)', async () => {
    const r = await w.core.call('duplicates.suggest', probe(), f.supplier);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
  });
});
