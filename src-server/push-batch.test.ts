/**
 * A push batch runs in one transaction against an in-memory overlay (row-source.ts):
 * later mutations must see earlier ones' rows, a refused one must leave no trace while the
 * rest of the batch applies, and versions, codes and the mutation log must come out as if
 * every mutation had been written on its own.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FINAL_CODE } from '../src-shared/domain';
import { people, reportArgs, STORAGES, uniqueName, useWorld } from './testing/world';

describe.each(STORAGES)('push batches on %s', (kind) => {
  const world = useWorld(kind);

  it('runs a batch in order on its own writes; a refusal in the middle leaves no trace', async () => {
    const { admin, op } = await people(world().server);
    await admin.sync();
    const outcome = admin.all('outcomes').find((o) => o.label === 'Positivo')!;
    const r1 = reportArgs('Buca in via Verdi');
    const r3 = reportArgs('Semaforo guasto');
    const res = await admin.push(
      { name: 'report.create', args: r1 },
      { name: 'report.close', args: { reportId: randomUUID(), outcomeId: outcome.id } },
      { name: 'report.setStatus', args: { reportId: r1.id, status: 'in_gestione' } },
      { name: 'report.assign', args: { reportId: r1.id, kind: 'user', assigneeId: op.userId } },
      { name: 'report.assign', args: { reportId: r1.id, kind: 'user', assigneeId: op.userId } },
      { name: 'report.close', args: { reportId: r1.id, outcomeId: outcome.id } },
      { name: 'report.close', args: { reportId: r1.id, outcomeId: outcome.id } },
      { name: 'report.addNote', args: { reportId: r1.id, text: 'Chiusa dopo il sopralluogo' } },
      { name: 'report.create', args: r3 },
    );
    expect(res.outcomes.map((o) => o.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'applied',
      'rejected',
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
    expect(res.outcomes[4]!.error).toMatchObject({ code: 'conflict' });
    expect(res.outcomes[6]!.error!.message).toBe('La segnalazione è già nello stato «Chiuso».');
    expect(res.lastSeq).toBe(9);

    await op.sync();
    const report = op.get('reports', r1.id)!;
    expect(report).toMatchObject({ status: 'chiuso', outcomeId: outcome.id });
    // One assignment row, not two.
    expect(op.all('report_assignments').filter((a) => a.reportId === r1.id)).toHaveLength(1);
    const log = op.all('log_entries').filter((l) => l.reportId === r1.id);
    expect(log.map((l) => l.action).sort()).toEqual([
      'assigned',
      'closed',
      'created',
      'note',
      'status_changed',
    ]);
    // Refused mutations allocate no code: the two reports have consecutive final codes.
    const code1 = String(report.code);
    const code3 = String(op.get('reports', r3.id)!.code);
    expect(code1).toMatch(FINAL_CODE);
    expect(Number(code3.slice(5))).toBe(Number(code1.slice(5)) + 1);

    // Each mutation's log version is the highest version once it ran: non-decreasing,
    // unchanged by a refusal, and the last one is the batch's highest row version.
    const storage = world().server.storage;
    const logged = await storage.query<{ seq: number; version: number; status: string }>(
      'SELECT seq, version, status FROM mutation_log WHERE client_id = $1 ORDER BY seq',
      [admin.clientId],
    );
    expect(logged.map((l) => l.status)).toEqual(res.outcomes.map((o) => o.status));
    for (let i = 1; i < logged.length; i++) {
      if (logged[i]!.status === 'rejected') expect(logged[i]!.version).toBe(logged[i - 1]!.version);
      else expect(logged[i]!.version).toBeGreaterThan(logged[i - 1]!.version);
    }
    const [top] = await storage.query<{ v: number }>('SELECT max(version) AS v FROM sync_rows');
    expect(logged.at(-1)!.version).toBe(top!.v);

    // The same batch again: all duplicates, the rejections' errors repeated, nothing written.
    const cursor = op.cursor;
    const again = await admin.post('/sync/v1/push', {
      clientId: admin.clientId,
      mutations: [{ seq: 9, mutationId: randomUUID(), name: 'report.create', args: r3, at: 0 }],
    });
    expect(again.body).toEqual({ lastSeq: 9, outcomes: [{ seq: 9, status: 'duplicate', error: null }] });
    const [page] = await op.sync();
    expect(page!.changes).toEqual([]);
    expect(op.cursor).toBe(cursor);
  });

  it('sees users, groups and assignments written earlier in the same batch', async () => {
    const { admin, op } = await people(world().server);
    const username = uniqueName('nuovo');
    const userId = randomUUID();
    const groupId = randomUUID();
    const r = reportArgs('Albero caduto');
    const user = (id: string) => ({
      id,
      username,
      fullName: 'Nino Nuovo',
      role: 'operatore',
      permissions: {
        canReply: true,
        majorEdits: false,
        seesReporterData: true,
        statistics: false,
        export: false,
      },
    });
    const group = (memberIds: string[]) => ({ id: groupId, name: 'Squadra verde', memberIds });
    const res = await admin.push(
      { name: 'user.save', args: user(userId) },
      // Same username, another id: the clash is found in the batch's own rows.
      { name: 'user.save', args: user(randomUUID()) },
      // The admin joins: the actor's groups are read again mid-batch.
      { name: 'group.save', args: group([userId, admin.userId]) },
      { name: 'group.save', args: group([userId]) },
      { name: 'report.create', args: r },
      { name: 'report.assign', args: { reportId: r.id, kind: 'group', assigneeId: groupId } },
      { name: 'report.unassign', args: { reportId: r.id, kind: 'user', assigneeId: userId } },
      { name: 'report.assign', args: { reportId: r.id, kind: 'user', assigneeId: userId } },
      { name: 'report.unassign', args: { reportId: r.id, kind: 'group', assigneeId: groupId } },
    );
    expect(res.outcomes.map((o) => o.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'applied',
      'applied',
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
    expect(res.outcomes[1]!.error!.message).toBe(`Il nome utente «${username}» è già in uso.`);
    expect(res.outcomes[6]!.error).toMatchObject({ code: 'not_found' });

    await op.sync();
    expect(op.all('users').filter((u) => u.username === username)).toHaveLength(1);
    expect(op.all('group_members').filter((m) => m.groupId === groupId)).toEqual([{ groupId, userId }]);
    expect(op.all('report_assignments').filter((a) => a.reportId === r.id)).toMatchObject([
      { kind: 'user', assigneeId: userId },
    ]);
    const actions = op
      .all('log_entries')
      .filter((l) => l.reportId === r.id)
      .map((l) => l.action)
      .sort();
    expect(actions).toEqual(['assigned', 'assigned', 'created', 'unassigned']);
  });
});
