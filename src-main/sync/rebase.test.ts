/**
 * The client half of sync, on a real SQLite replica: optimistic work, then server
 * pages applied underneath it. The server here is played by hand-written pages (the
 * real server is exercised end to end in src-server's tests and sync.e2e tests).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import type { RowChange } from '../../src-shared/sync/protocol';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { readRow } from '../db/repos/row-images';
import { getSyncState, initSyncState, pendingOutbox, updateSyncState } from './sync-repo';
import { createRebaser } from './rebase';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  // Turn this standalone replica into a synced one (as if it had logged in to a server
  // that is unreachable now): from here on mutations record undo images.
  const db = w.core.services.db;
  initSyncState(db, 'http://127.0.0.1:9', '01900000-0000-7000-8000-00000000c11e');
  updateSyncState(db, { token: 't', tokenUserId: f.clerkId, replicaTag: 'BKTZ', bootstrapping: false });
  // The fixture's settings count as already on the server.
  const { seq } = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM outbox').get() as { seq: number };
  db.prepare('DELETE FROM outbox').run();
  updateSyncState(db, { ackedSeq: seq });
  w.core.sync.stop();
});
afterEach(() => w.cleanup());

const db = () => w.core.services.db;
const rebase = (changes: RowChange[], lastMutationSeq: number, more = false) =>
  createRebaser(db(), w.core.services.store, () => w.clock.now).apply(
    { changes, cursor: 100, more, lastMutationSeq },
    getSyncState(db())!.ackedSeq,
  );
const put = (table: RowChange['table'], row: object, key: string): RowChange => ({
  table,
  op: 'put',
  key,
  row: row as Record<string, unknown>,
});

async function newReport() {
  return w.ok<{ id: string; code: string }>(
    'reports.create',
    { fields: { title: 'Lampione spento in via Tasso', channel: 'telefono', categoryId: f.bucaId } },
    f.clerk,
  );
}

describe('rebase', () => {
  it('offline creation shows a provisional code; the server’s final code replaces it and the old one stays an alias', async () => {
    const { id, code } = await newReport();
    expect(code).toMatch(/^2026-BKTZ-0001$/);
    const outbox = pendingOutbox(db(), 0);
    expect(outbox.map((o) => o.name)).toEqual(['report.create']);
    expect((outbox[0]!.args as { clientCode: string }).clientCode).toBe(code);

    // The server applied it: its rows carry the final code and the alias.
    const local = readRow(db(), 'reports', { id })!;
    const serverRow = { ...local, code: '2026-000042' };
    rebase(
      [put('reports', serverRow, id), put('report_codes', { code, reportId: id }, code)],
      outbox[0]!.seq,
    );
    expect(pendingOutbox(db(), getSyncState(db())!.ackedSeq)).toEqual([]);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.code).toBe('2026-000042');
    expect(d.aliases).toEqual([code]);
    // Both codes open it, and both are searchable.
    expect((await w.ok<{ id: string }>('reports.openByCode', { code }, f.clerk)).id).toBe(id);
    expect((await w.ok<{ id: string }>('reports.openByCode', { code: '2026-000042' }, f.clerk)).id).toBe(id);
    for (const q of [code, '2026-000042']) {
      const l = await w.ok<{ rows: { id: string }[] }>('reports.list', { filters: { q } }, f.clerk);
      expect(
        l.rows.map((r) => r.id),
        q,
      ).toEqual([id]);
    }
  });

  it('pending work is replayed on top of what others did; work that no longer applies has no local effect but stays queued', async () => {
    const { id } = await newReport();
    const create = pendingOutbox(db(), 0)[0]!;
    // The server has the report (confirmed).
    rebase([put('reports', readRow(db(), 'reports', { id })!, id)], create.seq);

    await w.ok('reports.takeInCharge', { id }, f.clerk);
    await w.ok('reports.addNote', { id, text: 'Chiamato il cittadino' }, f.clerk);
    await w.ok(
      'reports.close',
      { id, outcomeId: f.positivoId, closingNote: 'Sostituita la lampada' },
      f.clerk,
    );
    expect(pendingOutbox(db(), create.seq).map((o) => o.name)).toEqual([
      'report.setStatus',
      'report.addNote',
      'report.close',
    ]);

    // Meanwhile a colleague took it in charge and closed it on another PC: the server
    // state arrives before our mutations were processed.
    const base = readRow(db(), 'reports', { id })!;
    const closedElsewhere = {
      ...base,
      status: 'chiuso',
      outcomeId: f.positivoId,
      closingNote: 'Chiusa da Mario',
      closedAt: w.clock.now,
      updatedBy: f.colleagueId,
    };
    const result = rebase([put('reports', closedElsewhere, id)], create.seq);
    expect(result.replayed).toBe(1); // only the note still applies
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    expect(d.closingNote).toBe('Chiusa da Mario');
    expect(d.log.filter((e) => e.kind === 'note').map((e) => e.text)).toEqual(['Chiamato il cittadino']);
    // Nothing is dropped: all three wait for the server's verdict.
    expect(pendingOutbox(db(), getSyncState(db())!.ackedSeq)).toHaveLength(3);
  });

  it('undo restores exactly the rows a mutation overwrote, and a repeated rebase is stable', async () => {
    const { id } = await newReport();
    const before = readRow(db(), 'reports', { id })!;
    await w.ok(
      'reports.update',
      { id, patch: { title: 'Lampione spento (via Tasso 12)', priority: 'alta' } },
      f.clerk,
    );
    for (let i = 0; i < 3; i++) rebase([], 0);
    const after = readRow(db(), 'reports', { id })!;
    expect(after.title).toBe('Lampione spento (via Tasso 12)');
    expect(after.priority).toBe('alta');
    expect(after.createdAt).toBe(before.createdAt);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.clerk);
    // Replays do not pile up log entries.
    expect(d.log.map((e) => e.action)).toEqual(['created', 'updated']);
  });

  it('a report that leaves this user’s view is removed with everything hanging off it', async () => {
    const { id } = await newReport();
    const seq = pendingOutbox(db(), 0)[0]!.seq;
    rebase([put('reports', readRow(db(), 'reports', { id })!, id)], seq);
    rebase([{ table: 'reports', op: 'del', key: id, row: null }], seq);
    expect(readRow(db(), 'reports', { id })).toBeNull();
    expect(db().prepare('SELECT count(*) AS n FROM log_entries').get()).toEqual({ n: 0 });
    expect(await w.core.call('reports.get', { id }, f.clerk)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('children arriving before their report (ordered by version) wait in a placeholder', async () => {
    const rid = '01900000-0000-7000-8000-0000000000ab';
    const logId = '01900000-0000-7000-8000-0000000000ac';
    rebase(
      [
        put(
          'log_entries',
          {
            id: logId,
            reportId: rid,
            at: 1,
            actorId: f.colleagueId,
            kind: 'note',
            action: 'note',
            data: null,
            text: 'Prima nota',
            mentions: [],
          },
          logId,
        ),
      ],
      0,
      true,
    );
    const placeholder = readRow(db(), 'reports', { id: rid })!;
    expect(placeholder.title).toMatch(/Sincronizzazione/);
    const real = {
      ...placeholder,
      code: '2026-000007',
      title: 'Tombino rotto',
      channel: 'web',
      createdBy: f.colleagueId,
      updatedBy: f.colleagueId,
    };
    rebase([put('reports', real, rid)], 0);
    const d = await w.ok<ReportDetail>('reports.get', { id: rid }, f.clerk);
    expect(d).toMatchObject({ code: '2026-000007', title: 'Tombino rotto' });
    expect(d.log.map((e) => e.text)).toEqual(['Prima nota']);
    const found = await w.ok<{ rows: { id: string }[] }>(
      'reports.list',
      { filters: { q: 'prima nota' } },
      f.clerk,
    );
    expect(found.rows.map((r) => r.id)).toEqual([rid]);
  });
});
