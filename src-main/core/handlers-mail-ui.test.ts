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
