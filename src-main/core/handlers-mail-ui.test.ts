import { afterEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
afterEach(() => w?.cleanup());

describe('mail.markReplySeen', () => {
  it('logs mail_reply_seen on the report, as the person who asked', async () => {
    w = await createTestWorld();
    const s = await w.ok<{ token: string }>('setup.createAdmin', {
      username: 'admin',
      fullName: 'Anna Admin',
      password: 'password123',
    });
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title: 'Buca', description: '', channel: 'email', categoryId: null } },
      s.token,
    );
    await w.ok('mail.markReplySeen', { id }, s.token);
    const d = await w.ok<{ log: { action: string; actorName: string }[] }>('reports.get', { id }, s.token);
    expect(d.log.find((l) => l.action === 'mail_reply_seen')?.actorName).toBe('Anna Admin');
  });
});

describe('mail.remoteImages', () => {
  it('staff get data: URLs or nothing (never from private addresses); suppliers are refused', async () => {
    w = await createTestWorld();
    const { buildFixture } = await import('../testing/fixtures');
    const f = await buildFixture(w);
    const r = await w.ok<{ images: { url: string; dataUrl: string | null }[] }>(
      'mail.remoteImages',
      { urls: ['http://127.0.0.1:9/p.gif', 'javascript:alert(1)'] },
      f.admin,
    );
    expect(r.images).toEqual([
      { url: 'http://127.0.0.1:9/p.gif', dataUrl: null },
      { url: 'javascript:alert(1)', dataUrl: null },
    ]);
    const supplier = await w.core.call('mail.remoteImages', { urls: [] }, f.supplier);
    expect(supplier).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
