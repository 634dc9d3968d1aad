import { afterEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
afterEach(() => w?.cleanup());

describe('core smoke', () => {
  it('sets up an administrator, creates a report and finds it', async () => {
    w = await createTestWorld();
    const info = await w.ok<{ needsSetup: boolean }>('app.info', {});
    expect(info.needsSetup).toBe(true);
    const s = await w.ok<{ token: string }>('setup.createAdmin', {
      username: 'admin',
      fullName: 'Anna Admin',
      password: 'password123',
    });
    const created = await w.ok<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title: 'Buca in via Roma',
          description: 'Grande buca davanti al civico 3 della città',
          channel: 'telefono',
          categoryId: null,
        },
      },
      s.token,
    );
    expect(created.code).toBe('2026-000001');
    const list = await w.ok<{ rows: { id: string }[]; total: number }>(
      'reports.list',
      { filters: { q: 'citta' } },
      s.token,
    );
    expect(list.rows.map((r) => r.id)).toEqual([created.id]);
  });
});
