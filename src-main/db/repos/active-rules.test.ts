/** The parsed-rules cache never serves a rule that changed, whoever wrote it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from '../../testing/fixtures';
import { createTestWorld, type TestWorld } from '../../testing/test-core';
import { activeRules } from './active-rules';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

describe('activeRules', () => {
  it('reuses the parsed rules until a save, a same-millisecond save or a foreign write changes them', async () => {
    const db = w.core.services.db;
    const { id } = await w.ok<{ id: string }>(
      'automations.save',
      { name: 'Buche', conditions: { categoryIds: [f.bucaId] }, actions: { priority: 'alta' } },
      f.admin,
    );
    const first = activeRules(db);
    expect(activeRules(db)).toBe(first);
    // The test clock stands still: same updatedAt, still a new rule.
    await w.ok(
      'automations.save',
      { id, name: 'Buche', conditions: { categoryIds: [f.stradaId] }, actions: { priority: 'alta' } },
      f.admin,
    );
    const second = activeRules(db);
    expect(second).not.toBe(first);
    expect(second[0]!.conditions.categoryIds).toEqual([f.stradaId]);
    // A writer that bypasses applyChange (the bootstrap's bulk writer, a wipe).
    db.prepare('UPDATE automation_rules SET on_update = 1').run();
    expect(activeRules(db)[0]!.onUpdate).toBe(true);
    db.prepare('UPDATE automation_rules SET active = 0').run();
    expect(activeRules(db)).toEqual([]);
  });
});
