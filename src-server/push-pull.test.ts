import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FINAL_CODE } from '../src-shared/domain';
import { people, post, reportArgs, STORAGES, TestReplica, useWorld } from './testing/world';

describe.each(STORAGES)('push and pull on %s', (kind) => {
  const world = useWorld(kind);

  it('applies a pushed mutation and pulls its rows with increasing versions', async () => {
    const { admin, op } = await people(world().server);
    await op.sync();
    const before = op.cursor;
    const args = reportArgs('Buca in via Roma', { clientCode: '2026-BCDF-0001' });
    const res = await admin.push({ name: 'report.create', args });
    expect(res).toEqual({ lastSeq: 1, outcomes: [{ seq: 1, status: 'applied', error: null }] });

    const pages = await op.sync();
    expect(op.cursor).toBeGreaterThan(before);
    const report = op.get('reports', args.id)!;
    expect(report.title).toBe('Buca in via Roma');
    expect(String(report.code)).toMatch(FINAL_CODE);
    // The provisional code the replica showed stays as an alias.
    expect(op.get('report_codes', '2026-BCDF-0001')).toEqual({ code: '2026-BCDF-0001', reportId: args.id });
    const log = op.all('log_entries').filter((l) => l.reportId === args.id);
    expect(log.map((l) => l.action)).toEqual(['created']);
    expect(pages.every((p) => p.changes.length === new Set(p.changes.map((c) => c.table + c.key)).size)).toBe(
      true,
    );

    // A second change gets a higher version: the cursor moves on and only it arrives.
    const mid = op.cursor;
    await admin.push({ name: 'report.addNote', args: { reportId: args.id, text: 'Sopralluogo fatto' } });
    const [next] = await op.sync();
    expect(next!.cursor).toBeGreaterThan(mid);
    expect(next!.changes.map((c) => c.table)).toEqual(['log_entries']);
    expect(next!.lastMutationSeq).toBe(0);
    const [own] = await admin.sync();
    expect(own!.lastMutationSeq).toBe(2);
  });

  it('applies the same push twice only once (duplicate)', async () => {
    const { admin } = await people(world().server);
    const args = reportArgs('Lampione spento');
    const batch = [
      { seq: 1, mutationId: randomUUID(), name: 'report.create', args, at: 0 },
      {
        seq: 2,
        mutationId: randomUUID(),
        name: 'report.close',
        args: { reportId: args.id, outcomeId: randomUUID() },
        at: 0,
      },
    ];
    const first = await admin.post('/sync/v1/push', { clientId: admin.clientId, mutations: batch });
    const outcomes = first.body.outcomes as { seq: number; status: string; error: unknown }[];
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'rejected']);
    expect(outcomes[1]!.error).toMatchObject({ code: 'invalid_transition' });
    const again = await admin.post('/sync/v1/push', { clientId: admin.clientId, mutations: batch });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      lastSeq: 2,
      outcomes: [
        { seq: 1, status: 'duplicate', error: null },
        { seq: 2, status: 'duplicate', error: outcomes[1]!.error },
      ],
    });
    await admin.sync();
    expect(admin.all('log_entries').filter((l) => l.reportId === args.id)).toHaveLength(1);
    const reports = admin.all('reports').filter((r) => r.id === args.id);
    expect(reports).toHaveLength(1);
  });

  it('ignores a forged actor: the log names the session user', async () => {
    const { admin, op } = await people(world().server);
    const args = reportArgs('Rifiuti abbandonati');
    await admin.push({ name: 'report.create', args });
    const res = await fetch(`${op.url}/sync/v1/push`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${op.token}`,
        'x-user-id': admin.userId,
        'x-actor-id': admin.userId,
      },
      body: JSON.stringify({
        clientId: op.clientId,
        actorId: admin.userId,
        mutations: [
          {
            seq: 1,
            mutationId: randomUUID(),
            name: 'report.addNote',
            at: 0,
            args: {
              reportId: args.id,
              text: 'Nota di Olga',
              actorId: admin.userId,
              actor: { id: admin.userId },
            },
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await admin.sync();
    const note = admin.all('log_entries').find((l) => l.reportId === args.id && l.action === 'note')!;
    expect(note.actorId).toBe(op.userId);

    // Pushing on another user's replica id is refused outright.
    const stolen = await post(
      op.url,
      '/sync/v1/push',
      {
        clientId: admin.clientId,
        mutations: [
          {
            seq: 99,
            mutationId: randomUUID(),
            name: 'report.addNote',
            at: 0,
            args: { reportId: args.id, text: 'x' },
          },
        ],
      },
      op.token,
    );
    expect(stolen.status).toBe(403);
    expect(stolen.body.error?.message).toMatch(/dispositivo/);
  });

  it('rejects closing a report someone already closed, with its Italian message, persisting nothing', async () => {
    const { admin, op } = await people(world().server);
    await admin.sync();
    const outcome = admin.all('outcomes').find((o) => o.label === 'Positivo')!;
    const other = admin.all('outcomes').find((o) => o.label === 'Negativo')!;
    const args = reportArgs('Marciapiede rotto');
    await admin.push({ name: 'report.create', args });
    await admin.push({ name: 'report.setStatus', args: { reportId: args.id, status: 'in_gestione' } });
    const first = await admin.push({
      name: 'report.close',
      args: { reportId: args.id, outcomeId: outcome.id },
    });
    expect(first.outcomes[0]!.status).toBe('applied');
    await admin.sync();
    const cursor = admin.cursor;

    const second = await op.push({
      name: 'report.close',
      args: { reportId: args.id, outcomeId: other.id, closingNote: 'Chiusa da Olga' },
    });
    expect(second.lastSeq).toBe(1);
    expect(second.outcomes[0]).toMatchObject({
      seq: 1,
      status: 'rejected',
      error: { code: 'invalid_transition' },
    });
    expect(second.outcomes[0]!.error!.message).toBe('La segnalazione è già nello stato «Chiuso».');

    const [page] = await admin.sync();
    expect(page!.changes).toEqual([]);
    expect(admin.cursor).toBe(cursor);
    expect(admin.get('reports', args.id)).toMatchObject({
      status: 'chiuso',
      outcomeId: outcome.id,
      closingNote: null,
    });
    expect(
      admin.all('log_entries').filter((l) => l.reportId === args.id && l.action === 'closed'),
    ).toHaveLength(1);
  });

  it('answers hello with ok:false and the Italian message to a replica too old', async () => {
    const url = world().server.url;
    const old = await post(url, '/sync/v1/hello', {
      protocolVersion: 1,
      schemaVersion: 1, // before activities, merges, the address book
      appVersion: '0.0.1',
    });
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({
      ok: false,
      protocolVersion: 1,
      minClientSchemaVersion: 2,
      message: 'Questa versione di Sportello è troppo vecchia per il server: aggiornala.',
    });
    const otherProtocol = await post(url, '/sync/v1/hello', {
      protocolVersion: 0,
      schemaVersion: 9,
      appVersion: 'x',
    });
    expect(otherProtocol.body.ok).toBe(false);
    const fine = await post(url, '/sync/v1/hello', { protocolVersion: 1, schemaVersion: 2, appVersion: 'x' });
    expect(fine.body).toMatchObject({ ok: true, message: null });
  });

  it('refuses malformed bodies with 400 and an Italian message', async () => {
    const { admin } = await people(world().server);
    const bad = await admin.post('/sync/v1/push', { clientId: 'not-a-uuid', mutations: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^Richiesta non valida/);
    const res = await fetch(`${admin.url}/sync/v1/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: '{"clientId":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /Richiesta non valida/,
    );
    const unknown = await admin.push({ name: 'report.explode', args: {} });
    expect(unknown.outcomes[0]).toMatchObject({ status: 'rejected', error: { code: 'validation' } });
  });

  it('writes the default outcomes and category as versioned rows', async () => {
    const { opNoRep } = await people(world().server);
    await opNoRep.sync();
    const outcomes = opNoRep.all('outcomes').map((o) => [o.label, o.kind]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['Positivo', 'resolved'],
        ['Negativo', 'not_resolved'],
        ['Non di competenza', 'not_competent'],
        ['Sospeso', 'suspended'],
        ['Affidato a terzi', 'resolved'],
      ]),
    );
    expect(opNoRep.all('categories').map((c) => c.name)).toContain('Da classificare');
  });

  it('gives the replica a unique four-consonant tag, kept across logins', async () => {
    const { names, admin } = await people(world().server);
    const clientId = randomUUID();
    const a = await post(admin.url, '/sync/v1/login', {
      username: names.op,
      password: 'password-di-prova',
      clientId,
    });
    const b = await post(admin.url, '/sync/v1/login', {
      username: names.op,
      password: 'password-di-prova',
      clientId,
    });
    expect(a.body.replicaTag).toMatch(/^[B-DF-HJ-NP-TV-Z]{4}$/);
    expect(b.body.replicaTag).toBe(a.body.replicaTag);
    const other = await TestReplica.login(admin.url, names.op);
    expect(other.clientId).not.toBe(clientId);
  });
});
