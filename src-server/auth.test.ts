import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOCK_MS, MAX_FAILURES_PER_IP, SESSION_TTL_MS } from './auth';
import { PASSWORD, people, post, STORAGES, TestReplica, uniqueName, useWorld } from './testing/world';

describe.each(STORAGES)('sessions and logins on %s', (kind) => {
  const world = useWorld(kind);

  it('refuses an expired token with an Italian message', async () => {
    const { op } = await people(world().server);
    expect((await op.post('/sync/v1/pull', { clientId: op.clientId, cursor: 0 })).status).toBe(200);
    world().clock.now += SESSION_TTL_MS + 1;
    try {
      const r = await op.post('/sync/v1/pull', { clientId: op.clientId, cursor: 0 });
      expect(r.status).toBe(401);
      expect(r.body.error).toEqual({
        code: 'unauthenticated',
        message: 'Sessione scaduta: accedi di nuovo.',
      });
    } finally {
      world().clock.now -= SESSION_TTL_MS + 1;
    }
  });

  it('refuses requests without a token or with an unknown one', async () => {
    const url = world().server.url;
    const none = await post(url, '/sync/v1/pull', { clientId: randomUUID(), cursor: 0 });
    expect(none.status).toBe(401);
    expect(none.body.error?.message).toBe('Accesso richiesto: effettua il login.');
    const forged = await post(url, '/sync/v1/pull', { clientId: randomUUID(), cursor: 0 }, 'abc');
    expect(forged.status).toBe(401);
    expect(forged.body.error?.message).toBe('Sessione non valida o revocata: accedi di nuovo.');
  });

  it('revokes every session of a user who changes password, and hands the caller a new one', async () => {
    const { names, op } = await people(world().server);
    const otherPc = await TestReplica.login(op.url, names.op);
    const wrong = await op.post('/sync/v1/password', {
      currentPassword: 'sbagliata!',
      newPassword: 'nuova-password-1',
    });
    expect(wrong.status).toBe(401);
    const short = await op.post('/sync/v1/password', { currentPassword: PASSWORD, newPassword: 'corta' });
    expect(short.status).toBe(400);
    expect(short.body.error?.message).toMatch(/almeno 8 caratteri/);

    const changed = await op.post('/sync/v1/password', {
      currentPassword: PASSWORD,
      newPassword: 'nuova-password-1',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.userId).toBe(op.userId);
    const fresh = String(changed.body.token);
    for (const stale of [op, otherPc]) {
      const r = await stale.post('/sync/v1/pull', { clientId: stale.clientId, cursor: 0 });
      expect(r.status).toBe(401);
      expect(r.body.error?.message).toBe('Sessione non valida o revocata: accedi di nuovo.');
    }
    op.token = fresh;
    expect((await op.post('/sync/v1/pull', { clientId: op.clientId, cursor: 0 })).status).toBe(200);
    await expect(TestReplica.login(op.url, names.op)).rejects.toThrow(/401/);
    await TestReplica.login(op.url, names.op, 'nuova-password-1');
  });

  it('refuses the sessions of a user disabled by an admin through a user.save push', async () => {
    const { admin, op } = await people(world().server);
    await admin.sync();
    const user = admin.get('users', op.userId)!;
    const res = await admin.push({
      name: 'user.save',
      args: { ...user, active: false, createdAt: undefined, updatedAt: undefined },
    });
    expect(res.outcomes[0]!.status).toBe('applied');
    const r = await op.post('/sync/v1/push', {
      clientId: op.clientId,
      mutations: [{ seq: 1, mutationId: randomUUID(), name: 'report.addNote', at: 0, args: {} }],
    });
    expect(r.status).toBe(401);
    expect(r.body.error?.message).toBe('Il tuo account è disattivato: rivolgiti a un amministratore.');
    const login = await post(op.url, '/sync/v1/login', {
      username: String(user.username),
      password: PASSWORD,
      clientId: randomUUID(),
    });
    expect(login.status).toBe(401);
    expect(login.body.error?.message).toMatch(/disattivato/);
  });

  it('logs out: the token stops working', async () => {
    const { op } = await people(world().server);
    expect((await op.post('/sync/v1/logout', {})).status).toBe(200);
    expect((await op.post('/sync/v1/pull', { clientId: op.clientId, cursor: 0 })).status).toBe(401);
  });

  it('locks a username after five failed logins for five minutes, and an address after twenty', async () => {
    const { names } = await people(world().server);
    const url = world().server.url;
    const attempt = (username: string, password: string) =>
      post(url, '/sync/v1/login', { username, password, clientId: randomUUID() });
    for (let i = 0; i < 5; i++) expect((await attempt(names.opNoRep, 'sbagliata')).status).toBe(401);
    const locked = await attempt(names.opNoRep, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.message).toBe(
      'Troppi tentativi di accesso non riusciti: riprova tra 5 minuti.',
    );
    world().clock.now += LOCK_MS + 1;
    try {
      expect((await attempt(names.opNoRep, PASSWORD)).status).toBe(200);
      // From one address, failures on made-up usernames lock the address as well.
      let statuses: number[] = [];
      for (let i = 0; i < MAX_FAILURES_PER_IP; i++)
        statuses.push((await attempt(uniqueName('nessuno'), 'x')).status);
      statuses = [...new Set(statuses)];
      expect(statuses).toContain(401);
      expect((await attempt(names.admin, PASSWORD)).status).toBe(429);
    } finally {
      world().clock.now += LOCK_MS + 1;
    }
  });
});
