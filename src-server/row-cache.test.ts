/**
 * The writer's rows kept between transactions (row-cache.ts) must never answer with a
 * state the database no longer has: a change made by another writer (in this process while
 * the cache was taken, or in another server process) is read before the next mutation
 * runs, and a transaction that rolled back leaves nothing of its rows behind.
 */
import { describe, expect, it } from 'vitest';
import { withWriter } from './apply';
import { authenticate } from './auth';
import { push } from './push';
import { loadActor } from './snapshot';
import { people, reportArgs, STORAGES, TestReplica, useWorld, type World } from './testing/world';

async function setup(world: () => World) {
  const { admin, names } = await people(world().server);
  const storage = world().server.storage;
  const clock = () => world().clock.now;
  const session = await authenticate(storage, clock(), admin.token);
  await admin.sync();
  const outcome = admin.all('outcomes').find((o) => o.label === 'Positivo')!;
  const report = reportArgs('Panchina rotta');
  await admin.push(
    { name: 'report.create', args: report },
    { name: 'report.setStatus', args: { reportId: report.id, status: 'in_gestione' } },
  );
  const batch = (...ms: { name: string; args: unknown }[]) => ({
    clientId: admin.clientId,
    mutations: ms.map((m) => ({ seq: ++admin.seq, mutationId: crypto.randomUUID(), at: 0, ...m })),
  });
  const close = { name: 'report.close', args: { reportId: report.id, outcomeId: String(outcome.id) } };
  const note = (text: string) => ({ name: 'report.addNote', args: { reportId: report.id, text } });
  return { admin, names, storage, clock, session, report, batch, close, note };
}

describe.each(STORAGES)('the writer row cache on %s', (kind) => {
  const world = useWorld(kind);

  it('reads what a writer that ran without the cache changed meanwhile', async () => {
    const { admin, storage, clock, session, batch, close, note } = await setup(world);
    // The push takes the cache (and fills it with the report); the writer started in the
    // same tick finds it taken and closes the report without it, after the push commits.
    const actor = (await loadActor(storage, admin.userId))!;
    const first = push(storage, clock, session, batch(note('Prima della chiusura')));
    const other = withWriter(storage, { clock }, (w) => w.mutate(close.name, close.args, actor));
    expect((await first).response.outcomes[0]!.status).toBe('applied');
    expect((await other).value.status).toBe('applied');
    // The cache still holds the open report: closing it again must be refused all the same.
    const again = await push(storage, clock, session, batch(close));
    expect(again.response.outcomes[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'invalid_transition' },
    });
  });

  it('keeps nothing of a transaction that rolled back', async () => {
    const { storage, clock, session, batch, note } = await setup(world);
    const ghost = reportArgs('Mai esistita');
    let fail = true;
    const hook = async () => {
      if (fail) throw new Error('guasto a metà transazione');
    };
    await expect(
      push(storage, clock, session, batch({ name: 'report.create', args: ghost }), hook),
    ).rejects.toThrow('guasto');
    fail = false;
    const after = await push(
      storage,
      clock,
      session,
      batch(
        { name: 'report.addNote', args: { reportId: ghost.id, text: 'Sulla segnalazione fantasma' } },
        note('Vera'),
      ),
      hook,
    );
    expect(after.response.outcomes.map((o) => o.status)).toEqual(['rejected', 'applied']);
    expect(after.response.outcomes[0]!.error).toMatchObject({ code: 'not_found' });
  });
});

describe('the writer row cache with two server processes on PostgreSQL', () => {
  const world = useWorld('postgres');

  it('reads what another server process changed meanwhile', async () => {
    const { admin, names, report, close, note } = await setup(world);
    // The report is in this process's cache after a push of its own.
    expect((await admin.push(note('Sul primo processo'))).outcomes[0]!.status).toBe('applied');
    const second = await world().secondServer();
    const elsewhere = await TestReplica.login(second.url, names.admin);
    expect((await elsewhere.push(close)).outcomes[0]!.status).toBe('applied');
    const again = await admin.push(close, note('Dopo la chiusura altrove'));
    expect(again.outcomes[0]).toMatchObject({ status: 'rejected', error: { code: 'invalid_transition' } });
    expect(again.outcomes[1]!.status).toBe('applied');
    await admin.sync();
    expect(admin.get('reports', report.id)).toMatchObject({ status: 'chiuso' });
  });
});
