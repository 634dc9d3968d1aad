/**
 * Pushes that wait while the process is writing go together in one writer transaction
 * (push-queue.ts). Each must come out exactly as if it had had a transaction of its own
 * after the previous one: its own client's seqs, its own actor (read again after an
 * earlier push of the group edited users), arrival order for versions, and a push refused
 * as a whole failing alone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticate } from './auth';
import { HttpError } from './errors';
import { push } from './push';
import { people, reportArgs, STORAGES, useWorld, type TestReplica } from './testing/world';

describe.each(STORAGES)('grouped pushes on %s', (kind) => {
  const world = useWorld(kind);

  it('replays the pushes that waited in one transaction, each as if alone, in arrival order', async () => {
    const { admin, op, supplier } = await people(world().server);
    const storage = world().server.storage;
    const clock = () => world().clock.now;
    const session = (r: TestReplica) => authenticate(storage, clock(), r.token);
    const [sAdmin, sOp, sSupplier] = await Promise.all([session(admin), session(op), session(supplier)]);
    await admin.sync();
    const opRow = admin.all('users').find((u) => u.id === op.userId)!;
    const batch = (r: TestReplica, ...ms: { name: string; args: unknown }[]) => ({
      clientId: r.clientId,
      mutations: ms.map((m) => ({ seq: ++r.seq, mutationId: randomUUID(), at: 0, ...m })),
    });
    const r1 = reportArgs('Lampione spento in via Po');
    const note = (text: string) => ({ name: 'report.addNote', args: { reportId: r1.id, text } });

    // The first starts the writer alone; all the others arrive while it runs.
    const first = push(storage, clock, sAdmin, batch(admin, { name: 'report.create', args: r1 }));
    const opBatch = batch(op, note('Vista da Olga'), note('Olga di nuovo'));
    const group = [
      push(storage, clock, sOp, opBatch),
      // Sent again while the first copy waits: duplicates, with the first copy's outcomes.
      push(storage, clock, sOp, opBatch),
      // A supplier who is not assigned the report does not even see it.
      push(storage, clock, sSupplier, batch(supplier, note('Dal fornitore'))),
      // The op's session pushing as the admin's replica: refused alone.
      push(storage, clock, { ...sOp, clientId: admin.clientId }, batch(admin, note('Falsa'))),
      // The admin disables the op; the op's next push of the same group sees it.
      push(
        storage,
        clock,
        sAdmin,
        batch(admin, { name: 'user.save', args: { ...opRow, active: false } }, note('Dopo la modifica')),
      ),
      push(storage, clock, sOp, batch(op, note('Troppo tardi'))),
    ];
    const settled = await Promise.allSettled([first, ...group]);
    const ok = (i: number) => {
      const s = settled[i]!;
      if (s.status !== 'fulfilled') throw s.reason;
      return s.value.response;
    };
    expect(ok(0).outcomes.map((o) => o.status)).toEqual(['applied']);
    expect(ok(1)).toEqual({ lastSeq: 2, outcomes: [applied(1), applied(2)] });
    expect(ok(2)).toEqual({ lastSeq: 2, outcomes: [dup(1), dup(2)] });
    expect(ok(3).outcomes).toMatchObject([{ seq: 1, status: 'rejected', error: { code: 'not_found' } }]);
    const refused = settled[4]!;
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(HttpError);
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ status: 403 });
    expect(ok(5).outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(ok(6).outcomes).toMatchObject([
      { seq: 3, status: 'rejected', error: { code: 'unauthenticated' } },
    ]);

    // The waiting pushes committed together: one transaction wrote all their log rows.
    const log = await storage.query<{
      client_id: string;
      seq: number;
      actor_id: string;
      tx: string;
      version: number;
    }>(
      `SELECT client_id, seq, actor_id, xmin::text AS tx, version FROM mutation_log
        WHERE client_id = ANY($1::text[]) ORDER BY version`,
      [[admin.clientId, op.clientId, supplier.clientId]],
    );
    const firstTx = log.find((l) => l.client_id === admin.clientId && l.seq === 1)!.tx;
    const later = log.filter((l) => l.tx !== firstTx);
    expect(new Set(later.map((l) => l.tx)).size).toBe(1);
    // Exactly once per client seq, with the session's user as actor, versions in arrival order.
    const who = (id: string) => (id === op.clientId ? op : id === admin.clientId ? admin : supplier);
    const label = (l: (typeof log)[number]) =>
      `${who(l.client_id) === op ? 'op' : who(l.client_id) === admin ? 'admin' : 'supplier'}:${l.seq}`;
    expect(log.map(label).sort()).toEqual(
      ['admin:1', 'admin:3', 'admin:4', 'op:1', 'op:2', 'op:3', 'supplier:1'].sort(),
    );
    for (const l of log) expect(l.actor_id).toBe(who(l.client_id).userId);
    const v = new Map(log.map((l) => [label(l), l.version]));
    const at = (k: string) => v.get(k)!;
    expect(at('admin:1')).toBeLessThan(at('op:1'));
    expect(at('op:1')).toBeLessThan(at('op:2'));
    // A refusal writes no row: it is logged at the version reached so far.
    expect(at('supplier:1')).toBe(at('op:2'));
    expect(at('op:2')).toBeLessThan(at('admin:3'));
    expect(at('admin:3')).toBeLessThan(at('admin:4'));
    expect(at('op:3')).toBe(at('admin:4'));
    // The admin's seq 2 (the refused push) was never recorded: it will be sent again.
    expect(log.some((l) => l.client_id === admin.clientId && l.seq === 2)).toBe(false);
    const [c] = await storage.query<{ last_seq: number }>(
      'SELECT last_seq FROM clients WHERE client_id = $1',
      [admin.clientId],
    );
    expect(c!.last_seq).toBe(4);

    // What a replica pulls: the op's notes in arrival order, the refused ones nowhere.
    await admin.sync();
    const notes = admin
      .all('log_entries')
      .filter((l) => l.reportId === r1.id && l.action === 'note')
      .map((l) => l.text);
    expect(notes).toEqual(['Vista da Olga', 'Olga di nuovo', 'Dopo la modifica']);
  });
});

const applied = (seq: number) => ({ seq, status: 'applied', error: null });
const dup = (seq: number) => ({ seq, status: 'duplicate', error: null });
