/**
 * Manual merge and un-merge through the API on a real replica: every reporter,
 * attachment and log entry of the merged reports shows on the main one and comes back
 * exactly on un-merge; merged codes open the main report; permissions; a report
 * without reporters merges like any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src-shared/api';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { createAt, newReporter, offset, PIAZZA_VECCHIA } from './testing';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const get = (id: string) => w.ok<ReportDetail>('reports.get', { id }, f.clerk);
const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
const attach = (reportId: string, fileName: string) =>
  w.ok<{ id: string }>(
    'attachments.add',
    { reportId, fileName, mime: 'text/plain', dataBase64: png },
    f.clerk,
  );
/** What un-merging must give back: the report as it was, minus the merge's own log entries. */
const shape = (d: ReportDetail) => ({
  status: d.status,
  mergedInto: d.mergedInto,
  reporters: d.reporters.map((r) => r.id),
  attachments: d.attachments.map((a) => a.id),
  log: d.log.filter((e) => !['merged_into', 'unmerged'].includes(e.action)).map((e) => e.id),
});

describe('merge and un-merge', () => {
  it('keeps every reporter, attachment and log entry, opens merged codes on the main report, and undoes exactly', async () => {
    const a = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca davanti al Palazzo della Ragione', {
      reporters: [newReporter('Anna', 'Rota', 'anna.rota@example.it')],
    });
    await w.ok('reports.addNote', { id: a.id, text: 'Sopralluogo richiesto' }, f.clerk);
    await attach(a.id, 'foto-a.txt');
    w.clock.advance(3_600_000);
    const b = await createAt(w, f.clerk, f.bucaId, offset(40, 0), 'Buca in piazza Vecchia', {
      reporters: [newReporter('Bruno', 'Pesenti', 'bruno.pesenti@example.it')],
    });
    await attach(b.id, 'foto-b.txt');
    await w.ok('reports.takeInCharge', { id: b.id }, f.clerk);
    // An internal report: no reporters at all.
    const z = await createAt(w, f.clerk, f.bucaId, offset(0, 30), 'Verifica interna', { channel: 'interno' });
    const beforeB = shape(await get(b.id));
    const beforeZ = shape(await get(z.id));
    const beforeA = shape(await get(a.id));

    // Permissions are the mutation's: no «modifiche rilevanti», no merge; suppliers never.
    const colleague = (
      await w.ok<{ token: string }>('auth.login', {
        username: 'mario.rossi',
        password: 'password-mario.rossi',
      })
    ).token;
    for (const session of [colleague, f.supplier]) {
      const r = await w.core.call('duplicates.merge', { mainId: a.id, reportIds: [b.id] }, session);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(['forbidden', 'not_found']).toContain(r.error.code);
    }
    const self = await w.core.call('duplicates.merge', { mainId: a.id, reportIds: [a.id] }, f.clerk);
    expect(self.ok).toBe(false);

    await w.ok('duplicates.merge', { mainId: a.id, reportIds: [b.id, z.id] }, f.clerk);

    const main = await get(a.id);
    expect(main.status).toBe('nuovo');
    expect(main.merged.map((m) => [m.code, m.status])).toEqual([
      [b.code, 'in_gestione'],
      [z.code, 'nuovo'],
    ]);
    expect(main.reporters.map((r) => `${r.nome} ${r.cognome}`)).toEqual(['Anna Rota', 'Bruno Pesenti']);
    expect(main.attachments.map((x) => x.fileName)).toEqual(['foto-a.txt', 'foto-b.txt']);
    const mergedB = await get(b.id);
    // Every log entry of B (and Z) reads on A, plus the merge itself on every report.
    for (const id of [...beforeB.log, ...beforeZ.log]) expect(main.log.map((e) => e.id)).toContain(id);
    expect(main.log.filter((e) => e.action === 'merged').map((e) => e.data?.code)).toEqual([b.code, z.code]);
    expect(mergedB.status).toBe('aggregata');
    expect(mergedB.mergedInto).toBe(a.id);
    expect(mergedB.mainCode).toBe(a.code);
    expect(mergedB.log.at(-1)).toMatchObject({ action: 'merged_into', data: { mainCode: a.code } });

    // Codes: "Vai al codice" and the search lead to the main report.
    expect(await w.ok('reports.openByCode', { code: b.code }, f.clerk)).toEqual({ id: a.id, code: a.code });
    const search = await w.ok<{ rows: { id: string }[] }>(
      'reports.list',
      { filters: { q: b.code } },
      f.clerk,
    );
    expect(search.rows.map((r) => r.id)).toEqual([a.id]);
    // Default lists and counts leave merged reports out.
    const list = await w.ok<{ rows: { id: string }[] }>('reports.list', {}, f.clerk);
    expect(list.rows.map((r) => r.id).sort()).toEqual([a.id]);
    const dash = await w.ok<{ byStatus: Record<string, number> }>('dashboard.get', {}, f.clerk);
    expect(dash.byStatus).toEqual({ nuovo: 1, in_gestione: 0, chiuso: 0 });
    // A merged report is read-only, and cannot be merged twice.
    expect((await w.core.call('reports.update', { id: b.id, patch: { title: 'x' } }, f.clerk)).ok).toBe(
      false,
    );
    expect((await w.core.call('reports.takeInCharge', { id: z.id }, f.clerk)).ok).toBe(false);
    const twice = await w.core.call('duplicates.merge', { mainId: z.id, reportIds: [b.id] }, f.clerk);
    expect(twice.ok).toBe(false);

    // Un-merge: exactly as before, the main report too.
    await w.ok('duplicates.unmerge', { reportId: b.id }, f.clerk);
    await w.ok('duplicates.unmerge', { reportId: z.id }, f.clerk);
    expect(shape(await get(b.id))).toEqual(beforeB);
    expect(shape(await get(z.id))).toEqual(beforeZ);
    const after = await get(a.id);
    expect({ ...shape(after), log: shape(after).log.filter((id) => beforeA.log.includes(id)) }).toEqual(
      beforeA,
    );
    expect(after.merged).toEqual([]);
    expect(after.log.filter((e) => e.action === 'unmerged_from').map((e) => e.data?.code)).toEqual([
      b.code,
      z.code,
    ]);
    expect((await get(b.id)).log.at(-1)).toMatchObject({
      action: 'unmerged',
      data: { statusAfter: 'in_gestione' },
    });
    expect(await w.ok('reports.openByCode', { code: b.code }, f.clerk)).toEqual({ id: b.id, code: b.code });
    const again = await w.ok<{ rows: { id: string }[] }>('reports.list', { filters: { q: b.code } }, f.clerk);
    expect(again.rows.map((r) => r.id)).toEqual([b.id]);
    const unmergeTwice = await w.core.call('duplicates.unmerge', { reportId: b.id }, f.clerk);
    expect(unmergeTwice.ok).toBe(false);
  });
});
